import type { AuthenticatorInterface } from 'ibm-cloud-sdk-core';
import { sleep } from './abort';
import { IbmAbortError, IbmApiError, IbmError, IbmTransportError } from './errors';
import type { AuthorizationSource } from './http';
import { retryDelay, type HttpMethod } from './retryPolicy';

/**
 * What the clients built on IBM's platform SDKs (`@ibm-cloud/platform-services`: IamPolicyManagementV1,
 * ResourceManagerV2) share: the provider's one IAM token cache as the SDKs' authenticator, the project's retry policy
 * (retryPolicy.ts: GET and DELETE retried, POST never), one re-authentication after a 401, and the SDKs' errors as
 * the typed errors of errors.ts. The SDKs' own retries stay off: they would repeat a POST.
 */

/** An ibm-cloud-sdk-core authenticator over an {@link AuthorizationSource} (IamTokenSource): one token for every client. */
export class TokenSourceAuthenticator implements AuthenticatorInterface {
  /** The header the last request carried: a 401 invalidates exactly that one. */
  lastHeader?: string;

  constructor(readonly source: AuthorizationSource) {}

  async authenticate(requestOptions: { headers?: Record<string, unknown> }): Promise<void> {
    const header = await this.source.authorizationHeader();
    this.lastHeader = header;
    requestOptions.headers = { ...requestOptions.headers, Authorization: header };
  }

  authenticationType(): string {
    return 'iam';
  }
}

export interface SdkCall {
  /** What is being done, for messages: "list the IAM policies of account 7c1f…". */
  operation: string;
  method: HttpMethod;
  /** The request's URL (messages show it after safeUrl). */
  url: string;
  signal?: AbortSignal;
}

/** One SDK call with the project's retries; resolves with the SDK's response, rejects with an IbmError. */
export async function callSdk<T>(call: SdkCall, authenticator: TokenSourceAuthenticator, send: () => Promise<T>): Promise<T> {
  let reauthenticated = false;
  for (let attempt = 1; ; attempt++) {
    if (call.signal?.aborted) throw abortError(call);
    let error: IbmError;
    try {
      return await send();
    } catch (raw) {
      error = sdkError(raw, call);
    }
    // By code: the brand checks narrow `error` to never, the subclasses adding no members.
    if (error.code === 'ERR_IBM_ABORTED') throw error;
    if (!reauthenticated && error.code === 'ERR_IBM_ACCESS_DENIED' && error.status === 401) {
      reauthenticated = true;
      authenticator.source.invalidate(authenticator.lastHeader);
      attempt--;
      continue;
    }
    const delay = retryDelay({ attempt, method: call.method, error });
    if (delay === undefined) throw error;
    await sleep(delay, call.signal, () => abortError(call));
  }
}

function abortError(call: SdkCall): IbmAbortError {
  return new IbmAbortError({ operation: call.operation, method: call.method, url: call.url });
}

/**
 * An SDK rejection as a typed error: an HTTP answer (`status`, `result` = IBM's body, `headers`) becomes the
 * IbmApiError subclass of its status; no answer (`statusText` = ECONNREFUSED, …) an IbmTransportError; an error our
 * token source threw passes as it is. Nothing of the request (its Authorization header) is kept.
 */
export function sdkError(raw: unknown, call: SdkCall): IbmError {
  if (IbmError.isInstance(raw)) return raw;
  const e = (raw ?? {}) as { status?: unknown; result?: unknown; headers?: unknown; statusText?: unknown; message?: unknown; name?: unknown; code?: unknown };
  if (call.signal?.aborted || e.name === 'CanceledError' || e.code === 'ERR_CANCELED') return abortError(call);
  if (typeof e.status === 'number') {
    const headers = typeof e.headers === 'object' && e.headers !== null ? (e.headers as Record<string, unknown>) : undefined;
    return IbmApiError.fromResponse({ operation: call.operation, method: call.method, url: call.url, status: e.status, body: e.result, headers });
  }
  const message = typeof e.message === 'string' ? e.message : '';
  const code = typeof e.statusText === 'string' && /^E[A-Z_]+$/.test(e.statusText) ? e.statusText : /\b(E[A-Z]{3,})\b/.exec(message)?.[1];
  return new IbmTransportError({ operation: call.operation, method: call.method, url: call.url, transportCode: code, detail: message.slice(0, 160) || undefined });
}
