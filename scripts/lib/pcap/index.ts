/**
 * Synthetic packet capture writing: frame builders, a TCP connection model and pcap / pcapng
 * writers. See README.md in this folder for the API in one page.
 */
export * from './frame.js';
export * from './tcp.js';
export * from './writer.js';
