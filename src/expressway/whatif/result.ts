/** What the advisor reports: a prediction per service with its reasons, rules and the captures that show the case, then notes and assumptions. */
import type { DomainRuleId } from '../rulebook.js';
import type { Tri, WhatIfInput } from './inputs.js';

export type Outcome = 'works' | 'fails' | 'depends' | 'uncertain';

export type WhatIfServiceId =
  | 'uc-traversal'
  | 'ssh-tunnels'
  | 'mra-login'
  | 'webrtc-proxy'
  | 'webex-call'
  | 'webex-hybrid-inbound'
  | 'neighbor-outbound'
  | 'neighbor-inbound'
  | 'cucm-sip'
  | 'cucm-https'
  | 'b2b-outbound'
  | 'b2b-inbound';

export interface CaptureRef {
  /** Folder under captures/. */
  readonly folder: string;
  readonly shows: string;
}

export interface Reason {
  /** What this reason alone does to the service. */
  readonly effect: Outcome;
  readonly text: string;
  readonly rules: readonly DomainRuleId[];
  /** Works, but with a warning worth saying (certificate pop-ups). */
  readonly caveat?: boolean;
}

export interface Prediction {
  readonly id: WhatIfServiceId;
  readonly name: string;
  /** "Exp-C → Exp-E:7001". */
  readonly path: string;
  /** Which store each Expressway end presents (X1). */
  readonly presents: string;
  readonly outcome: Outcome;
  /** One line for tables. */
  readonly summary: string;
  readonly reasons: readonly Reason[];
  /** Where the document or the rules are not certain. */
  readonly uncertain: readonly string[];
  readonly captures: readonly CaptureRef[];
  readonly rules: readonly DomainRuleId[];
  readonly fix?: string;
}

export interface WhatIfResult {
  readonly title: string;
  readonly input: WhatIfInput;
  readonly predictions: readonly Prediction[];
  /** Notes on the inputs (X2 copies, X3 refusals, missing certificates). */
  readonly notes: readonly { readonly text: string; readonly rules: readonly DomainRuleId[] }[];
  /** The far-end assumptions, in words. */
  readonly assumptions: readonly string[];
}

/** Captures that show a case, keyed by what the predictor found. Folder names are checked by a test. */
export const CAPTURES = {
  'uc:leaf-missing:on': [
    { folder: '05-uc-traversal-eku-on-failed', shows: 'Expressway-E (checking On) answers fatal alert 43 to a serverAuth-only client certificate' },
    { folder: '11-silent-close', shows: 'the same rejection by a Node.js verifier: FIN, no alert' },
    { folder: '12-tls13-uc-traversal-keylog', shows: 'the same over TLS 1.3, where the alert is encrypted' },
  ],
  'uc:chain:on': [{ folder: '10-eku-chaining', shows: 'a clientAuth leaf under a serverAuth-only issuing CA: alert 43 from OpenSSL' }],
  'uc:off': [{ folder: '06-uc-traversal-eku-off-ssh-fails', shows: 'checking Off: the 7001 handshake completes with a serverAuth-only client certificate' }],
  'uc:ok': [{ folder: '07-condition-2-1-success', shows: 'a CA1 clientAuth client certificate: 7001 and 2222 complete' }],
  'ssh:fail': [{ folder: '06-uc-traversal-eku-off-ssh-fails', shows: 'the 2222 connection rejected with alert 43 although checking is Off' }],
  'ssh:ok': [{ folder: '07-condition-2-1-success', shows: '2222 completes with a clientAuth client certificate' }],
  'webex:ok': [{ folder: '01-webex-client-cert', shows: 'Expressway-E presents its client store to Webex, which requests a certificate; completes' }],
  'neighbor-in:ok': [{ folder: '02-neighbor-zone-server', shows: 'Expressway as TLS server presents its server store to a neighbor; completes' }],
  'cucm:ok': [
    { folder: '03-cucm-tftp-6972', shows: 'Expressway-C presents its client store to CUCM on 6972; completes' },
    { folder: '03b-cucm-tftp-6972-tls13', shows: 'the same over TLS 1.3: certificates encrypted' },
  ],
  'copy:ok': [{ folder: '04-upgrade-same-cert', shows: 'the same certificate in both stores, presented inbound and outbound; both complete' }],
  'remote:untrusted': [{ folder: '08-all-private-ca-unknown-ca', shows: 'a remote that does not trust CA1 answers fatal alert 48 unknown_ca' }],
  'remote:eku': [{ folder: '09-edge-public-client-cert', shows: 'a copied serverAuth-only client certificate: alert 43 where the remote checks, success where it does not' }],
} as const satisfies Record<string, readonly CaptureRef[]>;
export type CaseKey = keyof typeof CAPTURES;

