import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openBundle } from '../../src/expressway/bundle.js';
import {
  boxFromBundle,
  boxFromSpecs,
  certFromSpec,
  conditionInput,
  DEFAULT_FAR_ENDS,
  editionOf,
  parseCertSpec,
  predict,
  SpecError,
  whatIfCaptureFolders,
  type WhatIfInput,
} from '../../src/expressway/whatif.js';
import { whatIfDoc, whatIfJson, WHATIF_SCHEMA } from '../../src/narrate/whatif.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderText } from '../../src/report/text.js';
import { capturesDir } from '../helpers/corpus.js';

function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  return main(args, { out: (t) => void (out += t), err: (t) => void (err += t) }).then((code) => ({ code, out, err }));
}

describe('certificate specs', () => {
  it('reads the documented forms', () => {
    expect(parseCertSpec('eku=serverAuth,clientAuth,issuer=private')).toEqual({ eku: ['serverAuth', 'clientAuth'], ekuGiven: true, issuer: 'private', copy: false });
    expect(parseCertSpec('eku=serverAuth+clientAuth,issuer=private')).toEqual(parseCertSpec('eku=serverAuth,clientAuth,issuer=private'));
    expect(parseCertSpec('issuer=public,eku=server')).toMatchObject({ eku: ['serverAuth'], issuer: 'public' });
    expect(parseCertSpec('eku=none,issuer=private')).toMatchObject({ ekuGiven: true, issuer: 'private' });
    expect(parseCertSpec('eku=none').eku).toBeUndefined();
    expect(parseCertSpec('eku=clientAuth,serverAuth,issuer=public,ca-eku=none')).toMatchObject({ caEku: 'none' });
    expect(parseCertSpec('eku=any,1.3.6.1.5.5.7.3.4')).toMatchObject({ eku: ['anyExtendedKeyUsage', '1.3.6.1.5.5.7.3.4'] });
    expect(parseCertSpec('copy')).toMatchObject({ copy: true, ekuGiven: false });
    expect(parseCertSpec('issuer=private')).toMatchObject({ ekuGiven: false, issuer: 'private' });
  });

  it('refuses what it cannot read, saying why', () => {
    for (const bad of ['', 'eku=', 'eku=serverauth,flavour=x', 'eku=codeSigning', 'issuer=internal', 'eku=none,clientAuth', 'copy,eku=serverAuth', 'serverAuth', 'eku=a,eku=b']) {
      expect(() => parseCertSpec(bad), bad).toThrow(SpecError);
    }
    expect(() => certFromSpec(parseCertSpec('issuer=public'), 'x')).toThrow(/needs eku=/);
    expect(() => certFromSpec(parseCertSpec('copy'), 'x')).toThrow(/copy needs/);
  });

  it('models chains: public = serverAuth-only issuing CA (2026), private = CA without EKU', () => {
    const pub = certFromSpec(parseCertSpec('eku=serverAuth,clientAuth,issuer=public'), 'c.example');
    expect(pub.chain).toHaveLength(3);
    expect(pub.chain[1]!.eku).toMatchObject({ present: true, serverAuth: true, clientAuth: false });
    const priv = certFromSpec(parseCertSpec('eku=serverAuth,clientAuth,issuer=private'), 'c.example');
    expect(priv.chain).toHaveLength(2);
    expect(priv.chain[1]!.eku?.present).toBe(false);
    const old = certFromSpec(parseCertSpec('eku=serverAuth,clientAuth,issuer=public,ca-eku=serverAuth,clientAuth'), 'c.example');
    expect(old.chain[1]!.eku).toMatchObject({ serverAuth: true, clientAuth: true });
  });
});

function flagsInput(c: { client?: string; server?: string }, e: { client?: string; server?: string }, eMode: 'On' | 'Off' = 'On'): WhatIfInput {
  return { c: boxFromSpecs('c', c, 'On', 'flag'), e: boxFromSpecs('e', e, eMode, 'flag'), farEnds: DEFAULT_FAR_ENDS };
}

