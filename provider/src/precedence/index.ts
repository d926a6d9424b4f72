/**
 * The precedence simulator (README.md, "What the provider does"): which collector receives each interface's flow logs.
 * Plain data in, plain data out; nothing here does I/O or imports anything outside this folder.
 *
 * - rules.ts: the order and the suspended-collector rule, as constants;
 * - chain.ts: the rule written for reading (an interface's chain, walked in order), the reference for the tests;
 * - resolve.ts: the same rule fast, on typed arrays (compact.ts), and one collector's coverage;
 * - diff.ts: what changes between two resolutions; overlay.ts: planned collectors over live ones;
 * - wording.ts: the English lines; compare.ts: a change's effect and the warnings it calls for.
 */
export * from './types';
export { PRECEDENCE, SUSPENDED_COLLECTOR_HOLDS_ITS_PLACE } from './rules';
export { ChainIndex, levelOn, resolveByChain, type Chain } from './chain';
export { resolve, coverageOf } from './resolve';
export { diffResolutions } from './diff';
export { overlay } from './overlay';
export { summarizeChanges, SUSPENDED_RULE_NOTE } from './wording';
export { compare, coverageAmong, type CoverageComparison, warningsOf } from './compare';