/** Every capture folder the advisor can name (for a test that they exist). */
export function whatIfCaptureFolders(): string[] {
  return [...new Set(Object.values(CAPTURES).flatMap((refs) => refs.map((r) => r.folder)))];
}

export function inputNotes(input: WhatIfInput): { text: string; rules: DomainRuleId[] }[] {
  const notes: { text: string; rules: DomainRuleId[] }[] = [];
  for (const [id, box] of [['C', input.c], ['E', input.e]] as const) {
    const name = `Expressway-${id}`;
    if (box.client && !box.client.copiedFromServer && box.client.origin !== 'bundle') {
      const leaf = box.client.chain[0]!;
      if (leaf.eku?.present && !leaf.eku.clientAuth) {
        notes.push({
          text: `${name}'s client store refuses a certificate without clientAuth ("Invalid certificate: The file provided does not have a client usage attribute"); it gets there only through "Upload server certificate file as client certificate" on the server certificate page`,
          rules: ['X3'],
        });
      }
    }
    if (box.client?.copiedFromServer) notes.push({ text: `${name}'s client store holds the server certificate (copied at upgrade, or with "Upload server certificate file as client certificate")`, rules: ['X2'] });
    if (!box.client) notes.push({ text: `no certificate for ${name}'s client store: services where ${name} is TLS client are not predicted`, rules: ['X1'] });
    if (!box.server) notes.push({ text: `no certificate for ${name}'s server store: services where ${name} is TLS server are not predicted`, rules: ['X1'] });
  }
  return notes;
}

export function assumptions(input: WhatIfInput): string[] {
  const f = input.farEnds;
  const tri = (t: Tri, yes: string, no: string, unknown: string) => (t === 'yes' ? yes : t === 'no' ? no : unknown);
  const out = [
    `Expressway-C SIP TLS EKU checking ${input.c.checking} (${input.c.checkingSource}), Expressway-E ${input.e.checking} (${input.e.checkingSource}) (X4)`,
    'Expressway verifies as OpenSSL does (X9): the purpose is checked on every certificate of the chain (E5)',
    tri(f.remoteChecking, 'Webex and B2B remotes check clientAuth', 'Webex and B2B remotes do not check clientAuth', 'whether Webex and B2B remotes check clientAuth is unknown'),
    tri(f.remoteTrustsPrivate, 'remote far ends trust the private CA1', 'remote far ends do not trust the private CA1', 'whether remote far ends trust a private CA is unknown'),
    tri(f.cucmChecking, "CUCM checks clientAuth on Expressway-C's certificate", "CUCM does not check clientAuth on Expressway-C's certificate", "whether CUCM checks clientAuth on Expressway-C's certificate is unknown"),
    `the neighbor Expressway's checking mode is ${f.neighborChecking} (X4)`,
    f.peerCert ? `far ends that connect in present: ${f.peerCert.text}` : "far ends' own certificates (when they connect in) are unknown",
  ];
  if (!input.c.trusted || !input.e.trusted) out.push('Expressway-C and -E trust each other\'s CAs (one trusted CA list for both stores, X1); CUCM and neighbors trust the CAs in use');
  else out.push("trust between Expressway-C and -E checked against each bundle's trusted CA list");
  return out;
}
