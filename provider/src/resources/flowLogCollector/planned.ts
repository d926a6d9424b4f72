/**
 * A collector as one of the deployment's planned set (model/deployment.ts): registered by Check (a target taken twice
 * in one program fails there), and the coverage and warnings every Create and Update, previewed or applied, predicts
 * from the baseline with every planned collector in place, so that neither the engine's order of calls nor which
 * Creates have finished changes what is said.
 */
import type { Collector, ResolvedTarget } from '../../ibm/types';
import { targetId } from '../../model/collectorRules';
import type { Deployment } from '../../model/deployment';
import { topologyOf } from '../../model/liveState';
import { type CoverageComparison, coverageOf, diffResolutions, resolve, warningsOf } from '../../precedence';
import type { CollectorSpec, CoverageEntry, InterfaceChange, Resolution, Topology } from '../../precedence/types';
import type { Failure } from '../../shared/failures';
import type { CheckArgs, DiffResult } from '../types';
import { collectorOn } from './check';
import { nameOfUrn, ownershipOf } from './ownership';
import type { CollectorServices } from './services';

/**
 * Check: registers the resource's planned collector. A second resource of the deployment on the same target fails
 * here, naming both and the target.
 */
export function registerPlanned(values: Record<string, unknown>, args: CheckArgs, found: ResolvedTarget, services: CollectorServices): Failure[] {
  const { news, olds } = args;
  const unknown = (key: string) => news.unknown.has(key);
  const bucket = values.storageBucket;
  const known = !unknown('storageBucket') && !unknown('active') && typeof bucket === 'string';
  const spec: CollectorSpec = { id: services.urn, name: typeof values.name === 'string' ? values.name : services.name, targetId: found.id, bucket: typeof bucket === 'string' ? bucket : '', active: values.active !== false };
  const oldTargetId = typeof olds.values.target === 'string' ? targetId(olds.values.target) : undefined;
  const other = services.deployment.plan({ urn: services.urn, vpcId: found.vpcId, spec, oldTargetId, known });
  if (!other) return [];
  const shown = news.secret.has('target') ? 'the (secret) target' : `target ${String(values.target)} (${found.type} "${found.name}")`;
  return [
    {
      property: 'target',
      reason: `${shown} is also the target of resource "${nameOfUrn(other.urn)}" (${other.urn}) in this program, and a target can have only one flow log collector: give resource "${services.name}" (${services.urn}) or "${nameOfUrn(other.urn)}" another target, or remove one of them`,
    },
  ];
}

/**
 * The live collector on a target, from the deployment's live set; one this resource does not own is confirmed with
 * the API's `target.id` filter (the live set may be older than the collector's deletion). A collector created since
 * the set was read is met by the Create's conflict, which re-reads it.
 */
export async function holderFor(found: ResolvedTarget, services: CollectorServices, askedName: string | undefined): Promise<Collector | undefined> {
  const seen = await services.deployment.holderOf(found.vpcId, found.id, services.signal);
  if (!seen || ownershipOf(seen, found.id, services, askedName) === 'this-resource') return seen;
  return collectorOn(found.id, services);
}

interface Prediction {
  version: number;
  topology: Topology;
  baseline: CollectorSpec[];
  world: CollectorSpec[];
  keys: Map<string, string>;
  before: Resolution;
  after: Resolution;
  changes: InterfaceChange[];
}

/** One prediction per VPC and planned set, shared by every collector's Create and Update. */
const predictions = new WeakMap<Deployment, Map<string, Promise<Prediction>>>();

async function predictionOf(services: CollectorServices, vpcId: string): Promise<Prediction> {
  const d = services.deployment;
  let byVpc = predictions.get(d);
  if (!byVpc) predictions.set(d, (byVpc = new Map()));
  const cached = byVpc.get(vpcId);
  if (cached) {
    const p = await cached.catch(() => undefined);
    if (p && p.version === d.version) return p;
  }
  const computing = (async (): Promise<Prediction> => {
    const [t, baseline] = await Promise.all([services.topology.read(vpcId, { signal: services.signal }), d.baseline(vpcId, services.signal)]);
    const version = d.version;
    const topology = topologyOf(t);
    const { world, keys } = d.worldOf(vpcId, baseline);
    const before = resolve(topology, baseline);
    const after = resolve(topology, world);
    return { version, topology, baseline, world, keys, before, after, changes: diffResolutions(before, after) };
  })();
  byVpc.set(vpcId, computing);
  return computing;
}

