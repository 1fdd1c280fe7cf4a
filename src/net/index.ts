export * from './types.js';
export * from './packet.js';
export * from './linktypes.js';
export * from './tunnel.js';
export * from './reassembly/index.js';
