import type { CollectorFilters, TargetType } from '../ibm/types';
import { resolveResourceGroup } from '../model/resourceGroups';
import { InputError } from '../shared/failures';
import { stringArgs, summary } from './summary';
import type { FunctionServices, FunctionType } from './types';

/** The function's argument names → the API's filter names. */
const FILTERS: Record<string, keyof CollectorFilters> = {
  resourceGroup: 'resource_group.id',
  name: 'name',
  vpc: 'vpc.id',
  vpcCrn: 'vpc.crn',
  vpcName: 'vpc.name',
  target: 'target.id',
  targetType: 'target.resource_type',
};
const TARGET_TYPES: TargetType[] = ['vpc', 'subnet', 'instance', 'network_interface', 'virtual_network_interface', 'instance_network_attachment'];

/** Every collector matching the API's filters, all pages. */
async function getFlowLogCollectors(args: Record<string, unknown>, services: FunctionServices, secret: ReadonlySet<string> = new Set()) {
  const { values, failures } = stringArgs(args, Object.keys(FILTERS));
  if (values.targetType !== undefined && !TARGET_TYPES.includes(values.targetType as TargetType)) {
    failures.push({ property: 'targetType', reason: `"${values.targetType}" is not one of ${TARGET_TYPES.join(', ')}` });
  }
  // A group by name, as a collector's resourceGroup takes it: the API's filter takes the id.
  if (values.resourceGroup !== undefined) {
    const group = await resolveResourceGroup(values.resourceGroup, services, secret.has('resourceGroup'));
    if ('failure' in group) failures.push(group.failure);
    else values.resourceGroup = group.id;
  }
  if (failures.length > 0) throw new InputError(failures);
  const filters: CollectorFilters = {};
  for (const [arg, value] of Object.entries(values)) (filters as Record<string, string>)[FILTERS[arg]] = value;
  const collectors = [];
  for await (const c of services.vpc.listCollectors(filters, { signal: services.signal })) {
    const s = summary(c);
    collectors.push({ id: s.id, crn: s.crn, name: s.name, active: s.active, lifecycleState: s.lifecycleState, storageBucket: s.storageBucket, target: s.target, targetType: s.targetType, vpc: s.vpc, resourceGroup: s.resourceGroup, createdAt: s.createdAt });
  }
  return { collectors };
}

export const GetFlowLogCollectors: FunctionType = { token: 'ibmflowlogs:index:getFlowLogCollectors', args: Object.keys(FILTERS), invoke: getFlowLogCollectors };
