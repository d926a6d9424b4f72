/**
 * The offline runner's engine: what `pulumi preview`, `up`, `refresh` and `destroy` do with a program's
 * registrations, played against the real plugin process over gRPC.
 *
 * ibmflowlogs resources go Check → Diff → Create, Update or replace (create-before-delete unless the plugin or the
 * program asks for delete-before-replace), with `preview` set in a preview; resources gone from the program are
 * deleted once the program has run without error (an erroring program deletes nothing, as with Pulumi).
 * `@pulumi/random` resources are the runner's own (randomResources.ts); other packages are refused by name.
 *
 * What Pulumi does to lose nothing, the runner does too: a lock per stack (stackLock.ts), creates written to the
 * state as pending before the plugin's Create and settled by the next run (pendingCreates.ts), and Ctrl-C in two
 * steps — the first lets the operations in flight finish and saves, the second stops at once.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { decode, sameValue, UNKNOWN_SENTINEL, unwrapObject, containsUnknown, type PObject, type WireObject } from '../rpc/codec';
import { EngineServer } from './engineServer';
import { LiveState } from './liveState';
import { pluginLocator } from './pluginDiscovery';
import { initFailureOf, type RpcError } from './pluginProcess';
import { runProgram, type Registration, type RegistrationResult } from './programLoader';
import { providerConfig, type Project } from './projectFiles';
import { CheckFailedError, PACKAGE, PROVIDER_TYPE, ProviderPool } from './providers';
import { cryptoRandom, randomTypeOf } from './randomResources';
import * as calls from './resourceCalls';
import { settleCreate, settlePendingCreates } from './pendingCreates';
import { StackLock } from './stackLock';
import { loadState, type ResourceState } from './stackState';
import { changedKeys, type Step } from './steps';

/** pulumirpc.LogSeverity's order: DEBUG, INFO, WARNING, ERROR. */
const SEVERITIES = ['debug', 'info', 'warning', 'error'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Diagnostic {
  urn: string;
  severity: Severity;
  message: string;
}

export interface RunOptions {
  project: Project;
  stack: string;
  stateFile: string;
  /** Config that wins over every provider's (the emulator's endpoints and credentials), in wire form. */
  overrides?: WireObject;
  /** The plugin's environment (its config fallbacks). */
  env?: NodeJS.ProcessEnv;
  /** Take SIGINT and SIGTERM as the CLI does: the first lets the operations in flight finish, the second stops now. */
  handleSignals?: boolean;
}

export type RunKind = 'preview' | 'up' | 'refresh' | 'destroy';

export interface RunReport {
  kind: RunKind;
  project: string;
  stack: string;
  steps: Step[];
  diagnostics: Diagnostic[];
  /** The program's exports (preview, up) in wire form. */
  outputs: WireObject;
  ok: boolean;
  /** A Ctrl-C (or SIGTERM) ended the run early, after the operations in flight had finished. */
  interrupted?: boolean;
}

/**
 * A collector's `coverage` depends on the other collectors of its VPC, so it changes when they do, without the
 * collector itself changing: refresh reports it as recomputed, not as drift.
 */
const DERIVED_OUTPUT = 'coverage';

const isOurs = (type: string) => type.startsWith(`${PACKAGE}:`);
const isRandom = (type: string) => type.startsWith('random:');

/** What a registration meets once the run has been interrupted: it is not started. */
class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
  constructor() {
    super('interrupted before it started');
  }
}

function messageOf(error: unknown): string {
  const e = error as Partial<RpcError>;
  return typeof e.details === 'string' && e.details !== '' ? e.details : (error as Error)?.message ?? String(error);
}

class Session {
  readonly engine = new EngineServer();
  readonly steps: Step[] = [];
  readonly errors: Diagnostic[] = [];
  /** What the runner itself has to say (settled pending creates). */
  readonly notes: Diagnostic[] = [];
  readonly live: LiveState;
  readonly providers: ProviderPool;
  interrupted = false;
  /** Operations not started because of the interrupt. */
  skipped = 0;

