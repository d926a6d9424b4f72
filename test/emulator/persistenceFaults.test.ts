import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type EmulatorEndpoints, type RunningEmulator } from '../../emulator/src';
import { EmulatorClient } from '../support/emulator';
import { CLI } from '../support/runner';

/**
 * `--state DIR`: a write is on disk before it is answered (kill -9 right after a 201 keeps it), one
 * emulator per folder, state files readable by their owner only, and a damaged file refused with its name and
 * every damaged field. The emulator runs as `ibm-flowlogs emulator`, a real process, where a kill matters.
 */

interface Emu {
  child: ChildProcess;
  endpoints: Promise<EmulatorEndpoints>;
  exited: Promise<{ code: number | null; stderr: string }>;
}

function emulatorProcess(stateDir: string): Emu {
  const child = spawn(process.execPath, [CLI, 'emulator', '--state', stateDir, '--pending-seconds', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => child.once('exit', (code) => resolve({ code, stderr: err })));
  const endpoints = new Promise<EmulatorEndpoints>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))));
    });
    exited.then(({ code, stderr }) => reject(new Error(`the emulator exited with ${code}: ${stderr}`)));
  });
  endpoints.catch(() => undefined);
  return { child, endpoints, exited };
}

const clientOf = (endpoints: EmulatorEndpoints) => new EmulatorClient({ endpoints } as RunningEmulator);

describe('emulator --state: durable writes, one emulator per folder, private files, clear damage reports', function () {
  this.timeout(60_000);
  let dir: string;
  const children: ChildProcess[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ibmflowlogs-durable-'));
  });
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const launch = () => {
    const e = emulatorProcess(dir);
    children.push(e.child);
    return e;
  };

  it('kill -9 right after five 201s keeps all five collectors', async () => {
    const first = launch();
    const client = clientOf(await first.endpoints);
    const t = await client.topology();
    const created = await Promise.all(t.instances.slice(0, 5).map((i: { id: string }) => client.createCollector({ target: { id: i.id }, storage_bucket: { name: 'bucket-c' } })));
    first.child.kill('SIGKILL');
    await first.exited;

    const second = launch();
    const after = clientOf(await second.endpoints);
    expect(after.endpoints.apiKey, 'the same keys: the same state').to.equal(client.endpoints.apiKey);
    for (const c of created) {
      const res = await after.vpc('GET', `/v1/flow_log_collectors/${c.id}`);
      expect(res.status, c.id).to.equal(200);
      expect(res.body.target.id).to.equal(c.target.id);
    }
    second.child.kill('SIGTERM');
    expect((await second.exited).code).to.equal(0);
  });

  it('a second emulator on the same --state refuses with the holder\'s pid; after a kill -9 the stale lock is taken over', async () => {
    const first = launch();
    await first.endpoints;
    const second = launch();
    const refused = await second.exited;
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.contain(`ibm-flowlogs emulator: state folder ${dir} is in use by another emulator (pid ${first.child.pid} on `);
    expect(refused.stderr).to.contain(`remove ${join(dir, 'emulator.lock')}`);
    // In one process too: the folder is held.
    const inProcess = await startEmulator({ stateDir: dir, log: () => undefined }).then(
      (e) => e.close().then(() => undefined),
      (error: Error) => error,
    );
    expect(inProcess?.message).to.contain(`is in use by another emulator (pid ${first.child.pid}`);

    first.child.kill('SIGKILL');
    await first.exited;
    const third = launch();
    await third.endpoints;
    expect(JSON.parse(readFileSync(join(dir, 'emulator.lock'), 'utf8')).pid).to.equal(third.child.pid);
    third.child.kill('SIGTERM');
    await third.exited;
  });

  it('the state file and the lock are the owner\'s only (0600), also when an older file was wider open', async () => {
    const first = launch();
    const client = clientOf(await first.endpoints);
    const mode = (f: string) => statSync(join(dir, f)).mode & 0o777;
    expect(mode('emulator-state.json')).to.equal(0o600);
    expect(mode('emulator.lock')).to.equal(0o600);
    chmodSync(join(dir, 'emulator-state.json'), 0o644);
    await client.control('POST', '/buckets', { name: 'another-bucket' });
    expect(mode('emulator-state.json')).to.equal(0o600);
    first.child.kill('SIGTERM');
    await first.exited;
  });
});

