/**
 * The offline runner's engine: what `pulumi preview`, `up`, `refresh` and `destroy` do with a program's
 * registrations, played against the real plugin process over gRPC.
 *
 * ibmflowlogs resources go Check → Diff → Create, Update or replace (create-before-delete unless the plugin or the
 * program asks for delete-before-replace), with `preview` set in a preview; resources gone from the program are
 * deleted once the program has run without error (an erroring program deletes nothing, as with Pulumi). Resource
 * options are applied on every run as pulumi/pulumi pkg/resource/deploy/step_generator.go and step.go apply them:
 * `import` (Read by id, then Check and Diff against the program, an update where they differ), `ignoreChanges`,
 * `replaceOnChanges`, `deleteBeforeReplace`, `protect` (no delete, no replacement), `retainOnDelete` (a delete
 * leaves the cloud alone) and `customTimeouts`; the state keeps what a destroy without the program needs.
 * `@pulumi/random` resources are the runner's own (randomResources.ts); other packages are refused by name.
 *
 * What Pulumi does to lose nothing, the runner does too: a lock per stack (stackLock.ts), creates written to the
 * state as pending before the plugin's Create and settled by the next run (pendingCreates.ts), and Ctrl-C in two
 * steps — the first lets the operations in flight finish and saves, the second stops at once.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { decode, sameValue, UNKNOWN_SENTINEL, unwrapObject, containsUnknown, type PObject, type WireObject } from '../rpc/codec';
import { advise, adviseText, type AdviceContext } from './advice';
import { EngineServer } from './engineServer';
import { LiveState } from './liveState';
import { pluginLocator } from './pluginDiscovery';
import { initFailureOf, type PluginProcess, type RpcError } from './pluginProcess';
import { describeProgramError } from './programErrors';
import { runProgram, type Registration, type RegistrationResult } from './programLoader';
import { providerConfig, type Project } from './projectFiles';
import { applyIgnoreChanges } from './propertyPath';
import { CheckFailedError, PACKAGE, PROVIDER_TYPE, ProviderPool } from './providers';
import { cryptoRandom, randomTypeOf } from './randomResources';
import * as calls from './resourceCalls';
import { applyReplaceOnChanges, deletesBeforeReplace, optionsChanged, resolveOptions, stateOptions, type ResolvedOptions } from './resourceOptions';
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
  /** More for --verbose (a program error's whole stack). */
  detail?: string;
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
  /** The run's --cwd/--stack/--emulator flags, repeated in the commands messages suggest. */
  runFlags?: string;
}

