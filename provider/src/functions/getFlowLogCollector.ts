import { InputError } from '../shared/failures';
import { stringArgs, summary } from './summary';
import type { FunctionServices, FunctionType } from './types';

const ARGS = ['id', 'name', 'vpc'] as const;

/** One collector, by `id` or by `name` (with `vpc` when names repeat across VPCs). */
async function getFlowLogCollector(args: Record<string, unknown>, services: FunctionServices) {
  const { values, failures } = stringArgs(args, ARGS);
  if ((values.id === undefined) === (values.name === undefined) && failures.length === 0) {
    failures.push({ property: values.id === undefined ? 'id' : 'name', reason: 'give exactly one of id or name' });
  }
  if (values.vpc !== undefined && values.id !== undefined) failures.push({ property: 'vpc', reason: 'vpc narrows a lookup by name; it cannot be combined with id' });
  if (failures.length > 0) throw new InputError(failures);

  if (values.id !== undefined) {
    const found = await services.vpc.getCollector(values.id, { signal: services.signal });
    if (!found) throw new InputError([{ property: 'id', reason: `no flow log collector has id "${values.id}"` }]);
    return summary(found);
  }
  const matches = [];
  for await (const c of services.vpc.listCollectors({ name: values.name, ...(values.vpc ? { 'vpc.id': values.vpc } : {}) }, { signal: services.signal })) matches.push(c);
  if (matches.length === 0) throw new InputError([{ property: 'name', reason: `no flow log collector is named "${values.name}"${values.vpc ? ` in VPC ${values.vpc}` : ''}` }]);
  if (matches.length > 1) {
    throw new InputError([{ property: 'name', reason: `${matches.length} collectors are named "${values.name}" (in VPCs ${matches.map((m) => m.vpc.id).join(', ')}); give vpc as well` }]);
  }
  return summary(matches[0]);
}

export const GetFlowLogCollector: FunctionType = { token: 'ibmflowlogs:index:getFlowLogCollector', args: ARGS, invoke: getFlowLogCollector };
