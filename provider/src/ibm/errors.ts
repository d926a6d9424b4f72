/**
 * Typed errors of the IBM Cloud clients, got-style: every error has a stable string `code`, the request's `method`
 * and `url` (never with credentials), and, when IBM answered, its HTTP `status`, IBM's own error code (`ibmCode`,
 * `errors[0].code` of the VPC body, `errorCode` of IAM's) and `trace`.
 *
 * No API key, token, Authorization header or HMAC secret ever goes into a message or a property: errors are built
 * from the response body and a sanitized URL only, and never keep the request or the underlying library error.
 */

export type IbmErrorCode =
  | 'ERR_IBM_API'
  | 'ERR_IBM_NOT_FOUND'
  | 'ERR_IBM_CONFLICT'
  | 'ERR_IBM_VALIDATION'
  | 'ERR_IBM_ACCESS_DENIED'
  | 'ERR_IBM_RATE_LIMITED'
  | 'ERR_IBM_SERVER'
  | 'ERR_IBM_TRANSPORT'
  | 'ERR_IBM_AUTH'
  | 'ERR_IBM_ABORTED'
  | 'ERR_IBM_BAD_RESPONSE'
  | 'ERR_IBM_TAGGING'
  | 'ERR_IBM_LOOKUP'
  | 'ERR_IBM_COS'
  | 'ERR_IBM_ENDPOINT'
  | 'ERR_IBM_INVALID_ID';

/** What kind of failure an API answer is, from its status. */
export type IbmApiErrorKind = 'not-found' | 'conflict' | 'validation' | 'auth' | 'rate-limit' | 'server' | 'other';

const BRAND = Symbol.for('ibmflowlogs.IbmError');

/** Query parameters whose values are never shown, whatever the API. */
const SECRET_PARAM = /(api[-_]?key|token|secret|password|passwd|signature|credential|auth)/i;

/** A URL fit for a message: no user-info, secret-looking query values replaced by `***`. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    for (const key of [...u.searchParams.keys()]) if (SECRET_PARAM.test(key)) u.searchParams.set(key, '***');
    return u.toString();
  } catch {
    // Not absolute: keep the path, drop anything that looks like a query.
    return url.split('?')[0];
  }
}

export interface IbmErrorFields {
  message: string;
  method: string;
  url: string;
  status?: number;
  ibmCode?: string;
  trace?: string;
}

export class IbmError extends Error {
  readonly code: IbmErrorCode;
  readonly status?: number;
  readonly ibmCode?: string;
  readonly trace?: string;
  readonly method: string;
  readonly url: string;

  constructor(code: IbmErrorCode, fields: IbmErrorFields) {
    super(fields.message);
    this.name = new.target.name;
    this.code = code;
    this.method = fields.method;
    this.url = safeUrl(fields.url);
    if (fields.status !== undefined) this.status = fields.status;
    if (fields.ibmCode !== undefined) this.ibmCode = fields.ibmCode;
    if (fields.trace !== undefined) this.trace = fields.trace;
    // The class chain, by name, so that `isInstance` works across copies of this module.
    const chain: string[] = [];
    for (let p = Object.getPrototypeOf(this); p && p !== Error.prototype; p = Object.getPrototypeOf(p)) chain.push(p.constructor.name);
    Object.defineProperty(this, BRAND, { value: chain, enumerable: false });
  }

  /** Brand check: true for an instance of this class (or a subclass), even from another copy of the module. */
  static isInstance<T extends abstract new (...args: never[]) => IbmError>(this: T, value: unknown): value is InstanceType<T> {
    if (value instanceof this) return true;
    const chain = (value as { [BRAND]?: unknown } | null)?.[BRAND];
    return Array.isArray(chain) && chain.includes(this.name);
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    for (const [key, value] of Object.entries(this)) if (value !== undefined && !(key in out)) out[key] = value;
    return out;
  }
}

