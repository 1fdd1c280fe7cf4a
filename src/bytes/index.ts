export * from './result.js';
export * from './reader.js';
export * from './decode.js';
export * from './hex.js';
export * from './text.js';
export * from './budget.js';
