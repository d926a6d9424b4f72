import { EmulatorError, ErrorDetail, fail } from '../errors';
import type { Clock } from './clock';
import type { CosModel } from './cos';
import { parseLocationConstraint } from './cosLocations';
import { crn, randomWordsName, regionalId } from './ids';
import type { EventLog } from './events';
import type { TargetLookup, TargetRef, TopologyModel } from './topology';
import { TARGET_TYPES, TargetType } from './topologyTypes';

/** What the service answers (403) when no IAM authorization lets flow logs write to the bucket. */
export const BUCKET_NOT_AUTHORIZED =
  'Your Cloud Object Storage (COS) bucket is missing the Identity Authorization Management (IAM) authorization to allow the flow logs service to write flow logs to your bucket. (Error response code returned from COS Config call: 403)';

export type LifecycleState = 'deleting' | 'failed' | 'pending' | 'stable' | 'suspended' | 'updating' | 'waiting';

/** Where a collector in transition ends: `ready` is `stable` or `suspended`, decided by `active` when it lands. */
export type TransitionEnd = 'ready' | 'failed' | 'gone';

export interface CollectorRecord {
  seq: number;
  id: string;
  crn: string;
  name: string;
  active: boolean;
  autoDelete: boolean;
  createdAt: string;
  resourceGroupId: string;
  bucket: string;
  target: TargetRef;
  vpcId: string;
  lifecycleState: LifecycleState;
  transition?: { to: TransitionEnd; at: number };
}

export interface LifecycleSettings {
  /** Seconds a new or re-activated collector stays `pending`/`updating` before it is `stable` or `suspended`. */
  pendingSeconds: number;
  /** Seconds a deleted collector stays `deleting` before it is gone. */
  deletingSeconds: number;
}

/** How the next creates end, set through the control API: `failed`, or `stuck` in `pending` for ever. */
export type PlannedOutcome = 'failed' | 'stuck';

export interface CollectorFilters {
  'resource_group.id'?: string;
  name?: string;
  'vpc.id'?: string;
  'vpc.crn'?: string;
  'vpc.name'?: string;
  'target.id'?: string;
  'target.resource_type'?: string;
}

export const COLLECTOR_FILTERS: ReadonlyArray<keyof CollectorFilters> = [
  'resource_group.id',
  'name',
  'vpc.id',
  'vpc.crn',
  'vpc.name',
  'target.id',
  'target.resource_type',
];

/** IBM's name rule for VPC resources. */
export const NAME_RULE = /^([a-z]|[a-z][-a-z0-9]*[a-z0-9])$/;
const NAME_RULE_TEXT = '1-63 characters: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen';

const CREATE_FIELDS = ['active', 'name', 'resource_group', 'storage_bucket', 'target'];
const PATCH_FIELDS = ['active', 'name'];
const IMMUTABLE_FIELDS = ['target', 'storage_bucket', 'resource_group', 'vpc', 'id', 'crn', 'href', 'created_at', 'lifecycle_state', 'auto_delete'];

export interface CollectorsSnapshot {
  seq: number;
  records: CollectorRecord[];
  settings: LifecycleSettings;
  planned: PlannedOutcome[];
}

/** Flow log collectors: state and every service rule (moto's "models" layer). */
export class CollectorModel {
  private readonly records = new Map<string, CollectorRecord>();
  private readonly transitioning = new Set<string>();
  private seq = 0;
  settings: LifecycleSettings;
  planned: PlannedOutcome[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly topology: () => TopologyModel,
    private readonly cos: CosModel,
    private readonly events: EventLog,
    snapshot?: CollectorsSnapshot,
  ) {
    this.settings = snapshot?.settings ?? { pendingSeconds: 1, deletingSeconds: 1 };
    if (snapshot) {
      this.seq = snapshot.seq;
      this.planned = [...snapshot.planned];
      for (const r of snapshot.records) this.put(r);
    }
  }

  snapshot(): CollectorsSnapshot {
    this.settle();
    return { seq: this.seq, records: [...this.records.values()], settings: { ...this.settings }, planned: [...this.planned] };
  }

  private put(r: CollectorRecord): void {
    this.records.set(r.id, r);
    if (r.transition) this.transitioning.add(r.id);
    else this.transitioning.delete(r.id);
  }

  private schedule(r: CollectorRecord, state: LifecycleState, to: TransitionEnd | undefined, seconds: number): void {
    r.lifecycleState = state;
    r.transition = to === undefined ? undefined : { to, at: this.clock.now() + seconds * 1000 };
    this.put(r);
  }

