/**
 * The what-if advisor: given each box's store certificates (client and server store of Expressway-C
 * and Expressway-E) and the SIP TLS EKU checking modes, predict for every service of the rule book's
 * services table whether it works, why (rule ids), and which capture under captures/ shows the case.
 *
 * Certificates are chains, not leaves: a flag such as `issuer=public` models the 2026 public shape (a
 * root, then an issuing CA whose EKU is serverAuth only) and the rules of the x509 stage
 * (evaluatePurpose: E1–E7) judge the chain exactly as they judge a certificate read from a bundle. A
 * clientAuth leaf under a serverAuth-only intermediate therefore fails as a client certificate for an
 * OpenSSL verifier (E5), which is what Expressway is (X9).
 *
 * Pure: no I/O. Bundles are opened by the caller and handed over as `Bundle` values.
 *
 * The parts live in whatif/: the inputs, what flags change (specs), bundles and the document's
 * conditions as presets, how the rules apply to each leg of a service (legs), and what is reported (result).
 */
import type { WhatIfInput } from './whatif/inputs.js';
import { clientLeg, finish, newLeg, peerLeg, purposeCheck, serverLeg, tri, trustOf, type Leg, type Trust } from './whatif/legs.js';
import { assumptions, inputNotes, type Prediction, type WhatIfResult } from './whatif/result.js';

export { DEFAULT_FAR_ENDS, type BoxId, type BoxInput, type FarEnds, type IssuerKind, type StoreCert, type Tri, type WhatIfInput } from './whatif/inputs.js';
export { SpecError, certFromSpec, parseCertSpec, type CertSpec } from './whatif/specs.js';
export { boxFromBundle, editionOf, withIssuer, type BoxFromBundle } from './whatif/bundles.js';
export { CONDITIONS, boxFromSpecs, conditionInput, conditionPreset, type ConditionPreset } from './whatif/conditions.js';
export { whatIfCaptureFolders, type CaptureRef, type Outcome, type Prediction, type Reason, type WhatIfResult, type WhatIfServiceId } from './whatif/result.js';

