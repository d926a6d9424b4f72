import type { Collector, CollectorFilters, CollectorPatch, CollectorPrototype, TargetType } from '../ibm/types';
import type { CollectorSpec } from '../precedence/types';
import { autoname } from './autoname';
import { compare, coverageAmong, type CoverageComparison, type CoverageServices, coverageFor, liveState, overlay, specFromProperties, specOf } from './coverage';
import { ResourceInitError } from './errors';
import type { ManagedCollectors, ManagedEntry } from './managed';
import { type CheckFailure, type Outputs, type PropertyBag, UNKNOWN } from './properties';
import { targetId, validateInputs } from './validation';
import { waitUntil, WaitTimeoutError } from './waiter';

export const TOKEN = 'ibmflowlogs:index:FlowLogCollector';

/** What the collector needs from IBM Cloud; the rpc layer wires the ibm/ clients in. */
export interface CollectorServices extends CoverageServices {
  vpc: {
    listCollectors(filters?: CollectorFilters, options?: { signal?: AbortSignal }): AsyncIterable<Collector>;
    getCollector(id: string, options?: { signal?: AbortSignal }): Promise<Collector | undefined>;
    createCollector(proto: CollectorPrototype, options?: { signal?: AbortSignal }): Promise<Collector>;
    updateCollector(id: string, patch: CollectorPatch, options?: { signal?: AbortSignal }): Promise<Collector>;
    deleteCollector(id: string, options?: { signal?: AbortSignal }): Promise<'deleted' | 'gone'>;
  };
  /** What an id or CRN names, from a per-process index of the region's topology. */
  targets: {
    resolve(idOrCrn: string, options?: { signal?: AbortSignal }): Promise<{ type: TargetType; id: string; vpcId: string; name: string } | undefined>;
  };
  tags: {
    listTags(crn: string, options?: { signal?: AbortSignal }): Promise<string[]>;
    attachTags(crn: string, tags: string[], options?: { signal?: AbortSignal }): Promise<void>;
    detachTags(crn: string, tags: string[], options?: { signal?: AbortSignal }): Promise<void>;
  };
  /** Progress and warnings for the engine's Log service; resolves once the engine has the message. */
  log(severity: 'debug' | 'info' | 'warning', message: string): void | Promise<void>;
  /** Aborted by the engine's Cancel. */
  signal: AbortSignal;
  /** This resource's URN. */
  urn: string;
  /** Which collector each resource of this deployment manages, as far as this provider process has seen. */
  managed: ManagedCollectors;
}

/** Defaults when the program sets no customTimeouts. */
export const DEFAULT_TIMEOUT_SECONDS = { create: 600, update: 600, delete: 600 };

/** Properties that replace the collector when they change (IBM cannot change them in place). */
export const REPLACE_KEYS = ['target', 'storageBucket', 'resourceGroup'] as const;
/** Properties that PATCH or Global Tagging change in place. */
export const UPDATE_KEYS = ['name', 'active', 'tags'] as const;

/**
 * Outputs derived from an input: when the input is secret, they are secret too (targetType and vpc reveal what the
 * target is; the resource group's name reveals its id).
 */
export const SECRET_DERIVATIONS: Record<string, string[]> = {
  target: ['target', 'targetType', 'vpc', 'coverage'],
  storageBucket: ['storageBucket'],
  name: ['name'],
  active: ['active', 'lifecycleState'],
  resourceGroup: ['resourceGroup', 'resourceGroupName'],
  tags: ['tags'],
};

export interface CheckContext {
  name: string;
  randomSeed: Uint8Array | string;
  services?: CollectorServices;
}

