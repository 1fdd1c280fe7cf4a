/**
 * Synthetic packet capture writing: frame builders, a TCP connection model and pcap / pcapng
 * writers. See README.md in this folder for the API in one page. The writer is src/capture/writer.ts
 * (one writer for the tests, this generator and the benchmark).
 */
export * from './frame.js';
export * from './tcp.js';
export * from '../../../src/capture/writer.js';
