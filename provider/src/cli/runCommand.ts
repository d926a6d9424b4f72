import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SECRET_SIG, SIG_KEY, type WireObject } from '../rpc/codec';
import { CONFIG_KEYS, isSecretKey } from '../config';
import { deploy, destroy, importResource, refresh, type RunOptions, type RunReport } from '../runner/deployment';
import { readProject } from '../runner/projectFiles';
import { renderReport } from '../runner/render';
import { secureValuesError, uncoveredSecureKeys } from '../runner/secureValues';
import { UsageError } from './configFlags';
import { closestWord, flagUsageError, type FlagSpecs } from './flagErrors';
import { RUN_HELP } from './runHelp';

const COMMANDS = ['preview', 'up', 'refresh', 'destroy', 'import'] as const;
type Command = (typeof COMMANDS)[number];

const RUN_FLAGS = {
  cwd: { type: 'string' },
  stack: { type: 'string' },
  state: { type: 'string' },
  emulator: { type: 'string' },
  config: { type: 'string', multiple: true },
  protect: { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagSpecs;
const RUN_FLAG_VALUES = { cwd: 'DIR', stack: 'NAME', state: 'FILE', emulator: 'FILE', config: 'KEY=VALUE', protect: '=false' };

/** How long a loopback emulator may take to accept a connection before the runner says it does not answer. */
const EMULATOR_CONNECT_MS = 2000;

/** The emulator's endpoints line as provider config that wins over the program's. */
export function emulatorOverrides(file: string): WireObject {
  if (!existsSync(file)) throw new UsageError(`--emulator: no such file ${resolve(file)}; start the emulator with \`ibm-flowlogs emulator > ${file}\` (its first line is the endpoints line)`);
  let endpoints: Record<string, unknown>;
  try {
    endpoints = JSON.parse(readFileSync(file, 'utf8').split('\n')[0]);
  } catch {
    throw new UsageError(`--emulator: ${file} does not start with the JSON endpoints line that \`ibm-flowlogs emulator\` prints; start it with \`ibm-flowlogs emulator > ${file}\``);
  }
  const missing = ['vpcEndpoint', 'iamEndpoint', 'apiKey'].filter((k) => typeof endpoints[k] !== 'string');
  if (missing.length > 0) throw new UsageError(`--emulator: ${file} lacks ${missing.join(', ')}; it must be the endpoints line of \`ibm-flowlogs emulator\``);
  const overrides: WireObject = {};
  // Every provider config key the line holds (the control endpoint is not one), secret ones wrapped as secrets.
  for (const key of CONFIG_KEYS) {
    const value = endpoints[key];
    if (typeof value === 'string') overrides[key] = isSecretKey(key) ? { [SIG_KEY]: SECRET_SIG, value } : value;
  }
  // The emulator has one COS instance, every bucket's: with it, preview checks the buckets' authorization too.
  if (overrides.cosInstance === undefined && typeof endpoints.cosInstanceId === 'string') overrides.cosInstance = endpoints.cosInstanceId;
  return overrides;
}

/**
 * An endpoints file outlives its emulator: a connection to its VPC endpoint says at once whether one still listens,
 * where the plugin would retry the refused connections for seconds before failing.
 */
export function assertEmulatorRunning(overrides: WireObject, file: string): Promise<void> {
  const url = new URL(String(overrides.vpcEndpoint));
  const restart = `start it with \`ibm-flowlogs emulator > ${file}\` (each start writes a new endpoints line), then run this again`;
  return new Promise((res, rej) => {
    const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) });
    const done = (error?: Error) => {
      socket.destroy();
      if (error) rej(error);
      else res();
    };
    socket.setTimeout(EMULATOR_CONNECT_MS, () => done(new UsageError(`the emulator at ${url.origin} (from --emulator ${file}) does not answer: no connection within ${EMULATOR_CONNECT_MS / 1000} s; ${restart}`)));
    socket.once('connect', () => done());
    socket.once('error', (e: NodeJS.ErrnoException) => done(new UsageError(`the emulator at ${url.origin} (from --emulator ${file}) is not running (${e.code === 'ECONNREFUSED' ? 'connection refused' : e.code ?? e.message}); ${restart}`)));
  });
}

function configPairs(pairs: string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new UsageError(`--config takes KEY=VALUE (e.g. --config ibmflowlogs:region=us-south); received "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

/** A word as a shell takes it. */
const shellWord = (w: string) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);

function usage(positionals: string[]): UsageError {
  const got = positionals.length === 0 ? 'none' : `"${positionals.join(' ')}"`;
  if (positionals[0] === 'import') return new UsageError(`run import takes <type> <name> <id>, e.g. run import ibmflowlogs:index:FlowLogCollector subnet-logs r006-…; received ${got}`);
  const close = positionals.length === 1 ? closestWord(positionals[0], COMMANDS) : undefined;
  return new UsageError(`run takes one of ${COMMANDS.join(', ')}; received ${got}${close ? ` (did you mean ${close}?)` : ''}`);
}

export async function runCommand(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: RUN_FLAGS, allowPositionals: true, strict: true });
  } catch (error) {
    throw flagUsageError(error, 'run', RUN_FLAGS, RUN_FLAG_VALUES) ?? error;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(RUN_HELP);
    return;
  }
  const command = positionals[0] as Command;
  if (!COMMANDS.includes(command) || positionals.length !== (command === 'import' ? 4 : 1)) throw usage(positionals);
  if (values.protect !== undefined && (command !== 'import' || !['true', 'false'].includes(values.protect))) {
    throw new UsageError(command === 'import' ? `--protect takes true or false (e.g. --protect=false); received "${values.protect}"` : `--protect is a flag of \`run import\` only; received it with \`run ${command}\``);
  }
  const cwd = values.cwd ?? '.';
  const stack = values.stack ?? 'dev';
  const stateFile = values.state ?? join(resolve(cwd), '.pulumi-offline', `${stack}.json`);
  const project = readProject(cwd, stack, configPairs(values.config ?? []), existsSync(stateFile));
  const overrides = values.emulator !== undefined ? emulatorOverrides(values.emulator) : undefined;
  const uncovered = uncoveredSecureKeys(project.secureKeys, { emulatorKeys: new Set(Object.keys(overrides ?? {})), env: process.env });
  if (uncovered.length > 0) throw new UsageError(secureValuesError(project.stackFile, uncovered).message);
  if (overrides) await assertEmulatorRunning(overrides, values.emulator!);
  const runFlags = [values.cwd !== undefined && `--cwd ${shellWord(values.cwd)}`, values.stack !== undefined && `--stack ${shellWord(values.stack)}`, values.emulator !== undefined && `--emulator ${shellWord(values.emulator)}`].filter(Boolean).join(' ');
  const options: RunOptions = { project, stack, stateFile, overrides, handleSignals: true, runFlags };
  const run: Record<Command, () => Promise<RunReport>> = {
    preview: () => deploy(options, true),
    up: () => deploy(options, false),
    refresh: () => refresh(options),
    destroy: () => destroy(options),
    import: () => importResource(options, { type: positionals[1], name: positionals[2], id: positionals[3], protect: values.protect !== 'false' }),
  };
  const report = await run[command]();
  process.stdout.write(renderReport(report, { verbose: values.verbose, stateFile }));
  // 130: ended by Ctrl-C, as shells report a job that SIGINT stopped.
  if (!report.ok) process.exitCode = report.interrupted ? 130 : 1;
}