/** Validates, applies defaults (`active: true`, a name from the resource name), and checks the target exists. */
export async function check(olds: PropertyBag, news: PropertyBag, ctx: CheckContext): Promise<{ inputs: PropertyBag; failures: CheckFailure[] }> {
  const values = { ...news.values };
  const failures = validateInputs(values, news.unknown);
  if (values.active === undefined && !news.unknown.has('active')) values.active = true;
  if (values.name === undefined && !news.unknown.has('name')) {
    // Keep the name an earlier Check gave, so an update never renames by accident.
    values.name = typeof olds.values.name === 'string' ? olds.values.name : autoname(ctx.name, ctx.randomSeed);
  }
  if (failures.length === 0 && ctx.services && typeof values.target === 'string' && !news.unknown.has('target')) {
    const found = await ctx.services.targets.resolve(values.target, { signal: ctx.services.signal });
    if (!found) {
      failures.push({ property: 'target', reason: `no VPC, subnet, instance, network interface, virtual network interface or network attachment "${values.target}" exists in this region` });
    } else {
      const taken = await foreignCollector(found.id, olds, ctx.services);
      if (taken) failures.push({ property: 'target', reason: takenReason(news.secret.has('target') ? 'the (secret) target' : `target ${values.target}`, taken, ctx.name, ctx.services) });
    }
  }
  return { inputs: { values, unknown: new Set(news.unknown), secret: new Set(news.secret) }, failures };
}

/**
 * The live collector on the target when this resource does not manage it. Ours: its id is the one this resource's URN
 * is known to manage (from Diff, Create, Read or Update in this process), or the old inputs name the same target. Olds
 * alone cannot decide it: the engine re-runs Check with empty olds when it replaces a resource.
 */
async function foreignCollector(target: string, olds: PropertyBag, services: CollectorServices): Promise<Collector | undefined> {
  let holder: Collector | undefined;
  for await (const c of services.vpc.listCollectors({ 'target.id': target }, { signal: services.signal })) if (c.target.id === target) holder = c;
  if (!holder) return undefined;
  if (services.managed.get(services.urn)?.id === holder.id) return undefined;
  if (typeof olds.values.target === 'string' && targetId(olds.values.target) === holder.target.id) return undefined;
  return holder;
}

function takenReason(target: string, c: Collector, resourceName: string, services: CollectorServices): string {
  const held = `${target} already has flow log collector "${c.name}" (${c.id}, bucket "${c.storageBucket}")`;
  const other = services.managed.urnOf(c.id);
  if (other && other !== services.urn) {
    return `${held}, which resource "${other.split('::').pop()}" of this stack manages; a target can have only one collector: give this resource another target, or remove the other resource from the program`;
  }
  return `${held}, which this resource does not manage; a target can have only one collector. To manage it with this resource, import it: pulumi import ${TOKEN} ${resourceName} ${c.id} (or delete it, or choose another target)`;
}

export type DiffKind = 'update' | 'update-replace' | 'add' | 'add-replace' | 'delete' | 'delete-replace';

export interface DiffResult {
  changes: boolean;
  replaces: string[];
  detailed: Record<string, DiffKind>;
  deleteBeforeReplace: boolean;
}

const sameTags = (a: unknown, b: unknown) => {
  const norm = (v: unknown) => (Array.isArray(v) ? v.map((t) => String(t).toLowerCase()).sort().join('\u0000') : '');
  return norm(a) === norm(b);
};

/**
 * Compares the recorded outputs (`olds`) with the checked inputs (`news`). Refresh calls it the other way round (read
 * state as olds, pre-refresh inputs as news); every rule here is symmetric, so both read correctly.
 */
export function diff(olds: PropertyBag, news: PropertyBag): DiffResult {
  const detailed: Record<string, DiffKind> = {};
  const o = olds.values;
  const n = news.values;
  const kind = (key: string, replace: boolean): DiffKind => {
    const base = o[key] === undefined ? 'add' : n[key] === undefined ? 'delete' : 'update';
    return replace ? (`${base}-replace` as DiffKind) : base;
  };
  for (const key of REPLACE_KEYS) {
    if (news.unknown.has(key)) detailed[key] = kind(key, true);
    else if (key === 'resourceGroup' && n[key] === undefined) continue; // defaulted by the service: keep what it chose
    else if (key === 'target' && typeof o[key] === 'string' && typeof n[key] === 'string') {
      // The same target given once by id and once by CRN is no change at all: reporting one would make `import` of
      // a collector (read back by id) fail whenever the program names its target by CRN.
      if (targetId(o[key] as string) !== targetId(n[key] as string)) detailed[key] = kind(key, true);
    } else if (o[key] !== n[key]) detailed[key] = kind(key, true);
  }
  for (const key of UPDATE_KEYS) {
    if (news.unknown.has(key)) detailed[key] = kind(key, false);
    else if (key === 'tags') {
      if (!sameTags(o.tags ?? [], n.tags ?? [])) detailed.tags = kind('tags', false);
    } else if (key === 'active' && (n.active ?? true) !== (o.active ?? true)) detailed.active = 'update';
    else if (key === 'name' && n.name !== undefined && o.name !== n.name) detailed.name = kind('name', false);
  }
  const replaces = Object.entries(detailed).filter(([, k]) => k.endsWith('replace')).map(([key]) => key);
  const sameTarget = !replaces.includes('target');
  // One collector per target, and names unique per VPC: the old one must go first unless both target and name change.
  const deleteBeforeReplace = replaces.length > 0 && (sameTarget || news.unknown.has('name') || o.name === n.name);
  return { changes: Object.keys(detailed).length > 0, replaces, detailed, deleteBeforeReplace };
}

