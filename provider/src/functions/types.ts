import type { LiveSources } from '../model/liveState';
import type { ResourceGroupReads } from '../model/resourceGroups';
/**
 * Provider functions (Invoke): one module per token, each a `FunctionType` registered in table.ts, which rpc/
 * dispatches through. A function gets its decoded arguments and the IBM clients it reads with; it answers data, or
 * throws InputError (shared/failures.ts) with every bad argument and its property path.
 */
import type { Collector, CollectorFilters, ResolvedTarget, VpcTopology } from '../ibm/types';

type Call = { signal?: AbortSignal };

/** What the functions read from IBM Cloud; the rpc layer wires the ibm/ clients in. */
export interface FunctionServices {
  /** The deployment's live collectors (model/deployment.ts), read once per VPC. */
  deployment?: LiveSources['deployment'];
  vpc: {
    getCollector(id: string, options?: Call): Promise<Collector | undefined>;
    listCollectors(filters?: CollectorFilters, options?: Call): AsyncIterable<Collector>;
  };
  /** A VPC's topology, cached for the life of the provider process. */
  topology: { read(vpcId: string, options?: Call): Promise<VpcTopology> };
  /** What an id or CRN names, from a per-process index of the region's topology. */
  targets: { resolve(idOrCrn: string, options?: Call): Promise<ResolvedTarget | undefined>; named(name: string, options?: Call): Promise<ResolvedTarget[]> };
  /** Resource groups by name (Resource Manager), one look-up per name and deployment. */
  resourceGroups: ResourceGroupReads;
  /** The provider's region (for messages). */
  region: string;
  signal: AbortSignal;
}

export interface FunctionType {
  /** The invoke token, e.g. `ibmflowlogs:index:getCoverage`. */
  token: string;
  /** The argument names the function takes (schema.json's `inputs`). */
  args: readonly string[];
  /** `secret`: the arguments that arrived secret, never shown in a failure. */
  invoke(args: Record<string, unknown>, services: FunctionServices, secret?: ReadonlySet<string>): Promise<Record<string, unknown>>;
}
