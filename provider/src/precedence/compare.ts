/** What a change to the collector set does to every interface's flow logs, and the warnings a user must see. */
import { diffResolutions } from './diff';
import { coverageOf, resolve } from './resolve';
import { summarizeChanges, SUSPENDED_RULE_NOTE } from './wording';
import type { CollectorSpec, CoverageEntry, InterfaceChange, Resolution, Topology } from './types';

export interface CoverageComparison {
  before: Resolution;
  after: Resolution;
  changes: InterfaceChange[];
  /** The warnings a user must see: buckets that change, logs that stop, interfaces left uncovered. */
  warnings: string[];
  /** The same, for a collector whose target, bucket or name is secret: a count, naming nothing. */
  redactedWarnings: string[];
  /** Good news worth a line (info, not a warning): interfaces that start receiving flow logs, e.g. on resume. */
  notes: string[];
}

/** Changes a user is warned about: flow logs that go to another bucket, and flow logs that stop (or lose every collector). */
const WARNED: ReadonlySet<InterfaceChange['kind']> = new Set(['moved', 'stopped']);

/** What happens to every interface's flow logs between two collector sets, and the warnings it calls for. */
export function compare(topology: Topology, before: CollectorSpec[], after: CollectorSpec[]): CoverageComparison {
  const b = resolve(topology, before);
  const a = resolve(topology, after);
  const changes = diffResolutions(b, a);
  const warned = changes.filter((c) => WARNED.has(c.kind));
  const notes = summarizeChanges(changes.filter((c) => c.kind === 'started'), topology, after, before);
  if (warned.length === 0) return { before: b, after: a, changes, warnings: [], redactedWarnings: [], notes };
  // A stop depends on the suspended-collector rule when, without the rule, an active collector would receive the logs.
  let dependent: InterfaceChange[] = [];
  if (warned.some((c) => c.after !== undefined && !c.after.active)) {
    const without = resolve(topology, after, { suspendedCollectorHoldsItsPlace: false });
    const delivered = new Set(without.interfaces.filter((r) => r.winner?.active).map((r) => r.interfaceId));
    dependent = warned.filter((c) => c.after !== undefined && !c.after.active && delivered.has(c.interfaceId));
  }
  const rest = warned.filter((c) => !dependent.includes(c));
  const warnings = [
    ...summarizeChanges(dependent, topology, after, before).map((line) => `${line}${SUSPENDED_RULE_NOTE}`),
    ...summarizeChanges(rest, topology, after, before),
  ];
  const count = warned.length === 1 ? "1 interface's flow logs move to another bucket or stop" : `${warned.length} interfaces' flow logs move to another bucket or stop`;
  const redacted = `${count} with this change; the details are not shown because this collector's target, storage bucket or name is secret${dependent.length > 0 ? SUSPENDED_RULE_NOTE : ''}`;
  return { before: b, after: a, changes, warnings, redactedWarnings: [redacted], notes };
}

/** The coverage of one collector among a set of collectors. */
export function coverageAmong(topology: Topology, collectors: CollectorSpec[], collectorId: string): CoverageEntry[] {
  return coverageOf(resolve(topology, collectors), collectorId, topology);
}
