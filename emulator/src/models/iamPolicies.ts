import { createHash, randomUUID } from 'node:crypto';
import { PlatformError, platformFail, type ErrorDetail } from '../errors';
import type { Clock } from './clock';

/**
 * IAM Policy Management's v1 policies (`/v1/policies`): access and authorization policies with `subjects`, `roles`
 * and `resources` attribute lists, as IBM's API and `@ibm-cloud/platform-services`' IamPolicyManagementV1 carry
 * them. The emulator keeps every policy; the service-to-service authorizations among them are what flow log
 * collectors obey (see {@link grantsFlowLogWrites}).
 */

export interface SubjectAttribute {
  name: string;
  value: string;
}

export interface ResourceAttribute {
  name: string;
  value: string;
  /** `stringEquals` (the default when absent) or `stringMatch` (`*` and `?` wildcards). */
  operator?: string;
}

export interface PolicyInput {
  type: 'access' | 'authorization';
  description?: string;
  subjects: Array<{ attributes: SubjectAttribute[] }>;
  roles: Array<{ role_id: string }>;
  resources: Array<{ attributes: ResourceAttribute[]; tags?: ResourceAttribute[] }>;
}

export interface StoredPolicy extends PolicyInput {
  id: string;
  createdAt: string;
  createdById: string;
  lastModifiedAt: string;
  lastModifiedById: string;
  state: 'active' | 'deleted';
  /** Counts replacements; the first part of the ETag. */
  revision: number;
  /** Made by the emulator itself (a seeded bucket, the control API's /authorizations), not through the IAM API. */
  origin?: 'emulator';
}

/** The roles the emulator knows, with the names IBM displays. A role that grants Writer lets flow logs write. */
export const ROLES: Record<string, { displayName: string; description: string }> = {
  'crn:v1:bluemix:public:iam::::serviceRole:Reader': { displayName: 'Reader', description: 'Can list buckets and read objects.' },
  'crn:v1:bluemix:public:iam::::serviceRole:Writer': { displayName: 'Writer', description: 'Can create and delete buckets, and upload, read and delete objects.' },
  'crn:v1:bluemix:public:iam::::serviceRole:Manager': { displayName: 'Manager', description: 'Everything Writer can, plus bucket configuration.' },
  'crn:v1:bluemix:public:cloud-object-storage::::serviceRole:ContentReader': { displayName: 'Content Reader', description: 'Can read objects.' },
  'crn:v1:bluemix:public:cloud-object-storage::::serviceRole:ObjectReader': { displayName: 'Object Reader', description: 'Can read objects.' },
  'crn:v1:bluemix:public:cloud-object-storage::::serviceRole:ObjectWriter': { displayName: 'Object Writer', description: 'Can upload objects.' },
  'crn:v1:bluemix:public:iam::::role:Viewer': { displayName: 'Viewer', description: 'Can view the instance.' },
  'crn:v1:bluemix:public:iam::::role:Operator': { displayName: 'Operator', description: 'Can perform platform actions on the instance.' },
  'crn:v1:bluemix:public:iam::::role:Editor': { displayName: 'Editor', description: 'Can perform all platform actions except managing access.' },
  'crn:v1:bluemix:public:iam::::role:Administrator': { displayName: 'Administrator', description: 'Can perform all platform actions, access management included.' },
};

/** Writer, and Manager (which holds every Writer action): the roles that let flow log collectors write objects. */
export const WRITER_ROLES: ReadonlySet<string> = new Set(['crn:v1:bluemix:public:iam::::serviceRole:Writer', 'crn:v1:bluemix:public:iam::::serviceRole:Manager']);

const COS_ROLES = new Set(Object.keys(ROLES));
const ROLE_CRN = /^crn:v1:bluemix:public:[a-z0-9-]*::::(serviceRole|role|customRole):[A-Za-z0-9_-]+$/;
const OPERATORS = ['stringEquals', 'stringMatch'];
const TOP_LEVEL = ['type', 'description', 'subjects', 'roles', 'resources'];

