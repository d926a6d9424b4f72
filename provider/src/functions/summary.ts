import type { Collector } from '../ibm/types';
import { type Failure, kindOf } from '../shared/failures';
import { keyPath } from '../shared/propertyPath';

/** The flat summary both collector functions return for a collector. */
export function summary(c: Collector) {
  return {
    id: c.id,
    crn: c.crn,
    href: c.href,
    name: c.name,
    active: c.active,
    autoDelete: c.autoDelete,
    lifecycleState: c.lifecycleState,
    createdAt: c.createdAt,
    storageBucket: c.storageBucket,
    target: c.target.id,
    targetType: c.target.type,
    vpc: c.vpc.id,
    resourceGroup: c.resourceGroup.id,
    resourceGroupName: c.resourceGroup.name,
  };
}

/** Rejects argument names a function does not take, and non-string values, with their paths. */
export function stringArgs(args: Record<string, unknown>, allowed: readonly string[]): { values: Record<string, string>; failures: Failure[] } {
  const failures: Failure[] = [];
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(args)) {
    if (!allowed.includes(key)) failures.push({ property: keyPath(key), reason: `unknown argument; allowed: ${allowed.join(', ')}` });
    else if (value === undefined || value === null) continue;
    else if (typeof value !== 'string' || value === '') failures.push({ property: key, reason: `must be a non-empty string, received ${value === '' ? 'an empty string' : kindOf(value)}` });
    else values[key] = value;
  }
  return { values, failures };
}
