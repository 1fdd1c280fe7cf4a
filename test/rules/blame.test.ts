/**
 * #22 class 5: blame by reasoning the facts contradict. Captures from real stacks on loopback
 * (OpenSSL s_server/s_client, a Java client; test/fixtures/blame/make.sh); tshark is the reference
 * for who sent which alert where it is installed.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReport } from '../../src/cli/report.js';
import { repoRoot } from '../helpers/corpus.js';
import { dissect } from '../captures/tshark.js';
import { needs } from '../helpers/tools.js';
import { alertRecord, clientHelloWith, handshakeRecords, serverHello12, serverHelloDone, sniExtension, tempDir, tlsCapture } from '../hostile/lib.js';
import { cat, clientHello, ext, fill, record, serverHello, u16, vec8 } from '../tls/build.js';

interface F {
  rule: string;
  code: string;
  severity: string;
  title: string;
  detail: string;
  fix: string | null;
}
interface S {
  outcome: { status: string; text: string; rejected: string | null };
  alerts: { from: string; frame: number; code: number | null }[];
  story: { text: string }[];
  findings: F[];
}

const dir = join(repoRoot, 'test', 'fixtures', 'blame');

async function session(file: string): Promise<S> {
  const r = await runReport([join(dir, file)], { format: 'json', quiet: true, generator: 'ekuscope' });
  expect(r.errors).toEqual([]);
  const sessions = (r.explanation!.json as { sessions: S[] }).sessions;
  expect(sessions).toHaveLength(1);
  return sessions[0]!;
}

const text = (s: S) => [...s.story.map((x) => x.text), ...s.findings.flatMap((f) => [f.title, f.detail, f.fix ?? ''])].join('\n');

/** tshark's alert: [frame, source port, description]. */
function tsharkAlerts(file: string): [number, number, number][] {
  return dissect(join(dir, file)).rows.flatMap((r) => r.alertDesc.map((d) => [r.frame, r.srcPort, d] as [number, number, number]));
}

