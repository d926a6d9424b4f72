import type { AuthorizationPolicy } from '../../ibm/bucketAuthorization';
import { COS_ROLES, parseCosInstance } from '../../ibm/bucketAuthorization';
import { UNKNOWN } from '../../shared/values';
import { NotConfiguredError } from '../errors';
import type { Outputs } from '../properties';
import type { Clients, CreateArgs, DeleteArgs, ReadArgs, ReadResult, ResourceCall } from '../types';
import { DEFAULT_ROLES } from './properties';

function policiesOf(call: ResourceCall): Clients['policies'] {
  const configured = call.context.configured;
  if (!configured) throw new NotConfiguredError();
  return configured.clients.policies;
}

const attribute = (attributes: Array<{ name: string; value: string }>, name: string) => attributes.find((a) => a.name === name)?.value;

/** A role CRN back to the name `roles` takes (`crn:…:serviceRole:Writer` → `Writer`). */
function roleName(roleId: string): string {
  return Object.entries(COS_ROLES).find(([, id]) => id === roleId)?.[0] ?? roleId;
}

/** The outputs of a policy, and the inputs that would make it; undefined when it is not a flow-logs-to-COS authorization. */
export function describePolicy(policy: AuthorizationPolicy): { outputs: Outputs; inputs: Record<string, unknown> } | undefined {
  const subject = policy.subjects[0]?.attributes ?? [];
  const resource = policy.resources[0]?.attributes ?? [];
  if (policy.type !== 'authorization' || attribute(subject, 'serviceName') !== 'is' || attribute(subject, 'resourceType') !== 'flow-log-collector') return undefined;
  const cosInstance = attribute(resource, 'serviceInstance');
  if (attribute(resource, 'serviceName') !== 'cloud-object-storage' || cosInstance === undefined) return undefined;
  const bucket = attribute(resource, 'resource');
  const roles = policy.roles.map((r) => roleName(r.roleId));
  const inputs = { cosInstance, ...(bucket !== undefined ? { bucket } : {}), roles };
  return { inputs, outputs: { ...inputs, policyId: policy.id, scope: bucket !== undefined ? 'bucket' : 'instance', accountId: attribute(resource, 'accountId') ?? attribute(subject, 'accountId') ?? '' } };
}

export async function create(args: CreateArgs, call: ResourceCall): Promise<{ id: string; outputs: Outputs }> {
  const v = args.inputs.values;
  const inputs = { cosInstance: parseCosInstance(String(v.cosInstance))?.guid ?? v.cosInstance, ...(typeof v.bucket === 'string' ? { bucket: v.bucket } : {}), roles: (v.roles as string[] | undefined) ?? [...DEFAULT_ROLES] };
  if (args.preview) return { id: '', outputs: { ...inputs, policyId: UNKNOWN, scope: v.bucket !== undefined || args.inputs.unknown.has('bucket') ? 'bucket' : 'instance', accountId: UNKNOWN } };
  const policies = policiesOf(call);
  const signal = call.context.signal;
  const accountId = await policies.accountId({ signal });
  const policy = await policies.createFlowLogsAuthorization({ accountId, cosInstance: String(v.cosInstance), ...(typeof v.bucket === 'string' ? { bucket: v.bucket } : {}), roles: inputs.roles }, { signal });
  return { id: policy.id, outputs: { ...inputs, policyId: policy.id, scope: inputs.bucket !== undefined ? 'bucket' : 'instance', accountId } };
}

/** Refresh and import by policy id: undefined when IAM has no such active policy. */
export async function read(args: ReadArgs, call: ResourceCall): Promise<ReadResult | undefined> {
  const policy = await policiesOf(call).getPolicy(args.id, { signal: call.context.signal });
  if (!policy || policy.state !== 'active') return undefined;
  const described = describePolicy(policy);
  if (!described) throw new TypeError(`IAM policy ${args.id} is not an authorization for flow log collectors (service is, resource type flow-log-collector) to cloud-object-storage; import a policy that is`);
  return { id: policy.id, ...described };
}

export async function remove(args: DeleteArgs, call: ResourceCall): Promise<void> {
  await policiesOf(call).deletePolicy(args.id, { signal: call.context.signal });
}
