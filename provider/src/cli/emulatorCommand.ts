import { parseArgs } from 'node:util';
import { startEmulator } from '../../../emulator/src';

export const EMULATOR_HELP = `ibm-flowlogs emulator [options]

Runs the local IBM Cloud (IAM, VPC API, COS and the /_emulator control API) on loopback until stopped
(Ctrl-C or SIGTERM). The first line on stdout is one JSON object with the endpoints and credentials.

  --port N              IAM, VPC API and control API port (default: a free port)
  --cos-port N          COS port (default: --port + 1 when --port is given, else a free port)
  --topology FILE       topology to seed (default: emulator/topologies/use-case-1.json)
  --state DIR           keep state (collectors, buckets, objects, keys) in DIR across restarts
  --pending-seconds N   seconds a collector stays pending before stable (default 1)
  --deleting-seconds N  seconds a collector stays deleting before it is gone (default 1)
  --allow-origin ORIGIN let web pages from ORIGIN (e.g. http://localhost:3000) call the emulator; repeatable.
                        Requests from any other origin, or addressed to a host other than 127.0.0.1 or
                        localhost at its port, are refused (403), so that a web page cannot steer it.

Flow logs are written every 5 minutes of real time (and for every window POST /_emulator/clock/advance crosses).
`;

function port(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${flag} must be a port number from 0 to 65535; received "${value}"`);
  return n;
}

function seconds(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 3600) throw new Error(`${flag} must be a number of seconds from 0 to 3600; received "${value}"`);
  return n;
}

function origin(value: string): string {
  if (value === '*') return value;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.origin !== value.replace(/\/+$/, '').toLowerCase()) {
    throw new Error(`--allow-origin takes an origin, scheme://host[:port] as a browser sends it (e.g. http://localhost:3000), or * for every origin; received "${value}"`);
  }
  return url.origin;
}

export async function emulatorCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'cos-port': { type: 'string' },
      topology: { type: 'string' },
      state: { type: 'string' },
      'pending-seconds': { type: 'string' },
      'deleting-seconds': { type: 'string' },
      'allow-origin': { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(EMULATOR_HELP);
    return;
  }
  const mainPort = port(values.port, '--port');
  const cosPort = port(values['cos-port'], '--cos-port') ?? (mainPort ? mainPort + 1 : 0);
  const emulator = await startEmulator({
    port: mainPort,
    cosPort,
    topology: values.topology,
    stateDir: values.state,
    pendingSeconds: seconds(values['pending-seconds'], '--pending-seconds'),
    deletingSeconds: seconds(values['deleting-seconds'], '--deleting-seconds'),
    allowedOrigins: values['allow-origin']!.map((o) => origin(o)),
    // A long-running emulator writes flow logs as real time passes, like the service; tests drive the clock instead.
    realTimeFlowLogs: true,
  });
  const stop = (signal: string) => {
    emulator.close().then(
      () => {
        process.stderr.write(`ibm-flowlogs emulator: stopped on ${signal}${values.state ? ', state saved' : ''}\n`);
        process.exit(0);
      },
      (error: Error) => {
        process.stderr.write(`ibm-flowlogs emulator: failed to stop cleanly: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  // Only once the handlers are in place: a supervisor may signal as soon as it reads the endpoints line.
  process.stdout.write(`${JSON.stringify(emulator.endpoints)}\n`);
  process.stderr.write(`ibm-flowlogs emulator: VPC API and IAM at ${emulator.endpoints.vpcEndpoint}, COS at ${emulator.endpoints.cosEndpoint}${values.state ? `, state in ${values.state}` : ''}; stop with Ctrl-C\n`);
}
