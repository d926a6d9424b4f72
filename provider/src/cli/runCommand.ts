import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SECRET_SIG, SIG_KEY, type WireObject } from '../rpc/codec';
import { CONFIG_KEYS, isSecretKey } from '../config';
import { deploy, destroy, refresh, type RunOptions, type RunReport } from '../runner/deployment';
import { readProject } from '../runner/projectFiles';
import { renderReport } from '../runner/render';
import { UsageError } from './configFlags';
import { RUN_HELP } from './runHelp';


const COMMANDS = ['preview', 'up', 'refresh', 'destroy'] as const;
type Command = (typeof COMMANDS)[number];

/** The emulator's endpoints line as provider config that wins over the program's. */
export function emulatorOverrides(file: string): WireObject {
  if (!existsSync(file)) throw new UsageError(`--emulator: no such file ${file}; write the first line of \`ibm-flowlogs emulator\` to it`);
  let endpoints: Record<string, unknown>;
  try {
    endpoints = JSON.parse(readFileSync(file, 'utf8').split('\n')[0]);
  } catch {
    throw new UsageError(`--emulator: ${file} does not start with the JSON endpoints line that \`ibm-flowlogs emulator\` prints`);
  }
  const missing = ['vpcEndpoint', 'iamEndpoint', 'apiKey'].filter((k) => typeof endpoints[k] !== 'string');
  if (missing.length > 0) throw new UsageError(`--emulator: ${file} lacks ${missing.join(', ')}; it must be the endpoints line of \`ibm-flowlogs emulator\``);
  const overrides: WireObject = {};
  // Every provider config key the line holds (the control endpoint is not one), secret ones wrapped as secrets.
  for (const key of CONFIG_KEYS) {
    const value = endpoints[key];
    if (typeof value === 'string') overrides[key] = isSecretKey(key) ? { [SIG_KEY]: SECRET_SIG, value } : value;
  }
  return overrides;
}

function configPairs(pairs: string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new UsageError(`--config takes KEY=VALUE; received "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

export async function runCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      cwd: { type: 'string', default: '.' },
      stack: { type: 'string', default: 'dev' },
      state: { type: 'string' },
      emulator: { type: 'string' },
      config: { type: 'string', multiple: true, default: [] },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(RUN_HELP);
    return;
  }
  const command = positionals[0] as Command;
  if (positionals.length !== 1 || !COMMANDS.includes(command)) {
    throw new UsageError(`run takes one of ${COMMANDS.join(', ')}; received ${positionals.length === 0 ? 'none' : `"${positionals.join(' ')}"`}`);
  }
  const project = readProject(values.cwd!, values.stack!, configPairs(values.config!));
  const stateFile = values.state ?? join(project.dir, '.pulumi-offline', `${values.stack}.json`);
  const options: RunOptions = { project, stack: values.stack!, stateFile, overrides: values.emulator ? emulatorOverrides(values.emulator) : undefined, handleSignals: true };
  const run: Record<Command, () => Promise<RunReport>> = {
    preview: () => deploy(options, true),
    up: () => deploy(options, false),
    refresh: () => refresh(options),
    destroy: () => destroy(options),
  };
  const report = await run[command]();
  process.stdout.write(renderReport(report, { verbose: values.verbose, stateFile }));
  // 130: ended by Ctrl-C, as shells report a job that SIGINT stopped.
  if (!report.ok) process.exitCode = report.interrupted ? 130 : 1;
}
