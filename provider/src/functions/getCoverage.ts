import { IbmNotFoundError } from '../ibm/errors';
import { checkActive, checkBucket, checkName, checkTarget, targetId, targetNotFound } from '../model/collectorRules';
import { type LiveState, liveState } from '../model/liveState';
import { overlay, resolve } from '../precedence';
import type { CollectorSpec, Conflict } from '../precedence/types';
import { byProperty, type Failure, InputError, kindOf } from '../shared/failures';
import { keyPath } from '../shared/propertyPath';
import type { FunctionServices, FunctionType } from './types';

const COLLECTOR_KEYS = ['name', 'target', 'storageBucket', 'active'] as const;
const ARG_KEYS = ['vpc', 'collectors'] as const;

interface PlannedCollector {
  name: string;
  target: string;
  storageBucket: string;
  active: boolean;
}

/** Every problem of the arguments, with its property path (e.g. `collectors[1].target`). */
function validate(args: Record<string, unknown>): { vpc?: string; planned: PlannedCollector[]; failures: Failure[] } {
  const failures: Failure[] = [];
  for (const key of Object.keys(args)) {
    if (!(ARG_KEYS as readonly string[]).includes(key)) failures.push({ property: keyPath(key), reason: `unknown argument; allowed: ${ARG_KEYS.join(', ')}` });
  }
  const vpc = args.vpc;
  if (vpc === undefined || vpc === null) failures.push({ property: 'vpc', reason: 'is required: the id of the VPC whose interfaces to report' });
  else if (typeof vpc !== 'string' || vpc === '') failures.push({ property: 'vpc', reason: `must be a VPC id (a non-empty string), received ${vpc === '' ? 'an empty string' : kindOf(vpc)}` });

  const planned: PlannedCollector[] = [];
  const list = args.collectors;
  if (list !== undefined && list !== null && !Array.isArray(list)) {
    failures.push({ property: 'collectors', reason: `must be a list of planned collectors ({name, target, storageBucket, active?}), received ${kindOf(list)}` });
  } else if (Array.isArray(list)) {
    const names = new Map<string, number>();
    list.forEach((item, i) => {
      const at = `collectors[${i}]`;
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        failures.push({ property: at, reason: `must be a planned collector {name, target, storageBucket, active?}, received ${kindOf(item)}` });
        return;
      }
      const c = item as Record<string, unknown>;
      const before = failures.length;
      for (const key of Object.keys(c)) {
        if (!(COLLECTOR_KEYS as readonly string[]).includes(key)) failures.push({ property: keyPath(key, at), reason: `unknown property; allowed: ${COLLECTOR_KEYS.join(', ')}` });
      }
      for (const [key, check] of [['name', checkName], ['target', checkTarget], ['storageBucket', checkBucket]] as const) {
        if (c[key] === undefined || c[key] === null) failures.push({ property: `${at}.${key}`, reason: 'is required' });
        else failures.push(...check(c[key], `${at}.${key}`));
      }
      if (c.active !== undefined && c.active !== null) failures.push(...checkActive(c.active, `${at}.active`));
      if (typeof c.name === 'string') {
        const first = names.get(c.name);
        if (first !== undefined) failures.push({ property: `${at}.name`, reason: `"${c.name}" repeats collectors[${first}].name (collector names are unique per VPC)` });
        else names.set(c.name, i);
      }
      if (failures.length === before) planned.push({ name: String(c.name), target: String(c.target), storageBucket: String(c.storageBucket), active: c.active !== false });
    });
  }
  return { vpc: typeof vpc === 'string' && vpc !== '' ? vpc : undefined, planned, failures };
}

/**
 * A VPC's interfaces with the collector and bucket that win for each (README.md, "What the provider does"), optionally
 * with planned collectors laid over the live ones: a planned collector with a live collector's name is that collector's
 * planned state; any other is a new collector.
 */
async function getCoverage(args: Record<string, unknown>, services: FunctionServices) {
  const { vpc, planned, failures } = validate(args);
  if (failures.length > 0 || !vpc) throw new InputError(failures);

  let state: LiveState;
  try {
    state = await liveState(services, vpc);
  } catch (error) {
    if (IbmNotFoundError.isInstance(error)) throw new InputError([{ property: 'vpc', reason: `no VPC "${vpc}" exists in region ${services.region}, the provider's region` }]);
    throw error;
  }

  const targetFailures: Failure[] = [];
  const specs: CollectorSpec[] = [];
  const liveByName = new Map(state.live.map((c) => [c.name, c]));
  await Promise.all(
    planned.map(async (p, i) => {
      const found = await services.targets.resolve(p.target, { signal: services.signal });
      if (!found) {
        const named = await services.targets.named(p.target, { signal: services.signal }).catch(() => []);
        targetFailures.push({ property: `collectors[${i}].target`, reason: targetNotFound(p.target, services.region, named) });
      } else if (found.vpcId !== vpc) {
        targetFailures.push({ property: `collectors[${i}].target`, reason: `"${p.target}" is in VPC ${found.vpcId}, not in VPC ${vpc}: give only collectors of VPC ${vpc}, or ask for the coverage of VPC ${found.vpcId}` });
      }
      specs[i] = { id: liveByName.get(p.name)?.id ?? `planned:${p.name}`, name: p.name, targetId: found?.id ?? targetId(p.target), bucket: p.storageBucket, active: p.active };
    }),
  );
  if (targetFailures.length > 0) throw new InputError(byProperty(targetFailures));

  const collectors = overlay(state.live, { upsert: specs, remove: [] });
  const byId = new Map(collectors.map((c) => [c.id, c]));
  const resolution = resolve(state.topology, collectors);
  const topo = new Map(state.topology.interfaces.map((n) => [n.id, n]));
  const isLive = new Set(state.live.map((c) => c.id));

  const interfaces = resolution.interfaces
    .map((r) => {
      const n = topo.get(r.interfaceId)!;
      const entry: Record<string, unknown> = { interfaceId: n.id, interfaceName: n.name ?? '', instanceId: n.instanceId, subnetId: n.subnetId };
      if (r.winner) {
        const c = byId.get(r.winner.collectorId);
        if (isLive.has(r.winner.collectorId)) entry.collectorId = r.winner.collectorId;
        entry.collectorName = c?.name ?? r.winner.collectorId;
        entry.bucket = r.winner.bucket;
        entry.level = r.winner.level;
        entry.active = r.winner.active;
      }
      entry.receivesLogs = r.winner?.active === true;
      return entry;
    })
    .sort((a, b) => (String(a.interfaceId) < String(b.interfaceId) ? -1 : String(a.interfaceId) > String(b.interfaceId) ? 1 : 0));

  const nameOf = (id: string) => byId.get(id)?.name ?? id;
  const conflicts = resolution.conflicts.map((c: Conflict) =>
    c.kind === 'duplicate-target'
      ? {
          kind: c.kind,
          targetId: c.targetId,
          collectors: c.collectorIds.map(nameOf),
          message: `target ${c.targetId} has ${c.collectorIds.length} collectors (${c.collectorIds.map((id) => `"${nameOf(id)}"`).join(', ')}); a target can have only one`,
        }
      : {
          kind: c.kind,
          targetId: c.targetId,
          collectors: [nameOf(c.collectorId)],
          message: `collector "${nameOf(c.collectorId)}" targets ${c.targetId}, which is not in VPC ${vpc}'s topology`,
        },
  );
  return { interfaces, uncovered: [...resolution.uncovered], conflicts };
}

export const GetCoverage: FunctionType = { token: 'ibmflowlogs:index:getCoverage', args: ARG_KEYS, invoke: getCoverage };
