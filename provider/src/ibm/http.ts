import axios, { AxiosError, AxiosInstance } from 'axios';
import * as http from 'node:http';
import * as https from 'node:https';
import { raceAbort, sleep } from './abort';
import { IbmAbortError, IbmAccessDeniedError, IbmApiError, IbmError, IbmResponseError, IbmTransportError } from './errors';
import { backoffDelay, retryDelay, type HttpMethod, type RetryPolicy } from './retryPolicy';

/**
 * The HTTP core the IBM clients share: one axios instance with keep-alive agents, the IAM header on every request,
 * IBM's error bodies turned into typed errors, one re-authentication after a 401, and retries decided by the pure
 * policy in retryPolicy.ts with waits that the caller's AbortSignal cuts short.
 */

/** What `IamTokenSource` (iam.ts) offers; any object with these two methods will do. */
export interface AuthorizationSource {
  authorizationHeader(): Promise<string>;
  invalidate(rejectedHeader?: string): void;
}

export const DEFAULT_USER_AGENT = 'ibmflowlogs-provider/0.1.0';
export const DEFAULT_TIMEOUT_MS = 60_000;

export interface HttpCoreOptions {
  /** Base URL every path is appended to, e.g. `https://us-south.iaas.cloud.ibm.com/v1`. */
  baseUrl: string;
  auth: AuthorizationSource;
  userAgent?: string;
  /** Query parameters sent on every request (the VPC API's `version` and `generation`). */
  defaultQuery?: Record<string, string>;
  /** Per-request timeout. @default 60 s */
  timeoutMs?: number;
  /** Overrides of the retry policy (RETRY in retryPolicy.ts) for every request of this client. */
  retryPolicy?: Partial<RetryPolicy>;
}

/**
 * How a failed request is retried: `default` follows `retryDelay` (GET/PATCH/DELETE yes, POST never); `idempotent`
 * retries a POST too (for calls whose repetition is harmless, like attaching a tag); `never` does not retry.
 */
export type RetryMode = 'default' | 'idempotent' | 'never';

export interface RequestSpec {
  /** What is being done, for messages: "get flow log collector r006-…". */
  operation: string;
  method: HttpMethod;
  /** Path below the base URL, already encoded: `/flow_log_collectors/r006-…`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** @default `application/json` when there is a body */
  contentType?: string;
  signal?: AbortSignal;
  retry?: RetryMode;
}

export interface HttpResponse<T> {
  status: number;
  data: T;
  headers: Record<string, unknown>;
}

/**
 * Runs `once` (one exchange, reporting the Authorization header it sent) under the provider's policy: a 401 gets one
 * fresh token and one more try, not counted as an attempt; retryable failures wait `backoffDelay` (retryPolicy.ts)
 * and try again, as `spec.retry` allows; an abort ends it at once. Shared by HttpCore and the clients built on IBM's
 * SDKs (tagging.ts), so every IBM call behaves the same.
 */
export async function retrying<T>(
  spec: { method: string; retry?: RetryMode; policy?: Partial<RetryPolicy> },
  auth: AuthorizationSource,
  once: (onHeader: (header: string) => void) => Promise<T>,
  wait: (ms: number) => Promise<void>,
): Promise<T> {
  let reauthenticated = false;
  for (let attempt = 1; ; attempt++) {
    let header: string | undefined;
    try {
      return await once((h) => (header = h));
    } catch (error) {
      if (IbmAbortError.isInstance(error)) throw error;
      // An expired or revoked token: one fresh token, one more try, not counted as an attempt.
      if (!reauthenticated && IbmAccessDeniedError.isInstance(error) && error.status === 401) {
        reauthenticated = true;
        auth.invalidate(header);
        attempt--;
        continue;
      }
      const mode = spec.retry ?? 'default';
      const { policy } = spec;
      const delay = mode === 'never' ? undefined : mode === 'idempotent' ? backoffDelay({ attempt, error, policy }) : retryDelay({ attempt, method: spec.method, error, policy });
      if (delay === undefined) throw error;
      await wait(delay);
    }
  }
}

