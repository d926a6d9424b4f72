import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Env } from '../config';
import { CONFIG_FLAGS_HELP, CONFIG_FLAG_OPTIONS, UsageError, configFromFlags } from './configFlags';
import { readCollectorList, readPreview, type PlanInput } from './plan/inputs';
import { loadLive } from './plan/live';
import { EXIT_CONFLICTS, EXIT_UNCOVERED, buildPlanModel, exitStatusOf } from './plan/model';
import { PLAN_FORMATS, render, type PlanFormat } from './plan/render';

export const EXIT_USAGE = 2;
export const EXIT_FAILED = 1;

export const PLAN_HELP = `ibm-flowlogs plan (--preview FILE | --collectors FILE) [options]

Shows where every network interface's flow logs land before and after a planned set of collectors is laid over
the live ones (the most specific collector wins: network attachment or interface › virtual network interface ›
instance › subnet › VPC): which interfaces move to another bucket, which stop logging, which stay uncovered, and
which planned collectors conflict.

  --preview FILE        the output of \`pulumi preview --json\`; its ibmflowlogs:index:FlowLogCollector steps are
                        the plan (create, update, replace and delete)
  --collectors FILE     a JSON list [{"name", "target", "storageBucket", "active"?}] of planned collectors; one named
                        like a live collector of its VPC stands for that collector
  --vpc ID|NAME         report this VPC only (default: the VPCs the plan touches, or every VPC when it touches none)
  --format F            table (default), markdown (a pull-request comment with a Mermaid diagram) or json
  --fail-on-uncovered   exit ${EXIT_UNCOVERED} when an interface has no collector after the plan

Exit status: 0 done; ${EXIT_CONFLICTS} the plan has conflicts (two collectors on one target, a target that does not exist);
${EXIT_UNCOVERED} uncovered interfaces with --fail-on-uncovered; ${EXIT_USAGE} a usage or configuration error; ${EXIT_FAILED} IBM Cloud could not be read.
The report is printed whatever the status.

${CONFIG_FLAGS_HELP}`;

export interface PlanIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Env;
}

const PROCESS_IO: PlanIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};

function readInput(values: { preview?: string; collectors?: string }): PlanInput {
  if ((values.preview === undefined) === (values.collectors === undefined)) {
    throw new UsageError(values.preview === undefined ? 'give the planned collectors with --preview FILE (pulumi preview --json output) or --collectors FILE (a JSON list)' : 'give either --preview or --collectors, not both');
  }
  const [flag, file] = values.preview !== undefined ? ['--preview', values.preview] : ['--collectors', values.collectors!];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${flag} ${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return values.preview !== undefined ? readPreview(text, file) : readCollectorList(text, file);
}

/** Runs `ibm-flowlogs plan` and returns its exit status; the report goes to io.stdout, problems to io.stderr. */
export async function runPlan(argv: string[], io: PlanIo = PROCESS_IO): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        preview: { type: 'string' },
        collectors: { type: 'string' },
        vpc: { type: 'string' },
        format: { type: 'string', default: 'table' },
        'fail-on-uncovered': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
        ...CONFIG_FLAG_OPTIONS,
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    io.stderr(`ibm-flowlogs plan: ${(error as Error).message}\nRun "ibm-flowlogs plan --help" for the options.\n`);
    return EXIT_USAGE;
  }
  if (values.help) {
    io.stdout(PLAN_HELP);
    return 0;
  }
  try {
    const format = values.format as PlanFormat;
    if (!PLAN_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${PLAN_FORMATS.join(', ')}; received "${values.format}"`);
    if (values.vpc !== undefined && values.vpc.trim() === '') throw new UsageError('--vpc must be a VPC id or name; received an empty value');
    const input = readInput(values);
    const config = configFromFlags(values, io.env);
    let live;
    try {
      live = await loadLive(config, values.vpc);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      io.stderr(`ibm-flowlogs plan: could not read the live topology and collectors from ${config.vpcEndpoint}: ${(error as Error).message}\n`);
      return EXIT_FAILED;
    }
    const model = buildPlanModel(input, live, { vpcId: live.vpcId });
    io.stdout(render(model, format));
    const status = exitStatusOf(model, values['fail-on-uncovered'] === true);
    if (status === EXIT_CONFLICTS) io.stderr(`ibm-flowlogs plan: the plan has ${model.totals.conflicts} conflict${model.totals.conflicts === 1 ? '' : 's'} (exit ${EXIT_CONFLICTS})\n`);
    if (status === EXIT_UNCOVERED) io.stderr(`ibm-flowlogs plan: ${model.totals.uncovered} interface${model.totals.uncovered === 1 ? ' is' : 's are'} uncovered after the plan (--fail-on-uncovered, exit ${EXIT_UNCOVERED})\n`);
    return status;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`ibm-flowlogs plan: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

export async function planCommand(argv: string[]): Promise<void> {
  process.exitCode = await runPlan(argv);
}
