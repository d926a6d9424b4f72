/**
 * The resource types this provider serves, by token: what rpc/ dispatches Check, Diff and the CRUD calls through.
 * Each type's module loads on its first call, so that plugin start-up (port printed) loads none of them.
 */
import type { ResourceType } from './types';

/* eslint-disable @typescript-eslint/no-require-imports */
const LOADERS: ReadonlyMap<string, () => ResourceType> = new Map([
  ['ibmflowlogs:index:FlowLogCollector', (): ResourceType => (require('./flowLogCollector') as typeof import('./flowLogCollector')).FlowLogCollector],
]);

export const RESOURCE_TOKENS: readonly string[] = [...LOADERS.keys()];

export class UnknownTypeError extends Error {
  readonly code = 'ERR_UNKNOWN_TYPE';
  constructor(token: string) {
    super(`unknown resource type "${token}"; this provider offers ${RESOURCE_TOKENS.join(', ')}`);
    this.name = 'UnknownTypeError';
  }
}

export function resourceType(token: string): ResourceType {
  const load = LOADERS.get(token);
  if (!load) throw new UnknownTypeError(token);
  return load();
}
