/**
 * The plain data that crosses stage boundaries (record → store → replay → compare → report) is defined
 * one file per stage under src/types/ (exchange, comparison, run). This file only gathers them for
 * modules that import `../types.js`; new code imports the stage file it needs. The public API is
 * src/index.ts.
 */
export type * from './types/exchange.js';
export type * from './types/comparison.js';
export type * from './types/run.js';
