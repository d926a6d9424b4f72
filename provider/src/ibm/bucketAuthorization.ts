import { parseCrn } from './crn';

/**
 * Whether flow log collectors may write to a bucket, decided from IAM's policies alone (pure: plain data in, plain
 * data out; iamPolicies.ts fetches the policies). The service needs a service-to-service authorization: a policy of
 * type `authorization` whose subject is service `is` with resource type `flow-log-collector`, whose resource is
 * `cloud-object-storage` (the whole account, one COS instance by GUID, or one bucket), and one of whose roles grants
 * Writer. IAM's matching rule: every attribute of the subject and of the resource must match the write's.
 */

export interface PolicyAttribute {
  name: string;
  value: string;
  /** `stringEquals` (also when absent) or `stringMatch` (`*` any run of characters, `?` one character). */
  operator?: string;
}

/** An IAM v1 policy, as IamPolicyClient returns it (camelCase; the wire's `role_id` is `roleId`). */
export interface AuthorizationPolicy {
  id: string;
  type: string;
  description?: string;
  subjects: Array<{ attributes: PolicyAttribute[] }>;
  roles: Array<{ roleId: string; displayName?: string }>;
  resources: Array<{ attributes: PolicyAttribute[]; tags?: PolicyAttribute[] }>;
  /** `active`, or `deleted` (IAM keeps deleted policies readable for a while). */
  state: string;
  href?: string;
  createdAt?: string;
  /** The revision to send as If-Match when replacing it; only GET and create answer one. */
  etag?: string;
}

/** The write flow logs make: who writes (a collector of the account, in a region and resource group) and where. */
export interface BucketWriteTarget {
  /** The account of the collectors and of the COS instance. */
  accountId: string;
  /** The COS instance's GUID (a CRN is reduced to it: IAM's `serviceInstance` attribute holds the GUID). */
  cosInstance: string;
  bucket: string;
  /** The collectors' region (`us-south`). */
  region: string;
  /** The collector's resource group id; absent: unknown, so a policy narrowed to a group is undetermined. */
  collectorResourceGroupId?: string;
  /** The COS instance's resource group id; absent: unknown, likewise. */
  cosResourceGroupId?: string;
}

export type AuthorizationScope = 'account' | 'instance' | 'bucket';

export type BucketAuthorizationVerdict =
  | { authorized: true; policy: AuthorizationPolicy; scope: AuthorizationScope }
  /** `undetermined`: policies that would authorize if the attributes the target leaves unknown matched. */
  | { authorized: false; undetermined: AuthorizationPolicy[] };

/** Writer, and Manager (which holds every Writer action): the roles that let collectors write objects. */
export const WRITER_ROLE_IDS: readonly string[] = ['crn:v1:bluemix:public:iam::::serviceRole:Writer', 'crn:v1:bluemix:public:iam::::serviceRole:Manager'];

/** Role names as `ibmcloud iam authorization-policy-create` and Terraform's `roles` take them, with their CRNs. */
export const COS_ROLES: Readonly<Record<string, string>> = {
  Reader: 'crn:v1:bluemix:public:iam::::serviceRole:Reader',
  Writer: 'crn:v1:bluemix:public:iam::::serviceRole:Writer',
  Manager: 'crn:v1:bluemix:public:iam::::serviceRole:Manager',
  'Content Reader': 'crn:v1:bluemix:public:cloud-object-storage::::serviceRole:ContentReader',
  'Object Reader': 'crn:v1:bluemix:public:cloud-object-storage::::serviceRole:ObjectReader',
  'Object Writer': 'crn:v1:bluemix:public:cloud-object-storage::::serviceRole:ObjectWriter',
};

/** A COS role's CRN from its name (`Writer`, `Object Writer`, also `ObjectWriter`), or a CRN as given; undefined if unknown. */
export function cosRoleId(name: string): string | undefined {
  if (Object.values(COS_ROLES).includes(name)) return name;
  const key = Object.keys(COS_ROLES).find((k) => k === name || k.replace(/ /g, '') === name);
  return key === undefined ? undefined : COS_ROLES[key];
}

/** A COS instance given by GUID or CRN (`crn:v1:bluemix:public:cloud-object-storage:global:a/<account>:<guid>::`). */
export function parseCosInstance(value: string): { guid: string; accountId?: string } | undefined {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return { guid: value.toLowerCase() };
  const crn = parseCrn(value);
  if (!crn || crn.service !== 'cloud-object-storage' || !crn.serviceInstance) return undefined;
  return { guid: crn.serviceInstance, ...(crn.scope.startsWith('a/') ? { accountId: crn.scope.slice(2) } : {}) };
}

type Match = 'yes' | 'no' | 'unknown';

function matches(attribute: PolicyAttribute, actual: string | undefined | null): Match {
  // null: the write does not carry this attribute at all; undefined: it does, but the value is not known here.
  if (actual === null) return 'no';
  if (actual === undefined) return 'unknown';
  const operator = attribute.operator ?? 'stringEquals';
  if (operator === 'stringEquals') return attribute.value === actual ? 'yes' : 'no';
  if (operator === 'stringMatch') {
    const source = attribute.value.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    return new RegExp(`^${source}$`, 's').test(actual) ? 'yes' : 'no';
  }
  return 'unknown';
}