export class HttpCore {
  private readonly axios: AxiosInstance;
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 32 });
  readonly baseUrl: string;

  constructor(private readonly options: HttpCoreOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.axios = axios.create({
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      // Every status comes back as a response; this client decides what is an error.
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
    });
  }

  /** The full URL of a request (what messages show, after safeUrl). */
  urlOf(spec: Pick<RequestSpec, 'path' | 'query'>): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...this.options.defaultQuery, ...spec.query })) if (v !== undefined) q.set(k, String(v));
    const qs = q.toString();
    return `${this.baseUrl}${spec.path}${qs ? `?${qs}` : ''}`;
  }

  abortError(spec: Pick<RequestSpec, 'operation' | 'method' | 'path' | 'query'>): IbmAbortError {
    return new IbmAbortError({ operation: spec.operation, method: spec.method, url: this.urlOf(spec) });
  }

  /** Waits `ms`, or rejects with IbmAbortError as soon as the signal fires. */
  sleep(ms: number, spec: RequestSpec): Promise<void> {
    return sleep(ms, spec.signal, () => this.abortError(spec));
  }

  /** A promise the signal cuts short (the promise itself runs on). */
  raceAbort<T>(promise: Promise<T>, spec: RequestSpec): Promise<T> {
    return raceAbort(promise, spec.signal, () => this.abortError(spec));
  }

  /** One request with re-authentication and retries; resolves with a 2xx answer, rejects with an IbmError. */
  request<T>(spec: RequestSpec): Promise<HttpResponse<T>> {
    return retrying({ ...spec, policy: this.options.retryPolicy }, this.options.auth, (onHeader) => this.attempt<T>(spec, onHeader), (ms) => this.sleep(ms, spec));
  }

  /** Exactly one HTTP exchange (after getting the IAM header); typed errors, no retry. */
  async attempt<T>(spec: RequestSpec, onHeader: (header: string) => void = () => undefined): Promise<HttpResponse<T>> {
    const url = this.urlOf(spec);
    if (spec.signal?.aborted) throw this.abortError(spec);
    const authorization = await this.raceAbort(this.options.auth.authorizationHeader(), spec);
    onHeader(authorization);
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: authorization,
      'User-Agent': this.options.userAgent ?? DEFAULT_USER_AGENT,
    };
    let data: string | undefined;
    if (spec.body !== undefined) {
      data = JSON.stringify(spec.body);
      headers['Content-Type'] = spec.contentType ?? 'application/json';
    }
    let res;
    try {
      res = await this.axios.request<string>({ method: spec.method, url, data, headers, signal: spec.signal });
    } catch (error) {
      throw this.transportError(error, spec, url);
    }
    const responseHeaders = plainHeaders(res.headers);
    const text = typeof res.data === 'string' ? res.data : res.data === undefined || res.data === null ? '' : String(res.data);
    if (res.status >= 400) {
      throw IbmApiError.fromResponse({ operation: spec.operation, method: spec.method, url, status: res.status, body: text, headers: responseHeaders });
    }
    if (res.status >= 300) {
      throw new IbmResponseError({ operation: spec.operation, method: spec.method, url, status: res.status, problem: 'a redirect, which IBM Cloud APIs do not send' });
    }
    let parsed: unknown = undefined;
    if (text.trim() !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new IbmResponseError({ operation: spec.operation, method: spec.method, url, status: res.status, problem: 'not JSON' });
      }
    }
    return { status: res.status, data: parsed as T, headers: responseHeaders };
  }

  private transportError(error: unknown, spec: RequestSpec, url: string): IbmError {
    if (spec.signal?.aborted || axios.isCancel(error) || (error as AxiosError)?.code === 'ERR_CANCELED') return this.abortError(spec);
    const e = error as AxiosError;
    let code = typeof e?.code === 'string' ? e.code : undefined;
    const message = typeof e?.message === 'string' ? e.message : '';
    if (code === 'ECONNABORTED' || /timeout/i.test(message)) code = 'ETIMEDOUT';
    if (!code || code === 'ERR_NETWORK') code = /socket hang up/i.test(message) ? 'ECONNRESET' : /\b(E[A-Z]{3,})\b/.exec(message)?.[1] ?? 'ECONNRESET';
    // Axios's messages ("socket hang up", "connect ECONNREFUSED 127.0.0.1:443") name no secret; the error object
    // itself holds the request headers, so it is not kept.
    return new IbmTransportError({ operation: spec.operation, method: spec.method, url, transportCode: code, detail: message.slice(0, 160) || undefined });
  }

  /** Closes idle keep-alive sockets (tests and short-lived processes). */
  destroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function plainHeaders(headers: unknown): Record<string, unknown> {
  if (!headers || typeof headers !== 'object') return {};
  const h = headers as { toJSON?: () => Record<string, unknown> };
  return typeof h.toJSON === 'function' ? { ...h.toJSON() } : { ...(headers as Record<string, unknown>) };
}