/** Predicts every service. */
export function predict(input: WhatIfInput): WhatIfResult {
  const { c, e, farEnds } = input;
  const predictions: Prediction[] = [];
  const cName = 'Expressway-C';
  const eName = 'Expressway-E';

  // UC traversal zone: C (TLS client, client store) → E:7001 (TLS server, server store). X4 on E.
  const uc = newLeg();
  clientLeg(uc, `${cName}'s client certificate`, c.client, eName, tri(e.checking), ['X4'], c.client ? trustOf(c.client, e, farEnds) : 'assumed', {
    x4Off: e.checking === 'Off',
    onFailCases: ['uc:leaf-missing:on'],
    onChainCases: ['uc:chain:on'],
    okCases: ['uc:ok'],
  });
  if (e.checking === 'Off' && c.client && !purposeCheck(c.client, 'sslClient').ok) uc.cases.push('uc:off');
  serverLeg(uc, `${eName}'s server certificate`, e.server, cName, e.server ? trustOf(e.server, c, farEnds) : 'assumed', false);
  const ucP = finish('uc-traversal', 'UC traversal zone', 'Exp-C → Exp-E:7001', 'C client, E server', uc);
  predictions.push(ucP);

  // SSH tunnels: C → E:2222, clientAuth always (X5).
  const ssh = newLeg();
  clientLeg(ssh, `${cName}'s client certificate`, c.client, `${eName} on 2222`, 'yes', ['X5'], c.client ? trustOf(c.client, e, farEnds) : 'assumed', {
    onFailCases: ['ssh:fail'],
    onChainCases: ['ssh:fail', 'uc:chain:on'],
    okCases: ['ssh:ok'],
  });
  serverLeg(ssh, `${eName}'s server certificate`, e.server, cName, e.server ? trustOf(e.server, c, farEnds) : 'assumed', false);
  const sshP = finish('ssh-tunnels', 'SSH tunnels', 'Exp-C → Exp-E:2222', 'C client, E server', ssh, [
    "port 2222's protocol is not documented: ekuscope's captures model it as TLS carrying the client certificate; the document only says it validates clientAuth whatever the checking mode (X5)",
  ]);
  predictions.push(sshP);

  // C → CUCM (MRA configuration over 6972/8443, and SIP 5061): client store.
  // CUCM and neighbors are internal: they are assumed to trust the CAs the boxes use.
  const cucmTrust: Trust = 'assumed';
  const cucmHttps = newLeg();
  clientLeg(cucmHttps, `${cName}'s client certificate`, c.client, 'CUCM', farEnds.cucmChecking, ['X1'], cucmTrust, { okCases: c.client?.copiedFromServer ? ['cucm:ok', 'copy:ok'] : ['cucm:ok'] });
  const cucmHttpsP = finish('cucm-https', 'CUCM 6972/8443 (MRA)', 'Exp-C → CUCM:6972/8443', 'C client', cucmHttps);

  // MRA login: devices → E (server store), C ↔ E zone and tunnels, C → CUCM (document, condition 2 and test case 3).
  const dependOn = (leg: Leg, p: Prediction, what: string): void => {
    if (p.outcome === 'works') leg.reasons.push({ effect: 'works', text: `${what} works`, rules: ['X7', ...p.rules.filter((r) => r.startsWith('X'))] });
    else {
      const state = p.outcome === 'fails' ? 'predicted to fail' : p.outcome === 'depends' ? 'depends on the far end' : 'uncertain';
      leg.reasons.push({ effect: p.outcome, text: `needs ${what}: ${state} (see that row)`, rules: ['X7', ...p.rules.filter((r) => r.startsWith('X'))] });
    }
  };
  const mra = newLeg();
  dependOn(mra, ucP, 'the UC traversal zone');
  dependOn(mra, sshP, 'the SSH tunnels');
  serverLeg(mra, `${eName}'s server certificate`, e.server, 'MRA clients', 'yes', false, 'devices');
  dependOn(mra, cucmHttpsP, "Expressway-C's connections to CUCM (configuration over 6972/8443)");
  predictions.push(finish('mra-login', 'MRA login', 'devices → Exp-E, zone, CUCM', 'E server; C client', mra));

  const webrtc = newLeg();
  dependOn(webrtc, ucP, 'the UC traversal zone');
  dependOn(webrtc, sshP, 'the SSH tunnels');
  serverLeg(webrtc, `${eName}'s server certificate`, e.server, 'browsers', 'yes', false, 'browsers');
  predictions.push(
    finish('webrtc-proxy', 'WebRTC proxy', 'browsers → Exp-E:443, zone', 'E server; C client', webrtc, [
      'the document lists the WebRTC proxy with MRA as not working when the zone or tunnels fail; ekuscope models it as needing both',
    ]),
  );

  // Webex call: E → Webex:5061, client store; Webex requests a certificate.
  const webex = newLeg();
  clientLeg(webex, `${eName}'s client certificate`, e.client, 'Webex', farEnds.remoteChecking, ['X7'], e.client ? trustOf(e.client, 'remote', farEnds) : 'assumed', {
    okCases: ['webex:ok'],
    remoteCases: true,
  });
  predictions.push(
    finish('webex-call', 'Webex calls', 'Exp-E → Webex:5061', 'E client', webex, [
      'Webex requests a client certificate (captures/01); whether it checks clientAuth on it is not stated by the document, so this follows the far-end assumption',
    ]),
  );

  // Webex Hybrid Call inbound: Webex → E:5062, server store; Webex's certificate checked per X4 on E.
  const hybrid = newLeg();
  serverLeg(hybrid, `${eName}'s server certificate`, e.server, 'Webex', e.server ? trustOf(e.server, 'remote', farEnds) : 'assumed', true);
  peerLeg(hybrid, 'Webex', eName, e, farEnds.peerCert);
  predictions.push(finish('webex-hybrid-inbound', 'Webex Hybrid Call inbound', 'Webex → Exp-E:5062', 'E server', hybrid));

  // Neighbor zones on Expressway-C: outbound (client store) and inbound (server store). X8.
  const nOut = newLeg();
  clientLeg(nOut, `${cName}'s client certificate`, c.client, 'the neighbor Expressway', tri(farEnds.neighborChecking), ['X8', 'X4'], 'assumed', { x4Off: farEnds.neighborChecking === 'Off' });
  predictions.push(
    finish('neighbor-outbound', 'Neighbor zone, outbound', 'Exp-C → neighbor:5061', 'C client', nOut, [
      'the neighbor also matches the peer address against the certificate SAN (X8); names are not modelled here',
    ]),
  );
  const nIn = newLeg();
  serverLeg(nIn, `${cName}'s server certificate`, c.server, 'the neighbor', 'assumed', false);
  peerLeg(nIn, 'the neighbor', cName, c, farEnds.peerCert);
  if (nIn.reasons.every((r) => r.effect === 'works')) nIn.cases.push(c.client?.copiedFromServer ? 'copy:ok' : 'neighbor-in:ok');
  predictions.push(finish('neighbor-inbound', 'Neighbor zone, inbound', 'neighbor → Exp-C:5061', 'C server', nIn));

  // SIP to CUCM: C → CUCM:5061, client store.
  const cucmSip = newLeg();
  clientLeg(cucmSip, `${cName}'s client certificate`, c.client, 'CUCM', farEnds.cucmChecking, ['X1'], cucmTrust);
  predictions.push(
    finish('cucm-sip', 'SIP to CUCM', 'Exp-C → CUCM:5061', 'C client', cucmSip, [
      c.checking === 'On' ? "CUCM → Expressway-C on 5061 (the other direction) needs CUCM's own certificate to allow clientAuth while Expressway-C's checking is On (X4)" : '',
    ].filter((s) => s !== '')),
  );
  predictions.push(cucmHttpsP);

  // B2B federation on Expressway-E: outbound (client store), inbound (server store).
  const bOut = newLeg();
  clientLeg(bOut, `${eName}'s client certificate`, e.client, 'the remote', farEnds.remoteChecking, ['X7'], e.client ? trustOf(e.client, 'remote', farEnds) : 'assumed', { remoteCases: true });
  predictions.push(finish('b2b-outbound', 'B2B federation, outbound', 'Exp-E → remote:5061', 'E client', bOut));
  const bIn = newLeg();
  serverLeg(bIn, `${eName}'s server certificate`, e.server, 'the remote', e.server ? trustOf(e.server, 'remote', farEnds) : 'assumed', true);
  peerLeg(bIn, 'the remote', eName, e, farEnds.peerCert);
  predictions.push(finish('b2b-inbound', 'B2B federation, inbound', 'remote → Exp-E:5061', 'E server', bIn));

  return { title: input.title ?? 'What if: your certificates', input, predictions, notes: inputNotes(input), assumptions: assumptions(input) };
}
