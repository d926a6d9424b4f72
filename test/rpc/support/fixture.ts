import { expect } from 'chai';
import { startEmulator } from '../../../emulator/src';
import { provider } from '../../../provider/src/rpc/stubs';
import { EngineServer } from '../../../provider/src/runner/engineServer';
import { type InitFailure, initFailureOf as decodeInitFailure } from '../../../provider/src/runner/pluginProcess';
import { failuresOf } from '../../../provider/src/runner/providers';
import { EmulatorClient } from '../../support/emulator';
import { type Autonaming, PluginProcess, requests, type RpcError, secret } from './plugin';

import { hermeticEnv } from '../../support/runner';

export { CONFIG_ENV_VARS, hermeticEnv } from '../../support/runner';

export const KIND = provider.PropertyDiff.Kind;
export const DIFF = provider.DiffResponse.DiffChanges;

/** The seeded topology's ids (emulator/topologies/use-case-1.json), read from the emulator. */
export interface TopologyIds {
  vpc: string;
  vpcCrn: string;
  subnet1: string;
  subnet1Crn: string;
  subnet2: string;
  instance1: string;
  instance1Crn: string;
  /** instance-1's legacy network interface eth0. */
  nic: string;
  /** The spare virtual network interface. */
  vni: string;
  vniCrn: string;
  /** instance-5's instance network attachment eth0. */
  attachment: string;
  defaultGroup: string;
  networkGroup: string;
}

export interface Failure {
  property: string;
  reason: string;
}

export interface DiffResult {
  changes: number;
  replaces: string[];
  diffs: string[];
  detailedDiff: Record<string, number>;
  hasDetailedDiff: boolean;
  deleteBeforeReplace: boolean;
}

const plain = (s: { toJavaScript(): object } | undefined): Record<string, any> => (s ? (s.toJavaScript() as Record<string, any>) : {});

