export * from './types.js';
export { readCapture, sniffFormat, CaptureFormatError, type ReadOptions } from './read.js';
export { describeMagic } from './source.js';
