import IamPolicyManagementV1 = require('@ibm-cloud/platform-services/iam-policy-management/v1');
import type { AuthorizationPolicy, PolicyAttribute } from './bucketAuthorization';
import { flowLogsAuthorizationBody, type FlowLogsAuthorizationSpec } from './bucketAuthorization';
import { IbmNotFoundError, IbmResponseError } from './errors';
import { DEFAULT_USER_AGENT } from './http';
import { IamTokenSource } from './iam';
import { callSdk, TokenSourceAuthenticator } from './platformSdk';
import type { CallOptions, IbmConnection } from './types';

/**
 * IAM Policy Management (`/v1/policies` at the IAM endpoint) through IBM's IamPolicyManagementV1: the
 * service-to-service authorization policies that let flow log collectors write to COS. Answers are camelCase
 * {@link AuthorizationPolicy} values; whether one authorizes a bucket is bucketAuthorization.ts's pure question.
 */

export interface IamPolicyClientOptions {
  /** Share one IAM token cache with the other clients. @default a new one for the connection's API key */
  authenticator?: IamTokenSource;
  userAgent?: string;
}

const PAGE = 100;

type WirePolicy = IamPolicyManagementV1.PolicyTemplateMetaData;

function fromWire(p: WirePolicy, etag?: unknown): AuthorizationPolicy {
  const attrs = (list: Array<{ name: string; value: string; operator?: string }> | undefined): PolicyAttribute[] =>
    (list ?? []).map((a) => ({ name: a.name, value: a.value, ...(a.operator !== undefined ? { operator: a.operator } : {}) }));
  return {
    id: p.id ?? '',
    type: p.type,
    ...(p.description !== undefined ? { description: p.description } : {}),
    subjects: (p.subjects ?? []).map((s) => ({ attributes: attrs(s.attributes) })),
    roles: (p.roles ?? []).map((r) => ({ roleId: r.role_id, ...(r.display_name !== undefined ? { displayName: r.display_name } : {}) })),
    resources: (p.resources ?? []).map((r) => ({ attributes: attrs(r.attributes), ...(r.tags ? { tags: attrs(r.tags) } : {}) })),
    state: p.state ?? 'active',
    ...(p.href !== undefined ? { href: p.href } : {}),
    ...(p.created_at !== undefined ? { createdAt: p.created_at } : {}),
    ...(typeof etag === 'string' ? { etag } : {}),
  };
}

export class IamPolicyClient {
  readonly authenticator: IamTokenSource;
  private readonly auth: TokenSourceAuthenticator;
  private readonly sdk: IamPolicyManagementV1;
  private readonly base: string;

  constructor(connection: Pick<IbmConnection, 'apiKey' | 'iamEndpoint'>, options: IamPolicyClientOptions = {}) {
    this.authenticator = options.authenticator ?? new IamTokenSource({ apiKey: connection.apiKey, iamEndpoint: connection.iamEndpoint });
    this.auth = new TokenSourceAuthenticator(this.authenticator);
    this.base = connection.iamEndpoint.replace(/\/+$/, '');
    this.sdk = new IamPolicyManagementV1({ authenticator: this.auth, serviceUrl: this.base, headers: { 'User-Agent': options.userAgent ?? DEFAULT_USER_AGENT } });
  }

  /** The active authorization policies of the account, every page (the input of findBucketAuthorization). */
  async listAuthorizationPolicies(accountId: string, options: CallOptions = {}): Promise<AuthorizationPolicy[]> {
    const out: AuthorizationPolicy[] = [];
    let start: string | undefined;
    do {
      const operation = `list the IAM authorization policies of account ${accountId}`;
      const url = `${this.base}/v1/policies?account_id=${encodeURIComponent(accountId)}&type=authorization`;
      const res = await callSdk({ operation, method: 'GET', url, signal: options.signal }, this.auth, () =>
        this.sdk.listPolicies({ accountId, type: 'authorization', state: 'active', limit: PAGE, ...(start ? { start } : {}), signal: options.signal }),
      );
      const page = res.result?.policies;
      if (!Array.isArray(page)) throw new IbmResponseError({ operation, method: 'GET', url, status: res.status, problem: 'no "policies" list' });
      out.push(...page.map((p) => fromWire(p)));
      start = res.result.next?.start;
    } while (start);
    return out;
  }

  /** Creates the authorization that lets flow log collectors write to a COS instance, or one of its buckets. */
  async createFlowLogsAuthorization(spec: FlowLogsAuthorizationSpec, options: CallOptions = {}): Promise<AuthorizationPolicy> {
    const body = flowLogsAuthorizationBody(spec);
    const operation = `create an IAM authorization for flow logs to write to ${spec.bucket ? `bucket ${spec.bucket} of ` : ''}COS instance ${spec.cosInstance}`;
    // POST: never retried (a lost answer would make the retry a 409 policy_conflict_error naming the first).
    const res = await callSdk({ operation, method: 'POST', url: `${this.base}/v1/policies`, signal: options.signal }, this.auth, () => this.sdk.createPolicy({ ...body, signal: options.signal }));
    return fromWire(res.result, res.headers?.etag);
  }

  /** A policy by id, deleted ones included (state `deleted`); undefined when IAM does not know it. */
  async getPolicy(id: string, options: CallOptions = {}): Promise<AuthorizationPolicy | undefined> {
    const url = `${this.base}/v1/policies/${encodeURIComponent(id)}`;
    try {
      const res = await callSdk({ operation: `get IAM policy ${id}`, method: 'GET', url, signal: options.signal }, this.auth, () => this.sdk.getPolicy({ policyId: id, signal: options.signal }));
      return fromWire(res.result, res.headers?.etag);
    } catch (error) {
      if (IbmNotFoundError.isInstance(error)) return undefined;
      throw error;
    }
  }

  /** Deletes a policy; false when it was already gone (404), so a delete can be repeated. */
  async deletePolicy(id: string, options: CallOptions = {}): Promise<boolean> {
    const url = `${this.base}/v1/policies/${encodeURIComponent(id)}`;
    try {
      await callSdk({ operation: `delete IAM policy ${id}`, method: 'DELETE', url, signal: options.signal }, this.auth, () => this.sdk.deletePolicy({ policyId: id, signal: options.signal }));
      return true;
    } catch (error) {
      if (IbmNotFoundError.isInstance(error)) return false;
      throw error;
    }
  }
}
