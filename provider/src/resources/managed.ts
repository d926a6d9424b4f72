import type { CollectorSpec } from '../precedence/types';
import { specFromProperties } from './coverage';

/** What the provider process knows about the collector one resource (URN) manages. */
export interface ManagedEntry {
  id: string;
  /** The collector as last seen (Diff's recorded outputs, or Create/Read/Update's answer). */
  spec?: CollectorSpec;
  /** Diff said this resource is being replaced, and its new collector is not created yet. */
  replacing: boolean;
  /** The collector was deleted through this process (a delete-first replacement deletes before it creates). */
  deleted: boolean;
}

/**
 * Resource URN → the collector it manages, filled from Diff requests (they carry id and URN) and from Create, Read and
 * Update answers. Check uses it to tell our own collector from a foreign one (the engine re-runs Check with empty olds
 * during a replacement), and Create to see a replacement's old collector.
 */
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

  /** Diff of an existing resource: its id and recorded outputs; `replacing` when the diff replaces it. */
  noteDiff(urn: string, id: string, olds: Record<string, unknown>, replacing: boolean): void {
    if (!urn || !id) return;
    this.byUrn.set(urn, { id, spec: specFromProperties(id, olds), replacing, deleted: false });
  }

  /** A Create, Read or Update answer: the resource now manages this collector. */
  noteState(urn: string, id: string, outputs: Record<string, unknown>): void {
    if (!urn || !id) return;
    this.byUrn.set(urn, { id, spec: specFromProperties(id, outputs), replacing: false, deleted: false });
  }

  /** The collector is gone: a Delete through this process (kept for a delete-first replacement), or a Read of nothing. */
  noteDeleted(urn: string, id: string): void {
    const entry = this.byUrn.get(urn);
    if (entry && entry.id === id) entry.deleted = true;
  }

  forget(urn: string): void {
    this.byUrn.delete(urn);
  }
}
