import type { Collector, CollectorFilters, ResolvedTarget, VpcTopology } from '../ibm/types';
import { keyPath } from '../rpc/codec';

/** What the functions need from IBM Cloud; the rpc layer wires the ibm/ clients in. */
export interface FunctionServices {
  vpc: {
    getCollector(id: string, options?: { signal?: AbortSignal }): Promise<Collector | undefined>;
    listCollectors(filters?: CollectorFilters, options?: { signal?: AbortSignal }): AsyncIterable<Collector>;
  };
  /** A VPC's topology, cached for the life of the provider process. */
  topology: { read(vpcId: string, options?: { signal?: AbortSignal }): Promise<VpcTopology> };
  /** What an id or CRN names, from a per-process index of the region's topology. */
  targets: { resolve(idOrCrn: string, options?: { signal?: AbortSignal }): Promise<ResolvedTarget | undefined> };
  signal: AbortSignal;
}

/** The flat summary both functions return for a collector. */
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
export function stringArgs(args: Record<string, unknown>, allowed: readonly string[]): { values: Record<string, string>; failures: Array<{ property: string; reason: string }> } {
  const failures: Array<{ property: string; reason: string }> = [];
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(args)) {
    if (!allowed.includes(key)) failures.push({ property: keyPath(key), reason: `unknown argument; allowed: ${allowed.join(', ')}` });
    else if (value === undefined || value === null) continue;
    else if (typeof value !== 'string' || value === '') failures.push({ property: key, reason: `must be a non-empty string, received ${value === '' ? 'an empty string' : typeof value}` });
    else values[key] = value;
  }
  return { values, failures };
}
