import { IbmApiError, IbmAuthError, IbmError, IbmRateLimitError, IbmTransportError } from './errors';

/**
 * When to retry a failed request, and after how long: pure functions of the attempt number, the method and the
 * error, so that tests pin every value (inject `random`).
 *
 * - Retried: 429 (waiting what `Retry-After` says, capped), 5xx except 501, and transport errors (reset, hang-up,
 *   timeout), for GET, PATCH and DELETE, which are safe to repeat. IAM failures with such a status count too.
 * - Never retried here: POST. A create is made safe to repeat by looking its target up first (vpcClient.ts), and it
 *   calls `backoffDelay` itself once it has.
 * - Backoff: `BASE_DELAY_MS · 2^(attempt-1)`, capped at `MAX_DELAY_MS`, with "equal jitter": half of it fixed, the
 *   other half scaled by `random()`.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` longer than this is cut to it. */
  maxRetryAfterMs: number;
}

export const RETRY: Readonly<RetryPolicy> = Object.freeze({ maxAttempts: 6, baseDelayMs: 250, maxDelayMs: 8000, maxRetryAfterMs: 30_000 });

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT' | 'HEAD';

const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE']);

export interface RetryInput {
  /** The attempt that just failed, from 1. */
  attempt: number;
  method: string;
  error: unknown;
  /** [0, 1); defaults to Math.random. */
  random?: () => number;
  /** Overrides of RETRY (tests, or a caller with other limits). */
  policy?: Partial<RetryPolicy>;
}

/** True for the failures a later attempt may not see: 429, 5xx but 501, transport errors. */
export function isRetryable(error: unknown): boolean {
  if (IbmTransportError.isInstance(error)) return true;
  if (IbmApiError.isInstance(error) || IbmAuthError.isInstance(error)) {
    const status = (error as IbmError).status;
    return status === 429 || (status !== undefined && status >= 500 && status !== 501);
  }
  return false;
}

/**
 * Milliseconds to wait before the next attempt, whatever the method; undefined when the error is not retryable or
 * the attempts are used up.
 */
export function backoffDelay({ attempt, error, random = Math.random, policy }: Omit<RetryInput, 'method'>): number | undefined {
  const p = { ...RETRY, ...policy };
  if (!Number.isInteger(attempt) || attempt < 1 || attempt >= p.maxAttempts) return undefined;
  if (!isRetryable(error)) return undefined;
  if (IbmRateLimitError.isInstance(error) && error.retryAfterSeconds !== undefined) {
    return Math.min(p.maxRetryAfterMs, Math.max(0, Math.round(error.retryAfterSeconds * 1000)));
  }
  const exp = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** (attempt - 1));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(exp / 2 + (r * exp) / 2);
}

/** The retry decision for an ordinary request: `backoffDelay` for idempotent methods, never for POST. */
export function retryDelay(input: RetryInput): number | undefined {
  if (!IDEMPOTENT.has(input.method.toUpperCase())) return undefined;
  return backoffDelay(input);
}
