import { setTimeout as sleep } from 'node:timers/promises';
import { CancelledError } from './errors';

/**
 * Waits on a lifecycle state by polling: how long between polls is a pure function of the attempt (pollDelay), so
 * that tests pin every value. Exponential from POLL.firstMs, capped at POLL.maxMs, with "equal jitter" (half fixed,
 * half scaled by `random`) so that hundreds of collectors created together do not poll in lockstep; never past the
 * time left before the timeout.
 */
export const POLL = Object.freeze({ firstMs: 100, factor: 2, maxMs: 5000 });
const PROGRESS_EVERY_MS = 10_000;

/** Milliseconds before poll `attempt + 1` (attempt 0 is the first poll after the first look), at most `remainingMs`. */
export function pollDelay(attempt: number, random: number, remainingMs: number = Infinity): number {
  const exp = Math.min(POLL.maxMs, POLL.firstMs * POLL.factor ** Math.max(0, Math.floor(attempt)));
  const r = Math.min(Math.max(random, 0), 1);
  return Math.max(0, Math.min(Math.floor(exp / 2 + (r * exp) / 2), remainingMs));
}

export type Probe<T> = () => Promise<{ done: true; value: T } | { done: false; state: string }>;

export interface WaitOptions {
  /** What is awaited, for messages: `collector "web" (r006-…) to become stable`. */
  what: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Called when the wait begins and about every 10 s after, with the seconds waited so far. */
  progress?: (message: string) => void;
  /** [0, 1); defaults to Math.random. */
  random?: () => number;
}

export class WaitTimeoutError extends Error {
  readonly code = 'ERR_WAIT_TIMEOUT';

  constructor(readonly what: string, readonly seconds: number, readonly lastState: string) {
    super(`timed out after ${seconds} s waiting for ${what}; it is still ${lastState}`);
    this.name = 'WaitTimeoutError';
  }
}

/**
 * Asks `probe` until it is done, the timeout passes (WaitTimeoutError) or the signal aborts (CancelledError). The
 * first probe runs at once, so a probe that can answer from what it already holds (a create whose answer is already
 * stable) ends the wait without a request.
 */
export async function waitUntil<T>(probe: Probe<T>, options: WaitOptions): Promise<T> {
  const started = Date.now();
  const random = options.random ?? Math.random;
  // The first report comes as soon as the wait begins, then one every 10 s.
  let nextProgress = 0;
  for (let attempt = 0; ; attempt++) {
    if (options.signal.aborted) throw new CancelledError(`waiting for ${options.what}`);
    const result = await probe();
    if (result.done) return result.value;
    const elapsed = Date.now() - started;
    if (elapsed >= options.timeoutMs) throw new WaitTimeoutError(options.what, Math.round(elapsed / 1000), result.state);
    if (elapsed >= nextProgress) {
      options.progress?.(`waiting for ${options.what} (${Math.round(elapsed / 1000)} s, ${result.state})`);
      nextProgress += PROGRESS_EVERY_MS;
    }
    try {
      await sleep(pollDelay(attempt, random(), options.timeoutMs - elapsed), undefined, { signal: options.signal });
    } catch {
      throw new CancelledError(`waiting for ${options.what}`);
    }
  }
}
