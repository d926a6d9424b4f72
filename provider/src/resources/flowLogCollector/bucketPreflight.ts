/**
 * Preview's bucket pre-flight (README.md, "What preview checks about buckets"): before a collector is planned, its
 * storage bucket must exist, be a single-region bucket in the target's region (the provider's), and an IAM
 * authorization must let flow log collectors write to it (ibm/bucketAuthorization.ts decides from the policies). A
 * BucketAuthorization checked in the same plugin process counts as one (the engine checks every resource of a
 * deployment in one provider process), so a program that declares it next to its collectors previews clean. What cannot
 * be checked (no COS access configured, an unknown bucket, an answer that is neither yes nor no) is said once per
 * process, as a warning. One HEAD and one GetBucketLocation per bucket, and one policy listing, per process and
 * configuration.
 */
import { type AuthorizationPolicy, findBucketAuthorization, parseCosInstance, WRITER_ROLE_IDS, cosRoleId } from '../../ibm/bucketAuthorization';
import type { Failure } from '../../shared/failures';
import type { Clients, ProviderContext } from '../types';

/** An authorization this deployment plans (a BucketAuthorization's checked inputs). */
export interface PlannedAuthorization {
  cosInstance: string;
  bucket?: string;
  roles: readonly string[];
}

type BucketFacts = { exists: false } | { exists: true; location: { code: string; kind: string; location: string } };

interface PreflightState {
  /** The clients the caches below were filled with: a new Configure starts them afresh. */
  clients?: Clients;
  buckets: Map<string, Promise<BucketFacts>>;
  policies?: Promise<{ accountId: string; policies: AuthorizationPolicy[] }>;
  planned: Map<string, PlannedAuthorization>;
  warned: Set<string>;
}

const STATES = new WeakMap<ProviderContext, PreflightState>();

function stateOf(context: ProviderContext): PreflightState {
  let state = STATES.get(context);
  if (!state) STATES.set(context, (state = { buckets: new Map(), planned: new Map(), warned: new Set() }));
  const clients = context.configured?.clients;
  if (clients && state.clients !== clients) Object.assign(state, { clients, buckets: new Map(), policies: undefined });
  return state;
}

/** BucketAuthorization's Check: this deployment plans the authorization (undefined: its inputs are not known yet). */
export function notePlannedAuthorization(context: ProviderContext, urn: string, planned: PlannedAuthorization | undefined): void {
  const state = stateOf(context);
  if (planned) state.planned.set(urn, planned);
  else state.planned.delete(urn);
}

const CLI_FIX = (guid: string) =>
  `\`ibmcloud iam authorization-policy-create is cloud-object-storage Writer --source-resource-type flow-log-collector --target-service-instance-id ${guid}\``;

/** The fix for a missing authorization: the CLI command, or the resource in the program. */
export function authorizationFix(instance: string | undefined): string {
  const guid = (instance && parseCosInstance(instance)?.guid) ?? '<COS instance GUID>';
  return `create the authorization with ${CLI_FIX(guid)}, or declare it in this program: new ibmflowlogs.BucketAuthorization("flow-logs-writer", { cosInstance: "${guid}" }) (give the collector dependsOn it)`;
}

function plannedCovers(p: PlannedAuthorization, bucket: string, instance: string | undefined): boolean {
  if (p.bucket !== undefined && p.bucket !== bucket) return false;
  if (!p.roles.some((r) => WRITER_ROLE_IDS.includes(cosRoleId(r) ?? r))) return false;
  const known = instance && parseCosInstance(instance)?.guid;
  return !known || parseCosInstance(p.cosInstance)?.guid === known;
}

async function warnOnce(context: ProviderContext, urn: string, key: string, message: string): Promise<void> {
  const state = stateOf(context);
  if (state.warned.has(key)) return;
  state.warned.add(key);
  await context.log('warning', `bucket pre-flight: ${message}`, urn);
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The bucket's pre-flight failures, on `storageBucket`; none when it passes or cannot be checked (then a warning,
 * once per process). `bucket` undefined: an unknown Output in preview.
 */
