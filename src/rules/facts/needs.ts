/** What each certificate needs (E6, E8, X4, X5, X7, T2). */
import type { KeyExchange } from '../../tls/index.js';
import type { KeyUsageNeed } from '../../x509/index.js';
import { boxTitle } from '../../expressway/context.js';
import type { ServiceNaming } from '../../expressway/services.js';
import type { EndAssessment, Need } from './types.js';

export function clientCertNeed(server: EndAssessment, service: ServiceNaming, requested: boolean): Need {
  // `because` reads after "it needs clientAuth because …" (or "…, but …" when not checked).
  const sid = service.service?.id;
  if (sid === 'ssh-tunnels') {
    return { eku: 'clientAuth', level: 'required', because: 'SSH tunnels to Expressway-E on 2222 need it whatever the checking mode (X5)', rules: ['X5', 'X7'] };
  }
  const box = server.box;
  if (box?.checking) {
    const mode = box.checking.mode;
    if (mode === 'Off')
      return {
        eku: 'clientAuth',
        level: 'not-checked',
        because: `${boxTitle(box)} has SIP TLS EKU checking Off in its xconf dump, which skips the clientAuth check (X4; the rule book marks the exact "Off" semantics as uncertain)`,
        rules: ['X4'],
      };
    if (mode === 'On')
      return {
        eku: 'clientAuth',
        level: 'required',
        because: `${boxTitle(box)} checks it (SIP TLS EKU checking ${box.checking.defaulted ? 'not in its xconf dump, so the default On' : 'On in its xconf dump'}, X4)`,
        rules: ['X4', 'E6'],
      };
    return { eku: 'clientAuth', level: 'if-checked', because: `${boxTitle(box)}'s checking mode could not be read from its xconf dump (X4)`, rules: ['X4'] };
  }
  if (sid === 'uc-traversal')
    return {
      eku: 'clientAuth',
      level: 'if-checked',
      because: 'Expressway-E checks it when its SIP TLS EKU checking is On, the default; its mode is not in the inputs (X4)',
      rules: ['X4', 'X7'],
    };
  if (sid === 'webex-call') return { eku: 'clientAuth', level: 'required', because: 'Webex requests a client certificate and checks clientAuth (services table, X7)', rules: ['X7'] };
  if (service.tlsClientNeeds?.when === 'if-requested' && requested)
    return {
      eku: 'clientAuth',
      level: 'required',
      because: `${server.peerName ?? 'the server'} requested a client certificate, and for ${service.service?.name ?? 'this service'} the services table says it then needs clientAuth`,
      rules: ['X1', 'T2'],
    };
  if (box) return { eku: 'clientAuth', level: 'if-checked', because: `${boxTitle(box)} checks clientAuth on inbound SIP TLS when its checking mode is On, the default; no xconf dump gives its mode (X4)`, rules: ['X4'] };
  return {
    eku: 'clientAuth',
    level: 'if-checked',
    because: requested
      ? 'the server requested a certificate, and whether it checks clientAuth is its own policy (T2); most stacks do (OpenSSL verifies a client for purpose "SSL client", E6)'
      : 'a server that verifies client certificates checks clientAuth in most stacks (E6)',
    rules: ['T2', 'E6'],
  };
}

export function serverCertNeed(): Need {
  return { eku: 'serverAuth', level: 'required', because: 'a TLS client verifies the server certificate for purpose "SSL server" (E6)', rules: ['E6'] };
}

/** E8: which Key Usage the negotiated exchange needs of the server certificate. */
export function serverKuNeed(kx: KeyExchange | undefined, tls13: boolean): KeyUsageNeed | undefined {
  if (tls13 || kx === 'TLS13') return 'digitalSignature';
  switch (kx) {
    case 'RSA':
    case 'RSA_EXPORT':
    case 'RSA_PSK':
      return 'keyEncipherment';
    case 'ECDHE_RSA':
    case 'ECDHE_ECDSA':
    case 'DHE_RSA':
    case 'DHE_DSS':
      return 'digitalSignature';
    case 'ECDH_RSA':
    case 'ECDH_ECDSA':
    case 'DH_RSA':
    case 'DH_DSS':
      return 'keyAgreement';
    default:
      return undefined;
  }
}
