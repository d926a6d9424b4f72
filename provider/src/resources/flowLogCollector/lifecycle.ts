import { parseCrn } from '../../ibm/crn';
import { IbmConflictError } from '../../ibm/errors';
import type { Collector, CollectorPatch, CollectorPrototype } from '../../ibm/types';
import { liveState, specFromProperties, specOf } from '../../model/liveState';
import { coverageAmong, overlay } from '../../precedence';
import { InputError } from '../../shared/failures';
import { ResourceInitError } from '../errors';
import type { Outputs, PropertyBag } from '../properties';
import type { CreateArgs, DeleteArgs, ReadArgs, ReadResult, ResourceCall, UpdateArgs } from '../types';
import { waitUntil, WaitTimeoutError } from '../waiter';
import { createdSets, hasSecretIdentity, plannedSpec, predictCoverage, settledCoverage } from './coverage';
import { outputsOf } from './outputs';
import { CREATE_BEFORE_DELETE_HINT, createBeforeDeleteWarning, ownershipOf } from './ownership';
import { foreseenCoverage } from './planned';
import { predict } from './preview';
import { resolveResourceGroup } from '../../model/resourceGroups';
import { DEFAULT_TIMEOUT_SECONDS } from './properties';
import { type CollectorServices, requireServices } from './services';
import { type CollectorTags, NO_TAGS, readTags, syncTags, TagSyncError, tagsOf } from './tagging';

/** Lifecycle states a collector rests in: stable when active, suspended when not. */
const READY_STATES = new Set(['stable', 'suspended']);

/**
 * Waits until the collector is stable (suspended when inactive); a `failed` collector or a timeout is an init
 * failure. The answer already in hand is looked at first: a create whose answer is already stable sends no poll.
 */
async function waitReady(c: Collector, services: CollectorServices, timeoutSeconds: number, tags: CollectorTags, inputTarget: unknown): Promise<Collector> {
  const what = `collector "${c.name}" (${c.id}) to become ${c.active ? 'stable' : 'suspended'}`;
  const fail = (message: string, latest: Collector) => new ResourceInitError(message, latest.id, outputsOf(latest, { target: inputTarget, ...tags }));
  let latest = c;
  let first = true;
  try {
    return await waitUntil(
      async () => {
        if (!first) latest = (await services.vpc.getCollector(c.id, { signal: services.signal })) ?? latest;
        first = false;
        if (latest.lifecycleState === 'failed') throw fail(`flow log collector "${latest.name}" (${latest.id}) was created but its lifecycle_state is failed; IBM Cloud could not start it. Delete it (pulumi destroy or pulumi up after fixing the cause) and try again.`, latest);
        return READY_STATES.has(latest.lifecycleState) ? { done: true, value: latest } : { done: false, state: latest.lifecycleState };
      },
      { what, timeoutMs: timeoutSeconds * 1000, signal: services.signal, progress: (m) => void services.log('info', m) },
    );
  } catch (error) {
    if (error instanceof ResourceInitError) throw error;
    const reason = error instanceof WaitTimeoutError ? error.message : `${(error as Error).message} (the collector exists: ${latest.id})`;
    throw fail(reason, latest);
  }
}

/**
 * A preview of a replacement whose old collector still holds the target, in a process that did not answer its Diff
 * (`pulumi up --replace`, a change of provider): the engine will create first unless the program asks otherwise.
 */
async function warnCreateBeforeDelete(services: CollectorServices, inputs: CreateArgs['inputs']): Promise<void> {
  const entry = services.managed.get(services.urn);
  if (entry?.diffed || typeof inputs.values.target !== 'string' || inputs.unknown.has('target')) return;
  const found = await services.targets.resolve(inputs.values.target, { signal: services.signal }).catch(() => undefined);
  const holder = found && (await services.deployment.holderOf(found.vpcId, found.id, services.signal).catch(() => undefined));
  if (holder && ownershipOf(holder, holder.target.id, services, typeof inputs.values.name === 'string' ? inputs.values.name : undefined) === 'this-resource') {
    await services.log('warning', createBeforeDeleteWarning(holder));
  }
}