/** The outputs of a collector read from the API. */
export function outputsOf(c: Collector, inputs: { target?: unknown; tags: string[] }, coverage: unknown[] = []): Outputs {
  return {
    target: typeof inputs.target === 'string' && targetId(inputs.target) === c.target.id ? inputs.target : c.target.id,
    storageBucket: c.storageBucket,
    name: c.name,
    active: c.active,
    resourceGroup: c.resourceGroup.id,
    resourceGroupName: c.resourceGroup.name,
    tags: inputs.tags,
    crn: c.crn,
    href: c.href,
    lifecycleState: c.lifecycleState,
    createdAt: c.createdAt,
    autoDelete: c.autoDelete,
    vpc: c.vpc.id,
    targetType: c.target.type,
    coverage,
  };
}

/** What a preview predicts: the inputs as given, the rest left unknown. Calls nothing that mutates. */
async function predict(inputs: PropertyBag, services: CollectorServices, base: Outputs = {}): Promise<Outputs> {
  const v = inputs.values;
  const known = (key: string, value: unknown) => (inputs.unknown.has(key) ? UNKNOWN : value);
  let targetType: unknown = base.targetType ?? UNKNOWN;
  let vpc: unknown = base.vpc ?? UNKNOWN;
  if (typeof v.target === 'string' && !inputs.unknown.has('target') && (base.target === undefined || targetId(String(base.target)) !== targetId(v.target))) {
    // A preview must not fail on a lookup it can do without (e.g. config not yet known): the values stay unknown.
    const found = await services.targets.resolve(v.target, { signal: services.signal }).catch(() => undefined);
    targetType = found?.type ?? UNKNOWN;
    vpc = found?.vpcId ?? UNKNOWN;
  }
  return {
    ...base,
    target: known('target', v.target),
    storageBucket: known('storageBucket', v.storageBucket),
    name: known('name', v.name),
    active: known('active', v.active ?? true),
    resourceGroup: inputs.unknown.has('resourceGroup') ? UNKNOWN : v.resourceGroup ?? base.resourceGroup ?? UNKNOWN,
    resourceGroupName: v.resourceGroup === undefined || v.resourceGroup === base.resourceGroup ? base.resourceGroupName ?? UNKNOWN : UNKNOWN,
    tags: known('tags', v.tags ?? []),
    crn: base.crn ?? UNKNOWN,
    href: base.href ?? UNKNOWN,
    lifecycleState: UNKNOWN,
    createdAt: base.createdAt ?? UNKNOWN,
    autoDelete: base.autoDelete ?? UNKNOWN,
    vpc,
    targetType,
    coverage: UNKNOWN,
  };
}

/**
 * The coverage a preview predicts: the planned collector laid over the live ones of its VPC (in place of `replaced`,
 * the old collector of a replacement), with a warning for every change to where interfaces' flow logs go. UNKNOWN
 * when it cannot be predicted: a preview never fails on a lookup it can do without.
 */
