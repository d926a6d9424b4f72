import type { Outputs } from './properties';

/**
 * The resource exists but did not become ready (failed, or still not ready at the timeout). The rpc layer turns it
 * into Pulumi's ErrorResourceInitFailed, so state records the id and nothing is left unknown to Pulumi.
 */
export class ResourceInitError extends Error {
  readonly code = 'ERR_RESOURCE_INIT_FAILED';

  constructor(message: string, readonly id: string, readonly outputs: Outputs, readonly reasons: string[] = [message]) {
    super(message);
    this.name = 'ResourceInitError';
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

/** The configuration is missing (the engine calls Configure before anything that needs IBM Cloud). */
export class NotConfiguredError extends Error {
  readonly code = 'ERR_NOT_CONFIGURED';

  constructor() {
    super('the ibmflowlogs provider is not configured yet (the engine calls Configure first)');
    this.name = 'NotConfiguredError';
  }
}