export type RunKind = 'preview' | 'up' | 'refresh' | 'destroy' | 'import';

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
  /** `run import`: what was imported, for the code to paste into the program. */
  imported?: { type: string; name: string; inputs: WireObject; protect: boolean };
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
  readonly advice: AdviceContext;
  interrupted = false;
  /** Operations not started because of the interrupt. */
  skipped = 0;
  /** The options each registration resolved to, for its children to inherit. */
  private readonly resolved = new Map<string, ResolvedOptions>();
  /** Replaced resources of this run waiting as pending deletes (`urn::id`): their delete belongs to this step. */
  private readonly replacedBy = new Map<string, Step>();

  constructor(readonly options: RunOptions, readonly kind: RunKind) {
    const { project, stack } = options;
    const previous = loadState(options.stateFile, project.name, stack);
    this.live = new LiveState(previous, this.preview ? undefined : options.stateFile);
    this.providers = new ProviderPool(
      this.engine,
      options.env ?? process.env,
      `urn:pulumi:${stack}::${project.name}::${PROVIDER_TYPE}::default`,
      providerConfig(project.config, PACKAGE),
      options.overrides ?? {},
      previous.resources.filter((r) => r.type === PROVIDER_TYPE),
      pluginLocator(project, options.env ?? process.env),
    );
    this.advice = { emulator: options.overrides !== undefined, stackFile: project.stackFile, runFlags: options.runFlags ?? '' };
  }

  get preview(): boolean {
    return this.kind === 'preview';
  }

  /** An error's message, told the runner's way (advice.ts). */
  explain(error: unknown): string {
    return adviseText(messageOf(advise(error, this.advice)), this.advice);
  }

  fail(urn: string, error: unknown): never {
    const message = this.explain(error);
    this.errors.push({ urn, severity: 'error', message });
    const step = this.steps.find((st) => st.urn === urn);
    if (step) step.error = message;
    else this.steps.push({ op: this.live.get(urn) ? 'update' : 'create', urn, type: urn.split('::')[2] ?? '', name: urn.split('::')[3] ?? urn, changes: [], error: message });
    throw error instanceof Error ? error : new Error(message);
  }

  report(outputs: WireObject): RunReport {
    const kind = this.kind;
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
      this.errors.push({ urn: '', severity: 'error', message: `could not settle the creates an earlier run left pending (${this.explain(error)}); nothing was changed` });
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

  private record(op: Step['op'], reg: Registration, extra: Partial<Step> = {}): Step {
    const step: Step = { op, urn: reg.urn, type: reg.type, name: reg.name, changes: [], ...extra };
    this.steps.push(step);
    return step;
  }

  /** The registration's state without id, inputs and outputs: its options resolved (a child inherits its parent's). */
  private base(reg: Registration, old?: ResourceState): Omit<ResourceState, 'id' | 'inputs' | 'outputs'> {
    const options = resolveOptions(reg, this.resolved.get(reg.parent));
    this.resolved.set(reg.urn, options);
    return { urn: reg.urn, type: reg.type, name: reg.name, custom: reg.custom, provider: reg.provider, randomSeed: old?.randomSeed, ...stateOptions(options, reg.timeouts, reg.id) };
  }

  /** A same step still records the program's options (a `protect` removed must leave the state). */
  private same(reg: Registration, old: ResourceState, fresh: Omit<ResourceState, 'id' | 'inputs' | 'outputs'>): RegistrationResult {
    this.record('same', reg);
    if (!this.preview && optionsChanged(old, fresh)) this.live.set({ ...old, protect: fresh.protect, retainOnDelete: fresh.retainOnDelete, customTimeouts: fresh.customTimeouts, importId: fresh.importId });
    return { id: old.id || undefined, state: old.outputs };
  }

  private async registerProvider(reg: Registration): Promise<RegistrationResult> {
    const old = this.live.get(reg.urn);
    const fresh = this.base(reg);
    const id = old?.id ?? randomUUID();
    const { inputs } = await this.providers.configure(`${reg.urn}::${id}`, reg.urn, reg.news, old?.inputs);
    const changes = old ? changedKeys(old.inputs, inputs) : [];
    if (old && changes.length === 0) return { ...this.same(reg, old, fresh), id, state: inputs };
    this.record(!old ? 'create' : 'update', reg, { changes });
    if (!this.preview) this.live.set({ ...fresh, id, inputs, outputs: inputs });
    return { id, state: inputs };
  }

  private registerComponent(reg: Registration): RegistrationResult {
    const old = this.live.get(reg.urn);
    const fresh = this.base(reg);
    if (old) return { ...this.same(reg, old, fresh), state: reg.news };
    this.record('create', reg);
    if (!this.preview) this.live.set({ ...fresh, id: '', inputs: reg.news, outputs: reg.news });
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
    const fresh = this.base(reg, old);
    if (old && sameValue(decode(old.inputs), news)) return this.same(reg, old, fresh);
    if (old?.protect && fresh.protect) throw protectedReplacement(reg.name, changedKeys(old.inputs, reg.news).map((c) => c.path));
    // Every input of the random provider forces a new value: a change is a replacement.
    this.record(old ? 'replace' : 'create', reg, { changes: old ? changedKeys(old.inputs, reg.news, true) : [], inputs: reg.news });
    if (this.preview) {
      return { state: { ...reg.news, ...Object.fromEntries(kind.generated.map((k) => [k, UNKNOWN_SENTINEL])) } };
    }
    const { id, outputs } = kind.generate(unwrapObject(news), cryptoRandom);
    const state = { ...reg.news, ...(outputs as WireObject) };
    this.live.set({ ...fresh, id, inputs: reg.news, outputs: state });
    return { id, state };
  }

  private async readExternal(reg: Registration): Promise<RegistrationResult> {
    if (!isOurs(reg.type)) throw new Error(`the offline runner reads ${PACKAGE} resources only; ${reg.type}.get() is not supported`);
    const { plugin } = await this.providers.forResource(reg.provider);
    const res = await calls.read(plugin, reg, reg.id, reg.news, {});
    if (res.id === '') throw new Error(`${reg.type} "${reg.id}" does not exist (read by ${reg.name}.get())`);
    this.record('read', reg);
    if (!this.preview) this.live.set({ ...this.base(reg), importId: undefined, id: res.id, inputs: res.inputs, outputs: res.outputs, external: true });
    return { id: res.id, state: res.outputs };
  }

  /**
   * The engine's import step (pulumi/pulumi step.go, ImportStep.Apply, since its "eventual state" imports): Read by
   * the id the program gives; what it returns becomes the old state, which the rest of the registration then checks
   * and diffs against the program like any other.
   */
  private async importStep(plugin: PluginProcess, reg: Registration, fresh: Omit<ResourceState, 'id' | 'inputs' | 'outputs'>): Promise<ResourceState> {
    const res = await calls.read(plugin, reg, reg.id, {}, {});
    if (res.id === '') throw new Error(`import: no ${reg.type} with id "${reg.id}" exists; check the id (\`ibm-flowlogs run import\` takes the same), or remove the import option to create a new one`);
    if (Object.keys(res.inputs).length === 0) throw new Error(`import: the ${PACKAGE} plugin returned no inputs for "${reg.id}", so ${reg.type} cannot be imported`);
    return { ...fresh, id: res.id, inputs: res.inputs, outputs: res.outputs };
  }

  private async registerOurs(reg: Registration): Promise<RegistrationResult> {
    const { plugin } = await this.providers.forResource(reg.provider);
    const saved = this.live.get(reg.urn);
    const randomSeed = saved?.randomSeed ?? randomBytes(32).toString('base64');
    const fresh = { ...this.base(reg, saved), randomSeed };
    let old = saved;
    let step: Step | undefined;
    // step_generator.go: an import when the program names an id and the state holds no resource adopted by that id.
    if (reg.id !== '' && (!saved || saved.external || (saved.importId ?? saved.id) !== reg.id)) {
      const imported = await this.importStep(plugin, reg, fresh);
      step = this.record('import', reg);
      if (!this.preview) {
        // An import in place of a resource the stack manages replaces it: the original is deleted at the end.
        if (saved && !saved.external) {
          this.live.addPendingDelete(saved);
          this.replacedBy.set(`${saved.urn}::${saved.id}`, step);
        }
        this.live.set(imported);
      }
      old = imported;
    }
    if (!old || old.external) {
      // A resource read with get() is not ours to change: registering it creates one of our own.
      const inputs = await calls.check(plugin, reg, {}, reg.news, randomSeed);
      this.record('create', reg, { inputs });
      return this.create(plugin, reg, inputs, fresh);
    }
    const ignored = applyIgnoreChanges(reg.news, old.inputs, reg.ignoreChanges);
    if (ignored.invalid.length > 0) this.note(reg.urn, 'info', `cannot ignore changes in added or removed elements of the path: ${ignored.invalid.map((p) => JSON.stringify(p)).join(', ')}`);
    const inputs = await calls.check(plugin, reg, old.inputs, ignored.inputs, randomSeed);
    const hasInitErrors = (old.initErrors?.length ?? 0) > 0;
    const d = applyReplaceOnChanges(await calls.diff(plugin, reg, old.id, old.inputs, old.outputs, inputs, reg.ignoreChanges), reg.replaceOnChanges, hasInitErrors);
    if (!d.changed && !hasInitErrors) return step ? { id: old.id, state: old.outputs } : this.same(reg, old, fresh);
    if (d.replace) return this.replace(plugin, reg, old, fresh, d, step);
    // An update, or (no change, init errors) an empty one that waits for the resource to become ready, as the engine does.
    if (step) step.changes = d.changes;
    else this.record('update', reg, { changes: d.changes });
    const outputs = await calls.update(plugin, reg, old.id, old.inputs, old.outputs, inputs, this.preview, calls.timeoutSeconds(reg.timeouts.update), reg.ignoreChanges);
    if (!this.preview) this.live.set({ ...fresh, id: old.id, inputs, outputs });
    return { id: old.id, state: outputs };
  }

  private async replace(plugin: PluginProcess, reg: Registration, old: ResourceState, fresh: Omit<ResourceState, 'id' | 'inputs' | 'outputs'>, d: calls.DiffResult, importStep: Step | undefined): Promise<RegistrationResult> {
    const forcing = d.changes.filter((c) => c.replace).map((c) => c.path);
    // step_generator.go: unprotecting and replacing in one run is allowed, so both old and new must be protected.
    if (old.protect && fresh.protect) throw protectedReplacement(reg.name, forcing.length > 0 ? forcing : d.replaceKeys);
    if (reg.id !== '') {
      const message = `${reg.name} was imported and its program still names the import id "${reg.id}"; this change replaces it (${forcing.join(', ')}), which would give it another id. Remove the import option from the program first`;
      if (!this.preview) throw new Error(message);
      this.note(reg.urn, 'warning', message);
    }
    // The engine checks again without the old inputs: a replacement gets fresh defaults.
    const inputs = await calls.check(plugin, reg, {}, reg.news, fresh.randomSeed ?? '');
    const step = importStep ?? this.record('replace', reg, { changes: d.changes });
    if (importStep) importStep.changes = d.changes;
    if (this.preview) return this.create(plugin, reg, inputs, fresh);
    if (deletesBeforeReplace(d, reg.deleteBeforeReplace)) {
      await this.deleteResource(old);
      this.live.remove(reg.urn);
      return this.create(plugin, reg, inputs, fresh);
    }
    // Create before delete: the old resource waits in the state as a pending delete until the run's end.
    this.live.addPendingDelete(old);
    this.replacedBy.set(`${old.urn}::${old.id}`, step);
    try {
      return await this.create(plugin, reg, inputs, fresh);
    } catch (error) {
      // Nothing new exists: the old resource stays the current one. A partial create took its place: it stays pending.
      if (this.live.get(reg.urn)?.id === old.id) {
        this.live.removePendingDelete(old);
        this.replacedBy.delete(`${old.urn}::${old.id}`);
      }
      // replaceOnChanges made a replacement the plugin did not ask for, so it did not ask to delete first either.
      if (reg.replaceOnChanges.length > 0 && reg.deleteBeforeReplace === undefined) {
        throw new Error(`${this.explain(error)}\n(replaceOnChanges made this a replacement, which creates the new ${reg.name} before deleting the old one unless the program sets deleteBeforeReplace; a target takes only one collector, so add deleteBeforeReplace: true to its resource options)`);
      }
      throw error;
    }
  }

  private async create(plugin: PluginProcess, reg: Registration, inputs: WireObject, fresh: Omit<ResourceState, 'id' | 'inputs' | 'outputs'>): Promise<RegistrationResult> {
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

  /** The plugin's Delete with the timeout the state keeps; nothing for a retainOnDelete resource (step.go, DeleteStep). */
  private async deleteResource(r: ResourceState): Promise<void> {
    if (r.retainOnDelete || !r.custom || !isOurs(r.type)) return;
    const { plugin } = await this.providers.forResource(r.provider);
    await calls.remove(plugin, r, r.id, r.inputs, r.outputs, calls.timeoutSeconds(r.customTimeouts?.delete ?? ''));
  }

  /**
   * Deletes in reverse order; a failed delete keeps the resource in the state and stops, as Pulumi does. A protected
   * resource is not deleted (a pending delete is the old half of a replacement, which protect has already allowed).
   */
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
      // The old half of this run's replacement: its delete is that step's, not a step of its own.
      const replacement = pending ? this.replacedBy.get(`${r.urn}::${r.id}`) : undefined;
      const step: Step = replacement ?? { op: 'delete', urn: r.urn, type: r.type, name: r.name, changes: [], retained: r.retainOnDelete || undefined };
      if (!replacement) this.steps.push(step);
      if (this.preview) continue;
      try {
        if (r.protect && !pending) throw new Error(protectedDelete(r, this.kind));
        await this.deleteResource(r);
      } catch (error) {
        const message = this.explain(error);
        step.error = replacement ? `the replacement was created, but deleting the old ${r.name} (${r.id}) failed: ${message}. It stays in the state as a pending delete; the next run deletes it` : message;
        this.errors.push({ urn: r.urn, severity: 'error', message: step.error });
        return;
      }
      if (pending) this.live.removePendingDelete(r);
      else this.live.remove(r.urn);
    }
  }
}