  /** Lands every transition whose time has come on the emulator clock. */
  settle(): void {
    const now = this.clock.now();
    for (const id of [...this.transitioning]) {
      const r = this.records.get(id)!;
      if (!r.transition || r.transition.at > now) continue;
      const to = r.transition.to;
      r.transition = undefined;
      this.transitioning.delete(id);
      if (to === 'gone') this.records.delete(id);
      else r.lifecycleState = to === 'failed' ? 'failed' : r.active ? 'stable' : 'suspended';
    }
  }

  get(id: string): CollectorRecord {
    this.settle();
    const r = this.records.get(id);
    if (!r) fail('flow_log_collector_not_found', `Flow log collector "${id}" was not found.`, { name: 'id', type: 'parameter', value: id });
    return r;
  }

  /** Every collector matching the filters, in creation order (the order pages follow). */
  list(filters: CollectorFilters): CollectorRecord[] {
    this.settle();
    const type = filters['target.resource_type'];
    if (type !== undefined && !TARGET_TYPES.includes(type as TargetType)) {
      fail('invalid_value', `target.resource_type "${type}" is not one of: ${TARGET_TYPES.join(', ')}.`, { name: 'target.resource_type', type: 'parameter', value: type });
    }
    const topo = this.topology();
    const vpcName = (id: string) => topo.vpc(id)?.name;
    const vpcCrn = (id: string) => topo.vpc(id)?.crn;
    return [...this.records.values()].filter(
      (r) =>
        (filters['resource_group.id'] === undefined || r.resourceGroupId === filters['resource_group.id']) &&
        (filters.name === undefined || r.name === filters.name) &&
        (filters['vpc.id'] === undefined || r.vpcId === filters['vpc.id']) &&
        (filters['vpc.crn'] === undefined || vpcCrn(r.vpcId) === filters['vpc.crn']) &&
        (filters['vpc.name'] === undefined || vpcName(r.vpcId) === filters['vpc.name']) &&
        (filters['target.id'] === undefined || r.target.id === filters['target.id']) &&
        (type === undefined || r.target.type === type),
    );
  }

  all(): CollectorRecord[] {
    this.settle();
    return [...this.records.values()];
  }

  /**
   * Every record as it stands, without landing due transitions: the flow-log writer judges each capture window at
   * that window's end (see flowLogRouting.ts `stateAt`), which a settle to the latest time would hide.
   */
  unsettled(): readonly CollectorRecord[] {
    return [...this.records.values()];
  }

  async create(body: unknown): Promise<CollectorRecord> {
    this.settle();
    const input = parseCreate(body);
    const topo = this.topology();

    const group = input.resourceGroupId === undefined ? topo.defaultResourceGroup() : topo.resourceGroup(input.resourceGroupId);
    if (!group) {
      fail('resource_group_not_found', `Resource group "${input.resourceGroupId}" was not found in this account.`, { name: 'resource_group.id', type: 'field', value: input.resourceGroupId });
    }
    const lookup: TargetLookup =
      input.target.key === 'id' ? topo.byId(input.target.value) : input.target.key === 'crn' ? topo.byCrn(input.target.value) : topo.byHref(input.target.value);
    if (!lookup.ok) {
      const code = lookup.reason === 'not_found' ? 'flow_log_collector_target_not_found' : 'invalid_value';
      fail(code, `Target not usable: ${lookup.message}.`, { name: `target.${input.target.key}`, type: 'field', value: input.target.value });
    }
    const target = lookup.target;
    if (!(await this.cos.bucketExists(input.bucket))) {
      fail('flow_log_collector_storage_bucket_not_found', `Cloud Object Storage bucket "${input.bucket}" was not found. Create it in the same region first.`, { name: 'storage_bucket.name', type: 'field', value: input.bucket });
    }
    const location = parseLocationConstraint(this.cos.locationOf(input.bucket), topo.region);
    if ('problem' in location || location.kind !== 'regional' || location.location !== topo.region) {
      const where = 'problem' in location ? this.cos.locationOf(input.bucket) : `${location.kind} location ${location.location}`;
      fail('flow_log_collector_storage_bucket_location_invalid', `Cloud Object Storage bucket "${input.bucket}" is in ${where}; flow logs need a single-region bucket in ${topo.region}, the region of the target.`, { name: 'storage_bucket.name', type: 'field', value: input.bucket });
    }
    if (!this.cos.isAuthorized(input.bucket, group.id)) {
      // IBM's words for this failure, with its more_info page (emulator/README.md, "Chosen where IBM is silent").
      throw new EmulatorError({
        code: 'flow_log_collector_storage_bucket_not_authorized',
        message: BUCKET_NOT_AUTHORIZED,
        target: { name: 'storage_bucket.name', type: 'field', value: input.bucket },
        moreInfo: 'https://cloud.ibm.com/docs/vpc?topic=vpc-ordering-flow-log-collector#fl-before-you-begin',
      });
    }
    // Creation awaited COS above: look again, so two concurrent creates on one target cannot both pass.
    this.settle();
    const taken = [...this.records.values()].find((r) => r.target.id === target.id);
    if (taken) {
      fail('flow_log_collector_target_conflict', `Target ${target.type} "${target.id}" already has flow log collector "${taken.name}" (${taken.id}); a target can have only one collector.`, { name: `target.${input.target.key}`, type: 'field', value: input.target.value });
    }
    const vpcId = topo.vpcOf(target);
    const inVpc = [...this.records.values()].filter((r) => r.vpcId === vpcId);
    let name = input.name;
    if (name !== undefined && inVpc.some((r) => r.name === name)) {
      fail('flow_log_collector_name_duplicate', `The name "${name}" is already used by another flow log collector in VPC "${topo.vpc(vpcId)?.name}".`, { name: 'name', type: 'field', value: name });
    }
    while (name === undefined || inVpc.some((r) => r.name === name)) name = randomWordsName();

    const id = regionalId(topo.region);
    const record: CollectorRecord = {
      seq: ++this.seq,
      id,
      crn: crn(topo.region, topo.account, 'flow-log-collector', id),
      name,
      active: input.active ?? true,
      autoDelete: true,
      createdAt: this.clock.iso(),
      resourceGroupId: group.id,
      bucket: input.bucket,
      target,
      vpcId,
      lifecycleState: 'pending',
    };
    const outcome = this.planned.shift();
    this.schedule(record, 'pending', outcome === 'stuck' ? undefined : outcome === 'failed' ? 'failed' : 'ready', this.settings.pendingSeconds);
    this.events.record('is.flow-log-collector.flow-log-collector.create', record.crn);
    return record;
  }