/** IBM's VPC error body: `{errors: [{code, message, more_info, target}], trace, status_code}`. */
export interface IbmErrorBody {
  errors?: Array<{ code?: string; message?: string; more_info?: string; target?: { name?: string; type?: string; value?: unknown } }>;
  trace?: string;
  status_code?: number;
}

export interface IbmApiErrorFields extends IbmErrorFields {
  status: number;
  /** `errors[0].more_info`. */
  moreInfo?: string;
  /** `errors[0].target.name`: the field, parameter or header at fault. */
  target?: string;
  /** Every error of the body, in order. */
  details?: Array<{ code?: string; message?: string; target?: string }>;
  /** The body was IBM's VPC error body: an `errors` list whose entries carry a `code`. */
  vpcErrorBody?: boolean;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function apiErrorKind(status: number): IbmApiErrorKind {
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 400 || status === 422) return 'validation';
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate-limit';
  if (status >= 500) return 'server';
  return 'other';
}

const KIND_CODE: Record<IbmApiErrorKind, IbmErrorCode> = {
  'not-found': 'ERR_IBM_NOT_FOUND',
  conflict: 'ERR_IBM_CONFLICT',
  validation: 'ERR_IBM_VALIDATION',
  auth: 'ERR_IBM_ACCESS_DENIED',
  'rate-limit': 'ERR_IBM_RATE_LIMITED',
  server: 'ERR_IBM_SERVER',
  other: 'ERR_IBM_API',
};

/** An answer from IBM with a status of 400 or more. `kind` and the subclass say which family it is. */
export class IbmApiError extends IbmError {
  declare readonly status: number;
  readonly kind: IbmApiErrorKind;
  readonly moreInfo?: string;
  readonly target?: string;
  readonly details: Array<{ code?: string; message?: string; target?: string }>;
  /** The body was IBM's VPC error body (`errors[{code, …}]`), not a proxy's page or another service's shape. */
  readonly vpcErrorBody: boolean;

  constructor(fields: IbmApiErrorFields, code?: IbmErrorCode) {
    const kind = apiErrorKind(fields.status);
    super(code ?? KIND_CODE[kind], fields);
    this.kind = kind;
    if (fields.moreInfo !== undefined) this.moreInfo = fields.moreInfo;
    if (fields.target !== undefined) this.target = fields.target;
    this.details = fields.details ?? [];
    this.vpcErrorBody = fields.vpcErrorBody ?? false;
  }

  /**
   * Builds the right subclass from an HTTP answer. `operation` says what failed ("create flow log collector");
   * `body` is IBM's VPC error body or any other JSON (Global Tagging, a proxy's HTML page).
   */
  static fromResponse(input: {
    operation: string;
    method: string;
    url: string;
    status: number;
    body: unknown;
    headers?: Record<string, unknown>;
  }): IbmApiError {
    const parsed = parseErrorBody(input.body);
    const trace = parsed.trace ?? headerValue(input.headers, 'x-request-id') ?? headerValue(input.headers, 'x-correlation-id');
    const statusText = STATUS_TEXT[input.status] ? ` ${STATUS_TEXT[input.status]}` : '';
    const ibm = parsed.code ? ` (${parsed.code})` : '';
    const said = parsed.message ? `: ${parsed.message}` : '';
    const url = safeUrl(input.url);
    const message = `Could not ${input.operation}: IBM Cloud answered ${input.status}${statusText}${ibm}${said}${trace ? ` [trace ${trace}]` : ''} (${input.method} ${url})`;
    const fields: IbmApiErrorFields = {
      message,
      method: input.method,
      url,
      status: input.status,
      ibmCode: parsed.code,
      trace,
      moreInfo: parsed.moreInfo,
      target: parsed.target,
      details: parsed.details,
      vpcErrorBody: parsed.vpcErrorBody,
    };
    switch (apiErrorKind(input.status)) {
      case 'not-found':
        return new IbmNotFoundError(fields);
      case 'conflict':
        return new IbmConflictError(fields);
      case 'validation':
        return new IbmValidationError(fields);
      case 'auth':
        return new IbmAccessDeniedError(fields);
      case 'rate-limit':
        return new IbmRateLimitError({ ...fields, retryAfterSeconds: parseRetryAfter(headerValue(input.headers, 'retry-after')) });
      case 'server':
        return new IbmServerError(fields);
      default:
        return new IbmApiError(fields);
    }
  }
}

