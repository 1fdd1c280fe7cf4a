/**
 * Which side was TLS client when the capture has no ClientHello (rule C2). The handshake decides
 * roles (T1); without it the tool can only guess, and says so: from the SYN (its sender usually
 * opens the TLS session), from a well-known TLS server port on one side only, or from who spoke
 * first. The guess is kept apart from what was observed (`RoleGuess`), so every output can mark it.
 */
import type { Connection, Dir } from '../net/index.js';
import type { TlsSummary } from '../tls/index.js';

/** How a guessed TLS client was chosen. */
export type RoleGuess = 'syn' | 'port' | 'first-speaker';

/**
 * Ports where a TLS server (or a STARTTLS one) usually listens: the rule book's services table, and
 * the common TLS and STARTTLS services. A hint for a guess, never a proof.
 */
const SERVER_PORTS: ReadonlySet<number> = new Set([
  443, 8443, 5061, 5062, 7001, 2222, 6971, 6972, 636, 3269, 989, 990, 992, 993, 994, 995, 465, 563, 853, 5223, 5986, 8883, 9443, 4433,
  21, 25, 110, 143, 389, 587, 3306, 5222, 5269, 5432,
]);

/**
 * The guessed client direction of a session whose summary shows no roles, and why; undefined when
 * the handshake showed them. `firstSpeaker`: the direction of the first TLS message seen.
 */
export function guessClientDir(conn: Connection, summary: TlsSummary): { readonly dir: Dir; readonly basis: RoleGuess } | undefined {
  if (summary.clientDir !== undefined) return undefined;
  // A: the SYN's sender when the SYN was seen (Connection's contract).
  if (conn.synSeen) return { dir: 0, basis: 'syn' };
  const aServer = SERVER_PORTS.has(conn.a.port);
  const bServer = SERVER_PORTS.has(conn.b.port);
  if (aServer !== bServer) return { dir: aServer ? 1 : 0, basis: 'port' };
  const first = summary.messages[0];
  return { dir: first ? first.dir : 0, basis: 'first-speaker' };
}
