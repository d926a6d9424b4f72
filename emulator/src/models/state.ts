import { cosInstanceOf, FlowLogAuthorizations, type CosInstance } from './authorizations';
import { Clock } from './clock';
import { CollectorModel, CollectorsSnapshot } from './collectors';
import { CosModel, HmacKeys } from './cos';
import { EventLog, ServiceEvent } from './events';
import { FaultModel } from './faults';
import { FlowLogWriter, FlowLogWriterSnapshot } from './flowLogWriter';
import { IamModel, IamSnapshot } from './iam';
import { PolicyModel, type PoliciesSnapshot } from './iamPolicies';
import { RequestCounters } from './requestCounters';
import { TagModel, TagsSnapshot } from './tags';
import { TopologyModel } from './topology';
import { TrafficModel, TrafficSnapshot } from './trafficSettings';
import type { Topology } from './topologyTypes';

/** Everything `--state DIR` keeps across restarts (COS objects live beside it, in s3rver's directory). */
export interface PersistedState {
  format: 1;
  seed: Topology;
  topology: Topology;
  clockOffsetMs: number;
  iam: IamSnapshot;
  hmac: HmacKeys;
  /** The scopes flow logs may write to, as `GET /_emulator/authorizations` lists them (read when `policies` is absent). */
  authorizations: string[];
  /** IAM policies (absent in files written before `/v1/policies` existed) and each bucket's location. */
  policies?: PoliciesSnapshot;
  bucketLocations?: Record<string, string>;
  collectors: CollectorsSnapshot;
  events: ServiceEvent[];
  /** Global Tagging's user tags by CRN (absent in files written before tagging existed). */
  tags?: TagsSnapshot;
  /** The flow-log writer's streams and counts, and the traffic scenarios (absent in older files). */
  flowLogs?: FlowLogWriterSnapshot;
  traffic?: TrafficSnapshot;
}

const copy = <T>(value: T): T => structuredClone(value);

/** The emulator's whole state, one object per model; the handlers only ever talk to these. */
export class EmulatorState {
  readonly clock: Clock;
  readonly iam: IamModel;
  readonly cos: CosModel;
  readonly policies: PolicyModel;
  /** Flow logs' view of the IAM policies; the control API's `/authorizations` works through it. */
  readonly authorizations: FlowLogAuthorizations;
  readonly collectors: CollectorModel;
  readonly faults = new FaultModel();
  readonly counters = new RequestCounters();
  readonly events: EventLog;
  readonly tags: TagModel;
  readonly traffic: TrafficModel;
  readonly flowLogs: FlowLogWriter;
  private seed: Topology;
  private current: TopologyModel;
  /** Called after every change that persistence should see. */
  onChange: () => void = () => undefined;

  /** `clockStartMs`: where the emulator clock starts (ms since the epoch) when no saved state says otherwise. */
  constructor(seed: Topology, options: { cosDirectory?: string; apiKey?: string; saved?: PersistedState; clockStartMs?: number }) {
    const saved = options.saved;
    this.seed = copy(saved?.seed ?? seed);
    this.current = new TopologyModel(copy(saved?.topology ?? seed));
    this.clock = new Clock(saved?.clockOffsetMs ?? (options.clockStartMs === undefined ? 0 : options.clockStartMs - Date.now()));
    this.events = new EventLog(this.clock, saved?.events);
    this.tags = new TagModel(saved?.tags);
    this.iam = new IamModel(this.clock, this.current.account, saved?.iam, options.apiKey);
    this.policies = new PolicyModel(this.clock, saved?.policies);
    this.authorizations = new FlowLogAuthorizations(this.policies, () => ({ account: this.current.account, region: this.current.region, cos: this.cosInstance }));
    this.cos = new CosModel({
      directory: options.cosDirectory,
      hmac: saved?.hmac,
      locations: saved?.bucketLocations,
      region: () => this.current.region,
      checkToken: (authorization) => this.iam.check(authorization),
      instance: () => this.cosInstance,
      isAuthorized: (bucket, group) => this.authorizations.isAuthorized(bucket, group),
      onBucketDeleted: (bucket) => this.authorizations.forgetBucket(bucket),
      onLocationsChanged: () => this.onChange(),
    });
    if (saved && !saved.policies) for (const scope of saved.authorizations ?? []) this.authorizations.grant(scope);
    this.collectors = new CollectorModel(this.clock, () => this.current, this.cos, this.events, saved?.collectors);
    this.traffic = new TrafficModel(saved?.traffic);
    this.flowLogs = new FlowLogWriter(this.clock, () => this.current, this.collectors, this.cos, this.events, this.traffic, saved?.flowLogs);
    this.flowLogs.afterWrite = () => this.onChange();
  }

