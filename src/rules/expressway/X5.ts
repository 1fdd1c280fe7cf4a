import { boxForAddress, boxTitle } from '../../expressway/context.js';
import type { CaptureFacts } from '../checks.js';
import type { SessionFacts } from '../facts/session.js';
import { endpointText } from '../facts/words.js';
import type { RuleFinding } from '../finding.js';
import type { Rule } from '../types.js';

export const X5: Rule = {
  id: 'X5',
  family: 'X',
  title: 'SSH tunnels always need clientAuth',
  statement: 'SSH tunnels from Expressway-C to Expressway-E on port 2222 need clientAuth on Expressway-C\'s client certificate whatever the checking mode says.',
  explanation: [
    'The rule book: "SSH tunnels C→E on port 2222 need clientAuth on Expressway-C\'s client certificate whatever X4 says. Detect what 2222 carries from its bytes (TLS record vs \'SSH-2.0\')."',
    'MRA login and the WebRTC proxy run over these tunnels, so they fail with a serverAuth-only client certificate even when the traversal zone is up. ekuscope tells what port 2222 carried from its first bytes, never from the port number; the rule book marks the exact protocol as uncertain.',
  ].join('\n\n'),
  fix: 'Put a certificate with clientAuth in Expressway-C\'s client store; EKU checking Off does not help the tunnels.',
  sources: ['Cisco document 225693'],
  checks: {
    session: [{ order: 45, run: port2222Tls }],
    capture: [{ order: 14, run: port2222Ssh }],
  },
};

/** 2222 carried TLS: said from the bytes, not the port. */
function port2222Tls(f: SessionFacts): RuleFinding[] {
  const { s, service, chMsg } = f;
  const findings: RuleFinding[] = [];
  if (service.service?.id === 'ssh-tunnels' && s.tls.isTls && chMsg) {
    findings.push({
      severity: 'info',
      rule: 'X5',
      session: s.id,
      frames: [chMsg.frame],
      code: 'port-2222-is-tls',
      title: 'Port 2222 carried TLS here',
      detail: `Frame ${chMsg.frame} starts a TLS handshake (a TLS record, not "SSH-2.0"), so the client certificate of the SSH tunnel transport is visible. Which protocol 2222 carries is marked uncertain in the rule book; this capture shows TLS.`,
    });
  }
  return findings;
}

/** What 2222 carried when it was not TLS. */
function port2222Ssh(f: CaptureFacts): RuleFinding[] {
  const { a, ctx } = f;
  const out: RuleFinding[] = [];
  for (const n of a.nonTls) {
    const c = n.connection;
    const is2222 = c.a.port === 2222 || c.b.port === 2222;
    if (n.reason === 'ssh' && is2222) {
      // By port, not by object: a connection's endpoints are made when read.
      const aIsServer = c.a.port === 2222;
      const server = aIsServer ? c.a : c.b;
      const client = aIsServer ? c.b : c.a;
      const cb = boxForAddress(ctx, client.ip);
      const sb = boxForAddress(ctx, server.ip);
      out.push({
        severity: 'info',
        rule: 'X5',
        frames: [c.firstFrame],
        code: 'port-2222-is-ssh',
        title: `Port 2222 carried SSH, not TLS (${endpointText(client)} → ${endpointText(server)})`,
        detail: `The bytes start with "SSH-2.0", so no certificate is visible in this connection. SSH tunnels from ${cb ? boxTitle(cb) : 'Expressway-C'} to ${sb ? boxTitle(sb) : 'Expressway-E'} still need clientAuth on Expressway-C's client certificate whatever the checking mode (X5): check its client store (ekuscope check-store).`,
      });
    }
  }
  return out;
}
