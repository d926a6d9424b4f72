import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunningEmulator } from '../../emulator/src';
import { parseTopology, type TopologyIssue } from '../../emulator/src/models/topologyFile';
import { EmulatorClient } from '../support/emulator';

/** `provider/bin/ibm-flowlogs emulator` as a user runs it, and the topology file parser behind `--topology`. */

const ROOT = resolve(__dirname, '../../..');
const CLI = 'provider/bin/ibm-flowlogs';
const TOPOLOGY = 'emulator/topologies/use-case-1.json';
const ENDPOINT_KEYS = ['apiKey', 'controlEndpoint', 'cosAccessKeyId', 'cosEndpoint', 'cosInstanceCrn', 'cosInstanceId', 'cosSecretAccessKey', 'iamEndpoint', 'region', 'resourceManagerEndpoint', 'taggingEndpoint', 'vpcEndpoint'];

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code and signal once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describe('ibm-flowlogs CLI', () => {
  const runs: Run[] = [];
  const dirs: string[] = [];
  const servers: Server[] = [];

  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'ibmflowlogs-cli-test-'));
    dirs.push(dir);
    return dir;
  }

  function run(args: string[]): Run {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const r: Run = { child, stdout: () => out, stderr: () => err, exited };
    runs.push(r);
    return r;
  }

  /** The first stdout line; fails with the process's stderr if it exits first. */
  function firstLine(r: Run, timeoutMs = 10_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no stdout line within ${timeoutMs} ms; stderr: ${r.stderr()}`)), timeoutMs);
      const check = () => {
        const nl = r.stdout().indexOf('\n');
        if (nl >= 0) {
          clearTimeout(timer);
          r.child.stdout!.off('data', check);
          resolve(r.stdout().slice(0, nl));
        }
      };
      r.child.stdout!.on('data', check);
      check();
      r.exited.then(({ code }) => {
        clearTimeout(timer);
        reject(new Error(`exited (${code}) before printing a line; stderr: ${r.stderr()}`));
      });
    });
  }

  async function stop(r: Run): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const started = Date.now();
    r.child.kill('SIGTERM');
    const result = await r.exited;
    return { ...result, ms: Date.now() - started };
  }

  const clientFor = (endpoints: RunningEmulator['endpoints']) => new EmulatorClient({ endpoints } as RunningEmulator);

  afterEach(async () => {
    for (const r of runs.splice(0)) {
      if (r.child.exitCode === null && r.child.signalCode === null) {
        r.child.kill('SIGKILL');
        await r.exited;
      }
    }
    for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('emulator: prints only the endpoints line, serves the API, stops on SIGTERM and restarts from --state', async () => {
    const state = tempDir();
    const args = ['emulator', '--topology', TOPOLOGY, '--state', state, '--pending-seconds', '0'];
    const first = run(args);
    const line = await firstLine(first);
    const endpoints = JSON.parse(line);
    expect(Object.keys(endpoints).sort()).to.deep.equal(ENDPOINT_KEYS);
    expect(endpoints.vpcEndpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(endpoints.iamEndpoint).to.equal(endpoints.vpcEndpoint);
    expect(endpoints.controlEndpoint).to.equal(`${endpoints.vpcEndpoint}/_emulator`);
    expect(endpoints.cosEndpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(endpoints.cosEndpoint).to.not.equal(endpoints.vpcEndpoint);
    expect(endpoints.region).to.equal('us-south');
    for (const key of ['apiKey', 'cosAccessKeyId', 'cosSecretAccessKey']) expect(endpoints[key]).to.be.a('string').with.length.above(8);

    const client = clientFor(endpoints);
    const token = await client.requestToken();
    expect(token.status).to.equal(200);
    const vpcs = await client.vpc('GET', '/v1/vpcs');
    expect(vpcs.status).to.equal(200);
    expect(vpcs.body.vpcs.map((v: any) => v.name)).to.deep.equal(['vpc-1']);
    const created = await client.createCollector({ target: { id: await client.idOf('subnets', 'subnet-2') }, storage_bucket: { name: 'bucket-e' }, name: 'survives-restart' });
    const oldToken = await client.accessToken();

    const stopped = await stop(first);
    expect(stopped).to.deep.include({ code: 0, signal: null });
    expect(stopped.ms).to.be.below(5000);
    expect(first.stdout()).to.equal(`${line}\n`);
    expect(first.stderr()).to.contain('ibm-flowlogs emulator: stopped on SIGTERM, state saved');

    const second = run(args);
    const again = JSON.parse(await firstLine(second));
    expect(again.apiKey).to.equal(endpoints.apiKey);
    expect(again.cosAccessKeyId).to.equal(endpoints.cosAccessKeyId);
    expect(again.cosSecretAccessKey).to.equal(endpoints.cosSecretAccessKey);
    const client2 = clientFor(again);
    // A token from the first process verifies in the second: the signing key is part of the state.
    const read = await client2.vpc('GET', `/v1/flow_log_collectors/${created.id}`, { authorization: `Bearer ${oldToken}` });
    expect(read.status).to.equal(200);
    expect(read.body).to.deep.include({ id: created.id, name: 'survives-restart', crn: created.crn, created_at: created.created_at, lifecycle_state: 'stable' });
    expect((await client2.vpc('GET', '/v1/flow_log_collectors')).body.total_count).to.equal(1);

    const stoppedAgain = await stop(second);
    expect(stoppedAgain.code).to.equal(0);
    expect(second.stdout().split('\n')).to.have.length(2);
  });

  it('emulator: stops on SIGINT too, and without --state says nothing about saving', async () => {
    const r = run(['emulator']);
    JSON.parse(await firstLine(r));
    r.child.kill('SIGINT');
    expect(await r.exited).to.deep.equal({ code: 0, signal: null });
    expect(r.stderr()).to.contain('ibm-flowlogs emulator: stopped on SIGINT\n');
  });

  it('emulator --port with a busy port exits non-zero with a clear message', async () => {
    const busy = createServer();
    servers.push(busy);
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    const r = run(['emulator', '--port', String(port), '--cos-port', '0']);
    const { code } = await r.exited;
    expect(code).to.equal(2);
    expect(r.stdout()).to.equal('');
    expect(r.stderr()).to.equal(`ibm-flowlogs emulator: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}\n`);
  });

  it('emulator --topology with an invalid file exits 2 and lists every issue with its path', async () => {
    const file = join(tempDir(), 'bad-topology.json');
    writeFileSync(
      file,
      JSON.stringify({
        region: 'us-south',
        vpcs: [{ name: 'Bad_VPC', subnets: [{ name: 'sub-a', zone: 'us-south-1', cidr: '10.0.0.0/33', colour: 'red' }] }],
      }),
    );
    const r = run(['emulator', '--topology', file]);
    const { code } = await r.exited;
    expect(code).to.equal(2);
    expect(r.stdout()).to.equal('');
    expect(r.stderr().split('\n')).to.deep.equal([
      `ibm-flowlogs emulator: ${file} is not a valid topology:`,
      '  vpcs[0].name: "Bad_VPC" is not a valid IBM name: 1-63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen',
      '  vpcs[0].subnets[0].colour: unknown key; allowed: id, name, zone, cidr, resourceGroup',
      '  vpcs[0].subnets[0].cidr: "10.0.0.0/33" is not an IPv4 CIDR block between /8 and /29 aligned to its size',
      '',
    ]);
  });

  it('emulator --topology with a file that is not JSON, or missing, exits 2 naming the file and what to give instead', async () => {
    const file = join(tempDir(), 'truncated.json');
    writeFileSync(file, '{"vpcs": [');
    const r = run(['emulator', '--topology', file]);
    expect((await r.exited).code).to.equal(2);
    expect(r.stderr()).to.match(new RegExp(`^ibm-flowlogs emulator: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not valid JSON: .+\\n$`));

    const missing = join(tempDir(), 'nope.json');
    const m = run(['emulator', '--topology', missing]);
    expect((await m.exited).code).to.equal(2);
    expect(m.stderr()).to.contain(`topology ${missing}: no such file; give a topology JSON file, e.g. `);
    expect(m.stderr()).to.contain('emulator/topologies/use-case-1.json (the default), or leave out --topology');
    expect(m.stderr()).not.to.match(/ENOENT|at .*\.js:\d+/);

    const dir = tempDir();
    const d = run(['emulator', '--topology', dir]);
    expect((await d.exited).code).to.equal(2);
    expect(d.stderr()).to.contain(`topology ${dir}: a directory, not a file; give a topology JSON file`);
  });

  it('exits 2 on an unknown command or option, and prints help on --help', async () => {
    const unknown = run(['frobnicate']);
    expect((await unknown.exited).code).to.equal(2);
    expect(unknown.stdout()).to.equal('');
    expect(unknown.stderr()).to.equal('ibm-flowlogs: unknown command "frobnicate"; commands: emulator, plan, logs, run\n');

    const badFlag = run(['emulator', '--bogus']);
    expect((await badFlag.exited).code).to.equal(2);
    expect(badFlag.stderr()).to.equal("ibm-flowlogs emulator: Unknown option '--bogus'\n");

    const badPort = run(['emulator', '--port', '70000']);
    expect((await badPort.exited).code).to.equal(2);
    expect(badPort.stderr()).to.equal('ibm-flowlogs emulator: --port must be a port number from 0 to 65535; received "70000"\n');

    const help = run(['emulator', '--help']);
    expect((await help.exited).code).to.equal(0);
    expect(help.stdout()).to.match(/^ibm-flowlogs emulator \[options\]\n/);
    expect(help.stdout()).to.contain('--state DIR');
  });
});

describe('topology file parser', () => {
  /** A small valid topology; each case below breaks one thing in a copy. */
  const base = () => ({
    region: 'us-south',
    resourceGroups: [{ name: 'default', default: true }, { name: 'network' }],
    vpcs: [
      {
        name: 'vpc-a',
        resourceGroup: 'network',
        subnets: [
          { name: 'sub-a', zone: 'us-south-1', cidr: '10.10.0.0/24' },
          { name: 'sub-b', zone: 'us-south-2', cidr: '10.10.64.0/24' },
        ],
        instances: [
          { name: 'vm-a', zone: 'us-south-1', networkInterfaces: [{ name: 'eth0', subnet: 'sub-a' }] },
          { name: 'vm-b', zone: 'us-south-2', networkAttachments: [{ name: 'eth0', subnet: 'sub-b' }] },
        ],
      },
    ],
    buckets: [{ name: 'logs-bucket' }],
  });
  type T = ReturnType<typeof base> & Record<string, any>;

  const issuesOf = (input: unknown): TopologyIssue[] => {
    const result = parseTopology(input);
    if (result.ok) throw new Error('expected the topology to be refused');
    return result.issues;
  };

  it('accepts the base topology', () => {
    const result = parseTopology(base());
    expect(result.ok).to.equal(true);
  });

  const cases: Array<[string, (t: T) => void, TopologyIssue[]]> = [
    [
      'an unknown key',
      (t) => ((t.vpcs[0].subnets[0] as any).colour = 'red'),
      [{ path: 'vpcs[0].subnets[0].colour', reason: 'unknown key; allowed: id, name, zone, cidr, resourceGroup' }],
    ],
    [
      'an unknown key at the root',
      (t) => (t.vpc = []),
      [{ path: 'vpc', reason: 'unknown key; allowed: region, account, createdAt, resourceGroups, vpcs, buckets' }],
    ],
    [
      'a name against IBM\'s rule',
      (t) => (t.vpcs[0].instances[0].name = 'VM_A'),
      [{ path: 'vpcs[0].instances[0].name', reason: '"VM_A" is not a valid IBM name: 1-63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen' }],
    ],
    [
      'a name ending in a hyphen',
      (t) => (t.vpcs[0].name = 'vpc-'),
      [{ path: 'vpcs[0].name', reason: '"vpc-" is not a valid IBM name: 1-63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen' }],
    ],
    [
      'a CIDR not aligned to its size',
      (t) => (t.vpcs[0].subnets[0].cidr = '10.10.0.1/24'),
      [{ path: 'vpcs[0].subnets[0].cidr', reason: '"10.10.0.1/24" is not an IPv4 CIDR block between /8 and /29 aligned to its size' }],
    ],
    [
      'a CIDR with an octet over 255',
      (t) => (t.vpcs[0].subnets[1].cidr = '10.300.0.0/16'),
      [{ path: 'vpcs[0].subnets[1].cidr', reason: '"10.300.0.0/16" is not an IPv4 CIDR block between /8 and /29 aligned to its size' }],
    ],
    [
      'a CIDR too small for a subnet',
      (t) => (t.vpcs[0].subnets[0].cidr = '10.10.0.0/30'),
      [{ path: 'vpcs[0].subnets[0].cidr', reason: '"10.10.0.0/30" is not an IPv4 CIDR block between /8 and /29 aligned to its size' }],
    ],
    [
      'an interface in a subnet of another zone',
      (t) => (t.vpcs[0].instances[0].networkInterfaces![0].subnet = 'sub-b'),
      [{ path: 'vpcs[0].instances[0].networkInterfaces[0].subnet', reason: 'subnet "sub-b" is in zone us-south-2, but the instance is in zone us-south-1' }],
    ],
    [
      'an attachment in a subnet that does not exist',
      (t) => (t.vpcs[0].instances[1].networkAttachments![0].subnet = 'sub-z'),
      [{ path: 'vpcs[0].instances[1].networkAttachments[0].subnet', reason: 'no subnet named "sub-z" in VPC vpc-a' }],
    ],
    [
      'an instance with both networkInterfaces and networkAttachments',
      (t) => ((t.vpcs[0].instances[0] as any).networkAttachments = [{ name: 'att0', subnet: 'sub-a' }]),
      [{ path: 'vpcs[0].instances[0]', reason: 'an instance has either networkInterfaces or networkAttachments, not both' }],
    ],
    [
      'an instance with no interface at all',
      (t) => (t.vpcs[0].instances[0].networkInterfaces = []),
      [{ path: 'vpcs[0].instances[0]', reason: 'an instance needs at least one entry in networkInterfaces or networkAttachments' }],
    ],
    [
      'a duplicate subnet name',
      (t) => t.vpcs[0].subnets.push({ name: 'sub-a', zone: 'us-south-3', cidr: '10.10.128.0/24' }),
      [
        { path: 'vpcs[0].subnets[2].name', reason: 'subnet name "sub-a" is used twice in VPC vpc-a' },
        // References by name then find the later subnet of that name.
        { path: 'vpcs[0].instances[0].networkInterfaces[0].subnet', reason: 'subnet "sub-a" is in zone us-south-3, but the instance is in zone us-south-1' },
      ],
    ],
    [
      'a duplicate interface name on one instance',
      (t) => t.vpcs[0].instances[0].networkInterfaces!.push({ name: 'eth0', subnet: 'sub-a' }),
      [
        { path: 'vpcs[0].instances[0].networkInterfaces[1].name', reason: 'interface name "eth0" is used twice on instance vm-a' },
        { path: 'vpcs[0].instances[0].networkInterfaces[1].id', reason: `id "${(parseTopology(base()) as any).topology.networkInterfaces[0].id}" is used twice` },
      ],
    ],
    [
      'an unknown resource group',
      (t) => (t.vpcs[0].resourceGroup = 'prod'),
      [{ path: 'vpcs[0].resourceGroup', reason: 'no resource group named "prod"' }],
    ],
    [
      'two default resource groups',
      (t) => ((t.resourceGroups[1] as any).default = true),
      [{ path: 'resourceGroups', reason: 'exactly one resource group must have "default": true; found 2' }],
    ],
    [
      'a zone outside the region',
      (t) => (t.vpcs[0].subnets[1].zone = 'eu-de-1'),
      [
        { path: 'vpcs[0].subnets[1].zone', reason: 'zone "eu-de-1" is not in region us-south' },
        { path: 'vpcs[0].instances[1].networkAttachments[0].subnet', reason: 'subnet "sub-b" is in zone eu-de-1, but the instance is in zone us-south-2' },
      ],
    ],
    [
      'a bad bucket name',
      (t) => (t.buckets[0].name = 'Logs_Bucket'),
      [
        {
          path: 'buckets[0].name',
          reason: '"Logs_Bucket" is not a valid bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, not an IP address',
        },
      ],
    ],
    [
      'a wrongly typed field',
      (t) => ((t.vpcs[0] as any).subnets = { name: 'sub-a' }),
      [
        { path: 'vpcs[0].subnets', reason: 'expected an array, received an object' },
        // Without its subnets, each instance's interface points nowhere.
        { path: 'vpcs[0].instances[0].networkInterfaces[0].subnet', reason: 'no subnet named "sub-a" in VPC vpc-a' },
        { path: 'vpcs[0].instances[1].networkAttachments[0].subnet', reason: 'no subnet named "sub-b" in VPC vpc-a' },
      ],
    ],
  ];

  for (const [what, breakIt, expected] of cases) {
    it(`refuses ${what} with its exact path and reason`, () => {
      const t = base() as T;
      breakIt(t);
      expect(issuesOf(t)).to.deep.equal(expected);
    });
  }

  it('refuses a root that is not an object', () => {
    expect(issuesOf([])).to.deep.equal([{ path: '(root)', reason: 'expected an object, received an array' }]);
    expect(issuesOf(null)).to.deep.equal([{ path: '(root)', reason: 'expected an object, received null' }]);
    expect(issuesOf('topology')).to.deep.equal([{ path: '(root)', reason: 'expected an object, received "topology"' }]);
  });

  it('collects several problems in one result, in document order', () => {
    const t = base() as T;
    t.extra = true;
    t.vpcs[0].resourceGroup = 'prod';
    t.vpcs[0].subnets[1].cidr = '10.10.64.0/33';
    t.vpcs[0].instances[0].networkInterfaces![0].subnet = 'sub-b';
    t.buckets.push({ name: 'x' });
    expect(issuesOf(t)).to.deep.equal([
      { path: 'extra', reason: 'unknown key; allowed: region, account, createdAt, resourceGroups, vpcs, buckets' },
      { path: 'vpcs[0].resourceGroup', reason: 'no resource group named "prod"' },
      { path: 'vpcs[0].subnets[1].cidr', reason: '"10.10.64.0/33" is not an IPv4 CIDR block between /8 and /29 aligned to its size' },
      { path: 'vpcs[0].instances[0].networkInterfaces[0].subnet', reason: 'subnet "sub-b" is in zone us-south-2, but the instance is in zone us-south-1' },
      {
        path: 'buckets[1].name',
        reason: '"x" is not a valid bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, not an IP address',
      },
    ]);
  });

  it('gives the same ids when the same file is parsed twice', () => {
    const text = readFileSync(join(ROOT, TOPOLOGY), 'utf8');
    const a = parseTopology(JSON.parse(text));
    const b = parseTopology(JSON.parse(text));
    if (!a.ok || !b.ok) throw new Error('use-case-1.json should parse');
    expect(a.topology).to.deep.equal(b.topology);
    const ids = (t: typeof a.topology) =>
      [t.vpcs, t.subnets, t.instances, t.networkInterfaces, t.networkAttachments, t.virtualNetworkInterfaces, t.resourceGroups].flat().map((x) => x.id);
    expect(ids(a.topology)).to.deep.equal(ids(b.topology));
    expect(new Set(ids(a.topology)).size).to.equal(ids(a.topology).length);
    // IBM-shaped ids: regional VPCs, zonal subnets and interfaces, instances with an underscore.
    expect(a.topology.vpcs[0].id).to.match(/^r006-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.topology.subnets.map((s) => s.id.slice(0, 5))).to.deep.equal(['0717-', '0717-', '0727-']);
    expect(a.topology.instances.every((i) => /^07[12]7_/.test(i.id))).to.equal(true);
    expect(a.topology.account).to.equal('7c1f0e4b2a9d48e6b3f5a0c2d9e8f716');

    // A renamed resource gets another id; the others keep theirs.
    const renamed = JSON.parse(text);
    renamed.vpcs[0].instances[5].name = 'instance-six';
    const c = parseTopology(renamed);
    if (!c.ok) throw new Error(`renamed topology should parse: ${JSON.stringify(c.issues)}`);
    expect(c.topology.instances[5].id).to.not.equal(a.topology.instances[5].id);
    expect(c.topology.instances.slice(0, 5).map((i) => i.id)).to.deep.equal(a.topology.instances.slice(0, 5).map((i) => i.id));
    expect(c.topology.subnets).to.deep.equal(a.topology.subnets);
    expect(c.topology.vpcs).to.deep.equal(a.topology.vpcs);
  });
});
