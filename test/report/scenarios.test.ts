/**
 * The sentences each scenario's report must contain (SCENARIOS.md and captures/<scenario>/README.md),
 * asserted on the stories and findings, so that regenerating the goldens cannot accept a wrong story.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding, Inline } from '../../src/narrate/doc.js';
import type { Explanation, SessionStory } from '../../src/narrate/explanation.js';
import { runReport } from '../../src/cli/report.js';
import { capturesDir, corpusDir } from '../helpers/corpus.js';
import { scenarioReports } from './reports.js';

const NAMES = [
  '01-webex-client-cert',
  '02-neighbor-zone-server',
  '03-cucm-tftp-6972',
  '03b-cucm-tftp-6972-tls13',
  '04-upgrade-same-cert',
  '05-uc-traversal-eku-on-failed',
  '06-uc-traversal-eku-off-ssh-fails',
  '07-condition-2-1-success',
  '08-all-private-ca-unknown-ca',
  '09-edge-public-client-cert',
  '10-eku-chaining',
  '11-silent-close',
  '12-tls13-uc-traversal-keylog',
  '13-store-rule-other-store',
  'variants',
].filter((n) => existsSync(join(capturesDir, n)));

/** A sentence as plain text, with the frames it cites. */
function sentences(st: SessionStory): { text: string; frames: number[] }[] {
  return st.sentences.map((s: readonly Inline[]) => ({
    text: s.map((i) => (typeof i === 'string' ? i : i.kind === 'frames' || i.kind === 'severity' ? '' : i.text)).join(''),
    frames: s.flatMap((i) => (typeof i !== 'string' && i.kind === 'frames' ? [...i.frames] : [])),
  }));
}

function says(st: SessionStory, re: RegExp, frame?: number): void {
  const hit = sentences(st).find((s) => re.test(s.text));
  expect(hit, `no sentence matches ${re}:\n${sentences(st).map((s) => s.text).join('\n')}`).toBeDefined();
  if (frame !== undefined) expect(hit!.frames).toContain(frame);
}

const finding = (st: SessionStory, code: string): Finding | undefined => st.findings.find((f) => f.code === code);

