/** Expressway's own log lines about a session (X9). */
import type { Session } from '../../analysis/index.js';
import type { Endpoint } from '../../net/index.js';
import type { Role } from '../../tls/index.js';
import type { ExpresswayContext } from '../../expressway/context.js';
import type { LogMatch } from './types.js';

export function logMatches(s: Session, ctx: ExpresswayContext): LogMatch[] {
  // A guessed role (C2) cannot be said to agree with a log line.
  if (!s.client || !s.server || s.roleGuess) return [];
  const out: LogMatch[] = [];
  const same = (e: { ip: string; port?: number } | undefined, p: Endpoint) => !!e && e.ip.toLowerCase() === p.ip.toLowerCase() && (e.port === undefined || e.port === p.port);
  for (const box of ctx.boxes) {
    for (const ev of box.logEvents) {
      const pair =
        (same(ev.src, s.client) && same(ev.dst, s.server)) ||
        (same(ev.local, s.server) && same(ev.remote, s.client)) ||
        (same(ev.local, s.client) && same(ev.remote, s.server));
      if (!pair) continue;
      const boxRole: Role | undefined = box.addresses.includes(s.server.ip.toLowerCase()) ? 'server' : box.addresses.includes(s.client.ip.toLowerCase()) ? 'client' : undefined;
      out.push({ box, event: ev, roleAgrees: ev.expresswayRole === 'unknown' || boxRole === undefined || ev.expresswayRole === boxRole });
    }
  }
  return out;
}