async function predictCoverage(
  services: CollectorServices,
  vpcId: unknown,
  planned: CollectorSpec | undefined,
  options: { replaced?: ManagedEntry; warn: boolean; secret: boolean },
): Promise<unknown> {
  if (typeof vpcId !== 'string' || !planned) return UNKNOWN;
  let state: Awaited<ReturnType<typeof liveState>>;
  try {
    state = await liveState(services, vpcId);
  } catch (error) {
    await services.log('debug', `coverage not predicted: ${(error as Error).message}`);
    return UNKNOWN;
  }
  const old = options.replaced;
  let spec = planned;
  const remove: string[] = [];
  if (old && old.id !== planned.id) {
    // The same target: the replacement is, to the user, the same collector in a new bucket or group.
    if (old.spec?.targetId === planned.targetId) spec = { ...planned, id: old.id };
    else if (state.live.some((c) => c.id === old.id)) remove.push(old.id);
  }
  const comparison = compare(state.topology, state.live, overlay(state.live, { upsert: [spec], remove }));
  if (options.warn) await tell(services, comparison, options.secret);
  return coverageFor(comparison.after, spec.id, state.topology);
}

/** The comparison's warnings, and its notes as info; a secret identity gets the redacted count only. */
async function tell(services: CollectorServices, comparison: CoverageComparison, secret: boolean): Promise<void> {
  for (const line of secret ? comparison.redactedWarnings : comparison.warnings) await services.log('warning', line);
  if (!secret) for (const line of comparison.notes) await services.log('info', line);
}

/** Whether warnings must not name this collector's target, bucket or name (they are secret). */
const hasSecretIdentity = (bag: PropertyBag) => ['target', 'storageBucket', 'name'].some((key) => bag.secret.has(key));

/**
 * After a create or update: the collector's coverage against the live collectors of its VPC, and a warning for every
 * change the operation made to where interfaces' flow logs go. `sets` builds the collector sets before and after the
 * operation from the live ones, and names the key the collector has in them. A failure to read them costs the
 * coverage output (empty, with a warning saying a refresh fills it in), never the operation, which has happened.
 */
async function settledCoverage(
  services: CollectorServices,
  collector: Collector,
  sets: (live: CollectorSpec[]) => { before: CollectorSpec[]; after: CollectorSpec[]; key: string },
  secret: boolean,
): Promise<unknown[]> {
  let state: Awaited<ReturnType<typeof liveState>>;
  try {
    state = await liveState(services, collector.vpc.id);
  } catch (error) {
    await services.log('warning', `the coverage of collector ${collector.id} could not be computed, so its coverage output is empty until pulumi refresh: ${(error as Error).message}`);
    return [];
  }
  const { before, after, key } = sets(state.live);
  const comparison = compare(state.topology, before, after);
  await tell(services, comparison, secret);
  return coverageFor(comparison.after, key, state.topology);
}

/** The planned collector of a preview, from checked inputs (and the recorded outputs of an update); undefined when its target is unknown. */
function plannedSpec(id: string, inputs: PropertyBag, services: CollectorServices, base: Record<string, unknown> = {}): { spec?: CollectorSpec; known: boolean } {
  const v = inputs.values;
  const target = inputs.unknown.has('target') ? undefined : v.target ?? base.target;
  if (typeof target !== 'string') return { known: false };
  const name = inputs.unknown.has('name') ? base.name ?? services.urn.split('::').pop() : v.name ?? base.name;
  const bucket = inputs.unknown.has('storageBucket') ? undefined : v.storageBucket ?? base.storageBucket;
  const active = inputs.unknown.has('active') ? undefined : v.active ?? true;
  // Warnings name the bucket and say whether logs flow: they wait for the values that decide them.
  const known = typeof bucket === 'string' && typeof active === 'boolean';
  return { spec: { id, name: String(name ?? ''), targetId: targetId(target), bucket: typeof bucket === 'string' ? bucket : '', active: active !== false }, known };
}

const READY_STATES = new Set(['stable', 'suspended']);

