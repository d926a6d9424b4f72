/**
 * The stack's state as a run changes it, written to the state file after every change that reached the cloud, so
 * that an interrupted run loses nothing: a created collector is in the file before the next call starts.
 *
 * Order matters for destroy (reverse order): resources registered in this run come first, in the order their
 * registrations completed (a resource completes only after the resources it depends on), then the rest in their
 * previous order, then replaced resources still waiting to be deleted.
 */
import type { WireObject } from '../rpc/codec';
import { saveState, type PendingOperation, type ResourceState, type StackState } from './stackState';

export class LiveState {
  private readonly current = new Map<string, ResourceState>();
  private readonly registered: string[] = [];
  private pendingDeletes: ResourceState[];
  private pendingCreates: PendingOperation[];
  private outputs: WireObject;

  /** `file` undefined: nothing is written (a preview). */
  constructor(private readonly previous: StackState, private readonly file: string | undefined) {
    for (const r of previous.resources) if (!r.pendingDelete) this.current.set(r.urn, r);
    this.pendingDeletes = previous.resources.filter((r) => r.pendingDelete);
    this.pendingCreates = [...(previous.pendingOperations ?? [])];
    this.outputs = previous.outputs;
  }

  /** Creates an earlier run started and never recorded the end of (it was killed or interrupted). */
  unsettledCreates(): PendingOperation[] {
    return [...this.pendingCreates];
  }

  /** The ids of every resource the state records, pending deletes included. */
  knownIds(): Set<string> {
    return new Set([...this.current.values(), ...this.pendingDeletes].map((r) => r.id).filter((id) => id !== ''));
  }

  /** Written before the plugin's Create is called: if the run dies during it, the next run knows to look. */
  beginCreate(resource: ResourceState): PendingOperation {
    const op: PendingOperation = { type: 'creating', resource, startedAt: new Date().toISOString() };
    this.pendingCreates.push(op);
    this.persist();
    return op;
  }

  /** The create's outcome is known: the resource (created, or found by a later run), or nothing. One write. */
  endCreate(op: PendingOperation, created?: ResourceState): void {
    this.pendingCreates = this.pendingCreates.filter((p) => p !== op);
    if (created) this.current.set(created.urn, created);
    this.persist();
  }

  get(urn: string): ResourceState | undefined {
    return this.current.get(urn);
  }

  /** Resources of the state, in order, that this run has not registered (the program no longer declares them). */
  unregistered(): ResourceState[] {
    return this.snapshot().resources.filter((r) => !r.pendingDelete && !this.registered.includes(r.urn));
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
    // Found by settling an earlier run's pending create, and not (yet) registered in this one.
    const listed = new Set([...first, ...rest].map((r) => r.urn));
    const adopted = [...this.current.values()].filter((r) => !listed.has(r.urn));
    const state: StackState = { ...this.previous, resources: [...first, ...rest, ...adopted, ...this.pendingDeletes], outputs: this.outputs };
    if (this.pendingCreates.length > 0) state.pendingOperations = [...this.pendingCreates];
    else delete state.pendingOperations;
    return state;
  }

  persist(): void {
    if (this.file) saveState(this.file, this.snapshot());
  }
}
