import { EMULATOR_HELP, emulatorCommand } from './emulatorCommand';
import { LOGS_HELP, logsCommand } from './logsCommand';
import { PLAN_HELP, planCommand } from './planCommand';
import { RUN_HELP } from './runHelp';

const HELP = `ibm-flowlogs <command> [options]

Commands:
  emulator   run the local IBM Cloud emulator (IAM, VPC API, COS) on loopback
  plan       show where every interface's flow logs land after a planned set of collectors (from
             \`pulumi preview --json\` or a JSON list): a terminal table, a pull-request comment, or JSON
  logs       read flow-log objects from a bucket and report what they show (dropped replies, port scans, volume)
  run        the offline runner (demos and tests): preview, up, refresh or destroy a Pulumi program against the
             real plugin without the Pulumi CLI

Run "ibm-flowlogs <command> --help" for a command's options.
${'\n'}${EMULATOR_HELP}${'\n'}${PLAN_HELP}${'\n'}${LOGS_HELP}${'\n'}${RUN_HELP}`;

const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = {
  emulator: emulatorCommand,
  plan: planCommand,
  logs: logsCommand,
  // Loaded on use: the runner's modules would slow every other command's start.
  run: async (argv) => (await import('./runCommand')).runCommand(argv),
};

/** Entry point of provider/bin/ibm-flowlogs: dispatches by command name; errors end with exit 2 and a message. */
export async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP);
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
