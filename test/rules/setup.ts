/**
 * Shared set-ups for the one-file-per-rule tests: an Expressway-C (10.0.0.16) talking to an
 * Expressway-E (10.0.0.31) over a synthetic TLS 1.2 handshake (fake.ts), with the test's certificates.
 */
import { RuleCache, assessCapture, assessSession, auditStores, type RuleFinding, type SessionAssessment } from '../../src/expressway/index.js';
import type { Analysis, Session } from '../../src/analysis/index.js';
import type { CertInfo } from '../../src/x509/index.js';
import { cert } from '../x509/helpers.js';
import { fakeContext, fakeSession, type FakeBox, type FakeOptions } from './fake.js';

export const root = cert('root-noeku.pem');
export const intNoEku = cert('int-noeku.pem');
export const intServerAuth = cert('int-serverauth.pem');
export const CHAINS = {
  serverOnly: [cert('leaf-serveronly.pem')],
  serverOnlyCritical: [cert('leaf-serveronly-critical.pem')],
  clientOk: [cert('leaf-client-ok.pem'), intNoEku],
  noEku: [cert('leaf-noeku.pem')],
  anyEku: [cert('leaf-anyeku.pem')],
  underServerAuthCa: [cert('leaf-client-under-serverauth.pem'), intServerAuth],
  kuKeyEncOnly: [cert('leaf-ku-keyenc-only.pem')],
} satisfies Record<string, readonly CertInfo[]>;
export const EDGE = CHAINS.serverOnlyCritical;
export const C = { ip: '10.0.0.16', port: 25731 };
export const E7001 = { ip: '10.0.0.31', port: 7001 };
export const E2222 = { ip: '10.0.0.31', port: 2222 };

export interface Setup {
  readonly clientChain?: readonly CertInfo[];
  readonly serverChain?: readonly CertInfo[];
  readonly server?: { ip: string; port: number };
  readonly clientPort?: number;
  readonly checking?: 'On' | 'Off';
  readonly end?: FakeOptions['end'];
  /** Expressway-C's client store (default: the client chain's leaf). */
  readonly cStore?: Partial<FakeBox>;
  readonly eStore?: Partial<FakeBox>;
  /** Changes to the synthetic session before it is assessed. */
  readonly edit?: (s: Session, a: Analysis) => Session;
  readonly at?: Date;
}

/** Assesses the synthetic session of `o`. */
export function assess(o: Setup = {}): SessionAssessment {
  const clientChain = o.clientChain ?? CHAINS.clientOk;
  const server = o.server ?? E7001;
  const ctx = fakeContext([
    { host: 'vcs8c', ip: C.ip, edition: 'C', checking: 'On', client: [clientChain[0] ?? CHAINS.clientOk[0]!], server: EDGE, ca: [root, intNoEku, intServerAuth], ...o.cStore },
    { host: 'edge', ip: server.ip, edition: 'E', ...(o.checking ? { checking: o.checking } : {}), client: EDGE, server: o.serverChain ?? EDGE, ca: [root, intNoEku, intServerAuth], ...o.eStore },
  ]);
  const { analysis, session } = fakeSession({
    client: { ...C, port: o.clientPort ?? (server.port === 2222 ? 31000 : C.port) },
    server,
    serverChain: o.serverChain ?? EDGE,
    clientChain,
    end: o.end ?? { kind: 'completed' },
  });
  const s = o.edit ? o.edit(session, analysis) : session;
  return assessSession({ ...analysis, sessions: [s] } as Analysis, s, ctx, new RuleCache(), o.at ? { at: o.at } : {});
}

/** The capture-wide findings of a synthetic capture changed by `edit`. */
export function captureFindings(edit: (a: Analysis) => Analysis): RuleFinding[] {
  const { analysis } = fakeSession({ client: C, server: E7001, serverChain: EDGE, clientChain: CHAINS.clientOk, end: { kind: 'completed' } });
  return assessCapture(edit(analysis), fakeContext([]));
}

/** The store audit of one box holding `box`'s stores. */
export function audit(box: Omit<FakeBox, 'host' | 'ip' | 'edition'> & { edition?: 'C' | 'E' }, includeOk = false, now = new Date('2027-06-01T00:00:00Z')): RuleFinding[] {
  const ctx = fakeContext([{ host: 'vcs8c', ip: C.ip, edition: box.edition ?? 'C', ...box }]);
  const b = ctx.boxes[0]!;
  return auditStores(b, b.stores!, now, { includeOk });
}

export const codes = (fs: readonly RuleFinding[]): string[] => fs.map((f) => f.code);
export const citing = (fs: readonly RuleFinding[], rule: string): RuleFinding[] => fs.filter((f) => f.rule === rule);
export const mentioning = (fs: readonly RuleFinding[], rule: string): RuleFinding[] => fs.filter((f) => f.rule === rule || f.alsoRules?.includes(rule as never));
