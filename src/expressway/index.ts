// The input side of the Expressway stage: bundles, archives, xconf/xstat dumps, logs, services table.
export * from './problems.js';
export * from './tar.js';
export * from './bundle.js';
export * from './xconf.js';
export * from './logs.js';
export * from './services.js';
export * from './stores.js';
export * from './context.js';
export * from './rules.js';
export * from './rulebook.js';