/**
 * 404: the resource, or the path, does not exist. Only {@link isIbmNotFound} tells the two apart: a 404 means the
 * resource is gone only when IBM's own error body says so.
 */
export class IbmNotFoundError extends IbmApiError {}

/**
 * True when the error is IBM's answer that this resource does not exist: a 404 with IBM's VPC error body whose code
 * is the generic `not_found` or the resource's own `<resource>_not_found` (`flow_log_collector_not_found`,
 * `vpc_not_found`, …). A bare 404, an HTML page, another service's body or another code is not: that is what a
 * wrong endpoint answers, and taking it for "gone" would empty the state. `resource` is the VPC API's
 * name of the kind, e.g. `flow_log_collector`.
 */
export function isIbmNotFound(error: unknown, resource: string): boolean {
  if (!IbmNotFoundError.isInstance(error) || !error.vpcErrorBody) return false;
  return error.ibmCode === 'not_found' || error.ibmCode === `${resource}_not_found`;
}

/** 409: a service rule refused the change (target taken, name used, collector deleting). */
export class IbmConflictError extends IbmApiError {
  /** For a target conflict on create: the collector that holds the target. */
  readonly existingCollector?: { id: string; name: string; storageBucket: string };

  constructor(fields: IbmApiErrorFields & { existingCollector?: { id: string; name: string; storageBucket: string } }) {
    super(fields);
    if (fields.existingCollector) this.existingCollector = fields.existingCollector;
  }
}

/** 400/422: the request itself is wrong. */
export class IbmValidationError extends IbmApiError {}

/** 401/403 from the API (not IAM): the token was refused, or the caller lacks access. */
export class IbmAccessDeniedError extends IbmApiError {}

/** 429: too many requests; `retryAfterSeconds` from the `Retry-After` header when IBM sent one. */
export class IbmRateLimitError extends IbmApiError {
  readonly retryAfterSeconds?: number;

  constructor(fields: IbmApiErrorFields & { retryAfterSeconds?: number }) {
    super(fields);
    if (fields.retryAfterSeconds !== undefined) this.retryAfterSeconds = fields.retryAfterSeconds;
  }
}

/** 5xx: IBM failed; usually worth retrying. */
export class IbmServerError extends IbmApiError {}

/** No (complete) answer: connection refused or reset, socket hang up, timeout. */
export class IbmTransportError extends IbmError {
  /** Node's or axios's code: `ECONNRESET`, `ECONNREFUSED`, `ETIMEDOUT`, `EPIPE`, … */
  readonly transportCode: string;

  constructor(input: { operation: string; method: string; url: string; transportCode?: string; detail?: string }) {
    const url = safeUrl(input.url);
    const transportCode = input.transportCode ?? 'ECONNRESET';
    const detail = input.detail ? `: ${input.detail}` : '';
    super('ERR_IBM_TRANSPORT', {
      message: `Could not ${input.operation}: no answer from IBM Cloud (${transportCode}${detail}) (${input.method} ${url})`,
      method: input.method,
      url,
    });
    this.transportCode = transportCode;
  }
}

