import * as http from 'node:http';
import * as https from 'node:https';
import GlobalSearchV2 = require('@ibm-cloud/platform-services/global-search/v2');
import GlobalTaggingV1 = require('@ibm-cloud/platform-services/global-tagging/v1');
import { raceAbort, sleep } from './abort';
import { IbmAbortError, IbmApiError, IbmError, IbmResponseError, IbmTaggingError, IbmTransportError } from './errors';
import { DEFAULT_TIMEOUT_MS, DEFAULT_USER_AGENT, retrying, type AuthorizationSource } from './http';
import { IamTokenSource } from './iam';
import type { CallOptions, IbmConnection } from './types';

/**
 * Global Tagging and Global Search through IBM's own clients (@ibm-cloud/platform-services GlobalTaggingV1 and
 * GlobalSearchV2), under the provider's policy: the shared IAM token source, one re-authentication after a 401,
 * retries by retryPolicy.ts, typed errors (errors.ts), AbortSignals.
 *
 * - Tags by resource CRN, of type `user` (Terraform's `tags`) or `access` (access management tags, `key:value`,
 *   Terraform's `access_tags`): list, attach, detach. A 200 can still carry `is_error: true` for a resource, so
 *   every result is checked. Attaching a tag already attached, or detaching one that is not, changes nothing, so
 *   both are retried like GETs.
 * - Access tags must exist in the account before they are attached: `listAccountAccessTags` (what Terraform checks
 *   first) and `createAccessTags`.
 * - `searchTags` reads a resource's user and access tags in one Global Search call, as Terraform does because Global
 *   Tagging is rate-limited.
 */

export const DEFAULT_TAGGING_ENDPOINT = 'https://tags.global-search-tagging.cloud.ibm.com';
export const DEFAULT_SEARCH_ENDPOINT = 'https://api.global-search-tagging.cloud.ibm.com';
const PAGE = 100;

export type TagType = 'user' | 'access';

export interface TagCallOptions extends CallOptions {
  /** @default 'user' */
  tagType?: TagType;
}

export interface TaggingClientOptions {
  authenticator?: IamTokenSource;
  userAgent?: string;
  /**
   * Global Search base. Default: IBM's Search host next to a Global Tagging host of IBM's
   * (`tags.…global-search-tagging.cloud.ibm.com` → `api.…`), else the tagging endpoint itself (the emulator serves
   * both on one port).
   */
  searchEndpoint?: string;
}

/** The Global Search base that goes with a Global Tagging base. */
export function searchEndpointFor(taggingEndpoint: string): string {
  const url = new URL(taggingEndpoint);
  if (/^tags\.(private\.)?global-search-tagging\.cloud\.ibm\.com$/.test(url.hostname)) url.hostname = url.hostname.replace(/^tags\./, 'api.');
  return url.toString().replace(/\/+$/, '');
}

/** ibm-cloud-sdk-core's authenticator contract over the provider's token source, remembering the header it handed out. */
class TokenSourceAuthenticator {
  constructor(private readonly source: AuthorizationSource) {}

  async authenticate(requestOptions: { headers?: Record<string, unknown> }): Promise<void> {
    const header = await this.source.authorizationHeader();
    requestOptions.headers = { ...requestOptions.headers, Authorization: header };
  }

  authenticationType(): string {
    return 'iam';
  }
}

interface SdkError {
  status?: number;
  body?: unknown;
  headers?: Record<string, unknown>;
  code?: string;
  message?: string;
}

interface Spec {
  operation: string;
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  signal?: AbortSignal;
}

