import { uuidFrom } from './ids';
import { grantsFlowLogWrites, type PolicyModel, type StoredPolicy } from './iamPolicies';

/** The emulator's one COS instance: a GUID and CRN derived from the account, so a topology always gives the same. */
export interface CosInstance {
  guid: string;
  crn: string;
  resourceGroupId: string;
}

export function cosInstanceOf(account: string, resourceGroupId: string): CosInstance {
  const guid = uuidFrom(`cos-instance:${account}`);
  return { guid, crn: `crn:v1:bluemix:public:cloud-object-storage:global:a/${account}:${guid}::`, resourceGroupId };
}

export interface AuthorizationContext {
  account: string;
  region: string;
  cos: CosInstance;
}

/** What the control API's `/authorizations` shortcut and a seeded bucket's `authorized` create. */
export const SHORTCUT_DESCRIPTION = 'Lets flow log collectors write to Cloud Object Storage (made by the emulator: a seeded bucket or POST /_emulator/authorizations).';

/**
 * Flow logs' view of IAM: which buckets collectors may write to, read from the same policies `/v1/policies` serves.
 * The control API's `/authorizations` is a shortcut over it: a grant is an authorization policy, a revocation
 * deletes the policies of that scope.
 */
export class FlowLogAuthorizations {
  constructor(
    private readonly policies: PolicyModel,
    private readonly context: () => AuthorizationContext,
  ) {}

  isAuthorized(bucket: string, collectorResourceGroupId?: string): boolean {
    const c = this.context();
    const request = { account: c.account, region: c.region, collectorResourceGroupId, cosInstanceGuid: c.cos.guid, cosResourceGroupId: c.cos.resourceGroupId, bucket };
    return this.policies.active().some((p) => grantsFlowLogWrites(p, request));
  }

  /**
   * The bucket (or bucket pattern) a policy lets some collector write to, `*` for every bucket of the instance (a
   * policy on the instance or the account); undefined when it lets no collector write.
   */
  scopeOf(policy: StoredPolicy): string | undefined {
    const c = this.context();
    const bucket = policy.resources[0]?.attributes.find((a) => a.name === 'resource')?.value;
    const group = policy.subjects[0]?.attributes.find((a) => a.name === 'resourceGroupId')?.value;
    // A pattern matches itself, so one evaluation tells whether some bucket (and some resource group) qualifies.
    const request = { account: c.account, region: c.region, collectorResourceGroupId: group, cosInstanceGuid: c.cos.guid, cosResourceGroupId: c.cos.resourceGroupId, bucket: bucket ?? 'any-bucket' };
    if (!grantsFlowLogWrites(policy, request)) return undefined;
    return bucket ?? '*';
  }

  /** Every scope some active policy authorizes, sorted: bucket names, patterns, and `*`. */
  scopes(): string[] {
    const out = new Set<string>();
    for (const p of this.policies.active()) {
      const scope = this.scopeOf(p);
      if (scope !== undefined) out.add(scope);
    }
    return [...out].sort();
  }

  /** Grants flow logs Writer on one bucket, or `*` for the whole COS instance; nothing happens when already granted. */
  grant(bucket: string): void {
    if (this.scopes().includes(bucket)) return;
    const c = this.context();
    const resource = [
      { name: 'accountId', value: c.account, operator: 'stringEquals' },
      { name: 'serviceName', value: 'cloud-object-storage', operator: 'stringEquals' },
      { name: 'serviceInstance', value: c.cos.guid, operator: 'stringEquals' },
      ...(bucket === '*' ? [] : [{ name: 'resourceType', value: 'bucket', operator: 'stringEquals' }, { name: 'resource', value: bucket, operator: 'stringEquals' }]),
    ];
    const input = {
      type: 'authorization' as const,
      description: SHORTCUT_DESCRIPTION,
      subjects: [{ attributes: [{ name: 'accountId', value: c.account }, { name: 'serviceName', value: 'is' }, { name: 'resourceType', value: 'flow-log-collector' }] }],
      roles: [{ role_id: 'crn:v1:bluemix:public:iam::::serviceRole:Writer' }],
      resources: [{ attributes: resource }],
    };
    // A policy of this very scope without a Writer role answers 409 policy_conflict_error: the user made it, and
    // quietly granting more than it says would hide that.
    this.policies.create(input, 'iam-emulator', 'emulator');
  }

  /** Deletes every active policy whose scope is exactly `bucket` (or `*`); answers how many. */
  revoke(bucket: string): number {
    const doomed = this.policies.active().filter((p) => this.scopeOf(p) === bucket);
    for (const p of doomed) this.policies.delete(p.id, 'iam-emulator');
    return doomed.length;
  }

  /** A bucket is gone: the policies the emulator made for it go too (policies made through IAM stay, as in IBM Cloud). */
  forgetBucket(bucket: string): void {
    for (const p of this.policies.active()) if (p.origin === 'emulator' && this.scopeOf(p) === bucket) this.policies.delete(p.id, 'iam-emulator');
  }
}
