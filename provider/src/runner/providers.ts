/**
 * The plugin processes of one run: one per provider (the default provider and each explicit
 * `new ibmflowlogs.Provider(...)`), each launched, checked (CheckConfig) and configured (Configure) the way the
 * engine does it, and all stopped at the end.
 */
import { PACKAGE } from '../config';
import type { Failure } from '../shared/failures';
import { provider } from '../rpc/stubs';
import { toStruct, type WireObject } from '../rpc/codec';
import type { EngineServer } from './engineServer';
import { PLUGIN, PluginProcess } from './pluginProcess';
import { withoutRedacted, type ResourceState } from './stackState';

export { PACKAGE };
export const PROVIDER_TYPE = `pulumi:providers:${PACKAGE}`;

/** A Check or CheckConfig failure: its property path and reason. */
export type CheckFailure = Failure;

/** Check or CheckConfig refused the inputs: every failure, with its property path. */
export class CheckFailedError extends Error {
  override readonly name = 'CheckFailedError';
  constructor(readonly urn: string, readonly failures: CheckFailure[]) {
    super(failures.map((f) => (f.property ? `${f.property}: ${f.reason}` : f.reason)).join('; '));
  }
}

export interface ConfiguredProvider {
  plugin: PluginProcess;
  /** What CheckConfig returned. */
  inputs: WireObject;
}

export const failuresOf = (list: Array<InstanceType<typeof provider.CheckFailure>>): CheckFailure[] => list.map((f) => ({ property: f.getProperty(), reason: f.getReason() }));

export class ProviderPool {
  private readonly providers = new Map<string, Promise<ConfiguredProvider>>();
  private readonly launched: PluginProcess[] = [];

  /**
   * @param overrides config that wins over every provider's own (the emulator's endpoints and credentials)
   * @param defaultConfig the default provider's config (the stack's `ibmflowlogs:*` keys)
   */
  constructor(
    private readonly engine: EngineServer,
    private readonly env: NodeJS.ProcessEnv,
    private readonly defaultUrn: string,
    private readonly defaultConfig: WireObject,
    private readonly overrides: WireObject,
    private readonly stateProviders: readonly ResourceState[] = [],
    /** The plugin executable to start, asked for when a provider is first needed (pluginDiscovery.ts). */
    private readonly locatePlugin: () => string = () => PLUGIN,
  ) {}

  /** Launches, checks and configures the provider registered as `ref` (`urn::id`, or '' for the default one). */
  configure(ref: string, urn: string, news: WireObject, olds: WireObject = {}): Promise<ConfiguredProvider> {
    const configured = this.launch(urn, { ...news, ...this.overrides }, olds);
    this.providers.set(ref, configured);
    // A failed configuration is reported by whoever awaits it; the pool must not raise it again unobserved.
    configured.catch(() => undefined);
    return configured;
  }

  /** The provider a resource names: configured in this run, else from the state (destroy, refresh, deletes). */
  forResource(ref: string): Promise<ConfiguredProvider> {
    const known = this.providers.get(ref);
    if (known) return known;
    if (ref === '') return this.configure('', this.defaultUrn, this.defaultConfig);
    const saved = this.stateProviders.find((p) => `${p.urn}::${p.id}` === ref);
    if (!saved) return Promise.reject(new Error(`provider ${ref} is neither in the program nor in the state`));
    // Secrets were not written to the state: without them the plugin falls back to its environment.
    return this.configure(ref, saved.urn, withoutRedacted(saved.inputs));
  }

  private async launch(urn: string, news: WireObject, olds: WireObject): Promise<ConfiguredProvider> {
    const plugin = await PluginProcess.launch(this.engine.address, this.env, this.locatePlugin());
    this.launched.push(plugin);
    try {
      const check = new provider.CheckRequest();
      check.setUrn(urn);
      check.setOlds(toStruct(olds));
      check.setNews(toStruct(news));
      const checked = await plugin.call('checkConfig', check);
      const failures = failuresOf(checked.getFailuresList());
      if (failures.length > 0) throw new CheckFailedError(urn, failures);
      const inputs = (checked.getInputs()?.toJavaScript() ?? {}) as WireObject;
      const configure = new provider.ConfigureRequest();
      configure.setArgs(toStruct(inputs));
      configure.setAcceptsecrets(true);
      configure.setAcceptresources(true);
      await plugin.call('configure', configure);
      return { plugin, inputs };
    } catch (error) {
      await plugin.stop();
      throw error;
    }
  }

  /** Ends every plugin at once, without waiting (the runner is stopping now: a second Ctrl-C, or its exit). */
  killAll(): void {
    for (const p of this.launched) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  }

  async stopAll(): Promise<void> {
    const all = await Promise.allSettled([...this.providers.values()]);
    await Promise.all(all.map((r) => (r.status === 'fulfilled' ? r.value.plugin.stop() : undefined)));
  }
}