/** IAM refused to issue a token (IAM's body: `{errorCode, errorMessage, context: {requestId}}`), or answered badly. */
export class IbmAuthError extends IbmError {
  constructor(input: { method: string; url: string; status?: number; iamCode?: string; iamMessage?: string; trace?: string; hint?: string }) {
    const status = input.status !== undefined ? ` ${input.status}` : '';
    const code = input.iamCode ? ` (${input.iamCode})` : '';
    const said = input.iamMessage ? `: ${input.iamMessage}` : '';
    const trace = input.trace ? ` [trace ${input.trace}]` : '';
    const hint = input.hint ? ` ${input.hint}` : '';
    super('ERR_IBM_AUTH', {
      message: `Could not get an IAM access token: IAM answered${status}${code}${said}${trace} (${input.method} ${safeUrl(input.url)}).${hint}`,
      method: input.method,
      url: input.url,
      status: input.status,
      ibmCode: input.iamCode,
      trace: input.trace,
    });
  }
}

/** The caller's AbortSignal fired (e.g. the engine's Cancel) while a request or a retry wait was under way. */
export class IbmAbortError extends IbmError {
  constructor(input: { operation: string; method: string; url: string }) {
    super('ERR_IBM_ABORTED', {
      message: `Could not ${input.operation}: cancelled (${input.method} ${safeUrl(input.url)})`,
      method: input.method,
      url: input.url,
    });
  }
}

/**
 * The endpoint answered in a way only a wrong endpoint does: a 404 without IBM's not-found body, or a base URL that
 * does not serve the VPC API at all. Nothing is taken as gone on such an answer; the message names the endpoint.
 */
export class IbmEndpointError extends IbmError {
  readonly endpoint: string;

  constructor(input: { operation: string; method: string; url: string; endpoint: string; status?: number; problem: string; configKey: string }) {
    const endpoint = safeUrl(input.endpoint);
    super('ERR_IBM_ENDPOINT', {
      message:
        `Could not ${input.operation}: ${input.problem}, so it is not taken to mean that the resource is gone (${input.method} ${safeUrl(input.url)}). ` +
        `This is what a wrong endpoint answers: check ${input.configKey} (now ${endpoint}); it is the region's VPC API base URL without /v1, e.g. https://us-south.iaas.cloud.ibm.com.`,
      method: input.method,
      url: input.url,
      status: input.status,
    });
    this.endpoint = endpoint;
  }
}

/** An id that cannot name a VPC resource (IBM's identifiers: 1-64 of `a-z`, `0-9`, `-`, `_`); nothing was sent. */
export class IbmInvalidIdError extends IbmError {
  readonly id: string;

  constructor(input: { operation: string; method: string; url: string; kind: string; id: string }) {
    const shown = JSON.stringify(input.id.length > 80 ? `${input.id.slice(0, 80)}…` : input.id);
    super('ERR_IBM_INVALID_ID', {
      message: `Could not ${input.operation}: ${shown} is not a valid ${input.kind} id; IBM Cloud ids are 1-64 characters of lowercase letters, digits, "-" and "_" (e.g. r006-…). Nothing was sent to IBM Cloud.`,
      method: input.method,
      url: input.url,
    });
    this.id = input.id;
  }
}

/** IBM answered 2xx, but with a body this client cannot read. */
export class IbmResponseError extends IbmError {
  constructor(input: { operation: string; method: string; url: string; status: number; problem: string }) {
    super('ERR_IBM_BAD_RESPONSE', {
      message: `Could not ${input.operation}: IBM Cloud answered ${input.status} with a body this client cannot read (${input.problem}) (${input.method} ${safeUrl(input.url)})`,
      method: input.method,
      url: input.url,
      status: input.status,
    });
  }
}

/** Global Tagging answered 200 but reported `is_error` for a resource. */
export class IbmTaggingError extends IbmError {
  readonly resourceId: string;

  constructor(input: { operation: string; method: string; url: string; status: number; resourceId: string; detail?: string }) {
    super('ERR_IBM_TAGGING', {
      message: `Could not ${input.operation}: Global Tagging reported an error for ${input.resourceId}${input.detail ? `: ${input.detail}` : ''} (${input.method} ${safeUrl(input.url)})`,
      method: input.method,
      url: input.url,
      status: input.status,
    });
    this.resourceId = input.resourceId;
  }
}