/** step_generator.go refuses to replace a protected resource; the message says how to let it happen. */
function protectedReplacement(name: string, forcing: string[]): Error {
  return new Error(`${name} is protected, and this change replaces it (${forcing.join(', ') || 'a replacement'}): a replacement deletes it. Remove protect from its resource options in the program (the same up may then replace it), or undo the change`);
}

/** step.go's deleteProtectedError, with the runner's way out. */
function protectedDelete(r: ResourceState, kind: RunKind): string {
  if (kind === 'destroy') {
    return `${r.name} (${r.type} ${r.id}) is protected, so destroy did not delete it. Remove protect from its resource options in the program, run \`ibm-flowlogs run up\` so that the state records it, then destroy again`;
  }
  return `${r.name} (${r.type} ${r.id}) is no longer in the program but is protected, so it was not deleted. To delete it, put it back with protect removed, run up, then remove it; to keep it, put it back as it was`;
}

/**
 * One run: the stack locked (except for a preview, which writes nothing), pending creates settled, the engine server
 * up, the plugins stopped at the end whatever happens — and killed if the runner exits first.
 */
async function withSession(options: RunOptions, kind: RunKind, run: (s: Session) => Promise<RunReport>): Promise<RunReport> {
  const preview = kind === 'preview';
  const lock = preview ? undefined : StackLock.acquire(options.stateFile, kind);
  try {
    const s = new Session(options, kind);
    const unwatch = options.handleSignals ? s.watchSignals() : () => undefined;
    const killOnExit = () => s.providers.killAll();
    process.once('exit', killOnExit);
    try {
      await s.engine.start();
      if (!(await s.settle())) return s.report(s.live.snapshot().outputs);
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
    if (s.errors.length === 0) {
      for (const error of programErrors) s.errors.push({ urn: '', severity: 'error', ...describeProgramError(error, options.project.dir, options.project.stackFile) });
    }
    if (s.errors.length === 0 && !s.interrupted) {
      await s.deleteAll(s.live.pending(), true);
      await s.deleteAll(s.live.unregistered(), false);
      if (!preview) s.live.setOutputs(result.outputs);
    }
    return s.report(result.outputs);
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
        s.errors.push({ urn: r.urn, severity: 'error', message: s.explain(error) });
      }
    }
    return s.report(s.live.snapshot().outputs);
  });
}

