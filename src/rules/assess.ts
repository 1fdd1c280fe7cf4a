/**
 * The assessment: for one analysed TLS session (or capture file, or box's stores) compute the facts
 * once, then run the registered rules' checks in their order (checks.ts); each check returns the
 * findings its rule concludes. Everything here is a fact of the capture (with its frames) or of the
 * bundle (with its file), or an inference said to be one.
 */
import type { Analysis, Session } from '../analysis/index.js';
import { toHex } from '../bytes/index.js';
import { HandshakeType } from '../tls/index.js';
import type { ExpresswayBox, ExpresswayContext } from '../expressway/context.js';
import type { BoxStores } from '../expressway/stores.js';
import { PRESENTED_ORDER, STORE_ROLES_ORDER, presentedFacts, storeFacts, storeRoleFacts, type Check, type CheckResult, type RuleChecks } from './checks.js';
import { sessionFacts, type AssessOptions, type SessionFacts } from './facts/session.js';
import type { RuleCache, SessionAssessment } from './facts/types.js';
import type { RuleFinding } from './finding.js';
import { RULES } from './index.js';

type ScopeFacts<K extends keyof RuleChecks> = NonNullable<RuleChecks[K]>[number] extends Check<infer F> ? F : never;

const ordered = new Map<keyof RuleChecks, readonly Check<never>[]>();

/** Every registered rule's checks of one scope, by order, then registry order (a stable sort). */
function checksOf<K extends keyof RuleChecks>(scope: K): readonly Check<ScopeFacts<K>>[] {
  let list = ordered.get(scope);
  if (!list) {
    list = RULES.flatMap((r) => (r.checks?.[scope] ?? []) as readonly Check<never>[]).sort((x, y) => x.order - y.order);
    ordered.set(scope, list);
  }
  return list as readonly Check<ScopeFacts<K>>[];
}

function collect(out: RuleFinding[], r: CheckResult): void {
  if (r === undefined) return;
  if (Array.isArray(r)) {
    for (const f of r as readonly RuleFinding[]) out.push(f);
  } else out.push(r as RuleFinding);
}

/** Runs `checks` over `facts`, with `inner` at `innerOrder` (before the first check ordered after it). */
function runOrdered<F>(checks: readonly Check<F>[], facts: F, out: RuleFinding[], innerOrder: number, inner: () => void): void {
  let innerDone = false;
  for (const c of checks) {
    if (!innerDone && c.order > innerOrder) {
      inner();
      innerDone = true;
    }
    collect(out, c.run(facts));
  }
  if (!innerDone) inner();
}

export function assessSession(a: Analysis, s: Session, ctx: ExpresswayContext, cache: RuleCache, opts: AssessOptions = {}): SessionAssessment {
  const f: SessionFacts = sessionFacts(a, s, ctx, cache, opts);
  const findings: RuleFinding[] = [];
  // The chains as presented: the server's, then the client's.
  const presented = () => {
    for (const p of [f.presentedServer, f.presentedClient]) {
      if (!p) continue;
      const pf = presentedFacts(f, p);
      for (const c of checksOf('presented')) collect(findings, c.run(pf));
    }
  };
  runOrdered(checksOf('session'), f, findings, PRESENTED_ORDER, presented);
  return {
    session: s,
    source: a.source,
    client: f.client,
    server: f.server,
    service: f.service,
    versionText: f.versionText,
    ...(f.suiteText ? { suiteText: f.suiteText } : {}),
    ...(f.keyExchange ? { keyExchange: f.keyExchange } : {}),
    presented: pairOf(f.presentedClient, f.presentedServer),
    clientCert: f.clientCert,
    outcome: f.outcome,
    ...(f.t13 ? { tls13: f.t13 } : {}),
    logs: f.logs,
    findings,
    helloFrames: pairOf(f.chMsg?.frame, f.shMsg?.frame),
  };
}

/**
 * `{ client?, server? }` with the absent side left out. Written as whole literals: an object made of
 * spreads alone became a dictionary with a hidden class of its own (about 0.5 KB a session, and a
 * report keeps every session's assessment).
 */
function pairOf<T>(client: T | undefined, server: T | undefined): { client?: T; server?: T } {
  if (client !== undefined) return server !== undefined ? { client, server } : { client };
  return server !== undefined ? { server } : {};
}

/** Same handshake seen in two captures (a bundle from each box): client, server and ClientHello random. */
export function handshakeKey(s: Session): string {
  const ch = s.tls.messages.find((m) => m.kind === 'handshake' && m.type === HandshakeType.ClientHello);
  const body = ch && ch.kind === 'handshake' && ch.body?.kind === 'client-hello' ? ch.body : undefined;
  const rnd = body ? toHex(body.random) : '';
  const c = s.client ?? s.connection.a;
  const v = s.server ?? s.connection.b;
  return `${c.ip}/${c.port}>${v.ip}/${v.port}#${rnd || s.connection.firstTs.sec}`;
}

/** Findings about a whole capture file: its snap length, clock, problems, what was not decoded, what 2222 carried. */
export function assessCapture(a: Analysis, ctx: ExpresswayContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const c of checksOf('capture')) collect(out, c.run({ a, ctx }));
  return out;
}

/** Store audit (X1, X2, E2, E3, E5, C1) for a box: used by check-store and, for X2, by reports. */
export function auditStores(box: ExpresswayBox, stores: BoxStores, now: Date, opts: { readonly includeOk?: boolean } = {}): RuleFinding[] {
  const sf = storeFacts(box, stores, now, opts.includeOk === true);
  const out: RuleFinding[] = [];
  const roles = () => {
    for (const role of ['client', 'server'] as const) {
      const rf = storeRoleFacts(sf, role);
      for (const c of checksOf('storeRole')) collect(out, c.run(rf));
    }
  };
  runOrdered(checksOf('store'), sf, out, STORE_ROLES_ORDER, roles);
  return out;
}