describe('scenario stories', () => {
  let r: Record<string, Explanation | undefined>;
  beforeAll(async () => {
    r = await scenarioReports(NAMES);
  });
  const story = (name: string, i = 0): SessionStory => {
    const e = r[name];
    expect(e, name).toBeDefined();
    const st = e!.stories[i];
    expect(st, `${name} story ${i}`).toBeDefined();
    return st!;
  };

  it('every sentence of every story cites frames', () => {
    for (const n of NAMES) for (const st of r[n]!.stories) for (const s of sentences(st)) expect(s.frames.length, `${n}: ${s.text}`).toBeGreaterThan(0);
  });

  it('01: Expressway-E is TLS client, presents its client store with clientAuth, completes', () => {
    const st = story('01-webex-client-cert');
    expect(st.outcome).toBe('ok');
    says(st, /^Expressway-E smartslave \(10\.106\.80\.31:25002\) sent the ClientHello, so it was the TLS client/, 4);
    says(st, /client-store certificate \(client_smartslave_.*\.pem\): as TLS client, Expressway presents its client store \(X1\)/, 11);
    says(st, /2f0000004c869c77c8981becde00000000004c/, 11);
    says(st, /needs clientAuth because Webex requests a client certificate .* It has clientAuth/);
    says(st, /handshake completed/, 15);
  });

  it('02: vcs8c is TLS server and presents its server store; the neighbor certificate needs clientAuth (X4 On) and has it', () => {
    const st = story('02-neighbor-zone-server');
    expect(st.outcome).toBe('ok');
    says(st, /Expressway-C vcs8c \(10\.106\.80\.16:5061\) was the TLS server/, 4);
    says(st, /server-store certificate \(server_vcs8c_.*\): as TLS server, Expressway presents its server store \(X1\)/, 8);
    says(st, /46df76aa0000000029/, 8);
    says(st, /client certificate it needs clientAuth because Expressway-C vcs8c checks it \(SIP TLS EKU checking On in its xconf dump, X4\)\. It has clientAuth/, 11);
  });

  it('03: vcs8c client store is the copied server certificate (X2); clientAuth needed because CUCM asked, and present', () => {
    const st = story('03-cucm-tftp-6972');
    expect(st.outcome).toBe('ok');
    says(st, /client-store certificate .* also in its server store .*X2/, 12);
    says(st, /needs clientAuth because CUCM requested a client certificate/);
  });

  it('03b: TLS 1.3: roles observed, certificates inferred (T7), completion inferred', () => {
    const st = story('03b-cucm-tftp-6972-tls13');
    says(st, /sent the ClientHello, so it was the TLS client/, 4);
    says(st, /cannot be seen without keys \(T7\)/);
    says(st, /would present its client-store certificate .*46df76aa0000000029.*inferred, not observed/);
    expect(st.outcomeText).toMatch(/inferred/);
    expect(st.outcome).toBe('ok');
  });

  it('04: one certificate in both stores (X2); inbound uses the server store, outbound the client store', () => {
    const e = r['04-upgrade-same-cert']!;
    expect(e.stories).toHaveLength(2);
    says(e.stories[0]!, /server-store certificate .*as TLS server/, 8);
    says(e.stories[1]!, /client-store certificate .*as TLS client/, 38);
    const x2 = e.findings.find((f) => f.code === 'same-cert-both-stores')!;
    expect(x2.rule).toBe('X2');
    expect(x2.fix).toMatch(/renewed from a public CA/);
  });

  it('05: Expressway-C client, client store without clientAuth, Expressway-E (On) rejects with 43 in frame 14, fix given', () => {
    const st = story('05-uc-traversal-eku-on-failed');
    expect(st.outcome).toBe('failed');
    says(st, /^Expressway-C vcs8c \(10\.106\.80\.16:25731\) sent the ClientHello, so it was the TLS client; Expressway-E smartslave/, 4);
    says(st, /That is Expressway-C vcs8c's client-store certificate/, 12);
    says(st, /03a1c47e5b92d6f0e81c2b4d6a8f0e1c7b39/, 12);
    says(st, /needs clientAuth because Expressway-E smartslave checks it \(SIP TLS EKU checking On in its xconf dump, X4\)\. It does not have clientAuth/);
    says(st, /Expressway-E smartslave \(the TLS server\) answered with a fatal alert 43 unsupported_certificate in frame 14, right after Expressway-C vcs8c's Certificate/, 14);
    says(st, /points strongly at a purpose/, 14);
    const rej = finding(st, 'client-cert-rejected')!;
    expect(rej.severity).toBe('error');
    expect(rej.frames).toEqual([14]);
    expect(rej.fix).toMatch(/certificate with clientAuth in Expressway-C vcs8c's client store/);
    expect(rej.fix).toMatch(/SSH tunnels \(2222\) still need clientAuth/);
    expect(finding(st, 'client-cert-lacks-clientauth')?.severity).toBe('error');
  });

  it('06: 7001 accepted because checking is Off (X4); 2222 rejected with 43 because SSH tunnels always need clientAuth (X5)', () => {
    const e = r['06-uc-traversal-eku-off-ssh-fails']!;
    const uc = e.stories.find((s) => s.service?.startsWith('UC traversal'))!;
    const ssh = e.stories.find((s) => s.service === 'SSH tunnels')!;
    expect(uc.outcome).toBe('warning');
    says(uc, /would need clientAuth, but Expressway-E smartslave has SIP TLS EKU checking Off/);
    expect(finding(uc, 'client-cert-lacks-clientauth')?.detail).toMatch(/SSH tunnels, X5\) still fail/);
    expect(ssh.outcome).toBe('failed');
    says(ssh, /SSH tunnels to Expressway-E on 2222 need it whatever the checking mode \(X5\)/);
    says(ssh, /fatal alert 43 unsupported_certificate in frame 40/, 40);
    expect(finding(ssh, 'client-cert-rejected')?.fix).toMatch(/does not help here: SSH tunnels always need clientAuth \(X5\)/);
  });

  it('07: CA1 client certificate with clientAuth on 7001 and 2222; Expressway-E presents its server store; both complete', () => {
    const e = r['07-condition-2-1-success']!;
    expect(e.stories.map((s) => s.outcome)).toEqual(['ok', 'ok']);
    for (const st of e.stories) {
      says(st, /client-store certificate .*as TLS client/);
      says(st, /server-store certificate .*as TLS server/);
      says(st, /46df76aa0000000031/);
      expect(finding(st, 'client-cert-has-clientauth')).toBeDefined();
    }
    // The README's note: vcs8c's serverAuth-only server store does not matter here (X1).
    expect(e.findings.find((f) => f.code === 'store-not-exercised' && /vcs8c is TLS client in every session here, so its server store plays no part/.test(f.title))).toBeDefined();
  });

  it('08: alert 48 after the client certificate is trust, not EKU (T5); fix: trust CA1', () => {
    const st = story('08-all-private-ca-unknown-ca');
    expect(st.outcome).toBe('failed');
    says(st, /fatal alert 48 unknown_ca in frame 14/, 14);
    says(st, /about trust.*not an EKU failure \(T5\)/);
    says(st, /EKU is not the cause/);
    const f = finding(st, 'client-cert-rejected')!;
    expect(f.rule).toBe('T5');
    expect(f.fix).toMatch(/must trust CN=bgluclab-WIN-DC-01-CA/);
    expect(finding(st, 'certificate-request-misfit')?.detail).toMatch(/names none of the 1 CA/);
  });

  it('09: same serverAuth-only certificate: 43 where the remote checks, completes where it does not (X7)', () => {
    const e = r['09-edge-public-client-cert']!;
    const [checks, nocheck] = e.stories;
    expect(checks!.outcome).toBe('failed');
    says(checks!, /203\.0\.113\.45 \(the TLS server\) answered with a fatal alert 43/, 14);
    expect(finding(checks!, 'client-cert-rejected')?.fix).toMatch(/or have the peer disable its clientAuth check \(X7\)/);
    expect(nocheck!.outcome).toBe('warning');
    expect(finding(nocheck!, 'client-cert-lacks-clientauth')?.detail).toMatch(/evidently does not check it/);
    expect(e.findings.find((f) => f.code === 'same-cert-both-stores')?.severity).toBe('warning');
  });

  it('10: the leaf has clientAuth but its issuing CA is serverAuth-only (E5); 43 confirms a purpose failure', () => {
    const st = story('10-eku-chaining');
    says(st, /The leaf has serverAuth \+ clientAuth, but the CA above it, CN=Example Public TLS CA 2026.*restricts EKU to serverAuth only.*\(E5/);
    const f = finding(st, 'ca-eku-blocks-clientauth')!;
    expect(f.rule).toBe('E5');
    expect(f.fix).toMatch(/whole chain allows clientAuth/);
    says(st, /points strongly at a purpose/, 14);
  });

  it('11: a FIN from the server after the client flight, no alert: likely rejection, no reason given (T8)', () => {
    const st = story('11-silent-close');
    expect(st.outcome).toBe('failed');
    says(st, /closed the connection \(FIN\) in frame 14, right after Expressway-C vcs8c's Certificate.*without an alert.*the peer gave no reason \(T8/, 14);
    says(st, /EKU is the probable reason/);
    expect(finding(st, 'silent-close')?.rule).toBe('T8');
  });

  it('12: with the key log in the folder, the TLS 1.3 story is observed: client store without clientAuth, alert 43 from Expressway-E', () => {
    const e = r['12-tls13-uc-traversal-keylog']!;
    const st = e.stories[0]!;
    says(st, /decrypted with the key log given: what follows is observed, not inferred/);
    says(st, /That is Expressway-C vcs8c's client-store certificate/, 12);
    says(st, /03a1c47e5b92d6f0e81c2b4d6a8f0e1c7b39/, 12);
    says(st, /answered with a fatal alert 43 unsupported_certificate \(decrypted with the key log\) in frame 14/, 14);
    expect(st.outcome).toBe('failed');
    expect(st.findings.some((f) => f.code.startsWith('tls-'))).toBe(false);
    expect(JSON.stringify(e.json)).toMatch(/Key log used for decryption: sslkeylog\.txt/);
  });

  it('12 without keys: likely rejection inferred from record sizes (T7)', async () => {
    const res = await runReport([join(capturesDir, '12-tls13-uc-traversal-keylog')], { format: 'json', quiet: true, decryption: async () => ({ notes: [] }) });
    const st = res.explanation!.stories[0]!;
    says(st, /one 19-byte record \(frame 14\), the size of an encrypted alert/, 14);
    says(st, /Inferred from record sizes/);
    says(st, /would present its client-store certificate .*03a1c47e5b92d6f0e81c2b4d6a8f0e1c7b39.*inferred, not observed/);
    expect(finding(st, 'tls13-not-observed')?.rule).toBe('T7');
    expect(finding(st, 'tls13-likely-rejected')?.severity).toBe('error');
  });

  it('13: a box is recognised by any of its stores; its server store presented as TLS client is an X1 error, in TLS 1.2 and 1.3 alike', () => {
    const e = r['13-store-rule-other-store']!;
    expect(e.stories.length).toBe(3);
    const [ok, t12, t13] = e.stories;
    expect(ok!.outcome).toBe('ok');
    expect(ok!.findings.some((f) => f.code === 'store-as-expected' && /vcs8c presented its client-store certificate/.test(f.title))).toBe(true);
    for (const [st, frame] of [[t12!, 38], [t13!, 57]] as const) {
      expect(st.outcome).toBe('failed');
      says(st, /Expressway-C vcs8c \(10\.106\.80\.17:\d+\) sent the ClientHello.*recognised by the certificate it presented, which is in one of its stores: 10\.106\.80\.17 is not among its known addresses/);
      says(st, /That certificate is in Expressway-C vcs8c's server store \(server_vcs8c_[^)]*\), not its client store, which the store rule says a TLS client presents \(X1\)/, frame);
      const x1 = finding(st, 'store-mismatch')!;
      expect(x1.severity).toBe('error');
      expect(x1.rule).toBe('X1');
      expect(x1.detail).toMatch(/it has serverAuth only, so a server that checks clientAuth refuses it/);
      expect(x1.detail).toMatch(/The client store holds .*46df76aa0000000031.*which the box did not present/);
      expect(x1.fix).toMatch(/present its client store as TLS client: run x15\.5 or later/);
      expect(finding(st, 'client-cert-rejected')?.fix).toBe(x1.fix);
    }
    says(t13!, /fatal alert 43 unsupported_certificate \(decrypted with the key log\)/);
    const line = JSON.stringify(e.doc.blocks[0]);
    expect(line).toMatch(/presented its server store certificate as TLS client; the store rule says client store \[X1\]/);
  });

  it('variants: every format gives the story of 01; the cut capture says the client Certificate is incomplete and guesses no serial', () => {
    const e = r['variants']!;
    expect(e.stories.length).toBe(9);
    const cut = e.stories.find((s) => s.source.includes('-cut'))!;
    says(cut, /Certificate message is cut off in the capture: which certificate it sent cannot be read, and no serial is guessed/);
    expect(cut.outcome).toBe('unknown');
    for (const st of e.stories.filter((s) => s !== cut)) {
      expect(st.outcome, st.source).toBe('ok');
      says(st, /2f0000004c869c77c8981becde00000000004c/);
    }
  });
});

describe('report without an Expressway bundle', () => {
  const corpus = join(corpusDir, 'suricata-verify__tls-store-02__tls-client-auth.pcap');
  it('a corpus capture gets a plain TLS explanation', async () => {
    const res = await runReport([corpus], { format: 'text' });
    expect(res.errors).toEqual([]);
    expect(res.sessions).toBeGreaterThan(0);
    expect(res.text).toMatch(/sent the ClientHello, so it was the TLS client/);
    expect(res.text).toMatch(/none known: a plain TLS explanation/);
    expect(res.text).not.toMatch(/store \(X1\)/);
  });
});