  constructor(readonly options: RunOptions, readonly preview: boolean) {
    const { project, stack } = options;
    const previous = loadState(options.stateFile, project.name, stack);
    this.live = new LiveState(previous, preview ? undefined : options.stateFile);
    this.providers = new ProviderPool(
      this.engine,
      options.env ?? process.env,
      `urn:pulumi:${stack}::${project.name}::${PROVIDER_TYPE}::default`,
      providerConfig(project.config, PACKAGE),
      options.overrides ?? {},
      previous.resources.filter((r) => r.type === PROVIDER_TYPE),
      pluginLocator(project, options.env ?? process.env),
    );
  }

  fail(urn: string, error: unknown): never {
    const message = messageOf(error);
    this.errors.push({ urn, severity: 'error', message });
    const step = this.steps.find((st) => st.urn === urn);
    if (step) step.error = message;
    else this.steps.push({ op: this.live.get(urn) ? 'update' : 'create', urn, type: urn.split('::')[2] ?? '', name: urn.split('::')[3] ?? urn, changes: [], error: message });
    throw error instanceof Error ? error : new Error(message);
  }

  report(kind: RunKind, outputs: WireObject): RunReport {
    const logged = this.engine.messages.map((m) => ({ urn: m.urn, severity: SEVERITIES[m.severity] ?? 'info', message: m.message }));
    const errors = [...this.errors];
    if (this.interrupted) {
      const skipped = this.skipped > 0 ? `; ${this.skipped} not started` : '';
      errors.push({ urn: '', severity: 'error', message: `interrupted: the operations in flight finished and the state is saved${skipped}. Run \`ibm-flowlogs run ${kind}\` again to finish.` });
    }
    return { kind, project: this.options.project.name, stack: this.options.stack, steps: this.steps, diagnostics: [...logged, ...this.notes, ...errors], outputs, ok: errors.length === 0, interrupted: this.interrupted };
  }

  note(urn: string, severity: Severity, message: string): void {
    this.notes.push({ urn, severity, message });
  }

