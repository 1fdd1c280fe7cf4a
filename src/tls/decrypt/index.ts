/**
 * Key-log decryption of TLS records, behind the TlsDecryptor seam of the connection: key log
 * parsing and a store by client random, the TLS 1.3 key schedule pieces and the TLS 1.0–1.2 key
 * block, and record protection removal through node:crypto.
 */
export { parseKeyLog, KeyStore, LABEL_OF, type SecretLabel, type SessionSecrets, type KeyLogEntry, type KeyLogProblem, type KeyLogParse, type KeyLogParseOptions } from './keylog.js';
export { KeyLogDecryptor, DEFAULT_MAX_DECRYPTED_RECORDS, type KeyLogDecryptorOptions, type DecryptionReport, type DecryptionStatus } from './decryptor.js';
export { hkdfExtract, hkdfExpand, hkdfExpandLabel, deriveSecret, trafficKeys, nextTrafficSecret, prf12, prf10, keyBlock, type HashName } from './kdf.js';
export { Tls13Protection, Tls12Aead, Tls12Cbc, aeadOpen, xorNonce, type Opened } from './protection.js';
export { suiteFor, type Suite, type AeadSuite, type CbcSuite } from './suites.js';
