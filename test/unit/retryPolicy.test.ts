import { expect } from 'chai';
import {
  backoffDelay,
  IbmApiError,
  IbmAuthError,
  IbmTransportError,
  isRetryable,
  parseRetryAfter,
  RETRY,
  retryDelay,
} from '../../provider/src/ibm';

/**
 * The retry policy is a pure function: these tables pin every delay it returns (random injected), and every case
 * where it refuses to retry.
 */

const URL = 'https://us-south.iaas.cloud.ibm.com/v1/flow_log_collectors?version=2025-12-16&generation=2';

function api(status: number, retryAfter?: string): IbmApiError {
  return IbmApiError.fromResponse({
    operation: 'test',
    method: 'GET',
    url: URL,
    status,
    body: { errors: [{ code: `code_${status}`, message: `status ${status}` }], trace: 't-1', status_code: status },
    headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
  });
}

const transport = (code = 'ECONNRESET') => new IbmTransportError({ operation: 'test', method: 'GET', url: URL, transportCode: code, detail: 'socket hang up' });
const fixed = (r: number) => () => r;

describe('retryPolicy: retryDelay', () => {
  const table: Array<{ name: string; attempt: number; method: string; error: unknown; random?: number; expected: number | undefined }> = [
    // Exponential backoff with equal jitter: floor(exp/2 + r·exp/2), exp = 250·2^(attempt-1).
    { name: 'GET 503, attempt 1, r=0', attempt: 1, method: 'GET', error: api(503), random: 0, expected: 125 },
    { name: 'GET 500, attempt 1, r=0.5', attempt: 1, method: 'GET', error: api(500), random: 0.5, expected: 187 },
    { name: 'GET 502, attempt 2, r=0', attempt: 2, method: 'GET', error: api(502), random: 0, expected: 250 },
    { name: 'PATCH reset, attempt 2, r=0.999', attempt: 2, method: 'PATCH', error: transport(), random: 0.999, expected: 499 },
    { name: 'DELETE 504, attempt 3, r=0.25', attempt: 3, method: 'DELETE', error: api(504), random: 0.25, expected: 625 },
    { name: 'GET timeout, attempt 4, r=0.5', attempt: 4, method: 'GET', error: transport('ETIMEDOUT'), random: 0.5, expected: 1500 },
    { name: 'DELETE 503, attempt 5, r=1', attempt: 5, method: 'DELETE', error: api(503), random: 1, expected: 4000 },
    { name: 'lower-case method', attempt: 1, method: 'get', error: api(503), random: 0, expected: 125 },
    // 429: Retry-After wins over backoff, capped at 30 s; without it, backoff.
    { name: 'GET 429 Retry-After 3', attempt: 1, method: 'GET', error: api(429, '3'), random: 0.9, expected: 3000 },
    { name: 'GET 429 Retry-After 0', attempt: 2, method: 'GET', error: api(429, '0'), random: 0.9, expected: 0 },
    { name: 'GET 429 Retry-After 1.5', attempt: 1, method: 'GET', error: api(429, '1.5'), expected: 1500 },
    { name: 'GET 429 Retry-After 120 (capped)', attempt: 1, method: 'GET', error: api(429, '120'), expected: 30000 },
    { name: 'GET 429 without Retry-After, attempt 3', attempt: 3, method: 'GET', error: api(429), random: 0.25, expected: 625 },
    { name: 'PATCH 429 Retry-After 2', attempt: 1, method: 'PATCH', error: api(429, '2'), expected: 2000 },
    // IAM answering 5xx is as transient as the API doing so.
    { name: 'GET, IAM 503', attempt: 1, method: 'GET', error: new IbmAuthError({ method: 'POST', url: 'https://iam.cloud.ibm.com/identity/token', status: 503 }), random: 0, expected: 125 },
    // Not retried.
    { name: 'attempts used up (6)', attempt: 6, method: 'GET', error: api(503), random: 0, expected: undefined },
    { name: 'attempt 0 is not an attempt', attempt: 0, method: 'GET', error: api(503), expected: undefined },
    { name: 'POST 503', attempt: 1, method: 'POST', error: api(503), random: 0, expected: undefined },
    { name: 'POST 429', attempt: 1, method: 'POST', error: api(429, '1'), expected: undefined },
    { name: 'POST reset', attempt: 1, method: 'POST', error: transport(), expected: undefined },
    { name: 'GET 400', attempt: 1, method: 'GET', error: api(400), expected: undefined },
    { name: 'GET 401', attempt: 1, method: 'GET', error: api(401), expected: undefined },
    { name: 'GET 403', attempt: 1, method: 'GET', error: api(403), expected: undefined },
    { name: 'GET 404', attempt: 1, method: 'GET', error: api(404), expected: undefined },
    { name: 'PATCH 409', attempt: 1, method: 'PATCH', error: api(409), expected: undefined },
    { name: 'GET 501 (not implemented)', attempt: 1, method: 'GET', error: api(501), expected: undefined },
    { name: 'GET, IAM 400 (wrong key)', attempt: 1, method: 'GET', error: new IbmAuthError({ method: 'POST', url: 'https://iam.cloud.ibm.com/identity/token', status: 400, iamCode: 'BXNIM0415E' }), expected: undefined },
    { name: 'GET, a plain Error', attempt: 1, method: 'GET', error: new Error('boom'), expected: undefined },
    { name: 'GET, not an error at all', attempt: 1, method: 'GET', error: 'boom', expected: undefined },
  ];

  for (const row of table) {
    it(`${row.name} → ${row.expected === undefined ? 'no retry' : `${row.expected} ms`}`, () => {
      expect(retryDelay({ attempt: row.attempt, method: row.method, error: row.error, random: fixed(row.random ?? 0) })).to.equal(row.expected);
    });
  }

  it('the defaults are 6 attempts, 250 ms base, 8 s cap, 30 s Retry-After cap', () => {
    expect(RETRY).to.deep.equal({ maxAttempts: 6, baseDelayMs: 250, maxDelayMs: 8000, maxRetryAfterMs: 30000 });
  });

  it('random stays within [exp/2, exp] for every attempt', () => {
    for (let attempt = 1; attempt < RETRY.maxAttempts; attempt++) {
      const exp = 250 * 2 ** (attempt - 1);
      expect(retryDelay({ attempt, method: 'GET', error: api(503), random: fixed(0) })).to.equal(exp / 2);
      expect(retryDelay({ attempt, method: 'GET', error: api(503), random: fixed(1) })).to.equal(exp);
      // Out-of-range randoms are clamped.
      expect(retryDelay({ attempt, method: 'GET', error: api(503), random: fixed(7) })).to.equal(exp);
      expect(retryDelay({ attempt, method: 'GET', error: api(503), random: fixed(-1) })).to.equal(exp / 2);
    }
  });
});

