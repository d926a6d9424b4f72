/**
 * One deployment as one plugin process sees it (the engine starts a process per provider per run, and Configures it
 * once): per VPC, the collectors live when the deployment began (the baseline, one paged listing) and the live set kept
 * true by this process's own creates, updates and deletes; and every collector the program registered (Check), which
 * is what a preview or an update predicts against. Re-read only when a request shows the live set stale (a conflict,
 * a collector that vanished).
 */
import type { Collector, CollectorFilters } from '../ibm/types';
import type { CollectorSpec } from '../precedence/types';
import { specOf } from './liveState';

/** A collector the program registered through Check, by URN. */
export interface PlannedCollector {
  urn: string;
  vpcId: string;
  /** The collector as planned; `id` is the URN until placed in a world (worldOf). */
  spec: CollectorSpec;
  /** The target the resource's recorded state names (Check's olds), when it moves to another. */
  oldTargetId?: string;
  /** Whether its bucket and active flag are known (a preview can have them unknown). */
  known: boolean;
}

/**
 * How long no Check must arrive before a Create or Update predicts: the engine sends a resource's Check, then its
 * Diff, then runs its Create in the step executor while the program's later registrations are still Checked
 * (pulumi/pulumi pkg/resource/deploy/step_generator.go GenerateSteps calls Check and Diff inline in the event loop;
 * step_executor.go runs the steps concurrently). Checks of one program arrive back to back, so a short quiet spell
 * means the program has registered what it will register before this step.
 */
export const QUIET_MS = 250;

type Lister = (filters: CollectorFilters, options: { signal?: AbortSignal }) => AsyncIterable<Collector>;

export class Deployment {
  private readonly live = new Map<string, Promise<Map<string, Collector>>>();
  private readonly baselines = new Map<string, CollectorSpec[]>();
  private readonly planned = new Map<string, PlannedCollector>();
  private checking = 0;
  private lastCheck = 0;
  /** Bumped whenever the planned set or a baseline changes: caches of predictions key on it. */
  version = 0;

  constructor(private readonly list: Lister, private readonly quietMs = QUIET_MS) {}

  /** The VPC's live collectors by id: one paged listing per deployment, then kept true by this process's writes. */
  collectors(vpcId: string, signal?: AbortSignal): Promise<Map<string, Collector>> {
    let loading = this.live.get(vpcId);
    if (!loading) {
      loading = this.read(vpcId, signal);
      this.live.set(vpcId, loading);
      loading.catch(() => {
        if (this.live.get(vpcId) === loading) this.live.delete(vpcId); // a failed read is not kept
      });
    }
    return loading;
  }

  /** The collectors live when the deployment first looked at the VPC. */
  async baseline(vpcId: string, signal?: AbortSignal): Promise<CollectorSpec[]> {
    await this.collectors(vpcId, signal);
    return this.baselines.get(vpcId) ?? [];
  }

  /** Reads the VPC's collectors again (a request showed the live set stale); the baseline stays. */
  reread(vpcId: string, signal?: AbortSignal): Promise<Map<string, Collector>> {
    this.live.delete(vpcId);
    return this.collectors(vpcId, signal);
  }

  /** The live collector on a target, from the live set. */
  async holderOf(vpcId: string, targetId: string, signal?: AbortSignal): Promise<Collector | undefined> {
    for (const c of (await this.collectors(vpcId, signal)).values()) if (c.target.id === targetId) return c;
    return undefined;
  }

  /** A collector this process created or changed, as IBM answered. */
  noteWritten(c: Collector): void {
    void this.live.get(c.vpc.id)?.then((m) => m.set(c.id, c), () => undefined);
  }

  /** A collector this process deleted, or found gone. */
  noteGone(id: string): void {
    for (const loading of this.live.values()) void loading.then((m) => m.delete(id), () => undefined);
  }

  /** A Check begins: predictions wait until the program's registrations pause (QUIET_MS). */
  checkStarted(): void {
    this.checking += 1;
  }

  checkEnded(): void {
    this.checking -= 1;
    this.lastCheck = Date.now();
  }

  /** Resolves once no Check is running and none has ended for QUIET_MS. */
  async quiescent(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const wait = this.checking > 0 ? this.quietMs : this.lastCheck + this.quietMs - Date.now();
      if (wait <= 0) return;
      if (signal?.aborted) return;
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  /**
   * Registers a resource's planned collector; answers the other resource of the deployment planned on the same
   * target, if any (a target holds one collector).
   */
  plan(entry: PlannedCollector): PlannedCollector | undefined {
    const other = [...this.planned.values()].find((p) => p.urn !== entry.urn && p.spec.targetId === entry.spec.targetId);
    if (other) return other;
    this.planned.set(entry.urn, entry);
    this.version += 1;
    return undefined;
  }

  plannedOf(urn: string): PlannedCollector | undefined {
    return this.planned.get(urn);
  }

  /** Every URN of the deployment's planned collectors. */
  plannedUrns(): Set<string> {
    return new Set(this.planned.keys());
  }

  /**
   * The VPC as the deployment will leave it: the baseline with every planned collector in place. A planned collector
   * takes the id of the baseline collector on its target (to the user, the same collector changed), and removes its
   * old collector when it moves to another target. `keys` maps each planned URN to the id it has in the world.
   */
  worldOf(vpcId: string, baseline: CollectorSpec[]): { world: CollectorSpec[]; keys: Map<string, string> } {
    const byTarget = new Map(baseline.map((c) => [c.targetId, c]));
    const removed = new Set<string>();
    const placed = new Map<string, CollectorSpec>();
    const keys = new Map<string, string>();
    for (const p of this.planned.values()) {
      if (p.vpcId !== vpcId) continue;
      const onTarget = byTarget.get(p.spec.targetId);
      const id = onTarget?.id ?? p.urn;
      keys.set(p.urn, id);
      placed.set(id, { ...p.spec, id });
      const old = p.oldTargetId !== undefined && p.oldTargetId !== p.spec.targetId ? byTarget.get(p.oldTargetId) : undefined;
      if (old) removed.add(old.id);
    }
    const world = baseline.filter((c) => !removed.has(c.id) && !placed.has(c.id));
    world.push(...placed.values());
    return { world, keys };
  }

  private async read(vpcId: string, signal?: AbortSignal): Promise<Map<string, Collector>> {
    const found = new Map<string, Collector>();
    for await (const c of this.list({ 'vpc.id': vpcId }, { signal })) found.set(c.id, c);
    if (!this.baselines.has(vpcId)) {
      this.baselines.set(vpcId, [...found.values()].map(specOf));
      this.version += 1;
    }
    return found;
  }
}
