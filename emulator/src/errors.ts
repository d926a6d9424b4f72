/**
 * Errors the emulator answers, in IBM's VPC error body:
 * `{errors: [{code, message, more_info, target}], trace, status_code}`.
 *
 * IBM documents the envelope and a few generic codes (`invalid_value`, `invalid_request`, `missing_field`,
 * `not_authorized`), but not the flow-log-specific codes. Those below are the emulator's choice, all kept in this one
 * table so that a correction is one edit (see emulator/README.md, "Chosen where IBM is silent").
 */
export const ERROR_STATUS = {
  // generic request problems
  invalid_request: 400,
  invalid_value: 400,
  invalid_field: 400,
  missing_field: 400,
  not_authorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  request_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  internal_error: 500,
  service_unavailable: 503,
  // flow log collectors
  flow_log_collector_not_found: 404,
  flow_log_collector_target_not_found: 404,
  flow_log_collector_target_conflict: 409,
  flow_log_collector_name_duplicate: 409,
  flow_log_collector_deleting: 409,
  flow_log_collector_storage_bucket_not_found: 400,
  flow_log_collector_storage_bucket_not_authorized: 403,
  flow_log_collector_storage_bucket_location_invalid: 400,
  resource_group_not_found: 404,
  // topology
  vpc_not_found: 404,
  subnet_not_found: 404,
  instance_not_found: 404,
  network_interface_not_found: 404,
  instance_network_attachment_not_found: 404,
  virtual_network_interface_not_found: 404,
  // COS buckets and authorizations (control API)
  bucket_not_found: 404,
  bucket_conflict: 409,
  // IAM Policy Management (`/v1/policies`) and Resource Manager (`/v2/resource_groups`), in PlatformError's body
  invalid_body: 400,
  forbidden: 403,
  policy_not_found: 404,
  policy_conflict_error: 409,
  precondition_failed: 412,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** What `target` points at in IBM's error body: a body field, a query parameter or a request header. */
export interface ErrorTarget {
  name: string;
  type: 'field' | 'parameter' | 'header';
  value?: unknown;
}

export interface ErrorDetail {
  code: ErrorCode;
  message: string;
  target?: ErrorTarget;
  /** A page of IBM's docs when the service names one; default: the VPC error-message page's entry for the code. */
  moreInfo?: string;
}

const MORE_INFO = 'https://cloud.ibm.com/docs/vpc?topic=vpc-rias-error-messages';

/** One failed request; carries every problem found (validation collects them all before answering). */
export class EmulatorError extends Error {
  readonly status: number;
  readonly details: ErrorDetail[];
  readonly headers: Record<string, string>;

  constructor(details: ErrorDetail | ErrorDetail[], headers: Record<string, string> = {}) {
    const list = Array.isArray(details) ? details : [details];
    super(list.map((d) => d.message).join('; '));
    this.name = 'EmulatorError';
    this.details = list;
    this.status = ERROR_STATUS[list[0].code];
    this.headers = headers;
  }

  get code(): ErrorCode {
    return this.details[0].code;
  }

  body(trace: string): object {
    return {
      errors: this.details.map((d) => ({
        code: d.code,
        message: d.message,
        more_info: d.moreInfo ?? `${MORE_INFO}#${d.code}`,
        ...(d.target ? { target: d.target } : {}),
      })),
      trace,
      status_code: this.status,
    };
  }
}

/**
 * IBM's platform services (IAM Policy Management, Resource Manager) answer `{errors: [{code, message, details?}],
 * trace, status_code}`: the VPC envelope without `more_info` or `target` (IAM: `invalid_body` "The following resource
 * attribute(s) had multiple entries: accountId"; `policy_conflict_error` with `details.conflicts_with`).
 */
export class PlatformError extends EmulatorError {
  constructor(details: ErrorDetail | ErrorDetail[], readonly extra?: Record<string, unknown>) {
    super(details);
    this.name = 'PlatformError';
  }

  override body(trace: string): object {
    return {
      errors: this.details.map((d, i) => ({ code: d.code, message: d.message, ...(i === 0 && this.extra ? { details: this.extra } : {}) })),
      trace,
      status_code: this.status,
    };
  }
}

/** Throws a one-problem PlatformError. */
export function platformFail(code: ErrorCode, message: string, extra?: Record<string, unknown>): never {
  throw new PlatformError({ code, message }, extra);
}

export function fail(code: ErrorCode, message: string, target?: ErrorTarget): never {
  throw new EmulatorError({ code, message, target });
}

/**
 * IAM's token service answers in its own shape (`errorCode`, `errorMessage`, `context`), not the VPC envelope.
 * The BXNIM codes below are the ones IAM uses for these cases as far as public material shows; see the README.
 */
export const IAM_ERRORS = {
  apikeyNotFound: { status: 400, errorCode: 'BXNIM0415E', errorMessage: 'Provided API key could not be found.' },
  propertyMissing: { status: 400, errorCode: 'BXNIM0109E', errorMessage: 'Property missing or empty.' },
  grantTypeInvalid: { status: 400, errorCode: 'BXNIM0103E', errorMessage: 'Grant type is not supported.' },
  refreshTokenInvalid: { status: 400, errorCode: 'BXNIM0407E', errorMessage: 'Refresh token is not valid.' },
  contentTypeInvalid: {
    status: 400,
    errorCode: 'BXNIM0107E',
    errorMessage: 'Content type must be application/x-www-form-urlencoded.',
  },
} as const;

export type IamErrorKind = keyof typeof IAM_ERRORS;

export class IamError extends Error {
  readonly status: number;
  readonly errorCode: string;
  readonly detail: string;

  constructor(kind: IamErrorKind, detail = '') {
    const spec = IAM_ERRORS[kind];
    super(`${spec.errorMessage}${detail ? ` ${detail}` : ''}`);
    this.name = 'IamError';
    this.status = spec.status;
    this.errorCode = spec.errorCode;
    this.detail = detail;
  }

  body(requestId: string, url: string): object {
    return {
      errorCode: this.errorCode,
      errorMessage: this.message,
      context: { requestId, requestType: 'incoming.Identity_Token', url, instanceId: 'iam-emulator', locale: 'en_US' },
      statusCode: this.status,
    };
  }
}
