/** The functions this provider serves, by invoke token; each module loads on its first call (as resources/table.ts). */
import type { FunctionType } from './types';

/* eslint-disable @typescript-eslint/no-require-imports */
const LOADERS: ReadonlyMap<string, () => FunctionType> = new Map([
  ['ibmflowlogs:index:getFlowLogCollector', (): FunctionType => (require('./getFlowLogCollector') as typeof import('./getFlowLogCollector')).GetFlowLogCollector],
  ['ibmflowlogs:index:getFlowLogCollectors', (): FunctionType => (require('./getFlowLogCollectors') as typeof import('./getFlowLogCollectors')).GetFlowLogCollectors],
  ['ibmflowlogs:index:getCoverage', (): FunctionType => (require('./getCoverage') as typeof import('./getCoverage')).GetCoverage],
]);

export const FUNCTION_TOKENS: readonly string[] = [...LOADERS.keys()];

/** The function of a token, or undefined. */
export function functionType(token: string): FunctionType | undefined {
  return LOADERS.get(token)?.();
}
