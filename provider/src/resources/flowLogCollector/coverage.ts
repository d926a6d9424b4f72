/**
 * A collector's `coverage` output and the warnings about where interfaces' flow logs go (README.md, "What the provider
 * does"): predicted in a preview from the planned change laid over the live collectors, and settled after a create or
 * update.
 */
import type { Collector } from '../../ibm/types';
import { targetId } from '../../model/collectorRules';
import { type LiveState, liveState, specOf } from '../../model/liveState';
import type { ManagedEntry } from '../../model/managed';
import { compare, type CoverageComparison, coverageOf, overlay } from '../../precedence';
import type { CollectorSpec, CoverageEntry } from '../../precedence/types';
import { UNKNOWN } from '../../shared/values';
import type { PropertyBag } from '../properties';
import type { CollectorServices } from './services';

/** Whether warnings must not name this collector's target, bucket or name (they are secret). */
export const hasSecretIdentity = (bag: PropertyBag) => ['target', 'storageBucket', 'name'].some((key) => bag.secret.has(key));

/** The comparison's warnings, and its notes as info; a secret identity gets the redacted count only. */
async function tell(services: CollectorServices, comparison: CoverageComparison, secret: boolean): Promise<void> {
  for (const line of secret ? comparison.redactedWarnings : comparison.warnings) await services.log('warning', line);
  if (!secret) for (const line of comparison.notes) await services.log('info', line);
}

/** The planned collector of a preview, from checked inputs (and the recorded outputs of an update); no spec when its target is unknown. */
export function plannedSpec(id: string, inputs: PropertyBag, services: CollectorServices, base: Record<string, unknown> = {}): { spec?: CollectorSpec; known: boolean } {
  const v = inputs.values;
  const target = inputs.unknown.has('target') ? undefined : v.target ?? base.target;
  if (typeof target !== 'string') return { known: false };
  const name = inputs.unknown.has('name') ? base.name ?? services.name : v.name ?? base.name;
  const bucket = inputs.unknown.has('storageBucket') ? undefined : v.storageBucket ?? base.storageBucket;
  const active = inputs.unknown.has('active') ? undefined : v.active ?? true;
  // Warnings name the bucket and say whether logs flow: they wait for the values that decide them.
  const known = typeof bucket === 'string' && typeof active === 'boolean';
  return { spec: { id, name: String(name ?? ''), targetId: targetId(target), bucket: typeof bucket === 'string' ? bucket : '', active: active !== false }, known };
}

/**
 * The coverage a preview predicts: the planned collector laid over the live ones of its VPC (in place of `replaced`,
 * the old collector of a replacement), with a warning for every change to where interfaces' flow logs go. UNKNOWN
 * when it cannot be predicted: a preview never fails on a lookup it can do without.
 */
export async function predictCoverage(
  services: CollectorServices,
  vpcId: unknown,
  planned: CollectorSpec | undefined,
  options: { replaced?: ManagedEntry; warn: boolean; secret: boolean },
): Promise<unknown> {
  if (typeof vpcId !== 'string' || !planned) return UNKNOWN;
  let state: LiveState;
  try {
    state = await liveState(services, vpcId);
  } catch (error) {
    await services.log('debug', `coverage not predicted: ${(error as Error).message}`);
    return UNKNOWN;
  }
  const old = options.replaced;
  let spec = planned;
  const remove: string[] = [];
  if (old?.id !== undefined && old.id !== planned.id) {
    // The same target: the replacement is, to the user, the same collector in a new bucket or group.
    if (old.spec?.targetId === planned.targetId) spec = { ...planned, id: old.id };
    else if (state.live.some((c) => c.id === old.id)) remove.push(old.id);
  }
  const comparison = compare(state.topology, state.live, overlay(state.live, { upsert: [spec], remove }));
  if (options.warn) await tell(services, comparison, options.secret);
  return coverageOf(comparison.after, spec.id, state.topology);
}

/**
 * After a create or update: the collector's coverage against the live collectors of its VPC, and a warning for every
 * change the operation made to where interfaces' flow logs go. `sets` builds the collector sets before and after the
 * operation from the live ones, and names the key the collector has in them. A failure to read them costs the
 * coverage output (empty, with a warning saying a refresh fills it in), never the operation, which has happened.
 */
export async function settledCoverage(
  services: CollectorServices,
  collector: Collector,
  sets: (live: CollectorSpec[]) => { before: CollectorSpec[]; after: CollectorSpec[]; key: string },
  secret: boolean,
): Promise<CoverageEntry[]> {
  let state: LiveState;
  try {
    state = await liveState(services, collector.vpc.id);
  } catch (error) {
    await services.log('warning', `the coverage of collector ${collector.id} could not be computed, so its coverage output is empty until pulumi refresh: ${(error as Error).message}`);
    return [];
  }
  const { before, after, key } = sets(state.live);
  const comparison = compare(state.topology, before, after);
  await tell(services, comparison, secret);
  return coverageOf(comparison.after, key, state.topology);
}

/** The sets around a create: the new collector in place of the one it replaces (`replaced`), if any. */
export function createdSets(ready: Collector, replaced: ManagedEntry | undefined): (live: CollectorSpec[]) => { before: CollectorSpec[]; after: CollectorSpec[]; key: string } {
  return (live) => {
    const old = replaced && replaced.id !== ready.id ? replaced : undefined;
    const oldId = old?.id;
    const oldLive = oldId !== undefined && live.some((c) => c.id === oldId);
    // A delete-first replacement has deleted the old collector already, here or (for a change of provider, where
    // this process knows it only from Check's olds, without its id) in the old provider's process: before, it was there.
    const restore = old && !oldLive && old.spec && (old.deleted || oldId === undefined) ? [old.spec] : [];
    // On the same target, the new collector is, to the user, the old one in a new bucket or resource group.
    const key = old?.spec && old.spec.targetId === ready.target.id ? old.spec.id : ready.id;
    return {
      before: overlay(live, { upsert: restore, remove: [ready.id] }),
      after: overlay(live, { upsert: [{ ...specOf(ready), id: key }], remove: [ready.id, ...(oldLive && key !== oldId ? [oldId] : [])] }),
      key,
    };
  };
}