export class TaggingClient {
  readonly authenticator: IamTokenSource;
  private readonly tagging: GlobalTaggingV1;
  private readonly search: GlobalSearchV2;
  private readonly taggingBase: string;
  private readonly searchBase: string;
  private readonly agents = { httpAgent: new http.Agent({ keepAlive: true, maxSockets: 16 }), httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 16 }) };
  private readonly userAgent: string;

  constructor(connection: IbmConnection, options: TaggingClientOptions = {}) {
    this.authenticator = options.authenticator ?? new IamTokenSource({ apiKey: connection.apiKey, iamEndpoint: connection.iamEndpoint });
    this.taggingBase = (connection.taggingEndpoint || DEFAULT_TAGGING_ENDPOINT).replace(/\/+$/, '');
    this.searchBase = (options.searchEndpoint ?? (connection.taggingEndpoint ? searchEndpointFor(this.taggingBase) : DEFAULT_SEARCH_ENDPOINT)).replace(/\/+$/, '');
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    const common = { authenticator: new TokenSourceAuthenticator(this.authenticator), timeout: DEFAULT_TIMEOUT_MS, ...this.agents };
    this.tagging = new GlobalTaggingV1({ ...common, serviceUrl: this.taggingBase });
    this.search = new GlobalSearchV2({ ...common, serviceUrl: this.searchBase });
  }

  /** The tags of that type attached to the resource, as Global Tagging spells them. */
  async listTags(crn: string, options: TagCallOptions = {}): Promise<string[]> {
    return this.listAll(`list the ${options.tagType ?? 'user'} tags of ${crn}`, { attachedTo: crn, tagType: options.tagType ?? 'user' }, options.signal);
  }

  /** The access management tags created in the account (an access tag must be among them to be attached). */
  async listAccountAccessTags(options: CallOptions = {}): Promise<string[]> {
    return this.listAll('list the access management tags of the account', { tagType: 'access' }, options.signal);
  }

  /** Creates access management tags in the account (`key:value`); creating one that exists changes nothing. */
  async createAccessTags(tags: readonly string[], options: CallOptions = {}): Promise<void> {
    if (tags.length === 0) return;
    const spec = this.spec(`create access tags ${quoted(tags)}`, 'POST', '/v3/tags?tag_type=access', options.signal);
    const res = await this.call(spec, 'idempotent', (signal) => this.tagging.createTag({ tagNames: [...tags], tagType: 'access', signal, headers: this.headers() }));
    const failed = (res.result?.results ?? []).find((r) => r.is_error === true);
    if (failed) throw new IbmTaggingError({ operation: spec.operation, method: 'POST', url: spec.url, status: res.status, resourceId: failed.tag_name ?? 'the account' });
  }

  /** Attaches tags of that type to the resource (no request when `tags` is empty). */
  attachTags(crn: string, tags: readonly string[], options: TagCallOptions = {}): Promise<void> {
    return this.change('attach', crn, tags, options);
  }

  /** Detaches tags of that type from the resource (no request when `tags` is empty). */
  detachTags(crn: string, tags: readonly string[], options: TagCallOptions = {}): Promise<void> {
    return this.change('detach', crn, tags, options);
  }

  /** The resource's user and access tags in one Global Search query (`crn:"<crn>"`); undefined when Search does not know it. */
  async searchTags(crn: string, options: CallOptions = {}): Promise<{ tags: string[]; accessTags: string[] } | undefined> {
    const spec = this.spec(`search the tags of ${crn}`, 'POST', '/v3/resources/search', options.signal, this.searchBase);
    // A search changes nothing: retried like a GET.
    const res = await this.call(spec, 'idempotent', () => this.search.search({ query: `crn:"${crn}"`, fields: ['tags', 'access_tags'], headers: this.headers() }));
    const items = res.result?.items;
    if (!Array.isArray(items)) throw new IbmResponseError({ operation: spec.operation, method: 'POST', url: spec.url, status: res.status, problem: 'no "items" list' });
    const item = items.find((i) => i?.crn === crn) as { tags?: unknown; access_tags?: unknown } | undefined;
    if (!item) return undefined;
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    return { tags: strings(item.tags), accessTags: strings(item.access_tags) };
  }

  destroy(): void {
    this.agents.httpAgent.destroy();
    this.agents.httpsAgent.destroy();
  }

  // ---------------------------------------------------------------------------------------------------------------

  private headers(): Record<string, string> {
    return { 'User-Agent': this.userAgent };
  }

  private spec(operation: string, method: Spec['method'], path: string, signal?: AbortSignal, base = this.taggingBase): Spec {
    return { operation, method, url: `${base}${path}`, signal };
  }

  private async listAll(operation: string, params: { attachedTo?: string; tagType: TagType }, signal?: AbortSignal): Promise<string[]> {
    const tags: string[] = [];
    for (let offset = 0; ; ) {
      const spec = this.spec(operation, 'GET', `/v3/tags?tag_type=${params.tagType}${params.attachedTo ? `&attached_to=${encodeURIComponent(params.attachedTo)}` : ''}`, signal);
      const res = await this.call(spec, 'default', (s) => this.tagging.listTags({ ...params, offset, limit: PAGE, signal: s, headers: this.headers() }));
      const items = res.result?.items;
      if (!Array.isArray(items)) throw new IbmResponseError({ operation, method: 'GET', url: spec.url, status: res.status, problem: 'no "items" list' });
      for (const item of items) if (typeof item?.name === 'string') tags.push(item.name);
      offset += items.length;
      const total = typeof res.result.total_count === 'number' ? res.result.total_count : offset;
      if (items.length === 0 || offset >= total) return tags;
    }
  }

  private async change(action: 'attach' | 'detach', crn: string, tags: readonly string[], options: TagCallOptions): Promise<void> {
    if (tags.length === 0) return;
    const tagType = options.tagType ?? 'user';
    const spec = this.spec(`${action} ${tagType === 'access' ? 'access ' : ''}tags ${quoted(tags)} ${action === 'attach' ? 'to' : 'from'} ${crn}`, 'POST', `/v3/tags/${action}?tag_type=${tagType}`, options.signal);
    const params = { resources: [{ resource_id: crn }], tagNames: [...tags], tagType, headers: this.headers() };
    const res = await this.call(spec, 'idempotent', (signal) => (action === 'attach' ? this.tagging.attachTag({ ...params, signal }) : this.tagging.detachTag({ ...params, signal })));
    const results = res.result?.results;
    if (!Array.isArray(results)) throw new IbmResponseError({ operation: spec.operation, method: 'POST', url: spec.url, status: res.status, problem: 'no "results" list' });
    for (const r of results) {
      if (r?.is_error === true) {
        throw new IbmTaggingError({
          operation: spec.operation,
          method: 'POST',
          url: spec.url,
          status: res.status,
          resourceId: typeof r.resource_id === 'string' ? r.resource_id : crn,
          detail: typeof r.message === 'string' ? r.message : undefined,
        });
      }
    }
  }

  /** One SDK call under the provider's retry and re-authentication policy, its failures as typed IbmErrors. */
  private call<T>(spec: Spec, retry: 'default' | 'idempotent', run: (signal?: AbortSignal) => Promise<{ result: T; status: number }>): Promise<{ result: T; status: number }> {
    const abort = () => new IbmAbortError({ operation: spec.operation, method: spec.method, url: spec.url });
    return retrying(
      { method: spec.method, retry },
      this.authenticator,
      async (onHeader) => {
        if (spec.signal?.aborted) throw abort();
        // The header the SDK will send is the source's current one; remembered so a 401 invalidates exactly it.
        onHeader(await this.authenticator.authorizationHeader());
        try {
          // GlobalSearchV2 takes no signal: the race ends the wait either way.
          return await raceAbort(run(spec.signal), spec.signal, abort);
        } catch (error) {
          throw this.typed(error, spec, abort);
        }
      },
      (ms) => sleep(ms, spec.signal, abort),
    );
  }

  private typed(error: unknown, spec: Spec, abort: () => IbmAbortError): IbmError {
    if (error instanceof IbmError) return error; // IAM failures from the token source, as they are
    if (spec.signal?.aborted) return abort();
    const e = (error ?? {}) as SdkError;
    if (typeof e.status === 'number' && e.status >= 400) {
      const body = typeof e.body === 'string' ? e.body : JSON.stringify(e.body ?? '');
      return IbmApiError.fromResponse({ operation: spec.operation, method: spec.method, url: spec.url, status: e.status, body, headers: e.headers ?? {} });
    }
    const message = typeof e.message === 'string' ? e.message : '';
    const code = typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code) ? e.code : (/\b(E[A-Z]{3,})\b/.exec(message)?.[1] ?? 'ECONNRESET');
    // The SDK's error may hold the request (and its Authorization header); only its code and message are kept.
    return new IbmTransportError({ operation: spec.operation, method: spec.method, url: spec.url, transportCode: code, detail: message.slice(0, 160) || undefined });
  }
}

const quoted = (tags: readonly string[]) => tags.map((t) => `"${t}"`).join(', ');
