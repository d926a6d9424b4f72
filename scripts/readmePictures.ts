import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator, type RunningEmulator } from '../emulator/src';
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
 * Both commands run as child processes (`node provider/bin/ibm-flowlogs ...`) in an environment without the
 * developer's IBM Cloud or AWS variables; the emulator runs in this process. README.md holds each text between
 * `<!-- pictures:NAME -->` and `<!-- /pictures:NAME -->`; the script replaces what is between them.
 */

const ROOT = resolve(__dirname, '../..'); // compiled to dist/scripts
const CLI = 'provider/bin/ibm-flowlogs';
const EXAMPLE = 'examples/umbrella-and-exceptions';
const API_VERSION = '2025-12-16';

/**
 * How each picture is drawn from its text. The plan's notes are wider than its tables: the picture wraps them, as a
 * terminal 130 columns wide would. The unit test renders the README's text copies with these and compares.
 */
export const PICTURE_STYLES = {
  'preview-warning': { title: 'ibm-flowlogs run preview' },
  'plan-report': { title: 'ibm-flowlogs plan', wrap: 130 },
} as const satisfies Record<string, TerminalSvgOptions>;

export type PictureName = keyof typeof PICTURE_STYLES;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment without anything that would point a child at a real account. */
function hermeticEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(IBMCLOUD_|IC_|AWS_)/.test(k)) env[k] = v;
  return { ...env, ...extra };
}

/** Runs `node provider/bin/ibm-flowlogs ARGS` without blocking this process (the emulator lives in it). */
function cli(args: string[], env: NodeJS.ProcessEnv = hermeticEnv()): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
  });
}

function mustSucceed(what: string, result: Result): string {
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

async function previewPicture(emulator: RunningEmulator, dir: string): Promise<string> {
  const endpoints = join(dir, 'endpoints.json');
  writeFileSync(endpoints, `${JSON.stringify(emulator.endpoints)}\n`);
  const common = ['--cwd', EXAMPLE, '--stack', 'emulator', '--emulator', endpoints, '--state', join(dir, 'state.json')];
  mustSucceed('run up (the umbrella alone)', await cli(['run', 'up', ...common, '--config', 'umbrella-and-exceptions:exceptions=false']));
  const preview = mustSucceed('run preview', await cli(['run', 'preview', ...common]));
  if (!preview.includes('move from bucket-e to bucket-c')) throw new Error(`the preview has no move warning:\n${preview}`);
  return `$ ibm-flowlogs run preview --cwd ${EXAMPLE} --stack emulator --emulator endpoints.json\n${withoutOutputs(preview)}`;
}

/** A small VPC API client for setting up the live collectors of the plan picture. */
async function vpcApi(emulator: RunningEmulator) {
  const e = emulator.endpoints;
  const form = new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: e.apiKey });
  const tokenRes = await fetch(`${e.iamEndpoint}/identity/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  const token = ((await tokenRes.json()) as { access_token: string }).access_token;
  const state = (await (await fetch(`${e.controlEndpoint}/state`)).json()) as { topology: Record<string, Array<{ id: string; name: string }>> };
  return {
    idOf(kind: string, name: string): string {
      const found = state.topology[kind]?.find((x) => x.name === name);
      if (!found) throw new Error(`the emulator's topology has no ${kind} named ${name}`);
      return found.id;
    },
    async createCollector(name: string, target: string, bucket: string): Promise<void> {
      const res = await fetch(`${e.vpcEndpoint}/v1/flow_log_collectors?version=${API_VERSION}&generation=2`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, target: { id: target }, storage_bucket: { name: bucket } }),
      });
      if (res.status !== 201) throw new Error(`creating ${name} answered ${res.status}: ${await res.text()}`);
    },
  };
}

async function planPicture(emulator: RunningEmulator, dir: string): Promise<string> {
  const api = await vpcApi(emulator);
  await api.createCollector('vpc-umbrella', api.idOf('vpcs', 'vpc-1'), 'bucket-e');
  await api.createCollector('subnet-3-logs', api.idOf('subnets', 'subnet-3'), 'bucket-c');
  await api.createCollector('instance-1-logs', api.idOf('instances', 'instance-1'), 'bucket-c');
  const planned = [
    { name: 'vpc-umbrella', target: api.idOf('vpcs', 'vpc-1'), storageBucket: 'bucket-e' },
    { name: 'subnet-2-logs', target: api.idOf('subnets', 'subnet-2'), storageBucket: 'bucket-c' },
    { name: 'instance-1-logs', target: api.idOf('instances', 'instance-1'), storageBucket: 'bucket-c', active: false },
    { name: 'instance-5-vni-logs', target: api.idOf('virtualNetworkInterfaces', 'instance-5-eth0'), storageBucket: 'bucket-instance-5' },
  ];
  writeFileSync(join(dir, 'planned.json'), `${JSON.stringify(planned, null, 2)}\n`);
  const e = emulator.endpoints;
  const env = hermeticEnv({ IBMCLOUD_IS_NG_API_ENDPOINT: e.vpcEndpoint, IBMCLOUD_IAM_API_ENDPOINT: e.iamEndpoint, IBMCLOUD_API_KEY: e.apiKey });
  const report = mustSucceed('plan', await cli(['plan', '--collectors', join(dir, 'planned.json')], env));
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
      { name: 'preview-warning', make: (em) => previewPicture(em, dir) },
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
