import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startAndReadLine, stop } from '../bench/support/processes';

/**
 * `make demo`: the product end to end on this machine, no IBM account. Starts the emulator with the use-case-1
 * topology, runs examples/umbrella-and-exceptions through the offline runner (the umbrella alone, then a preview
 * of the exceptions with the bucket-move warnings, up, refresh), prints where every interface's flow logs land,
 * lets the emulator write flow logs for a NACL that drops replies and a port scan, explains them with
 * `ibm-flowlogs logs`, destroys the stack and stops the emulator. Every command is shown as a user would type it;
 * any failure ends the demo with a non-zero exit.
 */
const ROOT = resolve(__dirname, '../..'); // compiled to dist/scripts
const CLI = 'provider/bin/ibm-flowlogs';
const EXAMPLE = 'examples/umbrella-and-exceptions';

const say = (line = '') => process.stdout.write(`${line}\n`);
const heading = (n: number, text: string) => say(`\n━━ ${n}. ${text}\n`);

interface Endpoints {
  controlEndpoint: string;
  cosEndpoint: string;
  cosAccessKeyId: string;
  cosSecretAccessKey: string;
}

/**
 * Runs the CLI and shows the command and its output, shortened where it is long (the runner's Outputs section; the
 * logs report after its findings); fails on a non-zero exit.
 */
function cli(args: string[], env: NodeJS.ProcessEnv = process.env, shown = args): Promise<string> {
  say(`$ ${CLI} ${shown.join(' ')}`);
  return new Promise((res, rej) => {
    execFile(process.execPath, [CLI, ...args], { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const short = stdout.replace(/\nOutputs:\n[\s\S]*?\n\n/, '\n').replace(/\nInterfaces\n=+\n[\s\S]*$/, '\n(… per-interface totals, top talkers, rejected flows and volume follow)');
      say(short.trimEnd().replace(/^/gm, '  '));
      if (error) rej(new Error(`${CLI} ${shown.join(' ')} failed (${error.code}): ${stderr || stdout.slice(-400)}`));
      else res(stdout);
    });
  });
}