  /** Ctrl-C in two steps (see the top of this file); returns the function that removes the handlers. */
  watchSignals(): () => void {
    let count = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      count += 1;
      if (count === 1) {
        this.interrupted = true;
        const what = signal === 'SIGINT' ? 'Ctrl-C' : signal;
        process.stderr.write(`\n${what}: starting nothing new; waiting for the operations in flight to finish, then saving the state. ${what} again stops at once.\n`);
        return;
      }
      process.stderr.write('stopping now: the state records the creates in flight, and the next run settles them.\n');
      this.providers.killAll();
      process.exit(130);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    return () => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    };
  }

  /** Settles the creates an earlier run left pending; a failed look-up is the run's error. */
  async settle(): Promise<boolean> {
    try {
      await settlePendingCreates(this.live, this.providers, (urn, severity, message) => this.note(urn, severity, message), this.preview);
      return true;
    } catch (error) {
      this.errors.push({ urn: '', severity: 'error', message: `could not settle the creates an earlier run left pending (${messageOf(error)}); nothing was changed` });
      return false;
    }
  }

  async close(): Promise<void> {
    await this.providers.stopAll();
    this.engine.stop();
  }

  // ---- registrations -------------------------------------------------------------------------------------------

  async register(reg: Registration): Promise<RegistrationResult> {
    if (this.interrupted) {
      this.skipped += 1;
      throw new InterruptedError();
    }
    this.live.markRegistered(reg.urn);
    try {
      if (reg.kind === 'read') return await this.readExternal(reg);
      if (reg.type === PROVIDER_TYPE) return await this.registerProvider(reg);
      if (reg.type.startsWith('pulumi:providers:')) throw new Error(`the offline runner runs the ${PACKAGE} plugin only; ${reg.type} is another provider`);
      if (!reg.custom) return this.registerComponent(reg);
      if (isRandom(reg.type)) return this.registerRandom(reg);
      if (isOurs(reg.type)) return await this.registerOurs(reg);
      throw new Error(`the offline runner supports ${PACKAGE} and @pulumi/random resources; ${reg.type} is neither (deploy it with the Pulumi CLI)`);
    } catch (error) {
      return this.fail(reg.urn, error);
    }
  }

  private record(op: Step['op'], reg: Registration, extra: Partial<Step> = {}): void {
    this.steps.push({ op, urn: reg.urn, type: reg.type, name: reg.name, changes: [], ...extra });
  }

  private base(reg: Registration, old?: ResourceState): Omit<ResourceState, 'id' | 'inputs' | 'outputs'> {
    return { urn: reg.urn, type: reg.type, name: reg.name, custom: reg.custom, provider: reg.provider, protect: reg.protect || undefined, randomSeed: old?.randomSeed };
  }

  private async registerProvider(reg: Registration): Promise<RegistrationResult> {
    const old = this.live.get(reg.urn);
    const id = old?.id ?? randomUUID();
    const { inputs } = await this.providers.configure(`${reg.urn}::${id}`, reg.urn, reg.news, old?.inputs);
    const changes = old ? changedKeys(old.inputs, inputs) : [];
    this.record(!old ? 'create' : changes.length > 0 ? 'update' : 'same', reg, { changes });
    if (!this.preview) this.live.set({ ...this.base(reg), id, inputs, outputs: inputs });
    return { id, state: inputs };
  }

  private registerComponent(reg: Registration): RegistrationResult {
    const old = this.live.get(reg.urn);
    this.record(old ? 'same' : 'create', reg);
    if (!this.preview) this.live.set({ ...this.base(reg), id: '', inputs: reg.news, outputs: reg.news });
    return { state: reg.news };
  }

  private registerRandom(reg: Registration): RegistrationResult {
    const kind = randomTypeOf(reg.type);
    const news = decode(reg.news) as PObject;
    if (!containsUnknown(news)) {
      const failures = kind.check(unwrapObject(news));
      if (failures.length > 0) throw new CheckFailedError(reg.urn, failures);
    }
    const old = this.live.get(reg.urn);
    if (old && sameValue(decode(old.inputs), news)) {
      this.record('same', reg);
      return { id: old.id, state: old.outputs };
    }
    // Every input of the random provider forces a new value: a change is a replacement.
    this.record(old ? 'replace' : 'create', reg, { changes: old ? changedKeys(old.inputs, reg.news, true) : [], inputs: reg.news });
    if (this.preview) {
      return { state: { ...reg.news, ...Object.fromEntries(kind.generated.map((k) => [k, UNKNOWN_SENTINEL])) } };
    }
    const { id, outputs } = kind.generate(unwrapObject(news), cryptoRandom);
    const state = { ...reg.news, ...(outputs as WireObject) };
    this.live.set({ ...this.base(reg), id, inputs: reg.news, outputs: state });
    return { id, state };
  }

  private async readExternal(reg: Registration): Promise<RegistrationResult> {
    if (!isOurs(reg.type)) throw new Error(`the offline runner reads ${PACKAGE} resources only; ${reg.type}.get() is not supported`);
    const { plugin } = await this.providers.forResource(reg.provider);
    const res = await calls.read(plugin, reg, reg.id, reg.news, {});
    if (res.id === '') throw new Error(`${reg.type} "${reg.id}" does not exist (read by ${reg.name}.get())`);
    this.record('read', reg);
    if (!this.preview) this.live.set({ ...this.base(reg), id: res.id, inputs: res.inputs, outputs: res.outputs, external: true });
    return { id: res.id, state: res.outputs };
  }

  private async registerOurs(reg: Registration): Promise<RegistrationResult> {
    const { plugin } = await this.providers.forResource(reg.provider);
    const old = this.live.get(reg.urn);
    let news = reg.news;
    if (old) for (const key of reg.ignoreChanges) if (key in old.inputs) news = { ...news, [key]: old.inputs[key] };
    const randomSeed = old?.randomSeed ?? randomBytes(32).toString('base64');
    const inputs = await calls.check(plugin, reg, old?.inputs ?? {}, news, randomSeed);
    const fresh = { ...this.base(reg, old), randomSeed };
    if (!old) {
      this.record('create', reg, { inputs });
      return this.create(plugin, reg, inputs, fresh);
    }
    const d = await calls.diff(plugin, reg, old.id, old.inputs, old.outputs, inputs);
    if (!d.changed) {
      this.record('same', reg);
      return { id: old.id, state: old.outputs };
    }
    if (!d.replace) {
      this.record('update', reg, { changes: d.changes });
      const outputs = await calls.update(plugin, reg, old.id, old.inputs, old.outputs, inputs, this.preview, calls.timeoutSeconds(reg.timeouts.update));
      if (!this.preview) this.live.set({ ...fresh, id: old.id, inputs, outputs });
      return { id: old.id, state: outputs };
    }
    if (old.protect) throw new Error(`${reg.name} is protected and this change replaces it (${d.changes.filter((c) => c.replace).map((c) => c.path).join(', ')}); remove protect first`);
    this.record('replace', reg, { changes: d.changes });
    if (this.preview) return this.create(plugin, reg, inputs, fresh);
    if (d.deleteBeforeReplace || reg.deleteBeforeReplace) {
      await calls.remove(plugin, reg, old.id, old.inputs, old.outputs, calls.timeoutSeconds(reg.timeouts.delete));
      this.live.remove(reg.urn);
      return this.create(plugin, reg, inputs, fresh);
    }
    // Create before delete: the old resource waits in the state as a pending delete until the run's end.
    this.live.addPendingDelete(old);
    try {
      return await this.create(plugin, reg, inputs, fresh);
    } catch (error) {
      // Nothing new exists: the old resource stays the current one. A partial create took its place: it stays pending.
      if (this.live.get(reg.urn)?.id === old.id) this.live.removePendingDelete(old);
      throw error;
    }
  }

  private async create(plugin: Awaited<ReturnType<ProviderPool['forResource']>>['plugin'], reg: Registration, inputs: WireObject, fresh: Omit<ResourceState, 'id' | 'inputs' | 'outputs'>): Promise<RegistrationResult> {
    const timeout = calls.timeoutSeconds(reg.timeouts.create);
    if (this.preview) return { state: (await calls.create(plugin, reg, inputs, true, timeout)).outputs };
    // In the state before the POST: a run killed during the Create leaves a pending create, not an orphan.
    const op = this.live.beginCreate({ ...fresh, id: '', inputs, outputs: {} });
    try {
      const { id, outputs } = await calls.create(plugin, reg, inputs, false, timeout);
      this.live.endCreate(op, { ...fresh, id, inputs, outputs });
      return { id, state: outputs };
    } catch (error) {
      // The collector exists but is not ready: keep it in the state so the next run updates or deletes it.
      const partial = initFailureOf(error as RpcError);
      if (partial && partial.id !== '') {
        this.live.endCreate(op, { ...fresh, id: partial.id, inputs, outputs: partial.properties, initErrors: partial.reasons });
        throw error;
      }
      // Whether a failed Create left a collector is not always known (an answer lost after the POST, a plugin that
      // died): its target says. When even that look-up fails, the create stays pending for the next run.
      await settleCreate(op, this.live, this.providers, (urn, severity, message) => {
        if (!message.includes('nothing was created')) this.note(urn, severity, message);
      }, 'this run').catch(() => undefined);
      throw error;
    }
  }

  // ---- deletes -------------------------------------------------------------------------------------------------

  /** Deletes in reverse order; a failed delete keeps the resource in the state and stops, as Pulumi does. */
  async deleteAll(resources: ResourceState[], pending: boolean): Promise<void> {
    for (const r of [...resources].reverse()) {
      if (this.interrupted) {
        this.skipped += 1;
        continue;
      }
      if (r.external) {
        if (!this.preview) this.live.remove(r.urn);
        continue;
      }
      const step: Step = { op: 'delete', urn: r.urn, type: r.type, name: r.name, changes: [] };
      this.steps.push(step);
      if (this.preview) continue;
      try {
        if (r.protect) throw new Error(`${r.name} is protected; remove protect before deleting it`);
        if (r.custom && isOurs(r.type)) {
          const { plugin } = await this.providers.forResource(r.provider);
          await calls.remove(plugin, r, r.id, r.inputs, r.outputs, 0);
        }
      } catch (error) {
        step.error = messageOf(error);
        this.errors.push({ urn: r.urn, severity: 'error', message: step.error });
        return;
      }
      if (pending) this.live.removePendingDelete(r);
      else this.live.remove(r.urn);
    }
  }
}

