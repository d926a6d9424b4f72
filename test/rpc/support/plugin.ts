import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { grpc, provider, providerGrpc, struct, empty } from '../../../provider/src/rpc/stubs';

const ROOT = resolve(__dirname, '../../../..');
export const PLUGIN = resolve(ROOT, 'provider/bin/pulumi-resource-ibmflowlogs');

export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
export const SIG = '4dabf18193072939515e22adb298388d';
export const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
export const secret = (value: unknown) => ({ [SIG]: SECRET_SIG, value });
export const URN = (name: string) => `urn:pulumi:dev::flowlogs::ibmflowlogs:index:FlowLogCollector::${name}`;
export const TYPE = 'ibmflowlogs:index:FlowLogCollector';

export interface RpcError extends Error {
  code: number;
  details: string;
  metadata: InstanceType<typeof grpc.Metadata>;
}

/**
 * The real plugin process, driven over gRPC with Pulumi's own generated client the way the engine drives it: spawn,
 * read the port from stdout, dial, call.
 */
export class PluginProcess {
  stdout = '';
  stderr = '';
  private constructor(readonly child: ChildProcess, readonly port: number, readonly client: InstanceType<typeof providerGrpc.ResourceProviderClient>) {}

  static async launch(engineAddress?: string, env: NodeJS.ProcessEnv = process.env): Promise<PluginProcess> {
    const child = spawn(process.execPath, [PLUGIN, ...(engineAddress ? [engineAddress] : [])], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const line = await new Promise<string>((res, rej) => {
      createInterface({ input: child.stdout! }).once('line', res);
      child.once('exit', (code) => rej(new Error(`plugin exited with ${code} before printing its port: ${stderr}`)));
    });
    const port = Number(line);
    const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const p = new PluginProcess(child, port, client);
    p.stdout = `${line}\n`;
    child.stdout!.on('data', (d) => (p.stdout += d));
    child.stderr!.on('data', (d) => (p.stderr += d));
    p.stderr = stderr;
    return p;
  }

  /** One unary call by method name, e.g. `call('check', request)`. */
  call<T = any>(method: string, request: unknown): Promise<T> {
    return new Promise((res, rej) => {
      (this.client as any)[method](request, (error: RpcError | null, response: T) => (error ? rej(error) : res(response)));
    });
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null) return;
    await new Promise<void>((res) => {
      this.child.once('exit', () => res());
      this.child.kill('SIGTERM');
    });
  }
}

export const toStruct = (value: object) => struct.Struct.fromJavaScript(value as Record<string, any>);

/** The fields the engine sets on every resource request. */
function forResource<R extends { setUrn(v: string): R; setName(v: string): R; setType(v: string): R }>(r: R, name: string): R {
  return r.setUrn(URN(name)).setName(name).setType(TYPE);
}

/** Request builders with the fields the engine sets. */
export const requests = {
  configure(args: object) {
    const r = new provider.ConfigureRequest();
    r.setArgs(toStruct(args));
    r.setAcceptsecrets(true);
    r.setAcceptresources(true);
    return r;
  },
  checkConfig(news: object, olds: object = {}) {
    const r = new provider.CheckRequest();
    r.setUrn('urn:pulumi:dev::flowlogs::pulumi:providers:ibmflowlogs::default');
    r.setOlds(toStruct(olds));
    r.setNews(toStruct(news));
    return r;
  },
  diffConfig(olds: object, news: object) {
    const r = new provider.DiffRequest();
    r.setUrn('urn:pulumi:dev::flowlogs::pulumi:providers:ibmflowlogs::default');
    r.setOlds(toStruct(olds));
    r.setOldInputs(toStruct(olds));
    r.setNews(toStruct(news));
    return r;
  },
  check(name: string, news: object, olds: object = {}, seed = 'c2VlZC1mb3ItdGVzdHM=') {
    const r = forResource(new provider.CheckRequest(), name);
    r.setOlds(toStruct(olds));
    r.setNews(toStruct(news));
    r.setRandomseed(seed);
    return r;
  },
  diff(name: string, id: string, olds: object, news: object, oldInputs: object = olds) {
    const r = forResource(new provider.DiffRequest(), name);
    r.setId(id);
    r.setOlds(toStruct(olds));
    r.setNews(toStruct(news));
    r.setOldInputs(toStruct(oldInputs));
    return r;
  },
  create(name: string, properties: object, options: { preview?: boolean; timeout?: number } = {}) {
    const r = forResource(new provider.CreateRequest(), name);
    r.setProperties(toStruct(properties));
    r.setPreview(options.preview ?? false);
    r.setTimeout(options.timeout ?? 0);
    return r;
  },
  read(name: string, id: string, properties: object = {}, inputs: object = {}) {
    const r = forResource(new provider.ReadRequest(), name);
    r.setId(id);
    r.setProperties(toStruct(properties));
    r.setInputs(toStruct(inputs));
    return r;
  },
  update(name: string, id: string, olds: object, news: object, options: { preview?: boolean; timeout?: number } = {}) {
    const r = forResource(new provider.UpdateRequest(), name);
    r.setId(id);
    r.setOlds(toStruct(olds));
    r.setNews(toStruct(news));
    r.setOldInputs(toStruct(olds));
    r.setPreview(options.preview ?? false);
    r.setTimeout(options.timeout ?? 0);
    return r;
  },
  delete(name: string, id: string, properties: object, timeout = 0) {
    const r = forResource(new provider.DeleteRequest(), name);
    r.setId(id);
    r.setProperties(toStruct(properties));
    r.setTimeout(timeout);
    return r;
  },
  invoke(tok: string, args: object) {
    const r = new provider.InvokeRequest();
    r.setTok(tok);
    r.setArgs(toStruct(args));
    return r;
  },
  empty() {
    return new empty.Empty();
  },
};
