/**
 * The rule ids of DOMAIN.md with what each rule says, in one place: findings cite these ids, and a
 * finding may cite only an id listed here (the report tests walk every capture to check that each
 * id is cited for what it says, e.g. T4 for alert codes and nothing else).
 */

export const DOMAIN_RULES = {
  E1: 'No EKU extension at all: no purpose restriction.',
  E2: 'EKU present: the certificate is good only for the listed purposes.',
  E3: 'anyExtendedKeyUsage alone: Go and Java accept it for any purpose; OpenSSL and NSS do not.',
  E4: 'Criticality of the EKU extension does not change OpenSSL\'s verdict.',
  E5: 'EKU on CA certificates constrains the leaf (OpenSSL, Go, Windows, NSS; Java is believed to check only the leaf).',
  E6: 'A server verifies the client\'s chain for purpose "SSL client"; a client verifies the server\'s chain for "SSL server".',
  E7: 'Key Usage (and a Netscape cert type), when present, must allow the use as well.',
  E8: 'In TLS 1.2 the negotiated suite decides the Key Usage the server certificate needs; TLS 1.3 always digitalSignature.',
  T1: 'The endpoint that sends ClientHello is the TLS client (usually, not always, the one that sent SYN).',
  T2: 'A CertificateRequest lists certificate types, signature algorithms and acceptable CA names; it says nothing about EKU.',
  T3: 'A client Certificate message is legal only after a CertificateRequest; an empty one means the client had nothing suitable.',
  T4: 'Alert codes: 40 handshake_failure, 42 bad_certificate, 43 unsupported_certificate, 44 certificate_revoked, 45 certificate_expired, 46 certificate_unknown, 48 unknown_ca, 49 access_denied, 116 certificate_required.',
  T5: 'Who sends which alert on a certificate rejection: 43 points strongly at purpose, 42 and 46 are generic, 48 is trust; 40 (TLS 1.2) and 116 (TLS 1.3) for a missing client certificate.',
  T6: 'Direction and position of a fatal alert say whose certificate was refused; after ChangeCipherSpec alerts are encrypted.',
  T7: 'TLS 1.3 without keys: only ClientHello and ServerHello are readable; anything else is inferred, not observed.',
  T8: 'Not every stack sends an alert: a close right after the peer\'s certificate, before the Finished, is a likely rejection without a reason.',
  C1: 'Time: validity is judged at the timestamp of the frame that carried the certificate; timestamps that jump are capture advice.',
  C2: 'Handshake not captured: the TLS client is inferred and said to be; no verdict on certificates or on how a handshake ended.',
  C3: 'Bytes missing: whole records after a gap are facts; a message with missing bytes is incomplete, never empty.',
  C4: 'Capture ended: what comes after the last frame is unknown; "X did not send Y" holds only where the capture shows what X sent next.',
  C5: 'Every frame, record and TCP event is told with its real sender, from the addresses and ports of that frame.',
  C6: 'Records after the keys change are ciphertext: an alert there is an encrypted alert unless decrypted; NULL suites are the exception.',
  C7: 'Tunnels: the inner connection is the TLS connection; the outer addresses are where it was mirrored from.',
  X1: 'The store rule: acting as TLS client, Expressway presents its client-store certificate; as TLS server, its server-store certificate.',
  X2: 'The same certificate in the client and server stores: copied at the upgrade to x15.5, or uploaded as client certificate.',
  X3: 'The client store refuses a certificate without clientAuth, unless uploaded with "Upload server certificate file as client certificate".',
  X4: 'SIP TLS Certificate ExtendedKeyUsage Checking Mode On (default) requires clientAuth of the initiator; Off skips that check.',
  X5: 'SSH tunnels C→E on port 2222 need clientAuth on Expressway-C\'s client certificate whatever X4 says.',
  X6: 'x15.4 had XCP TLS Certificate CVS EnableServerEkuUpload, deprecated in x15.5.',
  X7: 'The document\'s outcomes for serverAuth-only and clientAuth client certificates with checking On and Off.',
  X8: 'Neighbor zones with TLS verify On need clientAuth on the connecting side and match the peer address against the SAN.',
  X9: 'Expressway\'s logs: Inbound TLS Negotiation Error = Expressway was server; Outbound = client.',
} as const;

export type DomainRuleId = keyof typeof DOMAIN_RULES;

export function isDomainRule(id: string): id is DomainRuleId {
  return Object.prototype.hasOwnProperty.call(DOMAIN_RULES, id);
}
