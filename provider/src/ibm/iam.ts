import { IamAuthenticator } from 'ibm-cloud-sdk-core';
import { IbmAuthError, IbmTransportError } from './errors';

/**
 * IAM access tokens through ibm-cloud-sdk-core's `IamAuthenticator`, IBM's own implementation behind every IBM Node
 * SDK: it caches the token, refreshes it in the background after 80 % of its life, and shares one in-flight token
 * request between concurrent callers.
 *
 * The SDK has no public way to drop a cached token, so `invalidate()` replaces the authenticator with a new one (an
 * empty cache): the next `authorizationHeader()` then fetches a fresh token. Clients call it once after a 401.
 */

export interface IamOptions {
  apiKey: string;
  /** IAM base, e.g. `https://iam.cloud.ibm.com`; the SDK appends `/identity/token`. */
  iamEndpoint: string;
}

const TOKEN_PATH = '/identity/token';

interface State {
  options: IamOptions;
  authenticator?: IamAuthenticator;
  /** The header the current authenticator last handed out. */
  lastHeader?: string;
  generation: number;
}

// State lives outside the instances so that the class type has no private members: any object with the two
// methods (a test double, a shared source) is an IamTokenSource too.
const states = new WeakMap<object, State>();

function stateOf(source: object): State {
  const s = states.get(source);
  if (!s) throw new Error('IamTokenSource used before construction');
  return s;
}

export class IamTokenSource {
  constructor(options: IamOptions) {
    states.set(this, { options: { apiKey: options.apiKey, iamEndpoint: options.iamEndpoint }, generation: 0 });
  }

  /** `Bearer <access token>`, from the SDK's cache or a fresh token request. */
  async authorizationHeader(): Promise<string> {
    const s = stateOf(this);
    const url = `${s.options.iamEndpoint.replace(/\/+$/, '')}${TOKEN_PATH}`;
    let authenticator = s.authenticator;
    if (!authenticator) {
      try {
        authenticator = new IamAuthenticator({ apikey: s.options.apiKey, url: s.options.iamEndpoint });
      } catch {
        // The SDK refuses an empty key or one wrapped in quotes or braces; its message names neither the key nor
        // its value, but ours says what to do.
        throw new IbmAuthError({
          method: 'POST',
          url,
          hint: s.options.apiKey
            ? 'The API key is malformed: it must not start or end with a quote or a curly bracket.'
            : 'No API key is configured: set the provider config key apiKey or the environment variable IBMCLOUD_API_KEY.',
        });
      }
      s.authenticator = authenticator;
    }
    const generation = s.generation;
    const request: { headers?: Record<string, string> } = {};
    try {
      await authenticator.authenticate(request);
    } catch (error) {
      throw iamError(error, url);
    }
    const header = request.headers?.Authorization;
    if (!header) throw new IbmAuthError({ method: 'POST', url, hint: 'IAM answered without an access token.' });
    if (generation === s.generation) s.lastHeader = header;
    return header;
  }

  /**
   * Forgets the cached token. With `rejectedHeader` (the header a 401 answered), only when it is still the current
   * one, so that many requests failing together cause one new token request, not one each.
   */
  invalidate(rejectedHeader?: string): void {
    const s = stateOf(this);
    // After a reset, lastHeader is undefined until the new token arrives: later 401s for the old header are no-ops.
    if (rejectedHeader !== undefined && rejectedHeader !== s.lastHeader) return;
    s.authenticator = undefined;
    s.lastHeader = undefined;
    s.generation += 1;
  }
}

/** The SDK's error (status, `result` = IAM's body) as ours, keeping nothing of the request. */
function iamError(error: unknown, url: string): Error {
  const e = (error ?? {}) as { status?: unknown; statusText?: unknown; message?: unknown; result?: unknown };
  if (typeof e.status === 'number') {
    const body = (typeof e.result === 'object' && e.result !== null ? e.result : {}) as {
      errorCode?: unknown;
      errorMessage?: unknown;
      context?: { requestId?: unknown };
    };
    const iamCode = typeof body.errorCode === 'string' ? body.errorCode : undefined;
    const iamMessage = typeof body.errorMessage === 'string' ? body.errorMessage : typeof e.statusText === 'string' ? e.statusText : undefined;
    const trace = typeof body.context?.requestId === 'string' ? body.context.requestId : undefined;
    const hint =
      e.status === 400 || e.status === 401 || e.status === 403
        ? 'Check the API key (provider config apiKey, or IBMCLOUD_API_KEY) and the IAM endpoint.'
        : undefined;
    return new IbmAuthError({ method: 'POST', url, status: e.status, iamCode, iamMessage, trace, hint });
  }
  const transportCode = typeof e.statusText === 'string' && /^E[A-Z_]+$/.test(e.statusText) ? e.statusText : undefined;
  if (transportCode || /socket hang up|ECONN|ETIMEDOUT|ENOTFOUND|EAI_AGAIN/.test(String(e.message ?? ''))) {
    return new IbmTransportError({ operation: 'get an IAM access token', method: 'POST', url, transportCode: transportCode ?? codeIn(String(e.message)) });
  }
  return new IbmAuthError({ method: 'POST', url, hint: 'The IAM token request failed before IAM answered.' });
}

function codeIn(message: string): string {
  return /\b(E[A-Z_]{3,})\b/.exec(message)?.[1] ?? 'ECONNRESET';
}

/**
 * The account an IAM token source's API key belongs to: the `account.bss` claim of its access token, as IBM's
 * tokens carry it (IAM policies and resource groups are listed per account).
 */
export async function accountIdOf(source: Pick<IamTokenSource, 'authorizationHeader'>): Promise<string> {
  const header = await source.authorizationHeader();
  try {
    const claims = JSON.parse(Buffer.from(header.split('.')[1] ?? '', 'base64url').toString('utf8')) as { account?: { bss?: unknown } };
    if (typeof claims.account?.bss === 'string' && claims.account.bss !== '') return claims.account.bss;
  } catch {
    // not a JWT: reported below
  }
  throw new IbmAuthError({ method: 'POST', url: TOKEN_PATH, hint: 'The IAM access token names no account (no account.bss claim).' });
}
