import { setTimeout as sleep } from 'node:timers/promises';
import { CancelledError } from './errors';

/** Polling delays: quick at first (the emulator and small changes settle fast), then every 5 s. */
export const POLL_DELAYS_MS = [100, 250, 500, 1000, 2000, 3000, 5000];
const PROGRESS_EVERY_MS = 10_000;

export type Probe<T> = () => Promise<{ done: true; value: T } | { done: false; state: string }>;

export interface WaitOptions {
  /** What is awaited, for messages: `collector "web" (r006-…) to become stable`. */
  what: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Called when the wait begins and about every 10 s after, with the seconds waited so far. */
  progress?: (message: string) => void;
}

export class WaitTimeoutError extends Error {
  readonly code = 'ERR_WAIT_TIMEOUT';

  constructor(readonly what: string, readonly seconds: number, readonly lastState: string) {
    super(`timed out after ${seconds} s waiting for ${what}; it is still ${lastState}`);
    this.name = 'WaitTimeoutError';
  }
}

/** Polls `probe` until it is done, the timeout passes (WaitTimeoutError) or the signal aborts (CancelledError). */
export async function waitUntil<T>(probe: Probe<T>, options: WaitOptions): Promise<T> {
  const started = Date.now();
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
    const delay = Math.min(POLL_DELAYS_MS[Math.min(attempt, POLL_DELAYS_MS.length - 1)], options.timeoutMs - elapsed);
    try {
      await sleep(delay, undefined, { signal: options.signal });
    } catch {
      throw new CancelledError(`waiting for ${options.what}`);
    }
  }
}