function all(results: Match[]): Match {
  return results.includes('no') ? 'no' : results.includes('unknown') ? 'unknown' : 'yes';
}

/** Whether one policy lets flow log collectors write to the target: `unknown` when it hangs on what the target leaves open. */
export function policyAuthorizes(policy: AuthorizationPolicy, target: BucketWriteTarget): Match {
  if (policy.state !== 'active' || policy.type !== 'authorization') return 'no';
  if (!policy.roles.some((r) => WRITER_ROLE_IDS.includes(r.roleId))) return 'no';
  const subject: Record<string, string | undefined | null> = {
    serviceName: 'is',
    accountId: target.accountId,
    resourceType: 'flow-log-collector',
    region: target.region,
    resourceGroupId: target.collectorResourceGroupId,
  };
  const cosInstance = parseCosInstance(target.cosInstance)?.guid ?? target.cosInstance;
  const resource: Record<string, string | undefined | null> = {
    serviceName: 'cloud-object-storage',
    accountId: target.accountId,
    serviceInstance: cosInstance,
    resourceType: 'bucket',
    resource: target.bucket,
    resourceGroupId: target.cosResourceGroupId,
  };
  const of = (values: Record<string, string | undefined | null>, a: PolicyAttribute) => matches(a, Object.hasOwn(values, a.name) ? values[a.name] : null);
  return all([
    ...policy.subjects.flatMap((s) => s.attributes.map((a) => of(subject, a))),
    ...policy.resources.flatMap((r) => [...r.attributes.map((a) => of(resource, a)), ...(r.tags ?? []).map((): Match => 'unknown')]),
  ]);
}

function scopeOf(policy: AuthorizationPolicy): AuthorizationScope {
  const names = new Set(policy.resources.flatMap((r) => r.attributes.map((a) => a.name)));
  return names.has('resource') ? 'bucket' : names.has('serviceInstance') ? 'instance' : 'account';
}

const NARROWEST: AuthorizationScope[] = ['bucket', 'instance', 'account'];

/**
 * Is the bucket authorized for flow-log-collector writes, and by which policy? Of several that authorize, the one of
 * the narrowest scope (bucket, then instance, then account), then the first listed.
 */
export function findBucketAuthorization(policies: readonly AuthorizationPolicy[], target: BucketWriteTarget): BucketAuthorizationVerdict {
  const verdicts = policies.map((policy) => ({ policy, match: policyAuthorizes(policy, target) }));
  const granting = verdicts.filter((v) => v.match === 'yes').map((v) => ({ policy: v.policy, scope: scopeOf(v.policy) }));
  granting.sort((a, b) => NARROWEST.indexOf(a.scope) - NARROWEST.indexOf(b.scope));
  if (granting.length > 0) return { authorized: true, policy: granting[0].policy, scope: granting[0].scope };
  return { authorized: false, undetermined: verdicts.filter((v) => v.match === 'unknown').map((v) => v.policy) };
}

export interface FlowLogsAuthorizationSpec {
  /** The account that owns the collectors and the COS instance. */
  accountId: string;
  /** GUID or CRN of the COS instance. */
  cosInstance: string;
  /** Narrows the policy to one bucket. */
  bucket?: string;
  /** Role names or CRNs. @default ["Writer"] */
  roles?: readonly string[];
  description?: string;
}

/** The v1 body of `ibmcloud iam authorization-policy-create is cloud-object-storage Writer --source-resource-type flow-log-collector --target-service-instance-id <guid>` (narrowed to a bucket when one is given). */
export function flowLogsAuthorizationBody(spec: FlowLogsAuthorizationSpec): {
  type: 'authorization';
  description?: string;
  subjects: Array<{ attributes: PolicyAttribute[] }>;
  roles: Array<{ role_id: string }>;
  resources: Array<{ attributes: PolicyAttribute[] }>;
} {
  const instance = parseCosInstance(spec.cosInstance);
  if (!instance) throw new TypeError(`cosInstance "${spec.cosInstance}" is neither a COS instance GUID nor a cloud-object-storage CRN`);
  const roles = (spec.roles ?? ['Writer']).map((name) => {
    const id = cosRoleId(name);
    if (!id) throw new TypeError(`role "${name}" is not a Cloud Object Storage role; allowed: ${Object.keys(COS_ROLES).join(', ')}`);
    return { role_id: id };
  });
  return {
    type: 'authorization',
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    subjects: [{ attributes: [{ name: 'accountId', value: spec.accountId }, { name: 'serviceName', value: 'is' }, { name: 'resourceType', value: 'flow-log-collector' }] }],
    roles,
    resources: [
      {
        attributes: [
          { name: 'accountId', value: spec.accountId, operator: 'stringEquals' },
          { name: 'serviceName', value: 'cloud-object-storage', operator: 'stringEquals' },
          { name: 'serviceInstance', value: instance.guid, operator: 'stringEquals' },
          ...(spec.bucket === undefined
            ? []
            : [
                { name: 'resourceType', value: 'bucket', operator: 'stringEquals' },
                { name: 'resource', value: spec.bucket, operator: 'stringEquals' },
              ]),
        ],
      },
    ],
  };
}
