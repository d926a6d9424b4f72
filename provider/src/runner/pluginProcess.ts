import { ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { any, grpc, provider, providerGrpc, status } from '../rpc/stubs';

const ROOT = resolve(__dirname, '../../../..'); // compiled to dist/provider/src/runner
export const PLUGIN = resolve(ROOT, 'provider/bin/pulumi-resource-ibmflowlogs');

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

  /** @param plugin the executable (pluginDiscovery.ts finds it); the checkout's by default */
  static async launch(engineAddress?: string, env: NodeJS.ProcessEnv = process.env, plugin: string = PLUGIN): Promise<PluginProcess> {
    const args = engineAddress ? [engineAddress] : [];
    // The checkout's shim runs under this Node.js; any other plugin is executed as the engine executes plugins,
    // from a folder of its own rather than the checkout.
    const [command, argv, cwd] = plugin === PLUGIN ? [process.execPath, [PLUGIN, ...args], ROOT] : [plugin, args, dirname(plugin)];
    const shell = process.platform === 'win32' && /\.cmd$/i.test(plugin); // a .cmd runs only through cmd.exe
    // A process group of its own, as a job's: the terminal's Ctrl-C reaches the runner only, which lets the
    // operations in flight finish first. The plugin ends with the runner all the same (rpc/parentWatch.ts).
    const child = spawn(command, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], shell, detached: true });
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

/** Pulumi's ErrorResourceInitFailed: the resource exists (id, properties) but is not ready. */
export interface InitFailure {
  code: number;
  message: string;
  typeUrl: string;
  id: string;
  properties: Record<string, any>;
  reasons: string[];
  /** How many details google.rpc.Status carried (the engine expects exactly one). */
  detailCount: number;
}

/** Decodes ErrorResourceInitFailed from an error's grpc-status-details-bin trailer the way the engine does. */
export function initFailureOf(error: RpcError): InitFailure | undefined {
  const bin = error.metadata?.get('grpc-status-details-bin') ?? [];
  if (bin.length === 0) return undefined;
  const st = status.Status.deserializeBinary(new Uint8Array(bin[0] as Buffer));
  const details = st.getDetailsList() as Array<InstanceType<typeof any.Any>>;
  if (details.length === 0) return undefined;
  const detail = details[0].unpack(provider.ErrorResourceInitFailed.deserializeBinary, 'pulumirpc.ErrorResourceInitFailed');
  if (!detail) return undefined;
  return {
    code: st.getCode(),
    message: st.getMessage(),
    typeUrl: details[0].getTypeUrl(),
    id: detail.getId(),
    properties: (detail.getProperties()?.toJavaScript() ?? {}) as Record<string, any>,
    reasons: detail.getReasonsList(),
    detailCount: details.length,
  };
}