describe('blame follows the facts (#22 class 5)', () => {
  it('an empty client Certificate then alert 40: the server refused because no certificate came (T3), not "rejected the client certificate"', async () => {
    const s = await session('empty-client-cert-alert40.pcap');
    expect(s.outcome.status).toBe('failed');
    expect(s.outcome.rejected).toBeNull();
    expect(s.outcome.text).toMatch(/alert 40 handshake_failure from the TLS server: no client certificate was sent/);
    const f = s.findings.find((x) => x.code === 'client-cert-missing');
    expect(f?.rule).toBe('T3');
    expect(f?.title).toMatch(/sent no client certificate/);
    expect(text(s)).not.toMatch(/rejected the client certificate|rejected .*'s client certificate/);
    expect(text(s)).toMatch(/there was no client certificate to reject/);
  });

  it('a Java client refuses a server certificate from a private CA with alert 46: purpose ruled out, trust named, no client-certificate or EKU blame', async () => {
    const s = await session('java-rejects-private-ca.pcap');
    expect(s.outcome.rejected).toBe('server');
    expect(s.alerts.map((a) => [a.from, a.code])).toEqual([['client', 46]]);
    const t = text(s);
    expect(t).not.toMatch(/TLS client authentication/);
    expect(t).toMatch(/purpose is ruled out\. The likely cause is trust: the verifier does not know the issuer, CN=Blame-Intermediate/);
    const f = s.findings.find((x) => x.code === 'server-cert-rejected')!;
    expect(f.fix).toMatch(/must trust CN=Blame-Intermediate/);
    expect(f.fix).not.toMatch(/serverAuth|Key Usage/);
  });

  it('a CA without keyCertSign above a client certificate without EKU: the Key Usage is the CA\'s, and no clientAuth fix is offered (E1, E7)', async () => {
    const s = await session('ca-keyusage.pcap');
    const ku = s.findings.find((x) => x.rule === 'E7')!;
    expect(ku.code).toBe('ca-ku-not-allowed');
    expect(ku.title).toMatch(/A CA certificate above the client certificate/);
    expect(ku.detail).toMatch(/^CN=Blame-NoCertSign-CA: CA certificate 1 has Key Usage \(digitalSignature\) without keyCertSign/);
    const t = text(s);
    expect(t).not.toMatch(/certificate with clientAuth|Expressway|client store/);
    expect(t).not.toMatch(/Its Key Usage does not fit/);
    expect(s.findings.find((x) => x.code === 'client-cert-rejected')?.fix).toMatch(/keyCertSign/);
  });

  it('a CA with CA:TRUE whose Netscape cert type lacks the SSL CA bit: OpenSSL accepted it, and so does the check (E7)', async () => {
    const s = await session('ca-netscape-type.pcap');
    expect(s.outcome.status).toBe('ok');
    expect(s.findings.filter((f) => f.severity === 'error' || f.severity === 'warning')).toEqual([]);
  });

  it('an issuer the other side presented in the same connection is said to be, not "neither presented nor in the trusted store"', async () => {
    const s = await session('issuer-from-other-side.pcap');
    const f = s.findings.find((x) => x.code === 'issuer-presented-by-other-side');
    expect(f?.title).toMatch(/client certificate's issuer was not sent with it, but the other side presented it/);
    expect(text(s)).not.toMatch(/neither presented nor in the trusted store/);
  });

  it('tshark agrees on each alert: sender, frame and code', async (ctx) => {
    needs(ctx, 'tshark');
    for (const [file, port] of [['empty-client-cert-alert40.pcap', 24501], ['java-rejects-private-ca.pcap', 24502], ['ca-keyusage.pcap', 24505]] as const) {
      const s = await session(file);
      const mine = s.alerts.filter((a) => a.code !== null).map((a) => [a.frame, a.from === 'server' ? port : -1, a.code]);
      const theirs = tsharkAlerts(file).map(([f, p, d]) => [f, p === port ? port : -1, d]);
      expect(mine, file).toEqual(theirs);
    }
  });
});

describe('a FIN ends only its sender\'s direction (C5)', () => {
  it('TLS 1.3 early data: the client\'s FIN, then the server\'s flight, is not "closed before the handshake completed"', async () => {
    const ch = record(22, clientHello({ extensions: [ext(43, vec8(u16(0x0304)))] }));
    const sh = record(22, serverHello({ extensions: [ext(43, u16(0x0304))] }));
    const cap = tlsCapture([
      { dir: 'c2s', bytes: cat(ch, record(20, [1]), record(23, fill(300))) },
      { fin: 'c2s' },
      { dir: 's2c', bytes: cat(sh, record(20, [1]), record(23, fill(1200)), record(23, fill(500))) },
      { fin: 's2c' },
    ]);
    const temp = tempDir();
    try {
      const file = temp.file('early-data.pcap', cap.bytes);
      const r = await runReport([file], { format: 'json', quiet: true, generator: 'ekuscope' });
      const s = (r.explanation!.json as { sessions: S[] }).sessions[0]!;
      const t = text(s);
      expect(t).not.toMatch(/closed the connection before the handshake completed|handshake failed/);
      expect(t).toMatch(/closed its direction of the connection \(FIN\) in frame 6 .* but 10\.0\.0\.2 sent 4 more record\(s\) after it \(frames 7, 8\): a FIN ends only its sender's direction/);
      expect(s.outcome.status).toBe('unknown');
      expect(s.findings.filter((f) => f.severity === 'error')).toEqual([]);
    } finally {
      temp.cleanup();
    }
  });
});

describe('the story tells every readable alert the ladder shows', () => {
  it('a warning alert before the ServerHello is in the story, with its frame (T4)', async () => {
    const cap = tlsCapture([
      { dir: 'c2s', bytes: handshakeRecords(clientHelloWith([sniExtension('unknown.example')])) },
      { dir: 's2c', bytes: alertRecord(1, 112) },
      { dir: 's2c', bytes: handshakeRecords(serverHello12(), serverHelloDone()) },
      { dir: 'c2s', bytes: alertRecord(2, 40) },
      { fin: 'c2s' },
      { fin: 's2c' },
    ]);
    const temp = tempDir();
    try {
      const r = await runReport([temp.file('warning-alert.pcap', cap.bytes)], { format: 'json', quiet: true, generator: 'ekuscope' });
      const s = (r.explanation!.json as { sessions: S[] }).sessions[0]!;
      const frame = s.alerts.find((a) => a.code === 112)!.frame;
      expect(s.story.map((x) => x.text)).toContain(`10.0.0.2 sent a warning alert 112 unrecognized_name in frame ${frame} before the ServerHello (T4).`);
    } finally {
      temp.cleanup();
    }
  });
});