/** The rejection of a call that must fail, typed as the gRPC error. */
export async function rpcError(p: Promise<unknown>): Promise<RpcError> {
  try {
    await p;
  } catch (error) {
    return error as RpcError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Decodes ErrorResourceInitFailed and checks the trailer holds exactly that one detail, as the engine expects. */
export function initFailureOf(error: RpcError): InitFailure | undefined {
  const failure = decodeInitFailure(error);
  if (failure) expect(failure.detailCount, 'google.rpc.Status details').to.equal(1);
  return failure;
}

export type { InitFailure };

/** One plugin process, one emulator (and optionally one engine) for a describe block, driven like the engine does. */
export class Fixture {
  ids!: TopologyIds;
  /** The provider config as the program sets it (before CheckConfig). */
  config!: Record<string, unknown>;
  private readonly others: Fixture[] = [];

  constructor(
    readonly plugin: PluginProcess,
    readonly emulator: EmulatorClient,
    readonly engine?: EngineServer,
  ) {}

  get endpoints() {
    return this.emulator.endpoints;
  }

  async configure(): Promise<void> {
    const e = this.endpoints;
    this.config = { apiKey: secret(e.apiKey), vpcEndpoint: e.vpcEndpoint, iamEndpoint: e.iamEndpoint, taggingEndpoint: e.taggingEndpoint, resourceManagerEndpoint: e.resourceManagerEndpoint };
    const checked = await this.checkConfig(this.config);
    expect(checked.failures).to.deep.equal([]);
    await this.configureWith(checked.inputs);
  }

  async checkConfig(news: object, olds: object = {}): Promise<{ inputs: Record<string, any>; failures: Failure[] }> {
    const res = await this.plugin.call('checkConfig', requests.checkConfig(news, olds));
    return { inputs: plain(res.getInputs()), failures: failuresOf(res.getFailuresList()) };
  }

  async lookUpIds(): Promise<void> {
    const t = await this.emulator.topology();
    const find = (list: any[], pred: (x: any) => boolean, what: string) => {
      const hit = list.find(pred);
      if (!hit) throw new Error(`seeded topology has no ${what}`);
      return hit;
    };
    const vpc = find(t.vpcs, (v) => v.name === 'vpc-1', 'vpc-1');
    const subnet1 = find(t.subnets, (s) => s.name === 'subnet-1', 'subnet-1');
    const subnet2 = find(t.subnets, (s) => s.name === 'subnet-2', 'subnet-2');
    const instance1 = find(t.instances, (i) => i.name === 'instance-1', 'instance-1');
    const instance5 = find(t.instances, (i) => i.name === 'instance-5', 'instance-5');
    const nic = find(t.networkInterfaces, (n) => n.instanceId === instance1.id && n.name === 'eth0', 'instance-1 eth0');
    const vni = find(t.virtualNetworkInterfaces, (v) => v.name === 'vni-spare', 'vni-spare');
    const attachment = find(t.networkAttachments, (a) => a.instanceId === instance5.id && a.name === 'eth0', 'instance-5 eth0 attachment');
    this.ids = {
      vpc: vpc.id,
      vpcCrn: vpc.crn,
      subnet1: subnet1.id,
      subnet1Crn: subnet1.crn,
      subnet2: subnet2.id,
      instance1: instance1.id,
      instance1Crn: instance1.crn,
      nic: nic.id,
      vni: vni.id,
      vniCrn: vni.crn,
      attachment: attachment.id,
      defaultGroup: find(t.resourceGroups, (g) => g.isDefault, 'default group').id,
      networkGroup: find(t.resourceGroups, (g) => g.name === 'network', 'network group').id,
    };
  }

  /** Back to the seeded topology, lifecycle timings at 0, no engine messages. */
  async reset(): Promise<void> {
    expect((await this.emulator.control('POST', '/reset')).status).to.equal(204);
    expect((await this.emulator.control('POST', '/config', { pendingSeconds: 0, deletingSeconds: 0 })).status).to.equal(200);
    if (this.engine) this.engine.messages.length = 0;
    // Each test is one deployment: the plugin's collector snapshots start again (model/deployment.ts).
    await this.newDeployment();
  }

  /**
   * What the next `pulumi up` of the stack is to the plugin: the engine starts a process per run and Configures it
   * once (pulumi/pulumi pkg/resource/deploy/providers/registry.go); a Configure starts a new deployment view.
   */
  async newDeployment(): Promise<void> {
    if (this.configuredWith) await this.plugin.call('configure', requests.configure(this.configuredWith));
  }

  async state(): Promise<any> {
    return (await this.emulator.control('GET', '/state')).body;
  }

  /** The emulator's collector with this id, as its API shows it (snake_case). */
  async collectorInState(id: string): Promise<any> {
    return (await this.state()).collectors.find((c: any) => c.id === id);
  }

  async requestCounts(): Promise<Record<string, number>> {
    return (await this.emulator.control('GET', '/requests')).body.byRoute;
  }

  async clearRequests(): Promise<void> {
    expect((await this.emulator.control('DELETE', '/requests')).status).to.equal(204);
  }

  // ---- ResourceProvider calls, decoded -------------------------------------------------------------------------

  async check(name: string, news: object, olds: object = {}, seed?: string, autonaming?: Autonaming): Promise<{ inputs: Record<string, any>; failures: Failure[] }> {
    const res = await this.plugin.call('check', requests.check(name, news, olds, seed, autonaming));
    return { inputs: plain(res.getInputs()), failures: failuresOf(res.getFailuresList()) };
  }

  async diff(name: string, id: string, olds: object, news: object, oldInputs: object = olds, ignoreChanges: string[] = []): Promise<DiffResult> {
    const res = await this.plugin.call('diff', requests.diff(name, id, olds, news, oldInputs, ignoreChanges));
    const detailedDiff: Record<string, number> = {};
    res.getDetaileddiffMap().forEach((pd: InstanceType<typeof provider.PropertyDiff>, key: string) => (detailedDiff[key] = pd.getKind()));
    return {
      changes: res.getChanges(),
      replaces: res.getReplacesList(),
      diffs: res.getDiffsList(),
      detailedDiff,
      hasDetailedDiff: res.getHasdetaileddiff(),
      deleteBeforeReplace: res.getDeletebeforereplace(),
    };
  }

  async create(name: string, properties: object, options: { preview?: boolean; timeout?: number } = {}): Promise<{ id: string; outputs: Record<string, any> }> {
    const res = await this.plugin.call('create', requests.create(name, properties, options));
    return { id: res.getId(), outputs: plain(res.getProperties()) };
  }

  async read(name: string, id: string, properties: object = {}, inputs: object = {}): Promise<{ id: string; outputs: Record<string, any>; inputs: Record<string, any> }> {
    const res = await this.plugin.call('read', requests.read(name, id, properties, inputs));
    return { id: res.getId(), outputs: plain(res.getProperties()), inputs: plain(res.getInputs()) };
  }

  async update(name: string, id: string, olds: object, news: object, options: { preview?: boolean; timeout?: number } = {}): Promise<Record<string, any>> {
    const res = await this.plugin.call('update', requests.update(name, id, olds, news, options));
    return plain(res.getProperties());
  }

  async delete(name: string, id: string, properties: object, timeout = 0): Promise<void> {
    await this.plugin.call('delete', requests.delete(name, id, properties, timeout));
  }

  async invoke(tok: string, args: object): Promise<{ ret: Record<string, any>; failures: Failure[] }> {
    const res = await this.plugin.call('invoke', requests.invoke(tok, args));
    return { ret: plain(res.getReturn()), failures: failuresOf(res.getFailuresList()) };
  }

  /** What the engine does for a new resource: Check (must pass) then Create. */
  async provision(name: string, news: object, options: { timeout?: number } = {}): Promise<{ inputs: Record<string, any>; id: string; outputs: Record<string, any> }> {
    const checked = await this.check(name, news);
    expect(checked.failures, `Check of ${name}`).to.deep.equal([]);
    const created = await this.create(name, checked.inputs, options);
    return { inputs: checked.inputs, ...created };
  }

  async stop(): Promise<void> {
    await this.plugin.stop();
    this.engine?.stop();
    await this.emulator.emulator.close();
  }

  /**
   * Another plugin process against the same emulator, as the engine starts one for each provider and each
   * deployment (`pulumi up --replace`, a changed provider configuration). Not configured; stopped after the test.
   */
  async otherPlugin(env: Record<string, string> = {}): Promise<Fixture> {
    const other = new Fixture(await PluginProcess.launch(this.engine?.address, hermeticEnv(env)), this.emulator, this.engine);
    other.ids = this.ids;
    this.others.push(other);
    return other;
  }

  /** Stops the processes `otherPlugin` started (useFixture does after each test). */
  async stopOthers(): Promise<void> {
    await Promise.all(this.others.splice(0).map((o) => o.plugin.stop()));
  }

  /** Configure with these (unchecked) inputs: what the engine does with CheckConfig's answer. */
  async configureWith(inputs: Record<string, unknown>): Promise<void> {
    await this.plugin.call('configure', requests.configure(inputs));
    this.configuredWith = inputs;
  }

  /** The last Configure's inputs: reset sends them again, since a Configure starts a new deployment (its snapshots). */
  private configuredWith: Record<string, unknown> | undefined;
}

/**
 * Mocha hooks for a describe block: before — one emulator, optionally one engine, one plugin (config env vars
 * removed), configured against the emulator unless `configure: false`; beforeEach — emulator reset; afterEach —
 * stop the test's other plugin processes; after — stop all.
 */
export function useFixture(
  options: { engine?: boolean; configure?: boolean; env?: (endpoints: EmulatorClient['endpoints']) => Record<string, string> } = {},
): () => Fixture {
  let fixture: Fixture | undefined;
  before(async () => {
    const running = await startEmulator({ pendingSeconds: 0, deletingSeconds: 0, log: () => undefined });
    let engine: EngineServer | undefined;
    if (options.engine) {
      engine = new EngineServer();
      await engine.start();
    }
    const plugin = await PluginProcess.launch(engine?.address, hermeticEnv(options.env?.(running.endpoints)));
    fixture = new Fixture(plugin, new EmulatorClient(running), engine);
    await fixture.lookUpIds();
    if (options.configure !== false) await fixture.configure();
  });
  beforeEach(async () => {
    await fixture!.reset();
  });
  afterEach(async () => {
    await fixture?.stopOthers();
  });
  after(async () => {
    await fixture?.stop();
    fixture = undefined;
  });
  return () => {
    if (!fixture) throw new Error('fixture not started (useFixture hooks not registered?)');
    return fixture;
  };
}

/** Polls `probe` every 20 ms until it returns a value other than undefined, or fails after `ms`. */
export async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const COLLECTOR_FN = 'ibmflowlogs:index:getFlowLogCollector';
export const COLLECTORS_FN = 'ibmflowlogs:index:getFlowLogCollectors';
