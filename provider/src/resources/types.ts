import type { Deployment } from '../model/deployment';
/**
 * The provider core: one `ResourceType` per resource token, registered in table.ts, which rpc/ dispatches through
 * (like pulumi-go-provider's `infer` resources). rpc/ decodes each request into the arguments below, calls the
 * type, and encodes its answer; a type sees plain values, which keys are secret or unknown, and the process-wide
 * `ProviderContext`.
 */
import type { AuthorizationPolicy, FlowLogsAuthorizationSpec } from '../ibm/bucketAuthorization';
import type { Collector, CollectorFilters, CollectorPatch, CollectorPrototype, ResolvedTarget, VpcTopology } from '../ibm/types';
import type { ManagedCollectors } from '../model/managed';
import type { ResourceGroupReads } from '../model/resourceGroups';
import type { Failure } from '../shared/failures';
import type { Outputs, PropertyBag } from './properties';

export type Severity = 'debug' | 'info' | 'warning' | 'error';

type Call = { signal?: AbortSignal };
type TagCall = Call & { tagType?: 'user' | 'access' };

/** The IBM Cloud clients resources call, as interfaces; rpc/ wires provider/src/ibm's clients in at Configure. */
export interface Clients {
  vpc: {
    listCollectors(filters?: CollectorFilters, options?: Call): AsyncIterable<Collector>;
    getCollector(id: string, options?: Call): Promise<Collector | undefined>;
    createCollector(proto: CollectorPrototype, options?: Call): Promise<Collector>;
    updateCollector(id: string, patch: CollectorPatch, options?: Call): Promise<Collector>;
    deleteCollector(id: string, options?: Call): Promise<'deleted' | 'gone'>;
  };
  /** What an id or CRN names, from a per-process index of the region's topology. */
  targets: {
    resolve(idOrCrn: string, options?: Call): Promise<ResolvedTarget | undefined>;
    /** The region's targets with this name, for "did you mean" when a name is given where an id is expected. */
    named(name: string, options?: Call): Promise<ResolvedTarget[]>;
  };
  /** Global Tagging; `tagType` `access` for access management tags, user tags otherwise. */
  tags: {
    listTags(crn: string, options?: TagCall): Promise<string[]>;
    attachTags(crn: string, tags: readonly string[], options?: TagCall): Promise<void>;
    detachTags(crn: string, tags: readonly string[], options?: TagCall): Promise<void>;
  };
  /** A VPC's topology, cached for the life of the provider process. */
  topology: { read(vpcId: string, options?: Call): Promise<VpcTopology> };
  /** IAM Policy Management: the authorizations that let flow log collectors write to COS (ibm/iamPolicies.ts). */
  policies: {
    /** The API key's account (its IAM token's `account.bss`). */
    accountId(options?: Call): Promise<string>;
    listAuthorizationPolicies(accountId: string, options?: Call): Promise<AuthorizationPolicy[]>;
    createFlowLogsAuthorization(spec: FlowLogsAuthorizationSpec, options?: Call): Promise<AuthorizationPolicy>;
    getPolicy(id: string, options?: Call): Promise<AuthorizationPolicy | undefined>;
    deletePolicy(id: string, options?: Call): Promise<boolean>;
  };
  /** Resource Manager: the account's resource groups, for `resourceGroup` given by name. */
  resourceGroups: ResourceGroupReads;
  /** COS reads for preview's bucket pre-flight; absent when no COS access is configured (`cosEndpoint`). */
  buckets?: {
    exists(bucket: string, options?: Call): Promise<boolean>;
    /** GetBucketLocation's provisioning code, read (ibm/cos.ts parseBucketLocation). */
    location(bucket: string, options?: Call): Promise<{ code: string; kind: string; location: string }>;
    /** The configured COS instance (`cosInstance`), GUID or CRN. */
    instance?: string;
  };
}

/** What Configure set up: the clients, and the region they talk to. */
export interface Configured {
  clients: Clients;
  region: string;
  /** This run's collector snapshots and planned collectors (model/deployment.ts); a Configure starts a new one. */
  deployment: Deployment;
}

