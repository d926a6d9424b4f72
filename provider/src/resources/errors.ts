import type { Outputs } from './properties';

/**
 * The collector exists but did not become ready (failed, or still not ready at the timeout). The rpc layer turns it
 * into Pulumi's ErrorResourceInitFailed, so state records the id and nothing is left unknown to Pulumi.
 */
export class ResourceInitError extends Error {
  readonly code = 'ERR_RESOURCE_INIT_FAILED';

  constructor(message: string, readonly id: string, readonly outputs: Outputs, readonly reasons: string[] = [message]) {
    super(message);
    this.name = 'ResourceInitError';
  }
}

/** A user input problem found outside Check (e.g. Invoke arguments), with the property path. */
export class InputError extends Error {
  readonly code = 'ERR_INVALID_INPUT';

  constructor(readonly failures: Array<{ property: string; reason: string }>) {
    super(failures.map((f) => `${f.property}: ${f.reason}`).join('; '));
    this.name = 'InputError';
  }
}

/** A wait stopped by the engine's Cancel. */
export class CancelledError extends Error {
  readonly code = 'ERR_CANCELLED';

  constructor(what: string) {
    super(`cancelled while ${what}`);
    this.name = 'CancelledError';
  }
}
