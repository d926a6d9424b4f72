/** The functions this provider serves, by invoke token. */
import { GetCoverage } from './getCoverage';
import { GetFlowLogCollector } from './getFlowLogCollector';
import { GetFlowLogCollectors } from './getFlowLogCollectors';
import type { FunctionType } from './types';

export const FUNCTIONS: ReadonlyMap<string, FunctionType> = new Map([GetFlowLogCollector, GetFlowLogCollectors, GetCoverage].map((f) => [f.token, f]));
