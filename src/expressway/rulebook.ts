/**
 * The rule book of DOMAIN.md in one place: each rule id with a title and what the rule says. Findings
 * may cite only these ids (RuleFinding.rule is typed by them), the report tests check that each is
 * cited for what it says (T4, the alert-code list, only over an alert), and formats that explain a
 * rule where it is cited read its text here (narrate/rule-texts.ts).
 */

export const DOMAIN_RULES = {
  E1: ['No EKU extension: no purpose restriction', 'A certificate without an Extended Key Usage extension may be used for any purpose; OpenSSL, Go and Java agree.'],
  E2: ['EKU present: only the listed purposes', 'With an EKU extension, the certificate is good only for the purposes it lists. "clientAuth missing" is said only when the extension is present and lacks 1.3.6.1.5.5.7.3.2; serverAuth is 1.3.6.1.5.5.7.3.1.'],
  E3: ['anyExtendedKeyUsage alone', 'Go and Java accept anyExtendedKeyUsage (2.5.29.37.0) for any purpose; OpenSSL\'s SSL client check and NSS do not: it passes Go/Java verifiers and fails OpenSSL/NSS.'],
  E4: ['Criticality does not change the verdict', 'Whether the EKU extension is marked critical does not change OpenSSL\'s verdict.'],
  E5: ['EKU on CA certificates constrains the leaf', 'OpenSSL checks the purpose on every certificate of the chain, Go crosses usages out from root to leaf, Windows intersects them over the path, and NSS applies them too; Java is believed to check only the leaf. So a clientAuth leaf under a serverAuth-only intermediate (the shape of 2026 public CAs) fails as a client certificate for OpenSSL, Go, Windows and NSS verifiers.'],
  E6: ['Which purpose a verifier checks', 'By OpenSSL\'s defaults a server verifies the client\'s chain for purpose "SSL client" (clientAuth), and a client verifies the server\'s chain for "SSL server" (serverAuth).'],
  E7: ['Key Usage must allow the use', 'When present, Key Usage must allow the use as well: an SSL client needs digitalSignature or keyAgreement; an SSL server one of digitalSignature, keyEncipherment, keyAgreement. A Netscape cert type, if present, must have the SSL client or server bit; a CA\'s Key Usage must include keyCertSign.'],
  E8: ['The suite decides the server\'s Key Usage need', 'In TLS 1.2, TLS_RSA_* key exchange needs keyEncipherment; ECDHE_RSA, DHE_RSA and ECDHE_ECDSA need digitalSignature; static ECDH needs keyAgreement. Client certificates for rsa_sign or ecdsa_sign need digitalSignature; TLS 1.3 always needs digitalSignature.'],
  T1: ['Who sends ClientHello is the TLS client', 'The endpoint that sends the ClientHello is the TLS client: usually, not always, the one that sent the TCP SYN.'],
  T2: ['What a CertificateRequest says', 'A TLS 1.2 CertificateRequest lists certificate types, signature algorithms and acceptable CA names (empty: any CA). It says nothing about EKU: the need for clientAuth comes from the verifier\'s policy, not from the message.'],
  T3: ['An empty client Certificate', 'A client Certificate message is legal only after a CertificateRequest. An empty one means the client had nothing suitable; some clients (.NET) leave out certificates without clientAuth, so it is "possibly filtered by EKU" when the client-store certificate lacks clientAuth.'],
  T4: ['Alert codes', '40 handshake_failure, 42 bad_certificate, 43 unsupported_certificate, 44 certificate_revoked, 45 certificate_expired, 46 certificate_unknown, 48 unknown_ca, 49 access_denied, 116 certificate_required (TLS 1.3).'],
  T5: ['What an alert says about an EKU rejection', 'On an EKU rejection of a client certificate OpenSSL sends 43 (unsupported certificate purpose), Go 42, Java 46. 43 points strongly at a purpose (EKU or Key Usage) failure; 42 and 46 are generic; 48 is about trust, not EKU. A missing client certificate where one is required: 40 in TLS 1.2, 116 in TLS 1.3.'],
  T6: ['Who rejected whom, from the alert\'s direction', 'A fatal alert from server to client after the client\'s Certificate and CertificateVerify means the server rejected the client certificate; from client to server after ServerHelloDone, the client rejected the server certificate. After ChangeCipherSpec alerts are encrypted: their timing is told, not a guessed code.'],
  T7: ['TLS 1.3 without keys', 'Only ClientHello and ServerHello are readable; CertificateRequest, Certificate and alerts are encrypted. Any role or EKU statement about such a session is "inferred, not observed", unless it was decrypted with a key log. Resumed sessions carry no certificates.'],
  T8: ['A rejection without an alert', 'Not every stack sends an alert: a Node.js server that rejects a client certificate reads the client\'s flight and closes with a FIN. A close right after the client\'s certificate, before the server\'s Finished, is a likely rejection, and the peer gave no reason.'],
  C1: ['Time is judged at the frame', 'A certificate\'s validity is judged at the timestamp of the frame that carried it, not the capture\'s first packet. Timestamps that jump are capture advice, not certificate faults.'],
  C2: ['Handshake not captured', 'Without a ClientHello the TLS client is inferred and said to be; there is no verdict on certificates or on how a handshake ended. The advice is to capture from before the connection is made.'],
  C3: ['Bytes missing', 'Later bytes are placed by TCP sequence numbers, so whole records after a gap are facts. A message with missing bytes is "incomplete (N of M bytes captured)", never "empty".'],
  C4: ['Capture ended', 'What comes after the last frame is unknown: "X did not send Y" holds only where the capture shows what X sent next.'],
  C5: ['Every frame told with its real sender', 'Every frame, record and TCP event is told with its real sender, from that frame\'s addresses and ports, whatever the roles are.'],
  C6: ['Records after the keys change', 'After ChangeCipherSpec (TLS 1.0–1.2) or ServerHello (TLS 1.3) records are ciphertext: an alert there is "encrypted alert (N bytes)" unless decrypted with a key log.'],
  C7: ['Tunnels', 'In Geneve, VXLAN, GRE, ERSPAN or IP-in-IP the inner connection is the TLS connection; the outer addresses are where it was mirrored from.'],
  X1: ['The store rule', 'Expressway x15.5 has a server store and a client store, and one trusted CA list. As TLS client it presents the client-store certificate; as TLS server, the server-store certificate.'],
  X2: ['The upgrade copies the server certificate', 'The upgrade to x15.5 copies the server certificate into the client store. The same serial in the client_ and server_ files means "copied at upgrade, or with \'Upload server certificate file as client certificate\'".'],
  X3: ['The client store refuses a certificate without clientAuth', 'The web UI refuses it ("The file provided does not have a client usage attribute"); the only way in for a serverAuth-only certificate is "Upload server certificate file as client certificate" on the server certificate page.'],
  X4: ['SIP TLS EKU checking mode', 'xConfiguration SIP TLS Certificate ExtendedKeyUsage Checking Mode (default On, on C and E) checks every inbound SIP TLS connection: On, the initiator\'s certificate must have clientAuth; Off, the clientAuth check is skipped (serverAuth is still checked if present).'],
  X5: ['SSH tunnels always need clientAuth', 'SSH tunnels from Expressway-C to Expressway-E on port 2222 need clientAuth on Expressway-C\'s client certificate whatever the checking mode says.'],
  X6: ['x15.4\'s EnableServerEkuUpload', 'x15.4 had XCP TLS Certificate CVS EnableServerEkuUpload (Expressway-E only), deprecated in x15.5. Before x15.4 a clientAuth problem on MRA could surface inside the SIP SERVICE message after a successful handshake.'],
  X7: ['The document\'s outcomes', 'Expressway-C\'s client certificate serverAuth-only with Expressway-E checking On: the UC traversal zone fails. Checking Off: the zone is active, SSH tunnels fail, MRA login and the WebRTC proxy do not work. A client certificate with clientAuth (private CA): everything works. Expressway-E\'s serverAuth-only client certificate: outbound mutual TLS works only where the far end disables its clientAuth check.'],
  X8: ['Neighbor zones', 'Neighbor zones with TLS verify On need clientAuth on the connecting side and match the peer address against the SAN; "Peer\'s TLS certificate identity was unacceptable" is a name mismatch.'],
  X9: ['Expressway\'s log lines', 'Event="Inbound TLS Negotiation Error" means Expressway was the TLS server; "Outbound" means client. Its TLS is OpenSSL, so the E rules for OpenSSL apply to its verdicts.'],
} as const satisfies Record<string, readonly [title: string, text: string]>;

export type DomainRuleId = keyof typeof DOMAIN_RULES;

export function isDomainRule(id: string): id is DomainRuleId {
  return Object.prototype.hasOwnProperty.call(DOMAIN_RULES, id);
}
