import { IbmResponseError, IbmTaggingError } from './errors';
import { HttpCore, type RequestSpec } from './http';
import { IamTokenSource } from './iam';
import type { CallOptions, IbmConnection } from './types';

/**
 * Global Tagging, user tags by resource CRN (Terraform's `tags` on `ibm_is_flow_log` use the same calls):
 * - `GET /v3/tags?attached_to=<crn>&tag_type=user` → `{total_count, offset, limit, items: [{name}]}`, paged by
 *   `offset`/`limit`;
 * - `POST /v3/tags/attach` and `/v3/tags/detach` with `?tag_type=user` and
 *   `{resources: [{resource_id: <crn>}], tag_names: [...]}` → `{results: [{resource_id, is_error}]}`. A 200 can still
 *   carry `is_error: true` for a resource, so every result is checked.
 * Attaching a tag already attached, or detaching one that is not, changes nothing, so both POSTs are retried like
 * GETs.
 */

export const DEFAULT_TAGGING_ENDPOINT = 'https://tags.global-search-tagging.cloud.ibm.com';
const PAGE = 100;

export interface TaggingClientOptions {
  authenticator?: IamTokenSource;
  userAgent?: string;
}

export class TaggingClient {
  readonly authenticator: IamTokenSource;
  private readonly http: HttpCore;

  constructor(connection: IbmConnection, options: TaggingClientOptions = {}) {
    this.authenticator = options.authenticator ?? new IamTokenSource({ apiKey: connection.apiKey, iamEndpoint: connection.iamEndpoint });
    const base = (connection.taggingEndpoint || DEFAULT_TAGGING_ENDPOINT).replace(/\/+$/, '');
    this.http = new HttpCore({ baseUrl: `${base}/v3`, auth: this.authenticator, userAgent: options.userAgent });
  }

  /** The user tags attached to the resource, as Global Tagging spells them. */
  async listTags(crn: string, options: CallOptions = {}): Promise<string[]> {
    const tags: string[] = [];
    for (let offset = 0; ; ) {
      const spec: RequestSpec = {
        operation: `list the tags of ${crn}`,
        method: 'GET',
        path: '/tags',
        query: { attached_to: crn, tag_type: 'user', offset, limit: PAGE },
        signal: options.signal,
      };
      const res = await this.http.request<{ items?: Array<{ name?: unknown }>; total_count?: unknown }>(spec);
      const items = res.data?.items;
      if (!Array.isArray(items)) throw new IbmResponseError({ operation: spec.operation, method: 'GET', url: this.http.urlOf(spec), status: res.status, problem: 'no "items" list' });
      for (const item of items) if (typeof item?.name === 'string') tags.push(item.name);
      offset += items.length;
      const total = typeof res.data.total_count === 'number' ? res.data.total_count : offset;
      if (items.length === 0 || offset >= total) return tags;
    }
  }

  /** Attaches user tags to the resource (no request when `tags` is empty). */
  attachTags(crn: string, tags: readonly string[], options: CallOptions = {}): Promise<void> {
    return this.change('attach', crn, tags, options);
  }

  /** Detaches user tags from the resource (no request when `tags` is empty). */
  detachTags(crn: string, tags: readonly string[], options: CallOptions = {}): Promise<void> {
    return this.change('detach', crn, tags, options);
  }

  destroy(): void {
    this.http.destroy();
  }

  private async change(action: 'attach' | 'detach', crn: string, tags: readonly string[], options: CallOptions): Promise<void> {
    if (tags.length === 0) return;
    const spec: RequestSpec = {
      operation: `${action} tags ${tags.map((t) => `"${t}"`).join(', ')} ${action === 'attach' ? 'to' : 'from'} ${crn}`,
      method: 'POST',
      path: `/tags/${action}`,
      query: { tag_type: 'user' },
      body: { resources: [{ resource_id: crn }], tag_names: [...tags] },
      signal: options.signal,
      retry: 'idempotent',
    };
    const res = await this.http.request<{ results?: Array<{ resource_id?: unknown; is_error?: unknown; message?: unknown }> }>(spec);
    const results = res.data?.results;
    if (!Array.isArray(results)) throw new IbmResponseError({ operation: spec.operation, method: 'POST', url: this.http.urlOf(spec), status: res.status, problem: 'no "results" list' });
    for (const r of results) {
      if (r?.is_error === true) {
        throw new IbmTaggingError({
          operation: spec.operation,
          method: 'POST',
          url: this.http.urlOf(spec),
          status: res.status,
          resourceId: typeof r.resource_id === 'string' ? r.resource_id : crn,
          detail: typeof r.message === 'string' ? r.message : undefined,
        });
      }
    }
  }
}