/** A name that no resource of the account carries (a resource group by name); `known` lists the names that exist. */
export class IbmLookupError extends IbmError {
  readonly kind: string;
  readonly value: string;
  readonly known: string[];

  constructor(input: { kind: string; value: string; known: string[]; accountId: string; method: string; url: string }) {
    const known = input.known.length > 0 ? `the account has ${input.known.map((n) => `"${n}"`).join(', ')}` : 'the account has none';
    super('ERR_IBM_LOOKUP', {
      message: `No ${input.kind} "${input.value}" in account ${input.accountId} (by id or name); ${known}.`,
      method: input.method,
      url: input.url,
    });
    this.kind = input.kind;
    this.value = input.value;
    this.known = input.known;
  }
}

/**
 * Cloud Object Storage refused or failed a request (`cosCode`: S3's `NoSuchBucket`, `AccessDenied`, …), in COS's words
 * without the AWS SDK's additions.
 */
export class IbmCosError extends IbmError {
  readonly cosCode: string;

  constructor(input: { operation: string; method: string; url: string; status?: number; cosCode: string; detail?: string; trace?: string }) {
    const status = input.status !== undefined ? ` ${input.status}${STATUS_TEXT[input.status] ? ` ${STATUS_TEXT[input.status]}` : ''}` : '';
    super('ERR_IBM_COS', {
      message: `Could not ${input.operation}: Cloud Object Storage answered${status} (${input.cosCode})${input.detail ? `: ${input.detail}` : ''}${input.trace ? ` [trace ${input.trace}]` : ''} (${input.method} ${safeUrl(input.url)})`,
      method: input.method,
      url: input.url,
      status: input.status,
      ibmCode: input.cosCode,
      trace: input.trace,
    });
    this.cosCode = input.cosCode;
  }
}

interface ParsedBody {
  code?: string;
  message?: string;
  moreInfo?: string;
  target?: string;
  trace?: string;
  details: Array<{ code?: string; message?: string; target?: string }>;
  /** An `errors` list whose entries all carry a string `code`: IBM's VPC error body. */
  vpcErrorBody?: boolean;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Reads IBM's VPC error body, IAM's, or the other shapes IBM services use; never fails. */
export function parseErrorBody(body: unknown): ParsedBody {
  let b = body;
  if (typeof body === 'string') {
    try {
      b = JSON.parse(body);
    } catch {
      return { details: [], message: body.trim() ? truncate(body.replace(/\s+/g, ' ').trim(), 200) : undefined };
    }
  }
  if (typeof b !== 'object' || b === null) return { details: [] };
  const o = b as Record<string, unknown>;
  if (Array.isArray(o.errors)) {
    const details = o.errors
      .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
      .map((e) => ({ code: str(e.code), message: str(e.message), target: str((e.target as Record<string, unknown> | undefined)?.name) }));
    const first = o.errors[0] as Record<string, unknown> | undefined;
    return {
      code: details[0]?.code,
      message: details.map((d) => d.message).filter(Boolean).join('; ') || undefined,
      moreInfo: str(first?.more_info),
      target: details[0]?.target,
      trace: str(o.trace),
      details,
      vpcErrorBody: details.length > 0 && details.length === o.errors.length && details.every((d) => d.code !== undefined),
    };
  }
  const context = o.context as Record<string, unknown> | undefined;
  return {
    code: str(o.errorCode) ?? str(o.code),
    message: str(o.errorMessage) ?? str(o.message) ?? str(o.error),
    trace: str(o.trace) ?? str(context?.requestId),
    details: [],
  };
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const v = headers[name] ?? headers[name.toLowerCase()];
  if (Array.isArray(v)) return str(v[0]);
  return str(v);
}

/** `Retry-After` as seconds: a number of seconds, or an HTTP date (seconds from now, at least 0). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  // Otherwise an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"), which always names a day.
  if (!/[a-z]{3}/i.test(v)) return undefined;
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
