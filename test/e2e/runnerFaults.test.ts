import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/src';
import { EmulatorClient } from '../support/emulator';
import { CLI, ExampleStack, type CommandResult } from '../support/runner';

/**
 * Faults, through the real processes: the runner (`ibm-flowlogs run`) as a child process, its plugin as
 * the runner's child, the emulator over real HTTP. After a kill -9 or a Ctrl-C during `run up`, the next `run up`
 * and `run destroy` leave no collector that the state does not account for; two `run up` at once lose nothing; a
 * refresh or destroy against an endpoint that answers 404 to everything changes no state and fails loudly.
 */

/** Nine collectors in two waves: the second waits for the first (dependsOn), as a real program's dependencies do. */
function program(targets: { subnets: string[]; instances: string[] }): string {
  const first = targets.instances.map((id, i) => `new ibmflowlogs.FlowLogCollector('inst-${i + 1}', { target: '${id}', storageBucket: 'bucket-c' })`);
  const second = targets.subnets.map((id, i) => `new ibmflowlogs.FlowLogCollector('subnet-${i + 1}', { target: '${id}', storageBucket: 'bucket-e' }, { dependsOn: first })`);
  return `import * as ibmflowlogs from '@ibmflowlogs/pulumi';\nconst first = [\n  ${first.join(',\n  ')},\n];\n${second.join(';\n')};\n`;
}

interface Running {
  child: ChildProcess;
  done: Promise<CommandResult>;
  stderr(): string;
}

/** `ibm-flowlogs ARGS` in a process group of its own, as a shell runs a job (a Ctrl-C reaches the whole group). */
function start(args: string[]): Running {
  const child = spawn(process.execPath, [CLI, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CommandResult>((resolve) => child.once('close', (code, signal) => resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 1), stdout, stderr })));
  return { child, done, stderr: () => stderr };
}