async function control(e: Endpoints, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${e.controlEndpoint}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Interface → collector → bucket, from the stack's state (each collector's coverage output) and the topology. */
function coverageTable(stateFile: string, topology: any): string[] {
  const state = JSON.parse(readFileSync(stateFile, 'utf8'));
  const owner = new Map<string, { collector: string; bucket: string }>();
  for (const r of state.resources) {
    if (r.type !== 'ibmflowlogs:index:FlowLogCollector') continue;
    for (const c of r.outputs.coverage ?? []) owner.set(c.interfaceId, { collector: r.outputs.name, bucket: r.outputs.storageBucket });
  }
  const nameOf = (list: any[], id: string) => list.find((x) => x.id === id)?.name ?? id;
  const rows = [...topology.networkInterfaces, ...(topology.networkAttachments ?? [])]
    .filter((n: any, i: number, all: any[]) => all.findIndex((m: any) => m.id === n.id) === i)
    .map((n: any) => [`${nameOf(topology.instances, n.instanceId)}/${n.name}`, nameOf(topology.subnets, n.subnetId), owner.get(n.id)?.collector ?? '(none)', owner.get(n.id)?.bucket ?? 'NOT LOGGED'])
    .sort((a: string[], b: string[]) => a[0].localeCompare(b[0]));
  const header = ['interface', 'subnet', 'winning collector', 'bucket'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r: string[]) => r[i].length)));
  const line = (r: string[]) => `  ${r.map((c, i) => c.padEnd(widths[i])).join('  ')}`.trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)];
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'ibmflowlogs-demo-'));
  const endpointsFile = join(work, 'endpoints.json');
  const stateFile = join(work, 'state.json');
  heading(1, 'Start the local IBM Cloud emulator (IAM, VPC API, COS) with the use-case-1 topology');
  say(`$ ${CLI} emulator --topology emulator/topologies/use-case-1.json > endpoints.json &`);
  const emulator = await startAndReadLine(process.execPath, [CLI, 'emulator', '--topology', 'emulator/topologies/use-case-1.json', '--pending-seconds', '1', '--deleting-seconds', '1'], ROOT);
  try {
    writeFileSync(endpointsFile, `${emulator.line}\n`);
    const e = JSON.parse(emulator.line) as Endpoints & { vpcEndpoint: string };
    say(`  VPC API and IAM ${e.vpcEndpoint}, COS ${e.cosEndpoint}`);
    const run = (command: string, ...config: string[]) =>
      cli(['run', command, '--cwd', EXAMPLE, '--stack', 'emulator', '--emulator', endpointsFile, '--state', stateFile, ...config.flatMap((c) => ['--config', c])], process.env, [
        'run',
        command,
        '--cwd',
        EXAMPLE,
        '--stack',
        'emulator',
        '--emulator',
        'endpoints.json',
        ...config.flatMap((c) => ['--config', c]),
      ]);

    heading(2, 'The umbrella alone: one VPC collector sends every interface to bucket-e');
    await run('up', 'umbrella-and-exceptions:exceptions=false');

    heading(3, 'Preview the exceptions (a subnet to bucket-c, instance-5 to its own bucket): the move warnings');
    const preview = await run('preview');
    if (!/move from bucket-e to bucket-c/.test(preview)) throw new Error('the preview did not warn about the interfaces moving to bucket-c');

    heading(4, 'Apply them, and check nothing drifted');
    await run('up');
    await run('refresh');

    heading(5, 'Where every interface\'s flow logs land (from each collector\'s coverage output)');
    const topology = (await control(e, 'GET', '/state')).topology;
    for (const line of coverageTable(stateFile, topology)) say(line);

    heading(6, 'Traffic: a network ACL drops the replies of instance-3 (subnet-2), someone scans instance-6 (subnet-3)');
    const nic = (instance: string) => topology.networkInterfaces.find((n: any) => n.name === 'eth0' && n.instanceId === topology.instances.find((i: any) => i.name === instance).id).id;
    await control(e, 'POST', '/traffic', { interfaceId: nic('instance-3'), scenario: 'nacl-drops-replies', port: 5432 });
    await control(e, 'POST', '/traffic', { interfaceId: nic('instance-6'), scenario: 'port-scan', scanner: '203.0.113.66' });
    await control(e, 'POST', '/clock/advance', { seconds: 1 });
    const advanced = await control(e, 'POST', '/clock/advance', { seconds: 300 });
    say(`  the emulator's clock moved 5 minutes: ${advanced.flowLogs.objects} flow-log objects written`);

    heading(7, 'Read the flow logs: ibm-flowlogs logs finds the dropped replies and the port scan');
    const env = { ...process.env, AWS_ACCESS_KEY_ID: e.cosAccessKeyId, AWS_SECRET_ACCESS_KEY: e.cosSecretAccessKey };
    const findings: string[] = [];
    // A line that can be pasted as it is: the keys come from endpoints.json, so none is printed.
    const fromEndpoints = (key: string) => `"$(node -p "require('./endpoints.json').${key}")"`;
    say(`$ export AWS_ACCESS_KEY_ID=${fromEndpoints('cosAccessKeyId')} AWS_SECRET_ACCESS_KEY=${fromEndpoints('cosSecretAccessKey')}`);
    for (const bucket of ['bucket-c', 'bucket-e']) {
      const args = ['logs', '--bucket', bucket, '--cos-endpoint', e.cosEndpoint];
      findings.push(await cli(args, env, args));
    }
    if (!/rejected outbound on interface/.test(findings[0])) throw new Error('the logs of bucket-c did not show the dropped replies');
    if (!/203\.0\.113\.66/.test(findings[1])) throw new Error('the logs of bucket-e did not show the port scan');

    heading(8, 'Destroy the stack');
    await run('destroy');
    const left = (await control(e, 'GET', '/state')).collectors.length;
    say(`  collectors left in the emulator: ${left}`);
    if (left !== 0) throw new Error(`destroy left ${left} collectors`);
  } finally {
    await stop(emulator.child);
    rmSync(work, { recursive: true, force: true });
    say('\nEmulator stopped.');
  }
}

main().catch((error: Error) => {
  process.stderr.write(`demo failed: ${error.message}\n`);
  process.exit(1);
});
