import * as getCoverage from '../functions/getCoverage';
import * as getFlowLogCollector from '../functions/getFlowLogCollector';
import * as getFlowLogCollectors from '../functions/getFlowLogCollectors';
import type { FunctionServices } from '../functions/services';

/** Invoke tokens → functions. */
export const FUNCTIONS: Record<string, (args: Record<string, unknown>, services: FunctionServices) => Promise<Record<string, unknown>>> = {
  [getFlowLogCollector.TOKEN]: getFlowLogCollector.getFlowLogCollector,
  [getFlowLogCollectors.TOKEN]: getFlowLogCollectors.getFlowLogCollectors,
  [getCoverage.TOKEN]: getCoverage.getCoverage,
};
