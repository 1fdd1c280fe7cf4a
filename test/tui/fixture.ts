/**
 * View data for the viewer's tests: scenario 05 (UC traversal zone rejected with alert 43) as the
 * analysis reads it, with a small hand-made Explanation in the shape explain() produces, plus
 * scenario 01 (a mutual-TLS success) so that lists, filters and n/N have more than one session.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeCapture, type Analysis } from '../../src/analysis/index.js';
import type { Finding } from '../../src/narrate/doc.js';
import type { Explanation, SessionStory } from '../../src/narrate/explanation.js';
import type { CaptureData, ViewData } from '../../src/narrate/views.js';
import { loadCertificates } from '../../src/x509/index.js';
import { capturesDir, repoRoot } from '../helpers/corpus.js';

export function scenarioDir(prefix: string): string {
  const d = readdirSync(capturesDir).find((n) => n.startsWith(prefix));
  if (!d) throw new Error(`no captures/${prefix}*`);
  return join(capturesDir, d);
}

export function scenarioCapture(prefix: string, host?: string): string {
  const dir = host ? join(scenarioDir(prefix), host) : scenarioDir(prefix);
  const f = readdirSync(dir).find((n) => /\.pcap(ng)?$/.test(n));
  if (!f) throw new Error(`no capture in ${dir}`);
  return join(dir, f);
}

export const ESC = '\x1b';

export function failingStory(a: Analysis): SessionStory {
  const findings: Finding[] = [
    {
      severity: 'error',
      rule: 'E2',
      alsoRules: ['X4', 'T5'],
      session: 0,
      frames: [12, 14],
      title: "Expressway-C's client certificate lacks clientAuth",
      detail: 'The certificate vcs8c presented from its client store has EKU serverAuth only; smartslave checks clientAuth on inbound SIP TLS (checking On) and rejected it with alert 43.',
      fix: 'Put a certificate with clientAuth (private CA) into the client store of vcs8c.',
      code: 'client-cert-lacks-clientauth',
    },
    {
      severity: 'warning',
      rule: 'X2',
      session: 0,
      frames: [12],
      title: 'The client store holds the server certificate',
      detail: 'The same serial is in client_ and server_ PEM files: copied at upgrade.',
      code: 'same-cert-both-stores',
    },
  ];
  return {
    source: a.source,
    sessionId: 0,
    headline: 'Expressway-C vcs8c → Expressway-E smartslave: UC traversal zone FAILED',
    outcome: 'failed',
    outcomeText: 'rejected by smartslave: fatal alert 43 unsupported_certificate (frame 14)',
    service: 'UC traversal zone (SIP)',
    client: { name: 'vcs8c', kind: 'expressway-c', addresses: ['10.106.80.16'] },
    server: { name: 'smartslave', kind: 'expressway-e', addresses: ['10.106.80.31'] },
    sentences: [
      ['vcs8c acted as TLS client and presented its client-store certificate ', { kind: 'frames', frames: [10, 11, 12] }],
      ['smartslave sent ', { kind: 'strong', text: 'fatal alert 43' }, ' right after the client certificate ', { kind: 'frames', frames: [14] }],
    ],
    findings,
    ladder: [{ from: 'left', label: 'Certificate (2)', frame: 12, note: 'serial 03a1c47e…7b39, client store', tone: 'bad' }],
    blocks: [],
  };
}

export function okStory(a: Analysis): SessionStory {
  return {
    source: a.source,
    sessionId: a.sessions[0]!.id,
    headline: 'Expressway-E smartslave → Webex: mutual TLS completed',
    outcome: 'ok',
    outcomeText: 'handshake completed',
    service: 'Webex call',
    client: { name: 'smartslave', kind: 'expressway-e', addresses: ['10.106.80.31'] },
    server: { name: 'Webex', kind: 'peer', addresses: ['163.129.37.33'] },
    sentences: [['smartslave presented its client-store certificate, which has clientAuth ', { kind: 'frames', frames: [a.sessions[0]!.certificateMessages.at(-1)?.frame ?? 1] }]],
    findings: [
      { severity: 'info', rule: 'X1', session: a.sessions[0]!.id, frames: [], title: 'Client store presented as the TLS client', detail: 'As the store rule says.', code: 'store-rule' },
    ],
    ladder: [],
    blocks: [],
  };
}

export function explanationOf(stories: SessionStory[]): Explanation {
  return { title: 'test', doc: { title: 'test', blocks: [] }, stories, findings: stories.flatMap((s) => s.findings), json: {} };
}

export interface Fixture {
  readonly failing: Analysis;
  readonly ok: Analysis;
  /** Both captures, no explanation (as while reading). */
  readonly raw: ViewData;
  /** Both captures with their stories. */
  readonly explained: ViewData;
}

export async function fixture(): Promise<Fixture> {
  const failing = await analyzeCapture(scenarioCapture('05-', 'vcs8c'), { messageBytes: 'all' });
  const ok = await analyzeCapture(scenarioCapture('01-'), { messageBytes: 'all' });
  const raw: ViewData = { captures: [failing, ok] };
  const explained: ViewData = { captures: [failing, ok], explanation: explanationOf([failingStory(failing), okStory(ok)]) };
  return { failing, ok, raw, explained };
}

/**
 * Capture-controlled text at its worst: the client's leaf replaced by a certificate whose CN holds
 * an ANSI colour sequence and a bidi override, a capture file name with a screen-clearing escape,
 * and story text carrying an OSC title sequence.
 */
export function hostile(f: Fixture): ViewData {
  const der = loadCertificates(readFileSync(join(repoRoot, 'test/fixtures/x509/leaf-hostile-cn.pem')), 'hostile').certificates[0]!;
  const clientLeaf = f.failing.sessions[0]!.clientCertificates[0]!.id;
  const capture: CaptureData = {
    source: `evil${ESC}[2J.pcap`,
    sessions: f.failing.sessions,
    pool: { get: (id) => (id === clientLeaf ? der : f.failing.pool.get(id)) },
  };
  const story = failingStory(f.failing);
  const evil: SessionStory = {
    ...story,
    source: capture.source,
    headline: `${ESC}]0;pwned${ESC}\\ headline`,
    sentences: [[`bidi \u202e txt.exe and ${ESC}[31m red`]],
    findings: story.findings.map((x) => ({ ...x, title: `${x.title} ${ESC}[5m` })),
  };
  return { captures: [capture], explanation: explanationOf([evil]) };
}