/** Waits until the collector is stable (suspended when inactive); a `failed` collector or a timeout is an init failure. */
async function waitReady(c: Collector, services: CollectorServices, timeoutSeconds: number, tags: string[], inputTarget: unknown): Promise<Collector> {
  const what = `collector "${c.name}" (${c.id}) to become ${c.active ? 'stable' : 'suspended'}`;
  const fail = (message: string, latest: Collector) => new ResourceInitError(message, latest.id, outputsOf(latest, { target: inputTarget, tags }));
  let latest = c;
  try {
    return await waitUntil(
      async () => {
        if (latest !== c || !READY_STATES.has(latest.lifecycleState)) latest = (await services.vpc.getCollector(c.id, { signal: services.signal })) ?? latest;
        if (latest.lifecycleState === 'failed') throw fail(`flow log collector "${latest.name}" (${latest.id}) was created but its lifecycle_state is failed; IBM Cloud could not start it. Delete it (pulumi destroy or pulumi up after fixing the cause) and try again.`, latest);
        return READY_STATES.has(latest.lifecycleState) ? { done: true, value: latest } : { done: false, state: latest.lifecycleState };
      },
      { what, timeoutMs: timeoutSeconds * 1000, signal: services.signal, progress: (m) => services.log('info', m) },
    );
  } catch (error) {
    if (error instanceof ResourceInitError) throw error;
    const reason = error instanceof WaitTimeoutError ? error.message : `${(error as Error).message} (the collector exists: ${latest.id})`;
    throw fail(reason, latest);
  }
}

export interface OperationOptions {
  preview: boolean;
  timeoutSeconds: number;
  services: CollectorServices;
}

export async function create(inputs: PropertyBag, options: OperationOptions): Promise<{ id: string; outputs: Outputs }> {
  const { services } = options;
  const prior = services.managed.get(services.urn);
  // Diff said this resource is replaced: its old collector goes when the new one comes.
  const replaced = prior?.replacing ? prior : undefined;
  if (options.preview) {
    const outputs = await predict(inputs, services);
    const planned = plannedSpec(services.urn, inputs, services);
    outputs.coverage = await predictCoverage(services, outputs.vpc, planned.spec, { replaced, warn: planned.known, secret: hasSecretIdentity(inputs) });
    return { id: '', outputs };
  }
  const v = inputs.values;
  const target = String(v.target);
  const proto: CollectorPrototype = {
    target: target.startsWith('crn:') ? { crn: target } : { id: target },
    storageBucket: String(v.storageBucket),
    name: v.name as string | undefined,
    active: (v.active as boolean | undefined) ?? true,
    resourceGroupId: v.resourceGroup as string | undefined,
  };
  const created = await services.vpc.createCollector(proto, { signal: services.signal });
  const tags = (v.tags as string[] | undefined) ?? [];
  if (tags.length > 0) {
    try {
      await services.tags.attachTags(created.crn, tags, { signal: services.signal });
    } catch (error) {
      throw new ResourceInitError(`collector "${created.name}" (${created.id}) was created, but attaching its tags failed: ${(error as Error).message}`, created.id, outputsOf(created, { target, tags: [] }));
    }
  }
  const ready = await waitReady(created, services, options.timeoutSeconds || DEFAULT_TIMEOUT_SECONDS.create, tags, target);
  const coverage = await settledCoverage(services, ready, (live) => {
    const old = replaced && replaced.id !== ready.id ? replaced : undefined;
    const oldLive = old !== undefined && live.some((c) => c.id === old.id);
    // A delete-first replacement has deleted the old collector already: before, it was there.
    const restore = old && !oldLive && old.deleted && old.spec ? [old.spec] : [];
    // On the same target, the new collector is, to the user, the old one in a new bucket or resource group.
    const key = old?.spec?.targetId === ready.target.id ? old.id : ready.id;
    return {
      before: overlay(live, { upsert: restore, remove: [ready.id] }),
      after: overlay(live, { upsert: [{ ...specOf(ready), id: key }], remove: [ready.id, ...(oldLive && key !== old.id ? [old.id] : [])] }),
      key,
    };
  }, hasSecretIdentity(inputs));
  return { id: ready.id, outputs: outputsOf(ready, { target, tags }, coverage) };
}

