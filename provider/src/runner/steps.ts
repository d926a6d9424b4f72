/** What a run did, or in a preview would do, to each resource: the input of the rendering. */
import type { WireObject, WireValue } from '../rpc/codec';

export type Op = 'create' | 'update' | 'replace' | 'delete' | 'same' | 'read' | 'refresh' | 'import';

export interface PropertyChange {
  path: string;
  kind: 'add' | 'delete' | 'update';
  /** The change forces a replacement. */
  replace: boolean;
  old?: WireValue;
  new?: WireValue;
}

export interface Step {
  op: Op;
  urn: string;
  type: string;
  name: string;
  changes: PropertyChange[];
  /** For a create: the inputs it creates with. */
  inputs?: WireObject;
  /** The step failed: what went wrong. */
  error?: string;
  /** Something worth saying that is not a change of the resource (refresh: coverage recomputed). */
  note?: string;
  /** A delete of a resource with retainOnDelete: it left the stack, and stays in the cloud. */
  retained?: boolean;
}

/** Reads `a.b[0].c` out of a wire object; undefined when absent. */
export function valueAt(obj: WireObject, path: string): WireValue | undefined {
  let value: WireValue | undefined = obj;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (value === null || typeof value !== 'object') return undefined;
    value = Array.isArray(value) ? value[Number(part)] : (value as WireObject)[part];
  }
  return value;
}

/** Top-level keys whose values differ (by their JSON form), for refresh's drift and the runner's own resources. */
export function changedKeys(olds: WireObject, news: WireObject, replace = false): PropertyChange[] {
  const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].sort();
  const changes: PropertyChange[] = [];
  for (const path of keys) {
    const [o, n] = [olds[path], news[path]];
    if (JSON.stringify(o) === JSON.stringify(n)) continue;
    changes.push({ path, kind: o === undefined ? 'add' : n === undefined ? 'delete' : 'update', replace, old: o, new: n });
  }
  return changes;
}
