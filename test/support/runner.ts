import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator, type EmulatorEndpoints, type RunningEmulator } from '../../emulator/src';
import { EmulatorClient } from './emulator';
import type { StackState } from '../../provider/src/runner/stackState';

const ROOT = resolve(__dirname, '../../..'); // compiled to dist/test/support
export const CLI = resolve(ROOT, 'provider/bin/ibm-flowlogs');
export const EXAMPLES = resolve(ROOT, 'examples');

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Environment variables the provider reads as config fallbacks: no plugin in these tests sees the developer's. */
export const CONFIG_ENV_VARS = [
  'IBMCLOUD_API_KEY',
  'IC_API_KEY',
  'IBMCLOUD_REGION',
  'IC_REGION',
  'IBMCLOUD_IS_NG_API_ENDPOINT',
  'IBMCLOUD_IAM_API_ENDPOINT',
  'IBMCLOUD_GT_API_ENDPOINT',
  'IBMCLOUD_RESOURCE_MANAGEMENT_API_ENDPOINT',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
];

/** process.env without any of the provider's config variables, plus `extra`. */
export function hermeticEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of CONFIG_ENV_VARS) delete env[name];
  return { ...env, ...extra };
}

/** Runs `ibm-flowlogs ARGS` as a child process, the way a user runs it; never rejects. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CommandResult> {
  return new Promise((res) => {
    execFile(process.execPath, [CLI, ...args], { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      res({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/**
 * One example (or any Pulumi project directory) driven through the offline runner against an emulator: its own
 * temporary directory holds the emulator's endpoints line and the stack's state file.
 */
export class ExampleStack {
  readonly work = mkdtempSync(join(tmpdir(), 'ibmflowlogs-example-'));
  readonly endpointsFile = join(this.work, 'endpoints.json');
  readonly stateFile = join(this.work, 'state.json');

  constructor(readonly dir: string, endpoints: EmulatorEndpoints, readonly stack = 'emulator') {
    writeFileSync(this.endpointsFile, `${JSON.stringify(endpoints)}\n`);
  }

  /** `ibm-flowlogs run COMMAND` on this stack; `config` entries become --config KEY=VALUE. */
  run(command: 'preview' | 'up' | 'refresh' | 'destroy', config: Record<string, string> = {}, extra: string[] = []): Promise<CommandResult> {
    const flags = Object.entries(config).flatMap(([k, v]) => ['--config', `${k}=${v}`]);
    return runCli(['run', command, '--cwd', this.dir, '--stack', this.stack, '--emulator', this.endpointsFile, '--state', this.stateFile, ...flags, ...extra]);
  }

  state(): StackState {
    return JSON.parse(readFileSync(this.stateFile, 'utf8')) as StackState;
  }

  /** The outputs of the resource named `name` in the state file. */
  outputsOf(name: string): Record<string, any> {
    const r = this.state().resources.find((x) => x.name === name && !x.pendingDelete);
    if (!r) throw new Error(`no resource named ${name} in ${this.stateFile}`);
    return r.outputs as Record<string, any>;
  }

  cleanup(): void {
    rmSync(this.work, { recursive: true, force: true });
  }
}

export interface ExampleContext {
  emulator: RunningEmulator;
  client: EmulatorClient;
  stack: ExampleStack;
  /** The collectors the emulator holds, as its control API's state lists them. */
  collectors(): Promise<any[]>;
}

/**
 * For a describe block about one example: before each test a fresh emulator (clock fixed at 2026-01-05T09:00Z, so
 * flow logs repeat), a client and the example's stack; after it, all closed and removed.
 */
export function useExample(example: string): ExampleContext {
  const ctx = {} as ExampleContext;
  beforeEach(async () => {
    ctx.emulator = await startEmulator({ pendingSeconds: 0, deletingSeconds: 0, clockStart: '2026-01-05T09:00:00Z', log: () => undefined });
    ctx.client = new EmulatorClient(ctx.emulator);
    ctx.stack = new ExampleStack(join(EXAMPLES, example), ctx.emulator.endpoints);
    ctx.collectors = async () => (await ctx.client.control('GET', '/state')).body.collectors;
  });
  afterEach(async () => {
    ctx.stack.cleanup();
    await ctx.emulator.close();
  });
  return ctx;
}
