/** The resource types this provider serves, by token: what rpc/ dispatches Check, Diff and the CRUD calls through. */
import { FlowLogCollector } from './flowLogCollector';
import type { ResourceType } from './types';

export const RESOURCE_TYPES: ReadonlyMap<string, ResourceType> = new Map([FlowLogCollector].map((t) => [t.token, t]));

export class UnknownTypeError extends Error {
  readonly code = 'ERR_UNKNOWN_TYPE';
  constructor(token: string) {
    super(`unknown resource type "${token}"; this provider offers ${[...RESOURCE_TYPES.keys()].join(', ')}`);
    this.name = 'UnknownTypeError';
  }
}

export function resourceType(token: string): ResourceType {
  const type = RESOURCE_TYPES.get(token);
  if (!type) throw new UnknownTypeError(token);
  return type;
}