export async function bucketPreflight(context: ProviderContext, urn: string, bucket: string | undefined, signal?: AbortSignal): Promise<Failure[]> {
  const configured = context.configured;
  if (!configured) return [];
  const { buckets, policies } = configured.clients;
  if (!buckets) {
    await warnOnce(context, urn, 'no-cos', 'storage buckets are not checked: no COS access is configured (set ibmflowlogs:cosEndpoint, and ibmflowlogs:cosInstance, to check that buckets exist, are in the region and are authorized)');
    return [];
  }
  if (bucket === undefined) {
    await warnOnce(context, urn, 'unknown-bucket', 'a storage bucket that is not known until the update (an Output of another resource) is not checked in preview');
    return [];
  }
  const state = stateOf(context);
  const named = `bucket "${bucket}"`;
  let facts: BucketFacts;
  try {
    let pending = state.buckets.get(bucket);
    if (!pending) {
      pending = (async (): Promise<BucketFacts> => ((await buckets.exists(bucket, { signal })) ? { exists: true, location: await buckets.location(bucket, { signal }) } : { exists: false }))();
      state.buckets.set(bucket, pending);
      pending.catch(() => state.buckets.delete(bucket));
    }
    facts = await pending;
  } catch (error) {
    await warnOnce(context, urn, `cos-error:${bucket}`, `${named} could not be checked: ${reasonOf(error)}`);
    return [];
  }
  const region = configured.region;
  if (!facts.exists) {
    return [{ property: 'storageBucket', reason: `${named} does not exist in Cloud Object Storage; create it as a single-region bucket in ${region} (the target's region), or name an existing one` }];
  }
  const where = facts.location;
  if (!(where.kind === 'regional' && where.location === region)) {
    const kind = where.kind === 'regional' ? 'a single-region bucket' : where.kind === 'cross-region' ? 'a cross-region bucket' : where.kind === 'single-site' ? 'a single-site bucket' : 'a bucket';
    return [{ property: 'storageBucket', reason: `${named} is ${kind} in ${where.location} (location constraint ${where.code}), but flow logs need a single-region bucket in ${region}, the target's region; name a bucket created in ${region}` }];
  }
  const instance = buckets.instance;
  if ([...state.planned.values()].some((p) => plannedCovers(p, bucket, instance))) return [];
  let listed: { accountId: string; policies: AuthorizationPolicy[] };
  try {
    state.policies ??= (async () => {
      const accountId = await policies.accountId({ signal });
      return { accountId, policies: await policies.listAuthorizationPolicies(accountId, { signal }) };
    })();
    state.policies.catch(() => (state.policies = undefined));
    listed = await state.policies;
  } catch (error) {
    await warnOnce(context, urn, 'iam-error', `the IAM authorizations of ${named} could not be read: ${reasonOf(error)}`);
    return [];
  }
  const target = { accountId: listed.accountId, bucket, region };
  if (instance !== undefined) {
    const verdict = findBucketAuthorization(listed.policies, { ...target, cosInstance: instance });
    if (verdict.authorized) return [];
    if (verdict.undetermined.length > 0) {
      await warnOnce(context, urn, `undetermined:${bucket}`, `whether ${named} is authorized depends on resource groups or tags (policies ${verdict.undetermined.map((p) => p.id).join(', ')}), which preview does not read`);
      return [];
    }
  } else {
    // The bucket's COS instance is not configured: a policy narrowed to an instance may or may not be it.
    const instanceOf = (p: AuthorizationPolicy) => p.resources.flatMap((r) => r.attributes).find((a) => a.name === 'serviceInstance')?.value;
    const unnarrowed = listed.policies.filter((p) => instanceOf(p) === undefined);
    if (findBucketAuthorization(unnarrowed, { ...target, cosInstance: '' }).authorized) return [];
    const maybe = listed.policies.filter((p) => instanceOf(p) !== undefined && findBucketAuthorization([p], { ...target, cosInstance: instanceOf(p) as string }).authorized);
    if (maybe.length > 0) {
      await warnOnce(context, urn, 'no-instance', `whether ${named} is authorized depends on its COS instance (policies ${maybe.map((p) => p.id).join(', ')} name one); set ibmflowlogs:cosInstance to the instance's GUID or CRN to check it`);
      return [];
    }
  }
  return [
    {
      property: 'storageBucket',
      reason: `flow log collectors may not write to ${named}: no IAM authorization lets service is (resource type flow-log-collector) write (Writer) to cloud-object-storage ${instance ? `instance ${parseCosInstance(instance)?.guid ?? instance}` : 'in this account'} or to the bucket; ${authorizationFix(instance)}`,
    },
  ];
}
