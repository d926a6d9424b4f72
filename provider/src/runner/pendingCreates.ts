/**
 * Settling the creates an earlier run started and never saw the end of (it was killed, or the plugin died): before
 * anything else, each is looked up by its target. A target has at most one flow log collector, so the target is the
 * natural key: a collector there with the bucket (and name) that was asked for is the one that run created, and it
 * goes back into the state as if its Create had answered; without one, the create never happened and is dropped.
 */
import type { Severity } from './deployment';
import { SECRET_SIG, SIG_KEY, type WireObject, type WireValue } from '../rpc/codec';
import { PACKAGE, type ProviderPool } from './providers';
import * as calls from './resourceCalls';
import type { LiveState } from './liveState';
import type { PendingOperation } from './stackState';

export const COLLECTOR_TYPE = `${PACKAGE}:index:FlowLogCollector`;
const LIST_TOKEN = `${PACKAGE}:index:getFlowLogCollectors`;

/** A wire value as a plain string: secrets unwrapped; undefined when absent, redacted or not a string. */
function text(value: WireValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && (value as WireObject)[SIG_KEY] === SECRET_SIG) return text((value as WireObject).value);
  return undefined;
}

export type Outcome = 'adopted' | 'dropped';
type Note = (urn: string, severity: Severity, message: string) => void;

/**
 * Settles every unsettled create of `live`; a failed look-up is thrown (the run must not go on without it). A
 * preview settles them too, in memory only, so that its plan is right.
 */
export async function settlePendingCreates(live: LiveState, providers: ProviderPool, note: Note, preview = false): Promise<Record<Outcome, number>> {
  const counts: Record<Outcome, number> = { adopted: 0, dropped: 0 };
  for (const op of live.unsettledCreates()) counts[await settleCreate(op, live, providers, note, 'an earlier run', preview)] += 1;
  return counts;
}

/**
 * Looks one pending create up by its target and records what it finds (see the top of this file). `by` names the
 * run that started it in the notes: "an earlier run", or "this run" for a Create that failed without saying whether
 * its collector exists.
 */
export async function settleCreate(op: PendingOperation, live: LiveState, providers: ProviderPool, note: Note, by: string, preview = false): Promise<Outcome> {
  const r = op.resource;
  const target = text(r.inputs.target);
  if (r.type !== COLLECTOR_TYPE || target === undefined) {
    note(r.urn, 'warning', `${by} was creating ${r.name} (${r.type}) when it stopped (${op.startedAt}), and the runner cannot look it up by its target; if it exists, import it`);
    live.endCreate(op);
    return 'dropped';
  }
  const { plugin } = await providers.forResource(r.provider);
  // A CRN's id is its last part (the runner does not import the IBM clients; see the layout table).
  const targetId = target.slice(target.lastIndexOf(':') + 1);
  const { collectors } = (await calls.invoke(plugin, LIST_TOKEN, { target: targetId })) as { collectors?: Array<{ id: string; name: string; storageBucket: string }> };
  const bucket = text(r.inputs.storageBucket);
  const name = text(r.inputs.name);
  // A collector the state already holds (the old one of a replacement, on the same target) is not this create's.
  const known = live.knownIds();
  const found = (collectors ?? []).find((c) => !known.has(c.id) && (bucket === undefined || c.storageBucket === bucket) && (name === undefined || c.name === name));
  const read = found ? await calls.read(plugin, r, found.id, {}, r.inputs) : undefined;
  if (!found || !read || read.id === '') {
    note(r.urn, 'info', `${by} was creating ${r.name} when it stopped (${op.startedAt}); target ${target} has no such collector, so nothing was created`);
    live.endCreate(op);
    return 'dropped';
  }
  live.endCreate(op, { ...r, id: read.id, outputs: read.outputs });
  note(r.urn, 'info', `${by} created ${r.name} (${read.id}) but stopped before recording it; ${preview ? 'the next up records it' : 'it is in the state now'}`);
  return 'adopted';
}