  update(id: string, body: unknown): CollectorRecord {
    const r = this.get(id);
    const patch = parsePatch(body);
    if (r.lifecycleState === 'deleting') {
      fail('flow_log_collector_deleting', `Flow log collector "${r.name}" (${r.id}) is being deleted and cannot be changed.`);
    }
    if (patch.name !== undefined && patch.name !== r.name) {
      const clash = [...this.records.values()].find((x) => x.vpcId === r.vpcId && x.name === patch.name);
      if (clash) {
        fail('flow_log_collector_name_duplicate', `The name "${patch.name}" is already used by flow log collector ${clash.id} in this VPC.`, { name: 'name', type: 'field', value: patch.name });
      }
      r.name = patch.name;
    }
    if (patch.active !== undefined && patch.active !== r.active) {
      r.active = patch.active;
      if (r.lifecycleState === 'stable' || r.lifecycleState === 'suspended') this.schedule(r, 'updating', 'ready', this.settings.pendingSeconds);
    }
    this.events.record('is.flow-log-collector.flow-log-collector.update', r.crn);
    return r;
  }

  delete(id: string): void {
    const r = this.get(id);
    if (r.lifecycleState === 'deleting') return;
    this.schedule(r, 'deleting', 'gone', this.settings.deletingSeconds);
    this.events.record('is.flow-log-collector.flow-log-collector.delete', r.crn);
  }

  /** `auto_delete`: collectors whose target disappeared go at once. Returns their ids. */
  autoDelete(goneTargetIds: Set<string>): string[] {
    this.settle();
    const removed: string[] = [];
    for (const r of [...this.records.values()]) {
      if (goneTargetIds.has(r.target.id) || goneTargetIds.has(r.vpcId)) {
        this.records.delete(r.id);
        this.transitioning.delete(r.id);
        removed.push(r.id);
        this.events.record('is.flow-log-collector.flow-log-collector.delete', r.crn, 'auto_delete: the target was deleted');
      }
    }
    return removed;
  }

  clear(): void {
    this.records.clear();
    this.transitioning.clear();
    this.planned = [];
  }
}

interface CreateInput {
  name?: string;
  active?: boolean;
  resourceGroupId?: string;
  bucket: string;
  target: { key: 'id' | 'crn' | 'href'; value: string };
}

type Json = Record<string, unknown>;