/** Deletes every resource of the stack, dependents first. */
export function destroy(options: RunOptions): Promise<RunReport> {
  return withSession(options, 'destroy', async (s) => {
    await s.deleteAll(s.live.pending(), true);
    if (s.errors.length === 0) await s.deleteAll(s.live.all().filter((r) => !r.pendingDelete), false);
    if (s.errors.length === 0 && !s.interrupted) s.live.setOutputs({});
    return s.report({});
  });
}

export interface ImportRequest {
  type: string;
  name: string;
  id: string;
  /** `pulumi import` protects what it imports unless told `--protect=false`. */
  protect: boolean;
}

/**
 * `ibm-flowlogs run import TYPE NAME ID`, as `pulumi import` does it (pulumi/pulumi pkg/resource/deploy/import.go and
 * step.go's planned ImportStep): the resource must not be in the state; Read by id; Check with what was read as
 * both olds and news (a failure is a warning there too); then, beyond the engine, a Diff of the checked inputs
 * against what was read that must be empty, so that the code printed for the program changes nothing on the next up.
 * The state gets the resource, with the default provider; the report carries the code to paste.
 */
export function importResource(options: RunOptions, req: ImportRequest): Promise<RunReport> {
  return withSession(options, 'import', async (s) => {
    const { project, stack } = options;
    const target = { urn: `urn:pulumi:${stack}::${project.name}::${req.type}::${req.name}`, type: req.type, name: req.name };
    const step: Step = { op: 'import', ...target, changes: [] };
    s.steps.push(step);
    let imported: RunReport['imported'];
    try {
      if (!isOurs(req.type)) throw new Error(`the offline runner imports ${PACKAGE} resources only; received the type "${req.type}" (e.g. ${PACKAGE}:index:FlowLogCollector)`);
      const existing = s.live.get(target.urn);
      if (existing) throw new Error(`${req.name} is already in the stack's state (${req.type} ${existing.id || 'without an id'}); import under another name, or remove it from the state first (remove it from the program and run up)`);
      const owner = s.live.all().find((r) => r.id === req.id && r.type === req.type && !r.pendingDelete);
      if (owner) throw new Error(`${req.type} ${req.id} is already in this stack, as ${owner.name}; a second resource for it would delete it twice`);
      const { plugin } = await s.providers.forResource('');
      const res = await calls.read(plugin, target, req.id, {}, {});
      if (res.id === '') throw new Error(`no ${req.type} with id "${req.id}" exists (the plugin's Read found none); check the id against your cloud, e.g. \`ibmcloud is flow-logs\``);
      if (Object.keys(res.inputs).length === 0) throw new Error(`the ${PACKAGE} plugin returned no inputs for "${req.id}", so ${req.type} cannot be imported`);
      const randomSeed = randomBytes(32).toString('base64');
      let inputs = res.inputs;
      try {
        inputs = await calls.check(plugin, target, res.inputs, res.inputs, randomSeed);
      } catch (error) {
        if (!(error instanceof CheckFailedError)) throw error;
        s.note(target.urn, 'warning', `the imported inputs fail the plugin's Check (${error.message}); the import goes on as \`pulumi import\`'s does, but edit the code below before you paste it`);
      }
      const d = await calls.diff(plugin, target, res.id, res.inputs, res.outputs, inputs);
      if (d.changed) throw new Error(`the imported inputs would not round-trip: Diff of what Check returned against what was read reports ${d.changes.map((c) => c.path).join(', ') || 'changes'}; nothing was written to the state`);
      s.live.set({ ...target, custom: true, provider: '', id: res.id, inputs, outputs: res.outputs, randomSeed, protect: req.protect || undefined });
      // The code holds what Read returned, as `pulumi import` generates it from the imported inputs.
      imported = { type: req.type, name: req.name, inputs: res.inputs, protect: req.protect };
    } catch (error) {
      step.error = s.explain(error);
      s.errors.push({ urn: target.urn, severity: 'error', message: step.error });
    }
    return { ...s.report(s.live.snapshot().outputs), imported };
  });
}