export async function create(args: CreateArgs, call: ResourceCall): Promise<{ id: string; outputs: Outputs }> {
  const services = requireServices(call);
  const { inputs } = args;
  const prior = services.managed.get(services.urn);
  // This resource is being replaced: its old collector goes when the new one comes.
  const replaced = prior?.replacing ? prior : undefined;
  if (args.preview) {
    const outputs = await predict(inputs, services);
    const planned = plannedSpec(services.urn, inputs, services);
    const secret = hasSecretIdentity(inputs);
    outputs.coverage = (replaced ? undefined : await foreseenCoverage(services, outputs.vpc, { warn: planned.known, secret })) ?? (await predictCoverage(services, outputs.vpc, planned.spec, { replaced, warn: planned.known, secret }));
    await warnCreateBeforeDelete(services, inputs);
    return { id: '', outputs };
  }
  const v = inputs.values;
  const target = String(v.target);
  // Check resolves a name to its id once configured; a Check before Configure leaves the name for here.
  let resourceGroupId = v.resourceGroup as string | undefined;
  if (resourceGroupId !== undefined) {
    const group = await resolveResourceGroup(resourceGroupId, services, inputs.secret.has('resourceGroup'));
    if (!('id' in group)) throw new InputError([group.failure]);
    resourceGroupId = group.id;
  }
  const proto: CollectorPrototype = {
    target: target.startsWith('crn:') ? { crn: target } : { id: target },
    storageBucket: String(v.storageBucket),
    name: v.name as string | undefined,
    active: (v.active as boolean | undefined) ?? true,
    resourceGroupId,
  };
  let created: Collector;
  try {
    created = await services.vpc.createCollector(proto, { signal: services.signal });
  } catch (error) {
    // IBM's 409 names the collector in the way; when it is this resource's own, say why the engine met it.
    const existing = IbmConflictError.isInstance(error) ? (error as IbmConflictError).existingCollector : undefined;
    // The deployment's live set missed a collector (created out of band since it was read): read it again.
    if (IbmConflictError.isInstance(error)) await rereadFor(target, services);
    if (existing && ownershipOf(existing, targetIdOf(proto), services, proto.name) === 'this-resource') throw new Error(`${(error as Error).message} ${CREATE_BEFORE_DELETE_HINT}`);
    throw error;
  }
  services.deployment.noteWritten(created);
  let tags: CollectorTags;
  try {
    tags = await syncTags(created.crn, NO_TAGS, tagsOf(v), services);
  } catch (error) {
    const attached = error instanceof TagSyncError ? error.attached : NO_TAGS;
    throw new ResourceInitError(`collector "${created.name}" (${created.id}) was created, but attaching its tags failed: ${(error as Error).message}`, created.id, outputsOf(created, { target, ...attached }));
  }
  const ready = await waitReady(created, services, args.timeoutSeconds || DEFAULT_TIMEOUT_SECONDS.create, tags, target);
  services.deployment.noteWritten(ready);
  const secret = hasSecretIdentity(inputs);
  const coverage = (replaced ? undefined : await foreseenCoverage(services, ready.vpc.id, { warn: true, secret })) ?? (await settledCoverage(services, ready, createdSets(ready, replaced), secret));
  return { id: ready.id, outputs: outputsOf(ready, { target, ...tags }, coverage) };
}

async function rereadFor(target: string, services: CollectorServices): Promise<void> {
  const found = await services.targets.resolve(target, { signal: services.signal }).catch(() => undefined);
  if (found) await services.deployment.reread(found.vpcId, services.signal).catch(() => undefined);
}

function targetIdOf(proto: CollectorPrototype): string {
  return 'crn' in proto.target ? proto.target.crn.slice(proto.target.crn.lastIndexOf(':') + 1) : proto.target.id;
}

export async function update(args: UpdateArgs, call: ResourceCall): Promise<Outputs> {
  const services = requireServices(call);
  const { id, olds, news } = args;
  if (args.preview) {
    const outputs = await predict(news, services, olds.values);
    const planned = plannedSpec(id, news, services, olds.values);
    const secret = hasSecretIdentity(news) || hasSecretIdentity(olds);
    outputs.coverage = (await foreseenCoverage(services, outputs.vpc, { warn: planned.known, secret })) ?? (await predictCoverage(services, outputs.vpc, planned.spec, { warn: planned.known, secret }));
    return outputs;
  }
  const o = olds.values;
  const n = news.values;
  const patch: CollectorPatch = {};
  if (typeof n.name === 'string' && n.name !== o.name) patch.name = n.name;
  const active = (n.active as boolean | undefined) ?? true;
  if (active !== o.active) patch.active = active;
  let collector = Object.keys(patch).length > 0 ? await services.vpc.updateCollector(id, patch, { signal: services.signal }) : await services.vpc.getCollector(id, { signal: services.signal });
  if (!collector) services.deployment.noteGone(id);
  if (!collector) throw new Error(`flow log collector ${id} no longer exists; run pulumi refresh to record that, then pulumi up to create it again`);
  const wanted = await syncTags(collector.crn, tagsOf(o), tagsOf(n), services).catch((error: unknown) => {
    throw error instanceof TagSyncError ? error.cause : error;
  });
  if (patch.active !== undefined || !READY_STATES.has(collector.lifecycleState)) {
    collector = await waitReady(collector, services, args.timeoutSeconds || DEFAULT_TIMEOUT_SECONDS.update, wanted, n.target);
  }
  const ready = collector;
  services.deployment.noteWritten(ready);
  const secret = hasSecretIdentity(news) || hasSecretIdentity(olds);
  const old = specFromProperties(id, o);
  const coverage = (await foreseenCoverage(services, ready.vpc.id, { warn: true, secret })) ?? (await settledCoverage(
    services,
    ready,
    (live) => ({ before: overlay(live, { upsert: old ? [old] : [], remove: [] }), after: overlay(live, { upsert: [specOf(ready)], remove: [] }), key: ready.id }),
    secret,
  ));
  return outputsOf(ready, { target: n.target, ...wanted }, coverage);
}

