/**
 * Which collector each resource (URN) of the deployment manages, as far as this provider process has seen: one
 * registry per plugin process, reachable from the provider context (resources/types.ts). The engine gives each call
 * only its own resource's data, and replaces a resource with a Check that has no olds (pulumi/pulumi
 * pkg/resource/deploy/step_generator.go, continueStepsFromDiff and continueStepsFromImport), so what a process has
 * already seen of a URN is how it tells the collector being replaced from one this resource does not manage.
 */
import type { CollectorSpec } from '../precedence/types';
import { targetId } from './collectorRules';
import { specFromProperties } from './liveState';

export interface ManagedEntry {
  /** The collector's id, once seen (Diff, Create, Read, Update, Delete carry it). */
  id?: string;
  /** The target the resource's state names (Check's olds, or its collector). */
  targetId?: string;
  /** The collector as last seen; from Check's olds alone, keyed by the URN (its id is not known yet). */
  spec?: CollectorSpec;
  /** The engine replaces this resource: Diff said so, or a Check without olds came after its state was seen. */
  replacing: boolean;
  /** This process answered a Diff for the resource (every answer asks for deleteBeforeReplace). */
  diffed: boolean;
  /** The collector was deleted through this process (a delete-first replacement deletes before it creates). */
  deleted: boolean;
}

/** Whose collector holds a target, from this resource's point of view. */
export type Holder = { kind: 'this-resource' } | { kind: 'other-resource'; urn: string } | { kind: 'unknown' };

export class ManagedCollectors {
  private readonly byUrn = new Map<string, ManagedEntry>();

  get(urn: string): ManagedEntry | undefined {
    return this.byUrn.get(urn);
  }

  /** The resource (URN) that manages a collector id, if this process knows one. */
  urnOf(id: string): string | undefined {
    for (const [urn, entry] of this.byUrn) if (entry.id === id && !entry.deleted) return urn;
    return undefined;
  }

  /** Whose collector `holder` is: this resource's, another resource's of the deployment, or not known here. */
  holderOf(urn: string, holder: { id: string; targetId: string }): Holder {
    const mine = this.byUrn.get(urn);
    if (mine?.id === holder.id) return { kind: 'this-resource' };
    const other = this.urnOf(holder.id);
    if (other !== undefined && other !== urn) return { kind: 'other-resource', urn: other };
    if (mine?.targetId === holder.targetId) return { kind: 'this-resource' };
    return { kind: 'unknown' };
  }

  /** Check with olds: the resource's recorded inputs, which name the target its collector holds. */
  noteOlds(urn: string, olds: Record<string, unknown>): void {
    if (!urn || typeof olds.target !== 'string') return;
    const entry = this.entry(urn);
    entry.targetId = targetId(olds.target);
    if (entry.id === undefined) entry.spec = specFromProperties(urn, olds);
  }

  /** Check without olds of a resource whose state this process has seen: the engine is replacing it. */
  noteCheckWithoutOlds(urn: string): void {
    const entry = this.byUrn.get(urn);
    if (entry && !entry.deleted) entry.replacing = true;
  }

  /** Diff of an existing resource: its id and recorded outputs; `replacing` when the diff replaces it. */
  noteDiff(urn: string, id: string, olds: Record<string, unknown>, replacing: boolean): void {
    if (!urn || !id) return;
    this.byUrn.set(urn, { id, targetId: typeof olds.target === 'string' ? targetId(olds.target) : undefined, spec: specFromProperties(id, olds), replacing, diffed: true, deleted: false });
  }

  /** A Create, Read or Update answer: the resource now manages this collector. */
  noteState(urn: string, id: string, outputs: Record<string, unknown>): void {
    if (!urn || !id) return;
    this.byUrn.set(urn, { id, targetId: typeof outputs.target === 'string' ? targetId(outputs.target) : undefined, spec: specFromProperties(id, outputs), replacing: false, diffed: false, deleted: false });
  }

  /**
   * The collector is gone: a Delete through this process, or a Read of nothing. A Delete carries the recorded state,
   * so a delete-first replacement (Delete, then Create) knows the old collector even in a process that saw nothing
   * else of it (`pulumi up --replace`).
   */
  noteDeleted(urn: string, id: string, state: Record<string, unknown> = {}): void {
    if (!urn || !id) return;
    const entry = this.entry(urn);
    if (entry.id !== undefined && entry.id !== id) return;
    entry.id = id;
    entry.spec ??= specFromProperties(id, state);
    if (entry.spec && entry.spec.id !== id) entry.spec = { ...entry.spec, id };
    entry.targetId ??= entry.spec?.targetId;
    entry.deleted = true;
  }

  private entry(urn: string): ManagedEntry {
    let entry = this.byUrn.get(urn);
    if (!entry) {
      entry = { replacing: false, diffed: false, deleted: false };
      this.byUrn.set(urn, entry);
    }
    return entry;
  }
}