describe('emulator --state: a damaged state file names the file and every damaged field', () => {
  let dir: string;
  let base: Record<string, any>;
  before(async () => {
    // A real state file, with one collector, as the emulator writes it.
    const seedDir = mkdtempSync(join(tmpdir(), 'ibmflowlogs-damage-seed-'));
    const e = await startEmulator({ stateDir: seedDir, log: () => undefined, pendingSeconds: 0 });
    const c = new EmulatorClient(e);
    await c.createCollector({ target: { id: await c.idOf('subnets', 'subnet-1') }, storage_bucket: { name: 'bucket-c' } });
    await c.control('POST', '/traffic', { interfaceId: await c.idOf('networkInterfaces', 'eth0', 'instance-1'), scenario: 'port-scan' });
    await e.close();
    base = JSON.parse(readFileSync(join(seedDir, 'emulator-state.json'), 'utf8'));
    rmSync(seedDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ibmflowlogs-damage-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const CASES: Array<[string, (s: Record<string, any>) => void, string[]]> = [
    ['no topology (was: Cannot read properties of undefined (reading \'vpcs\'))', (s) => delete s.topology, ['topology: expected an object, received nothing']],
    ['planned is not a list (was: snapshot.planned is not iterable)', (s) => (s.collectors.planned = 5), ['collectors.planned: expected a list, received number 5']],
    ['clockOffsetMs "abc" (was: an emulator that answered 500 to everything)', (s) => (s.clockOffsetMs = 'abc'), ['clockOffsetMs: expected a number of milliseconds, received "abc"']],
    ['a collector\'s bucket that would leave the folder', (s) => (s.collectors.records[0].bucket = '../../outside'), ['collectors.records[0].bucket: expected a bucket name (3-63 lowercase letters, digits, dots and hyphens), received "../../outside"']],
    ['a signing key that is not one', (s) => (s.iam.signingKeyPem = 'not a key'), ['iam.signingKeyPem: expected an RSA private key in PEM, received "not a key"']],
    ['no API key', (s) => (s.iam.apiKeys = []), ['iam.apiKeys: expected a list with at least one entry, received a list']],
    [
      'several fields at once, nested ones too',
      (s) => {
        s.seed.subnets[1].cidr = null;
        s.collectors.records[0].lifecycleState = 'sleeping';
        s.traffic.interfaces[Object.keys(s.traffic.interfaces)[0]].ports = -1;
        s.authorizations.push('UPPER');
      },
      [
        'seed.subnets[1].cidr: expected a non-empty string, received null',
        'authorizations[3]: expected a bucket name or "*", received "UPPER"',
        'collectors.records[0].lifecycleState: expected one of deleting, failed, pending, stable, suspended, updating, waiting, received "sleeping"',
        'ports: expected a whole number, 0 or more, received number -1',
      ],
    ],
  ];
  for (const [what, damage, lines] of CASES) {
    it(what, async () => {
      const state = structuredClone(base);
      damage(state);
      const file = join(dir, 'emulator-state.json');
      writeFileSync(file, JSON.stringify(state));
      const error = await startEmulator({ stateDir: dir, log: () => undefined }).then(
        (e) => e.close().then(() => undefined),
        (err: Error) => err,
      );
      expect(error, 'the emulator must not start').to.be.instanceOf(Error);
      expect(error!.message).to.match(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is damaged:\\n`));
      for (const line of lines) expect(error!.message).to.contain(line);
      expect(error!.message).to.contain('Correct the fields named above, or remove the file to start again from the topology');
      // The refusal released the folder: a fixed file starts.
      writeFileSync(file, JSON.stringify(base));
      const fixed = await startEmulator({ stateDir: dir, log: () => undefined });
      await fixed.close();
    });
  }
});
