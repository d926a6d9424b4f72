/*
 * Each command's modules load only when it runs (the emulator alone brings s3rver, ≈ 170 ms), so that --help and
 * --version start about as fast as Node.js itself (`make bench` measures it against `node -e 0`).
 */
import { packageVersion } from '../package/info';

const HELP = `ibm-flowlogs <command> [options]

Commands:
  emulator   run the local IBM Cloud emulator (IAM, VPC API, COS) on loopback
  plan       show where every interface's flow logs land after a planned set of collectors (from
             \`pulumi preview --json\` or a JSON list): a terminal table, a pull-request comment, or JSON
  logs       read flow-log objects from a bucket and report what they show (dropped replies, port scans, volume)
  run        the offline runner (demos and tests): preview, up, refresh or destroy a Pulumi program against the
             real plugin without the Pulumi CLI

Run "ibm-flowlogs <command> --help" for a command's options; "ibm-flowlogs --version" prints the version.
`;

const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = {
  emulator: async (argv) => (await import('./emulatorCommand')).emulatorCommand(argv),
  plan: async (argv) => (await import('./planCommand')).planCommand(argv),
  logs: async (argv) => (await import('./logsCommand')).logsCommand(argv),
  run: async (argv) => (await import('./runCommand')).runCommand(argv),
};

/** Entry point of provider/bin/ibm-flowlogs: dispatches by command name; errors end with exit 2 and a message. */
export async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP);
    return;
  }
  if (name === '--version' || name === 'version') {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`ibm-flowlogs: unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  try {
    await command(rest);
  } catch (error) {
    process.stderr.write(`ibm-flowlogs ${name}: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}
