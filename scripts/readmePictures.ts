import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator, type RunningEmulator } from '../emulator/src';
import { EmulatorClient } from '../test/support/emulator';
import { ExampleStack, hermeticEnv, runCli, type CommandResult } from '../test/support/runner';
import { terminalSvg, type TerminalSvgOptions } from './terminalSvg';

/**
 * `npm run pictures` (after `make build`): regenerates the README's two pictures from real runs against the local
 * emulator, and the text copies of them in README.md.
 *
 * - docs/preview-warning.svg: `ibm-flowlogs run preview` of examples/umbrella-and-exceptions after an `up` of the
 *   umbrella alone, so the preview adds the two exceptions and warns which interfaces move to which bucket. The
 *   long "Outputs:" section (every interface of the coverage outputs) is left out.
 * - docs/plan-report.svg: `ibm-flowlogs plan --collectors planned.json` in its table format, with live collectors
 *   vpc-umbrella (bucket-e), subnet-3-logs and instance-1-logs (bucket-c), and a plan that adds a subnet and a
 *   virtual network interface collector and suspends instance-1-logs.
 *
 * Both commands run as child processes (`node provider/bin/ibm-flowlogs ...`), driven with the tests' own support
 * (test/support), so the pictures show what the tests check; the emulator runs in this process. README.md holds each text between
 * `<!-- pictures:NAME -->` and `<!-- /pictures:NAME -->`; the script replaces what is between them.
 */

const ROOT = resolve(__dirname, '../..'); // compiled to dist/scripts
const EXAMPLE = 'examples/umbrella-and-exceptions';

/**
 * How each picture is drawn from its text. The plan's notes are wider than its tables: the picture wraps them, as a
 * terminal 130 columns wide would. The unit test renders the README's text copies with these and compares.
 */
export const PICTURE_STYLES = {
  'preview-warning': { title: 'ibm-flowlogs run preview' },
  'plan-report': { title: 'ibm-flowlogs plan', wrap: 130 },
} as const satisfies Record<string, TerminalSvgOptions>;

export type PictureName = keyof typeof PICTURE_STYLES;