/**
 * Process-wide services and state, one per plugin process (the engine starts one process per provider and
 * deployment). Resource types reach everything outside their own request through it, never through globals.
 */
export interface ProviderContext {
  /** Undefined until Configure. */
  readonly configured: Configured | undefined;
  /** Which collector each resource of this deployment manages, as far as this process has seen (model/managed.ts). */
  readonly managed: ManagedCollectors;
  /** Aborted by the engine's Cancel; every wait and retry sleep listens to it. */
  readonly signal: AbortSignal;
  /** A message for the user, through the engine's Log service; resolves once the engine has it. */
  log(severity: Severity, message: string, urn?: string): Promise<void>;
}

/** One request for one resource. */
export interface ResourceCall {
  urn: string;
  /** The resource's name in the program (the URN's last part). */
  name: string;
  context: ProviderContext;
}

/** Pulumi's autonaming configuration (CheckRequest.autonaming; pulumi/pulumi pkg/resource/autonaming/strategy.go). */
export interface Autonaming {
  proposedName: string;
  mode: 'propose' | 'enforce' | 'disable';
}

export interface CheckArgs {
  /** The recorded inputs; empty for a new resource and for the Check of a replacement. */
  olds: PropertyBag;
  news: PropertyBag;
  randomSeed: Uint8Array;
  /** Present only when the program configures autonaming (and we answered supportsAutonamingConfiguration). */
  autonaming?: Autonaming;
}

export interface CheckResult {
  inputs: PropertyBag;
  failures: Failure[];
}

export type DiffKind = 'update' | 'update-replace' | 'add' | 'add-replace' | 'delete' | 'delete-replace';

export interface DiffArgs {
  id: string;
  /** The recorded outputs (refresh sends the state it just read). */
  olds: PropertyBag;
  /** The checked inputs, with the `ignoreChanges` paths already set back to their old values. */
  news: PropertyBag;
  oldInputs: PropertyBag;
}

export interface DiffResult {
  changes: boolean;
  /** Top-level keys whose change replaces the resource. */
  replaces: string[];
  /** Property path → kind, for DiffResponse.detailedDiff. */
  detailed: Record<string, DiffKind>;
  deleteBeforeReplace: boolean;
}

export interface CreateArgs {
  inputs: PropertyBag;
  preview: boolean;
  /** customTimeouts.create in seconds; 0 when the program sets none. */
  timeoutSeconds: number;
}

export interface ReadArgs {
  id: string;
  /** The recorded outputs (refresh); undefined for an import by id. */
  state?: PropertyBag;
  /** The recorded inputs (refresh); undefined for an import by id. */
  inputs?: PropertyBag;
}

export interface ReadResult {
  id: string;
  outputs: Outputs;
  /** The inputs that would produce this resource (import needs them). */
  inputs: Record<string, unknown>;
}

export interface UpdateArgs {
  id: string;
  olds: PropertyBag;
  news: PropertyBag;
  preview: boolean;
  timeoutSeconds: number;
}

export interface DeleteArgs {
  id: string;
  state: PropertyBag;
  timeoutSeconds: number;
}

export interface ResourceType {
  /** The type token, e.g. `ibmflowlogs:index:FlowLogCollector`. */
  token: string;
  /**
   * Outputs derived from each input (the input itself included): when the input is secret, they are secret too,
   * wherever the engine stores outputs (Create, Read, Update, and a partial failure's properties).
   */
  secretDerivations: Readonly<Record<string, readonly string[]>>;
  check(args: CheckArgs, call: ResourceCall): Promise<CheckResult>;
  diff(args: DiffArgs, call: ResourceCall): DiffResult | Promise<DiffResult>;
  create(args: CreateArgs, call: ResourceCall): Promise<{ id: string; outputs: Outputs }>;
  /** Undefined when the resource no longer exists (refresh drops it; an import fails). */
  read(args: ReadArgs, call: ResourceCall): Promise<ReadResult | undefined>;
  update(args: UpdateArgs, call: ResourceCall): Promise<Outputs>;
  delete(args: DeleteArgs, call: ResourceCall): Promise<void>;
}