  get topology(): TopologyModel {
    return this.current;
  }

  /** The emulator's one COS instance (GUID, CRN, resource group: the default one). */
  get cosInstance(): CosInstance {
    return cosInstanceOf(this.current.account, this.current.defaultResourceGroup()?.id ?? '');
  }

  /** Creates the topology's buckets that do not exist yet and grants flow logs Writer on the authorized ones. */
  async seedBuckets(topology: Topology): Promise<void> {
    for (const bucket of topology.buckets) {
      if (!(await this.cos.bucketExists(bucket.name))) await this.cos.createBucket(bucket.name, bucket.location);
      if (bucket.authorized) this.authorizations.grant(bucket.name);
    }
  }

  /**
   * Back to the seeded topology: no collectors, no tags, empty buckets, only the seed's authorizations (no other IAM
   * policies), no faults, counters at zero, every interface back to the default traffic; config and the clock are kept.
   */
  async reset(): Promise<void> {
    this.collectors.clear();
    this.tags.clear();
    this.traffic.clear();
    this.flowLogs.reset();
    this.cos.wipe();
    this.policies.clear();
    this.faults.clear();
    this.counters.clear();
    this.events.clear();
    this.current = new TopologyModel(copy(this.seed));
    await this.seedBuckets(this.seed);
    this.onChange();
  }

  /** A new topology becomes the seed; collectors whose targets vanished are auto-deleted. */
  async replaceTopology(topology: Topology): Promise<string[]> {
    this.seed = copy(topology);
    this.current = new TopologyModel(copy(topology));
    const gone = this.collectors.all().filter((c) => !this.current.exists(c.target)).map((c) => c.target.id);
    const removed = this.collectors.autoDelete(new Set(gone));
    await this.seedBuckets(topology);
    this.onChange();
    return removed;
  }

  /** Every CRN Global Tagging can tag here: the topology's resources and the collectors (any lifecycle state). */
  knownCrns(): Set<string> {
    const d = this.current.data;
    const crns = new Set<string>();
    for (const r of [...d.vpcs, ...d.subnets, ...d.instances, ...d.virtualNetworkInterfaces]) crns.add(r.crn);
    for (const c of this.collectors.all()) crns.add(c.crn);
    return crns;
  }

  removeResource(id: string): { removed: string[]; collectorsDeleted: string[] } | undefined {
    const removed = this.current.remove(id);
    if (!removed) return undefined;
    const collectorsDeleted = this.collectors.autoDelete(new Set(removed));
    this.onChange();
    return { removed, collectorsDeleted };
  }

  persisted(): PersistedState {
    return {
      format: 1,
      seed: this.seed,
      topology: this.current.data,
      clockOffsetMs: this.clock.offsetSeconds * 1000,
      iam: this.iam.snapshot(),
      hmac: this.cos.hmac,
      authorizations: this.authorizations.scopes(),
      policies: this.policies.snapshot(),
      bucketLocations: Object.fromEntries(this.cos.locations),
      collectors: this.collectors.snapshot(),
      events: this.events.events,
      tags: this.tags.snapshot(),
      flowLogs: this.flowLogs.snapshot(),
      traffic: this.traffic.snapshot(),
    };
  }
}