function mustSucceed(what: string, result: CommandResult): string {
  if (result.code !== 0) throw new Error(`${what} exited with ${result.code}\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** The preview without its "Outputs:" section (up to the "Resources:" summary). */
export function withoutOutputs(text: string): string {
  const lines = text.split('\n');
  const start = lines.indexOf('Outputs:');
  if (start < 0) return text;
  const end = lines.indexOf('Resources:', start);
  return [...lines.slice(0, start), ...lines.slice(end < 0 ? lines.length : end)].join('\n');
}

/** Replaces the fenced text between `<!-- pictures:NAME -->` and `<!-- /pictures:NAME -->` in the README. */
export function replaceReadmeBlock(readme: string, name: string, text: string): string {
  const open = `<!-- pictures:${name} -->`;
  const close = `<!-- /pictures:${name} -->`;
  const from = readme.indexOf(open);
  const to = readme.indexOf(close);
  if (from < 0 || to < from) throw new Error(`README.md has no ${open} ... ${close} block`);
  return `${readme.slice(0, from + open.length)}\n\`\`\`text\n${text.replace(/\n+$/, '')}\n\`\`\`\n${readme.slice(to)}`;
}

/** The text of the fenced block between the markers of `name`, or undefined when the README has none. */
export function readmeBlock(readme: string, name: string): string | undefined {
  const match = new RegExp(`<!-- pictures:${name} -->\\n\`\`\`text\\n([\\s\\S]*?)\\n\`\`\`\\n<!-- /pictures:${name} -->`).exec(readme);
  return match?.[1];
}

async function previewPicture(emulator: RunningEmulator): Promise<string> {
  const stack = new ExampleStack(join(ROOT, EXAMPLE), emulator.endpoints);
  try {
    mustSucceed('run up (the umbrella alone)', await stack.run('up', { 'umbrella-and-exceptions:exceptions': 'false' }));
    const preview = mustSucceed('run preview', await stack.run('preview'));
    if (!preview.includes('move from bucket-e to bucket-c')) throw new Error(`the preview has no move warning:\n${preview}`);
    return `$ ibm-flowlogs run preview --cwd ${EXAMPLE} --stack emulator --emulator endpoints.json\n${withoutOutputs(preview)}`;
  } finally {
    stack.cleanup();
  }
}

async function planPicture(emulator: RunningEmulator, dir: string): Promise<string> {
  const client = new EmulatorClient(emulator);
  const [vpc, subnet2, subnet3, instance1, vni5] = await Promise.all([
    client.idOf('vpcs', 'vpc-1'),
    client.idOf('subnets', 'subnet-2'),
    client.idOf('subnets', 'subnet-3'),
    client.idOf('instances', 'instance-1'),
    client.idOf('virtualNetworkInterfaces', 'instance-5-eth0'),
  ]);
  for (const [name, target, bucket] of [['vpc-umbrella', vpc, 'bucket-e'], ['subnet-3-logs', subnet3, 'bucket-c'], ['instance-1-logs', instance1, 'bucket-c']]) {
    await client.createCollector({ name, target: { id: target }, storage_bucket: { name: bucket } });
  }
  const planned = [
    { name: 'vpc-umbrella', target: vpc, storageBucket: 'bucket-e' },
    { name: 'subnet-2-logs', target: subnet2, storageBucket: 'bucket-c' },
    { name: 'instance-1-logs', target: instance1, storageBucket: 'bucket-c', active: false },
    { name: 'instance-5-vni-logs', target: vni5, storageBucket: 'bucket-instance-5' },
  ];
  writeFileSync(join(dir, 'planned.json'), `${JSON.stringify(planned, null, 2)}\n`);
  const e = emulator.endpoints;
  const env = hermeticEnv({ IBMCLOUD_IS_NG_API_ENDPOINT: e.vpcEndpoint, IBMCLOUD_IAM_API_ENDPOINT: e.iamEndpoint, IBMCLOUD_API_KEY: e.apiKey });
  const report = mustSucceed('plan', await runCli(['plan', '--collectors', join(dir, 'planned.json')], env));
  for (const bucket of ['bucket-e', 'bucket-c', 'bucket-instance-5']) if (!report.includes(bucket)) throw new Error(`the plan report does not name ${bucket}:\n${report}`);
  return `$ ibm-flowlogs plan --collectors planned.json\n${report}`;
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/sdk/nodejs/index.js'))) throw new Error('run `make build` first (the offline runner uses dist/)');
  const dir = mkdtempSync(join(tmpdir(), 'ibmflowlogs-pictures-'));
  const docs = join(ROOT, 'docs');
  mkdirSync(docs, { recursive: true });
  const readmeFile = join(ROOT, 'README.md');
  let readme = readFileSync(readmeFile, 'utf8');
  try {
    const pictures: Array<{ name: PictureName; make: (emulator: RunningEmulator) => Promise<string> }> = [
      { name: 'preview-warning', make: (em) => previewPicture(em) },
      { name: 'plan-report', make: (em) => planPicture(em, dir) },
    ];
    for (const picture of pictures) {
      // A fresh emulator each: the pictures do not depend on each other.
      const emulator = await startEmulator({ pendingSeconds: 0, deletingSeconds: 0 });
      try {
        const text = await picture.make(emulator);
        writeFileSync(join(docs, `${picture.name}.svg`), terminalSvg(text, PICTURE_STYLES[picture.name]));
        readme = replaceReadmeBlock(readme, picture.name, text);
        process.stdout.write(`wrote docs/${picture.name}.svg (${text.split('\n').length} lines)\n`);
      } finally {
        await emulator.close();
      }
    }
    writeFileSync(readmeFile, readme);
    process.stdout.write('updated the text copies in README.md\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`readme pictures failed: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