function typeName(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a request body against allowed fields; every problem is collected before answering. */
class BodyCheck {
  readonly problems: ErrorDetail[] = [];

  add(code: ErrorDetail['code'], name: string, message: string, value?: unknown): void {
    // The body as a whole (name '') has no field to point at.
    const target = name === '' ? undefined : { name, type: 'field' as const, ...(value === undefined ? {} : { value }) };
    this.problems.push({ code, message, ...(target ? { target } : {}) });
  }

  object(value: unknown, name: string): value is Json {
    if (isObject(value)) return true;
    this.add('invalid_value', name, `${name || 'The request body'} must be a JSON object; received ${typeName(value)}.`);
    return false;
  }

  unknown(obj: Json, prefix: string, allowed: string[], immutable: string[] = []): void {
    for (const key of Object.keys(obj)) {
      if (allowed.includes(key)) continue;
      const name = prefix ? `${prefix}.${key}` : key;
      if (immutable.includes(key)) {
        this.add('invalid_field', name, `Field "${name}" cannot be changed. A collector's target, storage bucket and resource group are fixed at creation: delete it and create a new one. Changeable: ${allowed.join(', ')}.`);
      } else {
        this.add('invalid_field', name, `Unknown field "${name}". Allowed: ${allowed.join(', ')}.`);
      }
    }
  }

  string(value: unknown, name: string): value is string {
    if (typeof value === 'string' && value !== '') return true;
    this.add('invalid_value', name, `${name} must be a non-empty string; received ${typeName(value)}.`, value);
    return false;
  }

  name(value: unknown): value is string {
    if (!this.string(value, 'name')) return false;
    if (value.length > 63 || !NAME_RULE.test(value)) {
      this.add('invalid_value', 'name', `name "${value.slice(0, 100)}" is not valid: ${NAME_RULE_TEXT}.`, value.slice(0, 100));
      return false;
    }
    return true;
  }

  boolean(value: unknown, name: string): value is boolean {
    if (typeof value === 'boolean') return true;
    this.add('invalid_value', name, `${name} must be a boolean; received ${typeName(value)}.`, value);
    return false;
  }

  done(): void {
    if (this.problems.length > 0) throw new EmulatorError(this.problems);
  }
}

function parseCreate(body: unknown): CreateInput {
  const c = new BodyCheck();
  if (!c.object(body, '')) c.done();
  const b = body as Json;
  c.unknown(b, '', CREATE_FIELDS);
  const out: Partial<CreateInput> = {};
  if (b.name !== undefined && c.name(b.name)) out.name = b.name;
  if (b.active !== undefined && c.boolean(b.active, 'active')) out.active = b.active;
  if (b.resource_group !== undefined && c.object(b.resource_group, 'resource_group')) {
    c.unknown(b.resource_group, 'resource_group', ['id']);
    if (c.string(b.resource_group.id, 'resource_group.id')) out.resourceGroupId = b.resource_group.id;
  }
  if (b.storage_bucket === undefined) c.add('missing_field', 'storage_bucket', 'storage_bucket is required: {"name": "<bucket>"}.');
  else if (c.object(b.storage_bucket, 'storage_bucket')) {
    c.unknown(b.storage_bucket, 'storage_bucket', ['name']);
    if (b.storage_bucket.name === undefined) c.add('missing_field', 'storage_bucket.name', 'storage_bucket.name is required.');
    else if (c.string(b.storage_bucket.name, 'storage_bucket.name')) out.bucket = b.storage_bucket.name;
  }
  if (b.target === undefined) c.add('missing_field', 'target', 'target is required: {"id"}, {"crn"} or {"href"} of a VPC, subnet, instance, network interface, virtual network interface or instance network attachment.');
  else if (c.object(b.target, 'target')) {
    c.unknown(b.target, 'target', ['id', 'crn', 'href']);
    const keys = (['id', 'crn', 'href'] as const).filter((k) => (b.target as Json)[k] !== undefined);
    if (keys.length !== 1) {
      c.add('invalid_value', 'target', `target must have exactly one of id, crn or href; received ${keys.length === 0 ? 'none' : keys.join(', ')}.`);
    } else if (c.string(b.target[keys[0]], `target.${keys[0]}`)) {
      out.target = { key: keys[0], value: b.target[keys[0]] as string };
    }
  }
  c.done();
  return out as CreateInput;
}

function parsePatch(body: unknown): { name?: string; active?: boolean } {
  const c = new BodyCheck();
  if (!c.object(body, '')) c.done();
  const b = body as Json;
  c.unknown(b, '', PATCH_FIELDS, IMMUTABLE_FIELDS);
  const out: { name?: string; active?: boolean } = {};
  if (b.name !== undefined && c.name(b.name)) out.name = b.name;
  if (b.active !== undefined && c.boolean(b.active, 'active')) out.active = b.active;
  c.done();
  return out;
}