/**
 * One run: the stack locked (except for a preview, which writes nothing), pending creates settled, the engine server
 * up, the plugins stopped at the end whatever happens — and killed if the runner exits first.
 */
async function withSession(options: RunOptions, kind: RunKind, run: (s: Session) => Promise<RunReport>): Promise<RunReport> {
  const preview = kind === 'preview';
  const lock = preview ? undefined : StackLock.acquire(options.stateFile, kind);
  try {
    const s = new Session(options, preview);
    const unwatch = options.handleSignals ? s.watchSignals() : () => undefined;
    const killOnExit = () => s.providers.killAll();
    process.once('exit', killOnExit);
    try {
      await s.engine.start();
      if (!(await s.settle())) return s.report(kind, s.live.snapshot().outputs);
      return await run(s);
    } finally {
      unwatch();
      process.removeListener('exit', killOnExit);
      await s.close();
    }
  } finally {
    lock?.release();
  }
}

/** `preview` (nothing changes, state untouched) or `up`. */
export function deploy(options: RunOptions, preview: boolean): Promise<RunReport> {
  return withSession(options, preview ? 'preview' : 'up', async (s) => {
    const result = await runProgram(options.project, options.stack, preview, {
      register: (reg) => s.register(reg),
      invoke: async (token, args, provider) => {
        if (!token.startsWith(`${PACKAGE}:`)) throw new Error(`the offline runner answers ${PACKAGE} functions only; received ${token}`);
        const { plugin } = await s.providers.forResource(provider);
        return calls.invoke(plugin, token, args as WireObject);
      },
    });
    // A registration's error is already reported under its resource; the program's own are reported here, and the
    // registrations an interrupt left unstarted once, by the report.
    const programErrors = result.errors.filter((e) => !(e instanceof InterruptedError) && !/interrupted before it started/.test(e.message));
    if (s.errors.length === 0) for (const error of programErrors) s.errors.push({ urn: '', severity: 'error', message: error.message });
    if (s.errors.length === 0 && !s.interrupted) {
      await s.deleteAll(s.live.pending(), true);
      await s.deleteAll(s.live.unregistered(), false);
      if (!preview) s.live.setOutputs(result.outputs);
    }
    return s.report(preview ? 'preview' : 'up', result.outputs);
  });
}

