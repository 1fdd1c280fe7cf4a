/**
 * The TLS dissection stage: record layer, handshake reassembly, message decoders, alerts and the
 * pure handshake state machine. Imports only src/bytes and the StreamConsumer types of src/net.
 */
export * from './types.js';
export * from './names.js';
export { decodeHandshake, decodeSslv2ClientHello, HELLO_RETRY_REQUEST_RANDOM } from './messages.js';
export { alertForm, decodeAlert, decodeChangeCipherSpec, plausibleRecordHeader, helloRecordAt, sslv2HelloAt, type AlertBody, type AlertForm } from './record.js';
export { classifyStart, findTlsStart, namePreamble, type TlsStart } from './preamble.js';
export { distinguishedNameText } from './dn.js';
export {
  transition,
  initialState,
  finalOutcome,
  handshakeDone,
  silentRejection,
  ccsIsCompat,
  roleOf,
  type TlsEvent,
  type HandshakeState,
  type Outcome,
  type AlertRef,
  type EndRef,
  type Pair,
  type SilentRejection,
} from './state.js';
export {
  TlsConnection,
  TlsBudget,
  DEFAULT_TLS_BUDGET_BYTES,
  type TlsConnectionOptions,
  type TlsDecryptor,
  type ProtectedRecord,
  type Plaintext,
  type HelloSecrets,
  type TlsSummary,
} from './connection.js';
export { SettledMessages, settledSummary, type KeepBytes, type StoredCertificate } from './settled.js';