/**
 * The interface changes that are this collector's to tell: those it wins after the deployment, and those it held
 * before when their new winner is not a collector of the deployment (it stopped, or went to another target).
 */
function changesOf(p: Prediction, key: string): InterfaceChange[] {
  const plannedIds = new Set(p.keys.values());
  return p.changes.filter((c) => {
    const after = c.after?.collectorId;
    const owner = after !== undefined && plannedIds.has(after) ? after : c.before?.collectorId ?? after;
    return owner === key;
  });
}

/**
 * A Create's or Update's coverage and warnings, once the program's registrations have paused: the same in a preview
 * and in the update that follows. Undefined when the resource has no planned collector in this VPC (no Check in this
 * process), for the caller's own reckoning.
 */
export async function foreseenCoverage(services: CollectorServices, vpcId: unknown, options: { warn: boolean; secret: boolean }): Promise<CoverageEntry[] | undefined> {
  const planned = services.deployment.plannedOf(services.urn);
  if (typeof vpcId !== 'string' || !planned || planned.vpcId !== vpcId) return undefined;
  await services.deployment.quiescent(services.signal);
  let p: Prediction;
  try {
    p = await predictionOf(services, vpcId);
  } catch (error) {
    await services.log('debug', `coverage not predicted: ${(error as Error).message}`);
    return undefined;
  }
  const key = p.keys.get(services.urn) ?? services.urn;
  if (options.warn && planned.known) {
    const told: Omit<CoverageComparison, 'before' | 'after'> = warningsOf(p.topology, p.baseline, p.world, changesOf(p, key));
    for (const line of options.secret ? told.redactedWarnings : told.warnings) await services.log('warning', line);
    if (!options.secret) for (const line of told.notes) await services.log('info', line);
  }
  return coverageOf(p.after, key, p.topology);
}

const sameCoverage = (a: unknown, b: CoverageEntry[]) =>
  Array.isArray(a) && a.length === b.length && a.every((e, i) => e !== null && typeof e === 'object' && (e as CoverageEntry).interfaceId === b[i].interfaceId && (e as CoverageEntry).subnetId === b[i].subnetId && (e as CoverageEntry).instanceId === b[i].instanceId && (e as CoverageEntry).interfaceName === b[i].interfaceName);

/**
 * Diff: `coverage` changes when the recorded output differs from what the live collectors give this one now (the
 * deployment's baseline), so an `up` corrects a collector whose coverage others changed; the update records the
 * prediction, which the next deployment's baseline matches, so the diff goes away after one update.
 */
export async function withCoverageDrift(d: DiffResult, id: string, olds: Record<string, unknown>, services: CollectorServices | undefined): Promise<DiffResult> {
  const vpcId = olds.vpc;
  if (d.changes || !services || typeof vpcId !== 'string' || !Array.isArray(olds.coverage)) return d;
  try {
    const [t, baseline] = await Promise.all([services.topology.read(vpcId, { signal: services.signal }), services.deployment.baseline(vpcId, services.signal)]);
    if (!baseline.some((c) => c.id === id)) return d; // gone: refresh's to record
    const topology = topologyOf(t);
    const truth = coverageOf(baselineResolution(topology, baseline), id, topology);
    if (sameCoverage(olds.coverage, truth)) return d;
    return { ...d, changes: true, detailed: { ...d.detailed, coverage: 'update' } };
  } catch (error) {
    await services.log('debug', `coverage not compared with the live collectors: ${(error as Error).message}`);
    return d;
  }
}

const baselines = new WeakMap<CollectorSpec[], Resolution>();

function baselineResolution(topology: Topology, baseline: CollectorSpec[]): Resolution {
  let r = baselines.get(baseline);
  if (!r) baselines.set(baseline, (r = resolve(topology, baseline)));
  return r;
}