/** What a flow log collector's write to a bucket looks like to IAM: the subject's and the resource's attributes. */
export interface FlowLogWriteRequest {
  account: string;
  region: string;
  /** The collector's resource group; undefined matches no policy narrowed to a resource group. */
  collectorResourceGroupId?: string;
  cosInstanceGuid: string;
  cosResourceGroupId: string;
  bucket: string;
}

function globMatches(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

function attributeMatches(attribute: ResourceAttribute, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  const operator = attribute.operator ?? 'stringEquals';
  if (operator === 'stringEquals') return attribute.value === actual;
  if (operator === 'stringMatch') return globMatches(attribute.value, actual);
  return false;
}

/**
 * Does this policy let flow log collectors write to the bucket? IAM's rule: every attribute of the policy's subject
 * matches the caller (service `is`, resource type `flow-log-collector`, its account, region and resource group), every
 * attribute of its resource matches the target (service `cloud-object-storage`, the account, the instance GUID,
 * resource type `bucket`, the bucket's name, the instance's resource group), and a role grants Writer. So a policy on
 * the account, on the COS instance or on the bucket authorizes; one narrowed to an attribute the write does not
 * carry (a collector's `serviceInstance`, an object `prefix`) does not.
 */
export function grantsFlowLogWrites(policy: StoredPolicy, request: FlowLogWriteRequest): boolean {
  if (policy.state !== 'active' || policy.type !== 'authorization') return false;
  if (!policy.roles.some((r) => WRITER_ROLES.has(r.role_id))) return false;
  const subject: Record<string, string | undefined> = {
    serviceName: 'is',
    accountId: request.account,
    resourceType: 'flow-log-collector',
    region: request.region,
    resourceGroupId: request.collectorResourceGroupId,
  };
  const resource: Record<string, string | undefined> = {
    serviceName: 'cloud-object-storage',
    accountId: request.account,
    serviceInstance: request.cosInstanceGuid,
    resourceType: 'bucket',
    resource: request.bucket,
    resourceGroupId: request.cosResourceGroupId,
  };
  const subjectOk = policy.subjects.every((s) => s.attributes.every((a) => attributeMatches(a, subject[a.name])));
  const resourceOk = policy.resources.every((r) => r.attributes.every((a) => attributeMatches(a, resource[a.name])) && (r.tags ?? []).length === 0);
  return subjectOk && resourceOk;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a create or replace body; every problem is reported in one 400 `invalid_body`, as IAM words them. */
export function parsePolicy(body: unknown, account: string): PolicyInput {
  const problems: string[] = [];
  if (!isObject(body)) platformFail('invalid_body', 'The request body must be a JSON object with type, subjects, roles and resources.');
  for (const key of Object.keys(body)) if (!TOP_LEVEL.includes(key)) problems.push(`"${key.slice(0, 40)}" is not a field of a v1 policy; allowed: ${TOP_LEVEL.join(', ')}`);
  const type = body.type;
  if (type !== 'access' && type !== 'authorization') problems.push(`type must be "access" or "authorization"; received ${JSON.stringify(type)?.slice(0, 40)}`);
  if (body.description !== undefined && (typeof body.description !== 'string' || body.description.length > 300)) problems.push('description must be a string of at most 300 characters');

  const attributes = (list: unknown, path: string, withOperator: boolean): ResourceAttribute[] => {
    if (!Array.isArray(list) || list.length === 0) {
      problems.push(`${path} must be a non-empty list of {"name", "value"${withOperator ? ', "operator"?' : ''}}`);
      return [];
    }
    const out: ResourceAttribute[] = [];
    list.forEach((a, i) => {
      if (!isObject(a) || typeof a.name !== 'string' || a.name === '' || typeof a.value !== 'string' || a.value.length < 1 || a.value.length > 1000) {
        problems.push(`${path}[${i}] must have a "name" and a "value" of 1 to 1000 characters`);
        return;
      }
      if (a.operator !== undefined && (!withOperator || typeof a.operator !== 'string' || !OPERATORS.includes(a.operator))) {
        problems.push(`${path}[${i}].operator must be one of ${OPERATORS.join(', ')}; received ${JSON.stringify(a.operator)?.slice(0, 40)}`);
        return;
      }
      out.push(withOperator && a.operator !== undefined ? { name: a.name, value: a.value, operator: a.operator as string } : { name: a.name, value: a.value });
    });
    const names = out.map((a) => a.name);
    const repeated = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
    const kind = path.startsWith('subjects') ? 'subject' : 'resource';
    if (repeated.length > 0) problems.push(`The following ${kind} attribute(s) had multiple entries: ${repeated.join(', ')}`);
    return out;
  };

  const subjects: PolicyInput['subjects'] = [];
  if (!Array.isArray(body.subjects) || body.subjects.length !== 1) problems.push('subjects must be a list of exactly one subject: [{"attributes": [...]}]');
  else if (!isObject(body.subjects[0])) problems.push('subjects[0] must be an object with "attributes"');
  else subjects.push({ attributes: attributes(body.subjects[0].attributes, 'subjects[0].attributes', false) });

  const resources: PolicyInput['resources'] = [];
  if (!Array.isArray(body.resources) || body.resources.length !== 1) problems.push('resources must be a list of exactly one resource: [{"attributes": [...]}]');
  else if (!isObject(body.resources[0])) problems.push('resources[0] must be an object with "attributes"');
  else {
    const r = body.resources[0];
    const resource: PolicyInput['resources'][number] = { attributes: attributes(r.attributes, 'resources[0].attributes', true) };
    if (r.tags !== undefined) resource.tags = attributes(r.tags, 'resources[0].tags', true);
    resources.push(resource);
  }

  const roles: PolicyInput['roles'] = [];
  if (!Array.isArray(body.roles) || body.roles.length === 0) problems.push('roles must be a non-empty list of {"role_id": <role CRN>}');
  else {
    body.roles.forEach((r, i) => {
      const id = isObject(r) ? r.role_id : undefined;
      if (typeof id !== 'string' || !ROLE_CRN.test(id)) problems.push(`roles[${i}].role_id must be a role CRN such as crn:v1:bluemix:public:iam::::serviceRole:Writer; received ${JSON.stringify(id)?.slice(0, 80)}`);
      else if (roles.some((x) => x.role_id === id)) problems.push(`roles[${i}].role_id ${id} is given twice`);
      else roles.push({ role_id: id });
    });
  }

  const subject = new Map(subjects[0]?.attributes.map((a) => [a.name, a.value]) ?? []);
  const resource = new Map(resources[0]?.attributes.map((a) => [a.name, a.value]) ?? []);
  if (subjects.length === 1 && resources.length === 1) {
    if (type === 'authorization') {
      if (!subject.has('accountId')) problems.push('An authorization policy subject must include the accountId attribute');
      if (!subject.has('serviceName') && !subject.has('resourceGroupId')) problems.push('An authorization policy subject must include the serviceName or resourceGroupId attribute');
      if (!resource.has('serviceName')) problems.push('An authorization policy resource must include the serviceName attribute');
    } else if (type === 'access' && !subject.has('iam_id') && !subject.has('access_group_id')) {
      problems.push('An access policy subject must include the iam_id or access_group_id attribute');
    }
    if (!resource.has('accountId')) problems.push('The policy resource must include the accountId attribute');
    if (resource.get('serviceName') === 'cloud-object-storage') {
      for (const r of roles) if (!COS_ROLES.has(r.role_id)) problems.push(`Role ${r.role_id} is not a role of cloud-object-storage; its roles are ${Object.values(ROLES).map((x) => x.displayName).join(', ')}`);
    }
  }
  if (problems.length > 0) throw new PlatformError(problems.map((message): ErrorDetail => ({ code: 'invalid_body', message: `${message}.` })));
  const accountId = resource.get('accountId');
  if (accountId !== account) platformFail('forbidden', `The policy resource's accountId "${accountId?.slice(0, 40)}" is not this account (${account}); policies can only be created in your own account.`);
  return { type: type as PolicyInput['type'], ...(typeof body.description === 'string' ? { description: body.description } : {}), subjects, roles, resources };
}

const sortedAttributes = (list: ResourceAttribute[]) => JSON.stringify([...list].map((a) => [a.name, a.value, a.operator ?? 'stringEquals']).sort());

/** Two policies on the same subject and resource: IAM answers 409 `policy_conflict_error` to the second. */
function sameScope(a: PolicyInput, b: PolicyInput): boolean {
  return (
    a.type === b.type &&
    sortedAttributes(a.subjects[0].attributes) === sortedAttributes(b.subjects[0].attributes) &&
    sortedAttributes(a.resources[0].attributes) === sortedAttributes(b.resources[0].attributes) &&
    sortedAttributes(a.resources[0].tags ?? []) === sortedAttributes(b.resources[0].tags ?? [])
  );
}

export function etagOf(p: StoredPolicy): string {
  const content = JSON.stringify([p.type, p.description ?? '', p.subjects, p.roles, p.resources]);
  return `${p.revision}-${createHash('md5').update(content).digest('hex')}`;
}

export type PoliciesSnapshot = StoredPolicy[];

/** Every policy of the account, in creation order; deleted ones stay readable by id (state `deleted`). */
export class PolicyModel {
  private readonly policies: StoredPolicy[];

  constructor(private readonly clock: Clock, saved?: PoliciesSnapshot) {
    this.policies = structuredClone(saved ?? []);
  }

  all(): readonly StoredPolicy[] {
    return this.policies;
  }

  active(): StoredPolicy[] {
    return this.policies.filter((p) => p.state === 'active');
  }

  find(id: string): StoredPolicy | undefined {
    return this.policies.find((p) => p.id === id);
  }

  /** An active policy, or 404 `policy_not_found` in IAM's words. */
  get(id: string): StoredPolicy {
    const p = this.find(id);
    if (!p || p.state !== 'active') platformFail('policy_not_found', `Policy with Id ${id.slice(0, 80)} not found.`);
    return p;
  }

  create(input: PolicyInput, by: string, origin?: 'emulator'): StoredPolicy {
    const existing = this.active().find((p) => sameScope(p, input));
    if (existing) platformFail('policy_conflict_error', 'Failed to create policy.', { conflicts_with: { etag: etagOf(existing), policy: { id: existing.id } } });
    const now = this.clock.iso();
    const p: StoredPolicy = { id: randomUUID(), ...structuredClone(input), createdAt: now, createdById: by, lastModifiedAt: now, lastModifiedById: by, state: 'active', revision: 1, ...(origin ? { origin } : {}) };
    this.policies.push(p);
    return p;
  }

  /** PUT: the whole policy again, guarded by `If-Match` (its ETag); the type cannot change. */
  replace(id: string, ifMatch: string | undefined, input: PolicyInput, by: string): StoredPolicy {
    const p = this.get(id);
    if (!ifMatch) platformFail('invalid_request', 'The If-Match header is required: the ETag of GET /v1/policies/{id}.');
    if (ifMatch !== etagOf(p)) platformFail('precondition_failed', `If-Match "${ifMatch.slice(0, 60)}" is not the policy's current ETag (${etagOf(p)}); read it again and retry.`);
    if (input.type !== p.type) platformFail('invalid_body', `The policy type cannot change (it is ${p.type}).`);
    const clash = this.active().find((q) => q.id !== id && sameScope(q, input));
    if (clash) platformFail('policy_conflict_error', 'Failed to update policy.', { conflicts_with: { etag: etagOf(clash), policy: { id: clash.id } } });
    Object.assign(p, structuredClone(input), { lastModifiedAt: this.clock.iso(), lastModifiedById: by, revision: p.revision + 1 });
    if (input.description === undefined) delete p.description;
    return p;
  }

  delete(id: string, by: string): void {
    const p = this.get(id);
    p.state = 'deleted';
    p.lastModifiedAt = this.clock.iso();
    p.lastModifiedById = by;
  }

  clear(): void {
    this.policies.length = 0;
  }

  snapshot(): PoliciesSnapshot {
    return structuredClone(this.policies);
  }
}
