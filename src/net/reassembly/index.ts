export * from './tcp.js';
export * from './connection.js';
export * from './keys.js';
