export * from './model.js';
export { analyzeCapture, buildSession, type AnalyzeOptions } from './analyze.js';
export { scanCapture, statsNotes, passiveConsumer, type DecodeStats, type ScanResult, type ScanOptions } from './frames.js';