/**
 * A collector the provider's region does not have may live in another region: its recorded CRN says where. Then it
 * is not gone, and refresh must not drop it from the state, nor a delete forget it: the provider is pointed at the
 * wrong region (a machine whose IBMCLOUD_REGION differs, with no region in the stack's config).
 */
function assertInRegion(id: string, recorded: PropertyBag | undefined, services: CollectorServices): void {
  const crn = recorded?.values.crn;
  const location = typeof crn === 'string' ? parseCrn(crn)?.location : undefined;
  if (location === undefined || location === services.region || location.startsWith(`${services.region}-`)) return;
  throw new Error(
    `flow log collector ${id} is in region ${location} (its CRN says so), but this provider is configured for region ${services.region}, where it cannot be seen. ` +
      `Set the region the stack's collectors live in (pulumi config set ibmflowlogs:region ${location}, or IBMCLOUD_REGION), then run again; nothing was changed.`,
  );
}

/**
 * Refresh (with the recorded state and inputs) and import (the id alone). An id that no longer exists reads as
 * gone (undefined), so refresh drops it, unless the recorded state says it lives in another region.
 */
export async function read(args: ReadArgs, call: ResourceCall): Promise<ReadResult | undefined> {
  const services = requireServices(call);
  const { id, state, inputs } = args;
  const collector = await services.vpc.getCollector(id, { signal: services.signal });
  if (!collector) {
    services.deployment.noteGone(id);
    assertInRegion(id, state, services);
    return undefined;
  }
  const [tags, live] = await Promise.all([readTags(collector.crn, services), liveState(services, collector.vpc.id)]);
  const givenTarget = inputs?.values.target ?? state?.values.target;
  const coverage = coverageAmong(live.topology, overlay(live.live, { upsert: [specOf(collector)], remove: [] }), collector.id);
  const outputs = outputsOf(collector, { target: givenTarget, ...tags }, coverage);
  const readInputs: Record<string, unknown> = {
    target: outputs.target,
    storageBucket: collector.storageBucket,
    name: collector.name,
    active: collector.active,
  };
  // Inputs the program left to defaults stay absent, so an import or refresh shows no spurious change.
  if (inputs?.values.resourceGroup !== undefined || inputs === undefined) readInputs.resourceGroup = collector.resourceGroup.id;
  if (tags.tags.length > 0 || inputs?.values.tags !== undefined) readInputs.tags = tags.tags;
  if (tags.accessTags.length > 0 || inputs?.values.accessTags !== undefined) readInputs.accessTags = tags.accessTags;
  return { id: collector.id, outputs, inputs: readInputs };
}

export async function remove(args: DeleteArgs, call: ResourceCall): Promise<void> {
  const services = requireServices(call);
  const { id } = args;
  const result = await services.vpc.deleteCollector(id, { signal: services.signal });
  services.deployment.noteGone(id);
  if (result === 'gone') return assertInRegion(id, args.state, services);
  await waitUntil(
    async () => {
      const c = await services.vpc.getCollector(id, { signal: services.signal });
      return c ? { done: false, state: c.lifecycleState } : { done: true, value: undefined };
    },
    { what: `collector ${id} to be deleted`, timeoutMs: (args.timeoutSeconds || DEFAULT_TIMEOUT_SECONDS.delete) * 1000, signal: services.signal, progress: (m) => void services.log('info', m) },
  );
}
