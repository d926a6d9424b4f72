/**
 * The stack's state as a run changes it, written to the state file after every change that reached the cloud, so
 * that an interrupted run loses nothing: a created collector is in the file before the next call starts.
 *
 * Order matters for destroy (reverse order): resources registered in this run come first, in the order their
 * registrations completed (a resource completes only after the resources it depends on), then the rest in their
 * previous order, then replaced resources still waiting to be deleted.
 */
import type { WireObject } from '../rpc/codec';
import { saveState, type ResourceState, type StackState } from './stackState';

export class LiveState {
  private readonly current = new Map<string, ResourceState>();
  private readonly registered: string[] = [];
  private pendingDeletes: ResourceState[];
  private outputs: WireObject;

  /** `file` undefined: nothing is written (a preview). */
  constructor(private readonly previous: StackState, private readonly file: string | undefined) {
    for (const r of previous.resources) if (!r.pendingDelete) this.current.set(r.urn, r);
    this.pendingDeletes = previous.resources.filter((r) => r.pendingDelete);
    this.outputs = previous.outputs;
  }

  get(urn: string): ResourceState | undefined {
    return this.current.get(urn);
  }

  /** Resources of the previous state, in order, that this run has not registered. */
  unregistered(): ResourceState[] {
    return this.previous.resources.filter((r) => !r.pendingDelete && !this.registered.includes(r.urn) && this.current.has(r.urn));
  }

  pending(): ResourceState[] {
    return [...this.pendingDeletes];
  }

  all(): ResourceState[] {
    return this.snapshot().resources;
  }

  set(r: ResourceState): void {
    this.current.set(r.urn, r);
    this.persist();
  }

  markRegistered(urn: string): void {
    if (!this.registered.includes(urn)) this.registered.push(urn);
  }

  remove(urn: string): void {
    this.current.delete(urn);
    this.persist();
  }

  addPendingDelete(r: ResourceState): void {
    this.pendingDeletes.push({ ...r, pendingDelete: true });
    this.persist();
  }

  removePendingDelete(r: ResourceState): void {
    this.pendingDeletes = this.pendingDeletes.filter((p) => !(p.urn === r.urn && p.id === r.id));
    this.persist();
  }

  setOutputs(outputs: WireObject): void {
    this.outputs = outputs;
    this.persist();
  }

  snapshot(): StackState {
    const first = this.registered.map((urn) => this.current.get(urn)).filter((r): r is ResourceState => r !== undefined);
    const rest = this.previous.resources.filter((r) => !r.pendingDelete && !this.registered.includes(r.urn)).map((r) => this.current.get(r.urn)).filter((r): r is ResourceState => r !== undefined);
    return { ...this.previous, resources: [...first, ...rest, ...this.pendingDeletes], outputs: this.outputs };
  }

  persist(): void {
    if (this.file) saveState(this.file, this.snapshot());
  }
}