export async function update(id: string, olds: PropertyBag, news: PropertyBag, options: OperationOptions): Promise<Outputs> {
  const { services } = options;
  if (options.preview) {
    const outputs = await predict(news, services, olds.values);
    const planned = plannedSpec(id, news, services, olds.values);
    outputs.coverage = await predictCoverage(services, outputs.vpc, planned.spec, { warn: planned.known, secret: hasSecretIdentity(news) || hasSecretIdentity(olds) });
    return outputs;
  }
  const o = olds.values;
  const n = news.values;
  const patch: CollectorPatch = {};
  if (typeof n.name === 'string' && n.name !== o.name) patch.name = n.name;
  const active = (n.active as boolean | undefined) ?? true;
  if (active !== o.active) patch.active = active;
  let collector = Object.keys(patch).length > 0 ? await services.vpc.updateCollector(id, patch, { signal: services.signal }) : await services.vpc.getCollector(id, { signal: services.signal });
  if (!collector) throw new Error(`flow log collector ${id} no longer exists; run pulumi refresh to record that, then pulumi up to create it again`);
  const wanted = (n.tags as string[] | undefined) ?? [];
  const had = (o.tags as string[] | undefined) ?? [];
  if (!sameTags(wanted, had)) {
    const lower = (list: string[]) => new Set(list.map((t) => t.toLowerCase()));
    const detach = had.filter((t) => !lower(wanted).has(t.toLowerCase()));
    const attach = wanted.filter((t) => !lower(had).has(t.toLowerCase()));
    if (detach.length > 0) await services.tags.detachTags(collector.crn, detach, { signal: services.signal });
    if (attach.length > 0) await services.tags.attachTags(collector.crn, attach, { signal: services.signal });
  }
  if (patch.active !== undefined || !READY_STATES.has(collector.lifecycleState)) {
    collector = await waitReady(collector, services, options.timeoutSeconds || DEFAULT_TIMEOUT_SECONDS.update, wanted, n.target);
  }
  const ready = collector;
  const old = specFromProperties(id, o);
  const coverage = await settledCoverage(services, ready, (live) => ({
    before: overlay(live, { upsert: old ? [old] : [], remove: [] }),
    after: overlay(live, { upsert: [specOf(ready)], remove: [] }),
    key: ready.id,
  }), hasSecretIdentity(news) || hasSecretIdentity(olds));
  return outputsOf(ready, { target: n.target, tags: wanted }, coverage);
}

/**
 * Refresh (with the recorded state and inputs) and import (the id alone). An id that no longer exists reads as
 * gone (empty id), so refresh drops it.
 */
export async function read(id: string, state: PropertyBag | undefined, inputs: PropertyBag | undefined, services: CollectorServices): Promise<{ id: string; outputs: Outputs; inputs: Record<string, unknown> } | undefined> {
  const collector = await services.vpc.getCollector(id, { signal: services.signal });
  if (!collector) return undefined;
  const [tags, live] = await Promise.all([services.tags.listTags(collector.crn, { signal: services.signal }), liveState(services, collector.vpc.id)]);
  const givenTarget = inputs?.values.target ?? state?.values.target;
  const coverage = coverageAmong(live.topology, overlay(live.live, { upsert: [specOf(collector)], remove: [] }), collector.id);
  const outputs = outputsOf(collector, { target: givenTarget, tags }, coverage);
  const readInputs: Record<string, unknown> = {
    target: outputs.target,
    storageBucket: collector.storageBucket,
    name: collector.name,
    active: collector.active,
  };
  // Inputs the program left to defaults stay absent, so an import or refresh shows no spurious change.
  if (inputs?.values.resourceGroup !== undefined || inputs === undefined) readInputs.resourceGroup = collector.resourceGroup.id;
  if (tags.length > 0 || inputs?.values.tags !== undefined) readInputs.tags = tags;
  return { id: collector.id, outputs, inputs: readInputs };
}

export async function remove(id: string, options: { timeoutSeconds: number; services: CollectorServices }): Promise<void> {
  const { services } = options;
  const result = await services.vpc.deleteCollector(id, { signal: services.signal });
  if (result === 'gone') return;
  await waitUntil(
    async () => {
      const c = await services.vpc.getCollector(id, { signal: services.signal });
      return c ? { done: false, state: c.lifecycleState } : { done: true, value: undefined };
    },
    { what: `collector ${id} to be deleted`, timeoutMs: (options.timeoutSeconds || DEFAULT_TIMEOUT_SECONDS.delete) * 1000, signal: services.signal, progress: (m) => services.log('info', m) },
  );
}