/** The pids whose parent is `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers signal 0: it has exited, its parent has not reaped it yet.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('e2e: the runner loses nothing on a kill, a Ctrl-C, a second run or a wrong endpoint', function () {
  this.timeout(120_000);
  let emulator: RunningEmulator;
  let client: EmulatorClient;
  let stack: ExampleStack;
  let dir: string;
  const servers: Server[] = [];

  beforeEach(async () => {
    // Each collector stays `pending` 2 s: long enough to be caught in flight.
    emulator = await startEmulator({ pendingSeconds: 2, deletingSeconds: 0, log: () => undefined });
    client = new EmulatorClient(emulator);
    const t = await client.topology();
    dir = mkdtempSync(join(tmpdir(), 'ibmflowlogs-faults-'));
    writeFileSync(join(dir, 'Pulumi.yaml'), 'name: faults\nruntime: nodejs\n');
    writeFileSync(join(dir, 'index.ts'), program({ subnets: t.subnets.map((s: any) => s.id), instances: t.instances.map((i: any) => i.id) }));
    stack = new ExampleStack(dir, emulator.endpoints, 'dev');
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
    stack.cleanup();
    rmSync(dir, { recursive: true, force: true });
    await emulator.close();
  });

  const args = (command: string, endpoints = stack.endpointsFile) => ['run', command, '--cwd', stack.dir, '--stack', 'dev', '--emulator', endpoints, '--state', stack.stateFile];
  const collectors = async () => (await client.control('GET', '/state')).body.collectors as Array<{ id: string; name: string; lifecycle_state: string }>;
  const stateIds = () => stack.state().resources.filter((r) => r.type === 'ibmflowlogs:index:FlowLogCollector').map((r) => r.id).sort();
  const liveIds = async () => (await collectors()).map((c) => c.id).sort();

  /** `run up` then `run destroy`: every collector the emulator holds is in the state, then none is left. */
  async function upAndDestroyAccountForEverything(): Promise<CommandResult> {
    // Nothing needs catching in flight any more: collectors settle at once.
    await client.control('POST', '/config', { pendingSeconds: 0 });
    const up = await start(args('up')).done;
    expect(up.code, up.stdout + up.stderr).to.equal(0);
    expect(await liveIds(), 'every collector is in the state').to.deep.equal(stateIds());
    expect(stateIds()).to.have.length(9);
    expect(stack.state().pendingOperations, 'no create is pending any more').to.equal(undefined);
    const destroy = await start(args('destroy')).done;
    expect(destroy.code, destroy.stdout + destroy.stderr).to.equal(0);
    expect(await collectors(), 'no collector is left behind').to.deep.equal([]);
    return up;
  }

  it('kill -9 during `run up`: the plugin dies with the runner, the state holds the creates in flight, and the next up adopts them', async () => {
    const run = start(args('up'));
    await until('three creates in flight', async () => ((await collectors()).length >= 3 ? true : undefined));
    const plugins = childrenOf(run.child.pid!);
    expect(plugins, 'the runner has its plugin').to.have.length.greaterThan(0);
    run.child.kill('SIGKILL');
    await run.done;
    await until('the plugin to exit after its runner was killed', () => (plugins.every((p) => !alive(p)) ? true : undefined), 5_000);
    const pending = stack.state().pendingOperations ?? [];
    expect(pending.length, 'the creates in flight are pending in the state').to.be.greaterThan(0);
    expect(pending.every((op) => op.type === 'creating' && op.resource.id === '')).to.equal(true);
    const up = await upAndDestroyAccountForEverything();
    expect(up.stdout).to.match(/an earlier run created inst-\d \(r006-[^)]+\) but stopped before recording it; it is in the state now/);
  });

  it('Ctrl-C during `run up` waits for the creates in flight, saves them, and exits 130; up and destroy then finish the job', async () => {
    const run = start(args('up'));
    await until('a create in flight', async () => ((await collectors()).length >= 1 ? true : undefined));
    const plugins = childrenOf(run.child.pid!);
    // A terminal's Ctrl-C goes to the job's whole process group.
    process.kill(-run.child.pid!, 'SIGINT');
    const interrupted = await run.done;
    expect(interrupted.code, interrupted.stdout + interrupted.stderr).to.equal(130);
    expect(interrupted.stderr).to.contain('Ctrl-C: starting nothing new; waiting for the operations in flight to finish, then saving the state.');
    expect(interrupted.stdout).to.match(/interrupted: the operations in flight finished and the state is saved; \d+ not started\. Run `ibm-flowlogs run up` again to finish\./);
    // Every create in flight finished as a stable collector, and each is in the state: none pending, none orphaned.
    expect(stack.state().pendingOperations).to.equal(undefined);
    const live = await collectors();
    expect(live.length).to.be.within(1, 8);
    expect(live.every((c) => c.lifecycle_state === 'stable')).to.equal(true);
    expect(live.map((c) => c.id).sort()).to.deep.equal(stateIds());
    await until('the plugin to exit', () => (plugins.every((p) => !alive(p)) ? true : undefined), 5_000);
    await upAndDestroyAccountForEverything();
  });

  it('a second Ctrl-C stops at once: the creates in flight stay pending and the next up settles them', async () => {
    const run = start(args('up'));
    await until('three creates in flight', async () => ((await collectors()).length >= 3 ? true : undefined));
    const plugins = childrenOf(run.child.pid!);
    process.kill(-run.child.pid!, 'SIGINT');
    await until('the first Ctrl-C to be taken', () => (run.stderr().includes('Ctrl-C: starting nothing new') ? true : undefined));
    process.kill(-run.child.pid!, 'SIGINT');
    const stopped = await run.done;
    expect(stopped.code).to.equal(130);
    expect(stopped.stderr).to.contain('stopping now: the state records the creates in flight, and the next run settles them.');
    await until('the plugin to be killed with the runner', () => (plugins.every((p) => !alive(p)) ? true : undefined), 5_000);
    expect((stack.state().pendingOperations ?? []).length).to.be.greaterThan(0);
    await upAndDestroyAccountForEverything();
  });

  it('two `run up` at once on one stack: the second refuses with the holder\'s pid, and nothing is lost', async () => {
    const a = start(args('up'));
    const b = start(args('up'));
    const [ra, rb] = await Promise.all([a.done, b.done]);
    const [winner, loser, winnerPid] = ra.code === 0 ? [ra, rb, a.child.pid] : [rb, ra, b.child.pid];
    expect(winner.code, winner.stdout + winner.stderr).to.equal(0);
    expect(loser.code).to.equal(2);
    expect(loser.stderr).to.contain(`the stack is locked by \`ibm-flowlogs run up\` (pid ${winnerPid} on `);
    expect(loser.stderr).to.contain(`remove ${stack.stateFile}.lock`);
    expect(await liveIds()).to.deep.equal(stateIds());
    expect(stateIds()).to.have.length(9);
    const destroy = await start(args('destroy')).done;
    expect(destroy.code).to.equal(0);
    expect(await collectors()).to.deep.equal([]);
  });

  it('refresh and destroy against a vpcEndpoint that answers 404 to everything fail loudly and leave the state as it was', async () => {
    await client.control('POST', '/config', { pendingSeconds: 0 });
    const up = await start(args('up')).done;
    expect(up.code, up.stdout).to.equal(0);
    const wrong = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 page not found');
    });
    servers.push(wrong);
    await new Promise<void>((r) => wrong.listen(0, '127.0.0.1', r));
    const wrongEndpoint = `http://127.0.0.1:${(wrong.address() as AddressInfo).port}`;
    const endpoints = join(stack.work, 'wrong-endpoints.json');
    writeFileSync(endpoints, `${JSON.stringify({ ...emulator.endpoints, vpcEndpoint: wrongEndpoint })}\n`);
    const before = readFileSync(stack.stateFile, 'utf8');
    const mtime = statSync(stack.stateFile).mtimeMs;

    for (const command of ['refresh', 'destroy']) {
      const run = await start(args(command, endpoints)).done;
      expect(run.code, `${command}: ${run.stdout}`).to.equal(1);
      expect(run.stdout).to.contain('answered 404 without IBM\'s error body, so it is not taken to mean that the resource is gone');
      expect(run.stdout).to.contain(`check vpcEndpoint (now ${wrongEndpoint}/)`);
      expect(run.stdout, `${command} reports nothing done`).not.to.match(/\bdeleted\b|refreshed/);
      expect(readFileSync(stack.stateFile, 'utf8'), `${command} left the state as it was`).to.equal(before);
      expect(statSync(stack.stateFile).mtimeMs, `${command} did not even rewrite it`).to.equal(mtime);
    }
    const live = await collectors();
    expect(live).to.have.length(9);
    expect(live.every((c) => c.lifecycle_state === 'stable')).to.equal(true);
    expect((await start(args('destroy')).done).code).to.equal(0);
    expect(await collectors()).to.deep.equal([]);
  });

  it('a failed registration that others depend on ends the run with its error instead of waiting for them forever', async () => {
    // The SDK never resolves a dependsOn on a failed resource. The engine ends such a deployment: step_executor.go
    // cancels it on the first failed step, and the Node.js language host exits on the unhandled error
    // (pulumi/pulumi sdk/nodejs/cmd/run/run.ts); the runner ends it as well, with the failure it has.
    const t = await client.topology();
    writeFileSync(join(dir, 'index.ts'), [
      "import * as ibmflowlogs from '@ibmflowlogs/pulumi';",
      `const first = new ibmflowlogs.FlowLogCollector('inst-1', { target: '${t.instances[0].id}', storageBucket: 'Not_A_Bucket' });`,
      `const second = new ibmflowlogs.FlowLogCollector('subnet-1', { target: '${t.subnets[0].id}', storageBucket: 'bucket-e' }, { dependsOn: [first] });`,
      'export const covered = second.coverage;',
    ].join('\n'));
    for (const command of ['preview', 'up']) {
      const run = await start(args(command)).done;
      expect(run.code, `${command}: ${run.stdout}${run.stderr}`).to.equal(1);
      expect(run.stdout).to.contain('storageBucket');
      expect(run.stdout).to.contain('Not_A_Bucket');
      expect(run.stdout, 'the dependent never started').not.to.match(/subnet-1\s+create/);
    }
    expect(await collectors()).to.deep.equal([]);
  });

  it('a damaged state file is refused with its name and every damaged field', async () => {
    writeFileSync(stack.stateFile, JSON.stringify({ version: 1, project: 'faults', stack: 'dev', resources: [null, { urn: 'u', type: 't', name: 'n', custom: 'yes', id: 'x', provider: '', inputs: {}, outputs: null }], outputs: {} }));
    const run = await start(args('up')).done;
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain(`state file ${stack.stateFile} is damaged:\n  resources[0]: expected an object, received null\n  resources[1].custom: expected a boolean, received "yes"\n  resources[1].outputs: expected an object, received null\n`);
    expect(run.stderr).not.to.match(/Cannot read properties|TypeError/);
    expect(await collectors()).to.deep.equal([]);
  });
});
