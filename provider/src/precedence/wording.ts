/**
 * The English of the simulator: one line per group of interfaces whose flow logs change the same way, naming the
 * collectors by their place on the chain (chain.ts), and the note every line that depends on the suspended-collector
 * rule carries.
 */
import { ChainIndex, levelOn } from './chain';
import { L_INSTANCE, L_SUBNET, L_VPC } from './compact';
import type { Outcome } from './diff';
import { PRECEDENCE } from './rules';
import type { CollectorSpec, InterfaceChange, Topology } from './types';

/** Appended to every warning that depends on the suspended-collector rule (README.md, "What the provider does"). */
export const SUSPENDED_RULE_NOTE =
  ' (suspended-collector rule: a suspended collector still holds its place in the precedence order, so no less specific collector takes over its interfaces; this is our reading of the service)';

/** "a", "a and b", "a, b and c". */
function listOf(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const KIND_ORDER: Record<InterfaceChange['kind'], number> = { stopped: 0, moved: 1, started: 2, rewon: 3 };

/**
 * One human line per group of changes with the same before and after outcome, naming the narrowest scope the group
 * shares (the interface itself, its instance, subnet or VPC), e.g.
 * `4 interfaces of subnet-2 move from bucket-e to bucket-c: collector "subnet-2-logs" now wins over "vpc-umbrella"`.
 *
 * `collectors` is the collector set the changes lead to (e.g. `overlay(live, planned)`): it names the collectors and
 * tells on which level each one's target is, and when a suspended collector stops an interface's logs, it tells
 * which active collector further down the chain would otherwise receive them (the line then says the suspended one
 * "still holds its place over" it: the `SUSPENDED_COLLECTOR_HOLDS_ITS_PLACE` rule). `before`, optional, is the set
 * before, only used to name collectors that are gone. Lines come stops first, then moves, starts and the rest;
 * larger groups first.
 */
export function summarizeChanges(changes: InterfaceChange[], topology: Topology, collectors: CollectorSpec[], before: CollectorSpec[] = []): string[] {
  if (changes.length === 0) return [];
  const wanted = new Set(changes.map((c) => c.interfaceId));
  const ifaceById = new Map<string, Topology['interfaces'][number]>();
  for (const it of topology.interfaces) if (wanted.has(it.id)) ifaceById.set(it.id, it);
  const subnetById = new Map(topology.subnets.map((s) => [s.id, s]));
  const vpcName = new Map(topology.vpcs.map((v) => [v.id, v.name ?? v.id]));
  const instanceIds = new Set<string>();
  for (const it of ifaceById.values()) instanceIds.add(it.instanceId);
  const instanceById = new Map<string, Topology['instances'][number]>();
  for (const h of topology.instances) if (instanceIds.has(h.id)) instanceById.set(h.id, h);
  const chains = new ChainIndex(topology);

  const specById = new Map<string, CollectorSpec>();
  const specByTarget = new Map<string, CollectorSpec>();
  for (const c of collectors) {
    if (!specById.has(c.id)) specById.set(c.id, c);
    if (!specByTarget.has(c.targetId)) specByTarget.set(c.targetId, c);
  }
  for (const c of before) if (!specById.has(c.id)) specById.set(c.id, c);
  const nameOf = (collectorId: string) => specById.get(collectorId)?.name ?? collectorId;

  /** The ids on an interface's chain, most specific first (undefined where it has none). */
  const chainOf = (interfaceId: string): ReadonlyArray<string | undefined> => {
    const it = ifaceById.get(interfaceId);
    return it === undefined ? [interfaceId, undefined, undefined, undefined, undefined] : chains.chainOf(it);
  };
  /** The level of a collector on an interface's chain (PRECEDENCE.length when it is not on it). */
  const levelOf = (chain: ReadonlyArray<string | undefined>, collectorId: string): number => levelOn(chain, specById.get(collectorId)?.targetId);

  interface Group {
    kind: InterfaceChange['kind'];
    before: Outcome;
    after: Outcome;
    ids: string[];
    first: number;
  }
  const groups = new Map<string, Group>();
  const keyOf = (o: Outcome) => (o === undefined ? '-' : `${o.collectorId}\u0000${o.bucket}\u0000${o.active}`);
  changes.forEach((ch, k) => {
    const key = `${ch.kind}\u0001${keyOf(ch.before)}\u0001${keyOf(ch.after)}`;
    const g = groups.get(key);
    if (g) g.ids.push(ch.interfaceId);
    else groups.set(key, { kind: ch.kind, before: ch.before, after: ch.after, ids: [ch.interfaceId], first: k });
  });

  const subject = (ids: string[]): string => {
    if (ids.length === 1) {
      const it = ifaceById.get(ids[0]);
      if (it === undefined) return `interface ${ids[0]}`;
      const instance = instanceById.get(it.instanceId);
      return `interface ${it.name ?? it.id} of ${instance?.name ?? it.instanceId}`;
    }
    const instances = new Set<string>();
    const subnets = new Set<string>();
    const vpcs = new Set<string>();
    for (const id of ids) {
      const chain = chainOf(id);
      instances.add(chain[L_INSTANCE] ?? '?');
      subnets.add(chain[L_SUBNET] ?? '?');
      vpcs.add(chain[L_VPC] ?? '?');
    }
    const n = `${ids.length} interfaces`;
    if (instances.size === 1 && !instances.has('?')) {
      const id = [...instances][0];
      return `${n} of ${instanceById.get(id)?.name ?? id}`;
    }
    if (subnets.size === 1 && !subnets.has('?')) {
      const id = [...subnets][0];
      return `${n} of ${subnetById.get(id)?.name ?? id}`;
    }
    if (vpcs.size === 1 && !vpcs.has('?')) {
      const id = [...vpcs][0];
      return `${n} of ${vpcName.get(id) ?? id}`;
    }
    return `${n} across ${vpcs.size} VPCs`;
  };

  const lines: Array<{ group: Group; line: string }> = [];
  for (const g of groups.values()) {
    const one = g.ids.length === 1;
    const verb = (plural: string, singular: string) => (one ? singular : plural);
    const them = one ? 'it' : 'them';
    const chain = chainOf(g.ids[0]);
    const B = g.before;
    const A = g.after;
    const q = (o: NonNullable<Outcome>) => `"${nameOf(o.collectorId)}"`;
    /** How the after collector relates to the before one. */
    const relation = (a: NonNullable<Outcome>, b: NonNullable<Outcome>, qualifier = '') =>
      levelOf(chain, a.collectorId) < levelOf(chain, b.collectorId)
        ? `collector ${q(a)} now wins over ${qualifier}${q(b)}`
        : `collector ${q(a)} takes over from ${qualifier}${q(b)}`;
    const who = subject(g.ids);
    let line: string;
    if (g.kind === 'moved' && A && B) {
      const why = A.collectorId === B.collectorId ? `collector ${q(A)} now writes to ${A.bucket}` : relation(A, B);
      line = `${who} ${verb('move', 'moves')} from ${B.bucket} to ${A.bucket}: ${why}`;
    } else if (g.kind === 'stopped') {
      if (A === undefined) {
        line = `${who} ${verb('are', 'is')} no longer covered by any collector`;
      } else {
        // The stop is due to the suspended-collector rule when an active collector further down an interface's
        // chain would otherwise receive its logs: name those collectors.
        const fallbacks: string[] = [];
        for (const id of g.ids) {
          const ids = chainOf(id);
          for (let l = levelOf(ids, A.collectorId) + 1; l < PRECEDENCE.length; l++) {
            const target = ids[l];
            const spec = target === undefined ? undefined : specByTarget.get(target);
            if (spec !== undefined && spec.active && spec.id !== A.collectorId) {
              if (!fallbacks.includes(spec.name)) fallbacks.push(spec.name);
              break;
            }
          }
        }
        const tookOver = B !== undefined && A.collectorId !== B.collectorId && levelOf(chain, A.collectorId) >= levelOf(chain, B.collectorId);
        const base = tookOver ? `${relation(A, B!)} and is suspended` : `collector ${q(A)} is suspended`;
        const why = fallbacks.length === 0 ? base : `${base} and still holds its place over ${listOf(fallbacks.map((f) => `"${f}"`))}`;
        line = `${who} ${verb('stop', 'stops')} receiving flow logs: ${why}`;
      }
    } else if (g.kind === 'started' && A) {
      let why: string;
      if (B === undefined) why = `collector ${q(A)} now covers ${them}`;
      else if (A.collectorId === B.collectorId) why = `collector ${q(A)} is resumed`;
      else why = relation(A, B, 'suspended ');
      line = `${who} ${verb('start', 'starts')} receiving flow logs in ${A.bucket}: ${why}`;
    } else if (A && B && A.active && B.active) {
      line = `${who} ${verb('keep', 'keeps')} going to ${A.bucket}: ${relation(A, B)}`;
    } else if (A === undefined) {
      line = `${who} ${verb('are', 'is')} no longer covered by any collector`;
    } else if (B === undefined) {
      line = `${who} still ${verb('receive', 'receives')} no flow logs: collector ${q(A)} now covers ${them} but is suspended`;
    } else if (A.collectorId === B.collectorId) {
      line = `${who} still ${verb('receive', 'receives')} no flow logs: suspended collector ${q(A)} now points at ${A.bucket}`;
    } else {
      line = `${who} still ${verb('receive', 'receives')} no flow logs: suspended ${relation(A, B, 'suspended ')}`;
    }
    lines.push({ group: g, line });
  }
  lines.sort(
    (x, y) =>
      KIND_ORDER[x.group.kind] - KIND_ORDER[y.group.kind] || y.group.ids.length - x.group.ids.length || x.group.first - y.group.first,
  );
  return lines.map((l) => l.line);
}
