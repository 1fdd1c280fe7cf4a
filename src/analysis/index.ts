export * from './model.js';
export { analysisSoFar, analyzeCapture, buildSession, type AnalyzeOptions, type LiveSnapshot } from './analyze.js';
export { scanCapture, statsNotes, tunnelNotes, passiveConsumer, type DecodeStats, type ScanResult, type ScanOptions } from './frames.js';
export { KeyLog, KeyLogFileError, CaptureKeys, DSB_TLS_KEY_LOG, clientRandomOf, keyLogOf, type KeyLogFactory, type KeyLogNote, type KeyLogSummary } from './keylog.js';
export type { DecryptionReport, DecryptionStatus } from '../tls/decrypt/index.js';
export { guessClientDir, type RoleGuess } from './roles.js';