describe('retryPolicy: backoffDelay (what a safe create uses)', () => {
  it('retries POST-independent errors the same way, whatever the method', () => {
    expect(backoffDelay({ attempt: 1, error: api(500), random: fixed(0) })).to.equal(125);
    expect(backoffDelay({ attempt: 2, error: transport(), random: fixed(0.5) })).to.equal(375);
    expect(backoffDelay({ attempt: 1, error: api(429, '4') })).to.equal(4000);
    expect(backoffDelay({ attempt: 1, error: api(409) })).to.equal(undefined);
    expect(backoffDelay({ attempt: 6, error: api(500) })).to.equal(undefined);
  });

  it('caps the exponential at maxDelayMs when more attempts are allowed', () => {
    const policy = { maxAttempts: 10 };
    // attempt 6: 250·32 = 8000; attempt 7: 16000 → 8000; attempt 9: 64000 → 8000.
    expect(backoffDelay({ attempt: 6, error: api(503), random: fixed(1), policy })).to.equal(8000);
    expect(backoffDelay({ attempt: 7, error: api(503), random: fixed(0), policy })).to.equal(4000);
    expect(backoffDelay({ attempt: 9, error: api(503), random: fixed(1), policy })).to.equal(8000);
    expect(backoffDelay({ attempt: 10, error: api(503), random: fixed(1), policy })).to.equal(undefined);
  });
});

describe('retryPolicy: isRetryable and Retry-After parsing', () => {
  it('classifies errors', () => {
    expect([429, 500, 502, 503, 504, 599].map((s) => isRetryable(api(s)))).to.deep.equal([true, true, true, true, true, true]);
    expect([400, 401, 403, 404, 409, 412, 501].map((s) => isRetryable(api(s)))).to.deep.equal([false, false, false, false, false, false, false]);
    expect(isRetryable(transport('ECONNREFUSED'))).to.equal(true);
    expect(isRetryable(undefined)).to.equal(false);
  });

  const rows: Array<[string | undefined, number | undefined]> = [
    ['5', 5],
    [' 12 ', 12],
    ['0', 0],
    ['2.5', 2.5],
    ['Wed, 21 Oct 2015 07:28:10 GMT', 10],
    ['Wed, 21 Oct 2015 07:27:00 GMT', 0],
    ['soon', undefined],
    ['-3', undefined],
    [undefined, undefined],
  ];
  for (const [value, expected] of rows) {
    it(`Retry-After ${JSON.stringify(value)} → ${expected}`, () => {
      expect(parseRetryAfter(value, Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).to.equal(expected);
    });
  }

  it('a 429 carries retryAfterSeconds from the header', () => {
    const e = api(429, '7');
    expect(e.code).to.equal('ERR_IBM_RATE_LIMITED');
    expect((e as any).retryAfterSeconds).to.equal(7);
  });
});