/** Reads every resource back and records what drifted; a resource gone from the cloud leaves the state. */
export function refresh(options: RunOptions): Promise<RunReport> {
  return withSession(options, 'refresh', async (s) => {
    for (const r of s.live.all()) {
      if (s.interrupted) {
        s.skipped += 1;
        continue;
      }
      if (!r.custom || !isOurs(r.type) || r.pendingDelete) {
        s.steps.push({ op: 'same', urn: r.urn, type: r.type, name: r.name, changes: [] });
        continue;
      }
      try {
        const { plugin } = await s.providers.forResource(r.provider);
        const res = await calls.read(plugin, r, r.id, r.outputs, r.inputs);
        if (res.id === '') {
          s.steps.push({ op: 'delete', urn: r.urn, type: r.type, name: r.name, changes: [] });
          s.live.remove(r.urn);
          continue;
        }
        const changes = changedKeys(r.outputs, res.outputs);
        const drift = changes.filter((c) => c.path !== DERIVED_OUTPUT);
        const derived = changes.find((c) => c.path === DERIVED_OUTPUT);
        const count = (v: unknown) => (Array.isArray(v) ? v.length : 0);
        const note = derived ? `coverage recomputed: ${count(derived.old)} → ${count(derived.new)} interfaces` : undefined;
        s.steps.push({ op: drift.length > 0 ? 'refresh' : 'same', urn: r.urn, type: r.type, name: r.name, changes: drift, note });
        s.live.set({ ...r, id: res.id, outputs: res.outputs, inputs: Object.keys(res.inputs).length > 0 ? res.inputs : r.inputs });
      } catch (error) {
        s.errors.push({ urn: r.urn, severity: 'error', message: messageOf(error) });
      }
    }
    return s.report('refresh', s.live.snapshot().outputs);
  });
}

/** Deletes every resource of the stack, dependents first. */
export function destroy(options: RunOptions): Promise<RunReport> {
  return withSession(options, 'destroy', async (s) => {
    await s.deleteAll(s.live.pending(), true);
    if (s.errors.length === 0) await s.deleteAll(s.live.all().filter((r) => !r.pendingDelete), false);
    if (s.errors.length === 0 && !s.interrupted) s.live.setOutputs({});
    return s.report('destroy', {});
  });
}