describe('predictions from flags', () => {
  it('E5: a clientAuth leaf under a public serverAuth-only intermediate fails as a client certificate (captures/10)', () => {
    const r = predict(flagsInput({ client: 'eku=serverAuth,clientAuth,issuer=public', server: 'eku=serverAuth,issuer=public' }, { server: 'eku=serverAuth,issuer=public' }));
    const uc = r.predictions.find((p) => p.id === 'uc-traversal')!;
    expect(uc.outcome).toBe('fails');
    expect(uc.rules).toContain('E5');
    expect(uc.rules).not.toContain('E2');
    expect(uc.captures.map((c) => c.folder)).toContain('10-eku-chaining');
    expect(uc.reasons.find((x) => x.effect === 'fails')!.text).toMatch(/Java probably accepts/);
    // The same leaf from a pre-2026 public hierarchy (CA allowing clientAuth) is fine.
    const older = predict(flagsInput({ client: 'eku=serverAuth,clientAuth,issuer=public,ca-eku=serverAuth+clientAuth' }, { server: 'eku=serverAuth,issuer=public' }));
    expect(older.predictions.find((p) => p.id === 'uc-traversal')!.outcome).toBe('works');
  });

  it('E1: a client certificate without any EKU extension is unrestricted', () => {
    const r = predict(flagsInput({ client: 'eku=none,issuer=private' }, { server: 'eku=serverAuth,issuer=public' }));
    const uc = r.predictions.find((p) => p.id === 'uc-traversal')!;
    expect(uc.outcome).toBe('works');
    expect(uc.rules).toContain('E1');
  });

  it('X4 Off with a clientAuth-only certificate: uncertain, not asserted', () => {
    const r = predict(flagsInput({ client: 'eku=clientAuth,issuer=private' }, { server: 'eku=serverAuth,issuer=public' }, 'Off'));
    expect(r.predictions.find((p) => p.id === 'uc-traversal')!.outcome).toBe('works'); // it has clientAuth
    const r2 = predict(flagsInput({ client: 'eku=1.3.6.1.5.5.7.3.4,issuer=private' }, { server: 'eku=serverAuth,issuer=public' }, 'Off'));
    const uc2 = r2.predictions.find((p) => p.id === 'uc-traversal')!;
    expect(uc2.outcome).toBe('uncertain');
    expect(uc2.uncertain.join(' ')).toMatch(/X4 "Off"/);
  });

  it('an Edge server certificate without serverAuth fails wherever E is TLS server (E6)', () => {
    const r = predict(flagsInput({ client: 'eku=serverAuth,clientAuth,issuer=private' }, { server: 'eku=clientAuth,issuer=private' }));
    for (const id of ['uc-traversal', 'ssh-tunnels', 'mra-login', 'webrtc-proxy', 'b2b-inbound']) {
      expect(r.predictions.find((p) => p.id === id)!.outcome, id).toBe('fails');
    }
  });

  it('says what it was not given instead of guessing', () => {
    const r = predict(flagsInput({}, { client: 'eku=serverAuth,clientAuth,issuer=private' }));
    expect(r.predictions.find((p) => p.id === 'uc-traversal')!.outcome).toBe('uncertain');
    expect(r.notes.map((n) => n.text).join(' ')).toMatch(/no certificate for Expressway-C's client store/);
  });

  it('X3: a serverAuth-only certificate typed into the client store is flagged as refused by the upload page', () => {
    const r = predict(flagsInput({ client: 'eku=serverAuth,issuer=public' }, {}));
    expect(r.notes.some((n) => n.rules.includes('X3'))).toBe(true);
    const copied = predict(conditionInput('4'));
    expect(copied.notes.some((n) => n.rules.includes('X2') && /Expressway-E/.test(n.text))).toBe(true);
    expect(copied.notes.some((n) => n.rules.includes('X3') && /Expressway-E/.test(n.text))).toBe(false);
  });

  it('every capture it names exists', () => {
    for (const f of whatIfCaptureFolders()) expect(existsSync(join(capturesDir, f)), f).toBe(true);
  });
});

describe('predictions from bundles agree with what the captures show', () => {
  async function fromFolder(folder: string): Promise<WhatIfInput> {
    const set = await openBundle(join(capturesDir, folder));
    const boxes = set.bundles.map(boxFromBundle);
    const c = boxes.find((b) => b.edition === 'c')!.box;
    const e = boxes.find((b) => b.edition === 'e')!.box;
    return { c, e, farEnds: DEFAULT_FAR_ENDS };
  }
  const outcome = (input: WhatIfInput, id: string) => predict(input).predictions.find((p) => p.id === id)!;

  it('tells C from E by the traversal zone in xconf', async () => {
    const set = await openBundle(join(capturesDir, '05-uc-traversal-eku-on-failed'));
    expect(Object.fromEntries(set.bundles.map((b) => [b.host, editionOf(b)]))).toEqual({ vcs8c: 'c', smartslave: 'e' });
  });

  it('05: zone fails (alert 43 in the capture); 06: zone works, 2222 fails; 07: both work; 10: zone fails on E5', async () => {
    const i05 = await fromFolder('05-uc-traversal-eku-on-failed');
    expect(outcome(i05, 'uc-traversal').outcome).toBe('fails');
    expect(i05.c.client?.copiedFromServer).toBe(true);
    const i06 = await fromFolder('06-uc-traversal-eku-off-ssh-fails');
    expect(i06.e.checking).toBe('Off');
    expect(i06.e.checkingSource).toBe('xconf');
    expect(outcome(i06, 'uc-traversal').outcome).toBe('works');
    expect(outcome(i06, 'ssh-tunnels').outcome).toBe('fails');
    const i07 = await fromFolder('07-condition-2-1-success');
    expect(outcome(i07, 'uc-traversal').outcome).toBe('works');
    expect(outcome(i07, 'ssh-tunnels').outcome).toBe('works');
    const i10 = await fromFolder('10-eku-chaining');
    const uc10 = outcome(i10, 'uc-traversal');
    expect(uc10.outcome).toBe('fails');
    expect(uc10.rules).toContain('E5');
    expect(uc10.captures.map((c) => c.folder)).toContain('10-eku-chaining');
  });

  it('checks C↔E trust against the bundles\' CA lists', async () => {
    const i07 = await fromFolder('07-condition-2-1-success');
    const noTrust = { ...i07, e: { ...i07.e, trusted: i07.e.trusted!.filter((c) => !/RICKY200/.test(c.subject?.rfc4514 ?? '')) } };
    const uc = outcome(noTrust, 'uc-traversal');
    expect(uc.outcome).toBe('fails');
    expect(uc.summary).toMatch(/unknown_ca/);
  });
});

describe('rendering', () => {
  it('text, Markdown and versioned JSON from one result', () => {
    const r = predict(conditionInput('2', { e: 'Off' }));
    const doc = whatIfDoc(r);
    const text = renderText(doc, { color: false });
    expect(text).toMatch(/UC traversal zone +Exp-C → Exp-E:7001 +C client, E server +✔ works/);
    expect(text).toMatch(/SSH tunnels .*✖ FAILS/);
    expect(text).toContain('captures/06-uc-traversal-eku-off-ssh-fails');
    const md = renderMarkdown(doc);
    expect(md).toMatch(/^\| SSH tunnels \| Exp-C → Exp-E:2222 \|/m);
    const json = whatIfJson(r) as { schema: string; predictions: { id: string; outcome: string; captures: { path: string }[] }[] };
    expect(json.schema).toBe(WHATIF_SCHEMA);
    expect(json.predictions.find((p) => p.id === 'ssh-tunnels')).toMatchObject({ outcome: 'fails', captures: [{ path: 'captures/06-uc-traversal-eku-off-ssh-fails' }] });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe('ekuscope whatif (CLI)', () => {
  it('flags, condition presets and formats; exit 1 when a service is predicted to fail', async () => {
    const a = await run(['whatif', '--c-client', 'eku=serverAuth,clientAuth,issuer=private', '--c-server', 'eku=serverAuth,issuer=public', '--e-server', 'eku=serverAuth,issuer=public', '--e-client', 'copy', '--format', 'json']);
    expect(a.code).toBe(0);
    const j = JSON.parse(a.out) as { predictions: { id: string; outcome: string }[] };
    expect(j.predictions.find((p) => p.id === 'uc-traversal')!.outcome).toBe('works');
    expect(j.predictions.find((p) => p.id === 'webex-call')!.outcome).toBe('depends');
    const b = await run(['whatif', '--condition', '2', '--e-checking', 'Off', '--format', 'markdown']);
    expect(b.code).toBe(1);
    expect(b.out).toMatch(/^# Condition 2/);
    const c = await run(['whatif', '--condition', '2.1', '--c-client', 'eku=serverAuth,issuer=public']);
    expect(c.code).toBe(1);
    expect(c.out).toMatch(/UC traversal zone.*FAILS/);
  });

  it('bundles, with flags overriding a store or only its issuer', async () => {
    const a = await run(['whatif', join(capturesDir, '06-uc-traversal-eku-off-ssh-fails'), '--format', 'json']);
    const j = JSON.parse(a.out) as { inputs: { c: { host: string }; e: { checking: string } }; predictions: { id: string; outcome: string }[] };
    expect(j.inputs.c.host).toBe('vcs8c');
    expect(j.inputs.e.checking).toBe('Off');
    expect(j.predictions.find((p) => p.id === 'ssh-tunnels')!.outcome).toBe('fails');
    const fixed = await run(['whatif', join(capturesDir, '06-uc-traversal-eku-off-ssh-fails'), '--c-client', 'eku=serverAuth,clientAuth,issuer=private', '--format', 'json']);
    const jf = JSON.parse(fixed.out) as { predictions: { id: string; outcome: string }[] };
    expect(jf.predictions.find((p) => p.id === 'ssh-tunnels')!.outcome).toBe('works');
    const relabel = await run(['whatif', join(capturesDir, '08-all-private-ca-unknown-ca'), '--e-bundle', join(capturesDir, '08-all-private-ca-unknown-ca'), '--e-client', 'issuer=private', '--remote-trusts-private', 'no', '--format', 'json']);
    expect(relabel.code).toBe(1);
    const jr = JSON.parse(relabel.out) as { predictions: { id: string; outcome: string }[] };
    expect(jr.predictions.find((p) => p.id === 'b2b-outbound')!.outcome).toBe('fails');
  });

  it('usage errors exit 2 with a reason', async () => {
    for (const args of [
      ['whatif'],
      ['whatif', '--c-client', 'eku=serverAuth,flavour=x'],
      ['whatif', '--condition', '7'],
      ['whatif', '--condition', '2', '--e-checking', 'maybe'],
      ['whatif', '--condition', '2', '--format', 'xml'],
      ['whatif', '--condition', '2', join(capturesDir, '05-uc-traversal-eku-on-failed')],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toMatch(/^ekuscope: /);
    }
  });
});
