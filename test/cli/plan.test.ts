import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator } from '../../emulator/src';
import type { Collector, VpcTopology } from '../../provider/src/ibm/types';
import { COLLECTOR_TYPE, PULUMI_UNKNOWN, readCollectorList, readPreview } from '../../provider/src/cli/plan/inputs';
import { buildPlanModel, type PlanModel } from '../../provider/src/cli/plan/model';
import { FOLD_DIAGRAM_ABOVE, renderMarkdown } from '../../provider/src/cli/plan/render';
import { runPlan } from '../../provider/src/cli/planCommand';
import { UsageError } from '../../provider/src/cli/configFlags';
import { EmulatorClient } from '../support/emulator';
import { hermeticEnv, runCli, type CommandResult } from '../support/runner';
import { parseFlowchart, parseMarkdown, type ParsedMarkdown } from '../support/markdown';

/**
 * `ibm-flowlogs plan` against the emulator's use-case-1 topology: golden outputs in all three formats for the
 * preview fixture and the collectors list, the Markdown checked with markdown-it and its diagram with Mermaid's own
 * parser, exit statuses, and the parsing of `pulumi preview --json` output.
 *
 * Live collectors get random ids from the emulator; the preview fixture names them by the fixture ids below, so each
 * test writes the fixture with the live ids in and maps them back in the output before comparing.
 */

const ROOT = resolve(__dirname, '../../..');
const FIXTURES = join(ROOT, 'test/fixtures/plan');

/** The live collectors of the scenario, with the ids test/fixtures/plan/preview.json knows them by. */
const LIVE = [
  { name: 'vpc-umbrella', kind: 'vpcs', of: 'vpc-1', bucket: 'bucket-e', fixtureId: 'r006-cfce006e-acf1-4630-a943-cc8609e02d98' },
  { name: 'subnet-3-logs', kind: 'subnets', of: 'subnet-3', bucket: 'bucket-c', fixtureId: 'r006-c9792ac9-4beb-4f90-aa60-8b0b1b0f0ee5' },
  { name: 'instance-1-logs', kind: 'instances', of: 'instance-1', bucket: 'bucket-c', fixtureId: 'r006-ce38c762-cb4d-41b6-ab9f-9cbd13adb704' },
] as const;

function replaceAll(text: string, pairs: Array<[string, string]>): string {
  return pairs.reduce((t, [from, to]) => t.split(from).join(to), text);
}

/** Compares with a golden file; UPDATE_GOLDEN=1 rewrites it instead. */
function golden(name: string, actual: string): void {
  const file = join(FIXTURES, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(file, actual);
    return;
  }
  expect(actual, `${name} differs from the golden file (UPDATE_GOLDEN=1 rewrites it)`).to.equal(readFileSync(file, 'utf8'));
}

/** Runs the command as a user does: `node provider/bin/ibm-flowlogs plan ...`, in a hermetic environment. */
const runPlanCli = (args: string[]) => runCli(['plan', ...args], hermeticEnv());

/** Runs the command in this process, with an empty environment unless given. */
async function runInProcess(args: string[], env: Record<string, string> = {}): Promise<CommandResult> {
  let stdout = '';
  let stderr = '';
  const code = await runPlan(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env });
  return { code, stdout, stderr };
}

describe('ibm-flowlogs plan', function () {
  this.timeout(60_000);

  describe('against the emulator with live collectors (vpc-umbrella → bucket-e, subnet-3-logs and instance-1-logs → bucket-c)', () => {
    let client: EmulatorClient;
    let dir: string;
    let connection: string[];
    /** live id → fixture id, to make outputs deterministic. */
    let toFixture: Array<[string, string]>;
    let previewFile: string;
    const collectorsFile = join(FIXTURES, 'collectors.json');

    before(async () => {
      client = new EmulatorClient(await startEmulator({ pendingSeconds: 0, deletingSeconds: 0, log: () => undefined }));
      dir = mkdtempSync(join(tmpdir(), 'ibmflowlogs-plan-test-'));
      const ep = client.endpoints;
      connection = ['--vpc-endpoint', ep.vpcEndpoint, '--iam-endpoint', ep.iamEndpoint, '--api-key', ep.apiKey];
      toFixture = [];
      for (const c of LIVE) {
        const made = await client.createCollector({ name: c.name, target: { id: await client.idOf(c.kind, c.of) }, storage_bucket: { name: c.bucket } });
        toFixture.push([made.id, c.fixtureId]);
      }
      const fixture = readFileSync(join(FIXTURES, 'preview.json'), 'utf8');
      // The preview updates instance-1-logs and deletes subnet-3-logs; vpc-umbrella stays (a `same` step is not shown).
      for (const c of LIVE.slice(1)) expect(fixture, `the preview fixture names ${c.name} by its fixture id`).to.contain(c.fixtureId);
      previewFile = join(dir, 'preview.json');
      writeFileSync(previewFile, replaceAll(fixture, toFixture.map(([live, fix]) => [fix, live])));
    });

    after(async () => {
      await client?.emulator.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** Output with the live collector ids replaced by the fixture's; never an endpoint, a port or the API key. */
    function deterministic(r: CommandResult): string {
      const ep = client.endpoints;
      for (const secretOrPort of [ep.apiKey, ep.vpcEndpoint, new URL(ep.vpcEndpoint).port, '127.0.0.1']) {
        expect(r.stdout).not.to.contain(secretOrPort);
        expect(r.stderr).not.to.contain(ep.apiKey);
      }
      return replaceAll(r.stdout, toFixture);
    }

    async function planJson(args: string[]): Promise<PlanModel> {
      const r = await runInProcess([...args, '--format', 'json', ...connection]);
      expect(r.code, r.stderr).to.equal(0);
      return JSON.parse(deterministic(r)) as PlanModel;
    }

    for (const format of ['table', 'markdown', 'json'] as const) {
      const ext = { table: 'txt', markdown: 'md', json: 'json' }[format];

      it(`renders the preview fixture as ${format} (golden preview.golden.${ext})`, async () => {
        const r = await runInProcess(['--preview', previewFile, '--format', format, ...connection]);
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stderr).to.equal('');
        golden(`preview.golden.${ext}`, deterministic(r));
      });

      it(`renders the collectors list as ${format} (golden collectors.golden.${ext})`, async () => {
        const r = await runInProcess(['--collectors', collectorsFile, '--vpc', 'vpc-1', '--format', format, ...connection]);
        expect(r.code, r.stderr).to.equal(0);
        golden(`collectors.golden.${ext}`, deterministic(r));
      });
    }

    it('predicts from the preview what the simulator says: 5 interfaces move, 1 stops (suspended), the computed target is reported as unpredictable', async () => {
      const model = await planJson(['--preview', previewFile]);
      expect(model.totals).to.deep.equal({ vpcs: 1, interfaces: 7, moved: 5, stopped: 1, started: 0, rewon: 0, uncovered: 0, conflicts: 0, unresolved: 1 });
      const vpc = model.vpcs[0];
      const moves = vpc.changes.map((c) => `${c.instance.name}/${c.interface.name} ${c.kind} ${c.before?.bucket ?? '-'}→${c.after?.active ? c.after.bucket : 'no logs'} by ${c.after?.name}`);
      expect(moves).to.deep.equal([
        'instance-2/eth1 moved bucket-e→bucket-c by subnet-2-logs',
        'instance-3/eth0 moved bucket-e→bucket-c by subnet-2-logs',
        'instance-4/eth0 moved bucket-e→bucket-c by subnet-2-logs',
        'instance-5/eth0 moved bucket-c→bucket-instance-5 by instance-5-logs',
        'instance-6/eth0 moved bucket-c→bucket-e by vpc-umbrella',
        'instance-1/eth0 stopped bucket-c→no logs by instance-1-logs',
      ]);
      expect(vpc.planned.map((p) => `${p.op} ${p.name} ${p.target.type}:${p.target.name} wins ${p.wins}`)).to.deep.equal([
        'update instance-1-logs instance:instance-1 wins 1',
        'create instance-5-logs instance:instance-5 wins 1',
        'create subnet-2-logs subnet:subnet-2 wins 3',
      ]);
      expect(vpc.removed.map((r) => `${r.op} ${r.name} ${r.id} won ${r.won}`)).to.deep.equal([`delete subnet-3-logs ${LIVE[1].fixtureId} won 2`]);
      expect(model.unresolved).to.deep.equal([{ key: `urn:pulumi:dev::flowlogs-use-case-1::${COLLECTOR_TYPE}::subnet-4-logs`, op: 'create', name: 'subnet-4-logs', reason: "target is not known until the update runs (it comes from another resource's output)" }]);
      expect(vpc.dependsOnSuspendedRule).to.equal(true);
    });

    describe('Markdown that renders', () => {
      const cases = [
        { name: 'preview', args: () => ['--preview', previewFile], changed: 5 },
        { name: 'collectors list', args: () => ['--collectors', collectorsFile], changed: 4 },
      ];
      for (const c of cases) {
        it(`${c.name}: markdown-it finds the tables with every row complete, and the Mermaid block parses as a flowchart`, async () => {
          const r = await runInProcess([...c.args(), '--format', 'markdown', ...connection]);
          expect(r.code, r.stderr).to.equal(0);
          const doc = parseMarkdown(r.stdout);
          // Planned collectors, interfaces whose bucket changes, interfaces whose logs stop (nothing uncovered).
          expect(doc.tables.map((t) => t.header[0])).to.deep.equal(['Change', 'Interface', 'Interface']);
          for (const t of doc.tables) for (const row of t.rows) expect(row, `a row of the table headed ${t.header.join(' | ')}`).to.have.length(t.header.length);
          const [, moved, stopped] = doc.tables;
          expect(moved.header).to.deep.equal(['Interface', 'Instance', 'Subnet', 'Bucket before → after', 'Winning collector']);
          expect(moved.rows).to.have.length(c.changed);
          expect(stopped.rows.map((row) => [row[1], row[3], row[4]])).to.deep.equal([['instance-1', 'bucket-c → no logs', 'instance-1-logs (suspended) *']]);
          expect(doc.texts[1]).to.match(/^\d+ interfaces move to another bucket and 1 interface stops logging in vpc-1; no uncovered interfaces; no conflicts/);
          await checkDiagram(doc, JSON.parse(deterministic(await runInProcess([...c.args(), '--format', 'json', ...connection]))) as PlanModel);
        });
      }

      it('the Mermaid parser is live: it rejects a broken flowchart', async () => {
        let failed = false;
        await parseFlowchart('flowchart LR\n  vpc["VPC"] --> \n').catch(() => (failed = true));
        expect(failed).to.equal(true);
      });
    });

    describe('exit status', () => {
      it('exits 5 when a planned collector\'s bucket is missing, elsewhere or unauthorized (with --cos-endpoint and the API key alone), naming each bucket and the fix', async () => {
        const ep = client.endpoints;
        await client.control('POST', '/buckets', { name: 'plan-frankfurt', location: 'eu-de-standard' });
        await client.control('POST', '/buckets', { name: 'plan-unauthorized', authorized: false });
        const file = join(dir, 'buckets.json');
        const subnet1 = await client.idOf('subnets', 'subnet-1');
        const subnet2 = await client.idOf('subnets', 'subnet-2');
        const vni = await client.idOf('virtualNetworkInterfaces', 'vni-spare');
        writeFileSync(file, JSON.stringify([
          { name: 'to-missing', target: subnet1, storageBucket: 'plan-no-such-bucket' },
          { name: 'to-frankfurt', target: subnet2, storageBucket: 'plan-frankfurt' },
          { name: 'to-unauthorized', target: vni, storageBucket: 'plan-unauthorized' },
        ]));
        const r = await runPlanCli(['--collectors', file, '--format', 'json', ...connection, '--cos-endpoint', ep.cosEndpoint, '--cos-instance', ep.cosInstanceId]);
        expect(r.code, r.stderr).to.equal(5);
        const lines = r.stderr.split('\n').filter((l) => l.startsWith('  - '));
        expect(lines).to.have.length(3);
        expect(lines[0]).to.equal('  - collector to-missing: storageBucket: bucket "plan-no-such-bucket" does not exist in Cloud Object Storage; create it as a single-region bucket in us-south (the target\'s region), or name an existing one');
        expect(lines[1]).to.contain('collector to-frankfurt: storageBucket: bucket "plan-frankfurt" is a single-region bucket in eu-de');
        expect(lines[2]).to.contain('collector to-unauthorized: storageBucket: flow log collectors may not write to bucket "plan-unauthorized"').and.contain(`--target-service-instance-id ${ep.cosInstanceId}`);
        expect(r.stderr).not.to.contain(ep.apiKey);
        // The same plan without COS access checks no bucket.
        expect((await runPlanCli(['--collectors', file, '--format', 'json', ...connection])).code).to.equal(0);
      });

      it(`exits 3 on conflicts (a target that keeps its live collector, a target that does not exist), still printing the report`, async () => {
        const file = join(dir, 'conflicts.json');
        const subnet3 = await client.idOf('subnets', 'subnet-3');
        writeFileSync(
          file,
          JSON.stringify([
            { name: 'subnet-3-audit', target: subnet3, storageBucket: 'bucket-e' },
            { name: 'ghost', target: '0717-00000000-0000-4000-a000-000000000000', storageBucket: 'bucket-c' },
          ]),
        );
        const r = await runPlanCli(['--collectors', file, '--format', 'json', ...connection]);
        expect(r.code, r.stderr).to.equal(3);
        expect(r.stderr).to.equal('ibm-flowlogs plan: the plan has 2 conflicts (exit 3)\n');
        const model = JSON.parse(deterministic(r)) as PlanModel;
        expect(model.vpcs[0].conflicts.map((c) => ({ kind: c.kind, target: c.target.name, collectors: c.collectors }))).to.deep.equal([
          { kind: 'duplicate-target', target: 'subnet-3', collectors: ['subnet-3-audit', 'subnet-3-logs'] },
        ]);
        expect(model.vpcs[0].conflicts[0].message).to.equal(
          'subnet subnet-3 would have 2 collectors: "subnet-3-audit" (planned, bucket bucket-e) and "subnet-3-logs" (live, bucket bucket-c); a target can have only one, so IBM Cloud will refuse the create: delete or import "subnet-3-logs", or choose another target',
        );
        expect(model.conflicts.map((c) => ({ kind: c.kind, collectors: c.collectors }))).to.deep.equal([{ kind: 'unknown-target', collectors: ['ghost'] }]);
        expect(model.totals.conflicts).to.equal(2);

        const markdown = parseMarkdown((await runInProcess(['--collectors', file, '--format', 'markdown', ...connection])).stdout);
        expect(markdown.texts).to.include('Conflicts (1)');
        expect(markdown.texts).to.include('Conflicts outside any VPC (1)');
      });

      it('exits 4 with --fail-on-uncovered when deleting the VPC collector leaves interfaces uncovered, and 0 without the flag', async () => {
        const umbrella = toFixture[0][0];
        const urn = `urn:pulumi:dev::p::${COLLECTOR_TYPE}::vpc-umbrella`;
        const file = join(dir, 'delete-umbrella.json');
        writeFileSync(
          file,
          JSON.stringify({
            steps: [{ op: 'delete', urn, oldState: { urn, custom: true, type: COLLECTOR_TYPE, id: umbrella, inputs: { name: 'vpc-umbrella' }, outputs: { name: 'vpc-umbrella' } } }],
            changeSummary: { delete: 1 },
          }),
        );
        const failing = await runPlanCli(['--preview', file, '--fail-on-uncovered', '--format', 'json', ...connection]);
        expect(failing.code, failing.stderr).to.equal(4);
        expect(failing.stderr).to.equal('ibm-flowlogs plan: 4 interfaces are uncovered after the plan (--fail-on-uncovered, exit 4)\n');
        const model = JSON.parse(deterministic(failing)) as PlanModel;
        expect(model.vpcs[0].uncovered.map((u) => `${u.instance.name}/${u.interface.name}`)).to.deep.equal(['instance-2/eth0', 'instance-2/eth1', 'instance-3/eth0', 'instance-4/eth0']);
        expect(model.totals.stopped).to.equal(4);

        const passing = await runPlanCli(['--preview', file, ...connection]);
        expect(passing.code, passing.stderr).to.equal(0);
        expect(passing.stdout).to.contain('Uncovered interfaces (4)');

        // Conflicts outrank uncovered interfaces.
        const both = join(dir, 'both.json');
        writeFileSync(both, JSON.stringify([{ name: 'ghost', target: '0717-00000000-0000-4000-a000-000000000000', storageBucket: 'bucket-c' }]));
        expect((await runInProcess(['--collectors', both, '--fail-on-uncovered', ...connection])).code).to.equal(3);
      });

      it('runs from provider/bin/ibm-flowlogs with the same Markdown as in process', async () => {
        const r = await runPlanCli(['--preview', previewFile, '--format', 'markdown', ...connection]);
        expect(r.code, r.stderr).to.equal(0);
        golden('preview.golden.md', deterministic(r));
      });

      it('exits 2 on an unknown --vpc, listing the VPCs of the region', async () => {
        const r = await runInProcess(['--collectors', collectorsFile, '--vpc', 'vpc-9', ...connection]);
        expect(r.code).to.equal(2);
        expect(r.stderr).to.equal(`ibm-flowlogs plan: --vpc "vpc-9": no VPC with this id or name in region us-south; VPCs there: vpc-1 (${await client.idOf('vpcs', 'vpc-1')})\n`);
      });

      it('exits 1 when IBM Cloud refuses the API key, without printing the key', async () => {
        const key = 'wrong-key-do-not-print-0123456789';
        const ep = client.endpoints;
        const r = await runInProcess(['--collectors', collectorsFile, '--vpc-endpoint', ep.vpcEndpoint, '--iam-endpoint', ep.iamEndpoint], { IBMCLOUD_API_KEY: key });
        expect(r.code).to.equal(1);
        expect(r.stdout).to.equal('');
        expect(r.stderr).to.match(/^ibm-flowlogs plan: could not read the live topology and collectors from http:\/\/127\.0\.0\.1:\d+: /);
        expect(r.stderr).not.to.contain(key);
      });
    });
  });

  describe('usage and configuration errors exit 2 with a clear message', () => {
    const list = join(FIXTURES, 'collectors.json');
    const connection = ['--api-key', 'k', '--vpc-endpoint', 'http://127.0.0.1:9', '--iam-endpoint', 'http://127.0.0.1:9'];
    const cases: Array<{ title: string; args: string[]; env?: Record<string, string>; message: string | RegExp }> = [
      { title: 'no plan given', args: [...connection], message: 'ibm-flowlogs plan: give the planned collectors with --preview FILE (pulumi preview --json output) or --collectors FILE (a JSON list)\n' },
      { title: 'both inputs', args: ['--preview', list, '--collectors', list, ...connection], message: 'ibm-flowlogs plan: give either --preview or --collectors, not both\n' },
      { title: 'an unknown format', args: ['--collectors', list, '--format', 'html', ...connection], message: 'ibm-flowlogs plan: --format must be one of table, markdown, json; received "html"\n' },
      { title: 'an unknown flag', args: ['--collectors', list, '--colour'], message: /^ibm-flowlogs plan: Unknown option '--colour'.*\nRun "ibm-flowlogs plan --help" for the options\.\n$/s },
      { title: 'a missing file', args: ['--preview', '/nonexistent/preview.json', ...connection], message: 'ibm-flowlogs plan: --preview /nonexistent/preview.json: cannot read the file (ENOENT)\n' },
      {
        title: 'no API key anywhere, and a VPC endpoint that is no URL (every problem at once)',
        args: ['--collectors', list, '--vpc-endpoint', 'localhost:8080'],
        message:
          'ibm-flowlogs plan: invalid connection configuration:\n' +
          '  - --api-key: no IBM Cloud API key: pass --api-key or the environment variable IBMCLOUD_API_KEY or IC_API_KEY\n' +
          '  - --vpc-endpoint: --vpc-endpoint must be an http or https URL without credentials, query or fragment, such as https://us-south.iaas.cloud.ibm.com; received "localhost:8080" (add the scheme: https://localhost:8080)\n',
      },
    ];
    for (const c of cases) {
      it(c.title, async () => {
        const r = await runInProcess(c.args, c.env);
        expect(r.code).to.equal(2);
        expect(r.stdout).to.equal('');
        if (typeof c.message === 'string') expect(r.stderr).to.equal(c.message);
        else expect(r.stderr).to.match(c.message);
      });
    }

    it('a collectors list with several bad entries: every problem, with its path', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ibmflowlogs-plan-test-'));
      try {
        const file = join(dir, 'bad.json');
        writeFileSync(file, JSON.stringify([{ name: 'a', target: 'r006-x' }, { target: 'r006-y', storageBucket: 'bucket-b' }, { name: 'c', target: 'r006-z', storageBucket: 'bucket-b', active: 'no', colour: 1 }, { name: 'a', target: 'r006-w', storageBucket: 'bucket-b' }]));
        const r = await runInProcess(['--collectors', file, ...connection]);
        expect(r.code).to.equal(2);
        expect(r.stderr).to.equal(
          `ibm-flowlogs plan: ${file} has collectors that cannot be planned (5 problems):\n` +
            '  - collectors[0].storageBucket: must be a non-empty string; received nothing\n' +
            '  - collectors[1].name: must be a non-empty string; received nothing\n' +
            '  - collectors[2].colour: unknown field; allowed: name, target, storageBucket, active\n' +
            '  - collectors[2].active: must be true or false; received "no"\n' +
            '  - collectors[3].name: "a" repeats collectors[0].name (collector names are unique per VPC)\n',
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('--help prints the options and exits 0', async () => {
      const r = await runInProcess(['--help']);
      expect(r.code).to.equal(0);
      expect(r.stdout).to.match(/^ibm-flowlogs plan \(--preview FILE \| --collectors FILE\) \[options\]\n/);
      for (const flag of ['--vpc ID|NAME', '--format F', '--fail-on-uncovered', '--region', '--api-key', '--vpc-endpoint', '--iam-endpoint', '--cos-endpoint', '--cos-access-key-id', '--cos-secret-access-key']) {
        expect(r.stdout).to.contain(flag);
      }
    });
  });

  describe('reading `pulumi preview --json` output', () => {
    const urn = (name: string) => `urn:pulumi:dev::p::${COLLECTOR_TYPE}::${name}`;
    const state = (name: string, inputs: Record<string, unknown>, id?: string) => ({ urn: urn(name), custom: true, type: COLLECTOR_TYPE, ...(id ? { id } : {}), inputs, outputs: { ...inputs } });
    const inputs = { name: 'logs', target: '0717-subnet', storageBucket: 'bucket-c', active: true };
    const moved = { ...inputs, storageBucket: 'bucket-e' };

    it('counts a replacement once, whether shown as `replace` alone or with --show-replacement-steps', () => {
      const replace = { op: 'replace', urn: urn('logs'), oldState: state('logs', inputs, 'r006-old'), newState: state('logs', moved, 'r006-old'), replaceReasons: ['storageBucket'] };
      const halves = [
        { op: 'delete-replaced', urn: urn('logs'), oldState: state('logs', inputs, 'r006-old'), newState: state('logs', moved) },
        replace,
        { op: 'create-replacement', urn: urn('logs'), oldState: state('logs', inputs, 'r006-old'), newState: state('logs', moved) },
      ];
      const onlyHalves = halves.filter((h) => h !== replace);
      for (const [steps, op] of [[[replace], 'replace'], [halves, 'replace'], [onlyHalves, 'create-replacement']] as const) {
        const input = readPreview(JSON.stringify({ steps }));
        expect(input.removals.map((r) => r.id)).to.deep.equal(['r006-old']);
        expect(input.upserts.map((u) => ({ key: u.key, op: u.op, bucket: u.bucket }))).to.deep.equal([{ key: urn('logs'), op, bucket: 'bucket-e' }]);
      }
    });

    it('keys an update by the live id, reduces a CRN target to its id, and reads active false', () => {
      const crn = 'crn:v1:bluemix:public:is:us-south-1:a/acct::subnet:0717-subnet';
      const input = readPreview(JSON.stringify({ steps: [{ op: 'update', urn: urn('logs'), oldState: state('logs', inputs, 'r006-live'), newState: state('logs', { ...inputs, target: crn, active: false }, 'r006-live') }] }));
      expect(input.upserts).to.deep.equal([{ key: 'r006-live', op: 'update', name: 'logs', target: crn, targetId: '0717-subnet', bucket: 'bucket-c', active: false, urn: urn('logs'), replacesId: 'r006-live' }]);
    });

    it('skips other resource types, the root stack, and same/read/refresh steps; an empty preview plans nothing', () => {
      const steps = [
        { op: 'same', urn: 'urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev', newState: { urn: 'x', custom: false, type: 'pulumi:pulumi:Stack' } },
        { op: 'create', urn: 'urn:pulumi:dev::p::ibm:index/isSubnet:IsSubnet::s', newState: { urn: 'x', custom: true, type: 'ibm:index/isSubnet:IsSubnet', inputs: { target: 'nope' } } },
        { op: 'same', urn: urn('a'), oldState: state('a', inputs, 'r006-a'), newState: state('a', inputs, 'r006-a') },
        { op: 'refresh', urn: urn('b'), oldState: state('b', inputs, 'r006-b'), newState: state('b', inputs, 'r006-b') },
        { op: 'read', urn: urn('c'), newState: state('c', inputs, 'r006-c') },
      ];
      const input = readPreview(JSON.stringify({ steps, changeSummary: { same: 2 } }));
      expect(input.upserts).to.deep.equal([]);
      expect(input.removals).to.deep.equal([]);
      expect(input.steps).to.deep.equal({ same: 1, refresh: 1, read: 1 });
      expect(readPreview(JSON.stringify({ changeSummary: { same: 3 } })).upserts).to.deep.equal([]);
    });

    it('reports a planned collector whose target is computed or whose bucket is secret as unpredictable', () => {
      const input = readPreview(
        JSON.stringify({
          steps: [
            { op: 'create', urn: urn('later'), newState: state('later', { ...inputs, name: 'later', target: PULUMI_UNKNOWN }) },
            { op: 'create', urn: urn('hidden'), newState: state('hidden', { ...inputs, name: 'hidden', storageBucket: '[secret]' }) },
          ],
        }),
      );
      expect(input.upserts).to.deep.equal([]);
      expect(input.unresolved.map((u) => `${u.name}: ${u.reason}`)).to.deep.equal([
        "later: target is not known until the update runs (it comes from another resource's output)",
        'hidden: storageBucket is secret, and the preview does not show it',
      ]);
    });

    it('rejects what is not preview output, naming the right flag, and lists every malformed collector step', () => {
      const messageOf = (f: () => unknown) => {
        try {
          f();
        } catch (error) {
          expect(error).to.be.instanceOf(UsageError);
          return (error as Error).message;
        }
        throw new Error('expected a UsageError');
      };
      expect(messageOf(() => readPreview('[]', 'p.json'))).to.equal('p.json is not the output of `pulumi preview --json`: expected a JSON object with "steps"; received a list (use --collectors for a list of collectors)');
      expect(messageOf(() => readPreview('{"steps": [', 'p.json'))).to.match(/^p\.json is not valid JSON: /);
      expect(messageOf(() => readCollectorList('{"steps": []}', 'c.json'))).to.equal('c.json must hold a JSON list of collectors [{"name", "target", "storageBucket", "active"?}] (this looks like `pulumi preview --json` output: use --preview)');
      expect(
        messageOf(() =>
          readPreview(JSON.stringify({ steps: [{ op: 'delete', urn: urn('a'), oldState: { type: COLLECTOR_TYPE } }, { op: 'create', urn: urn('b'), newState: state('b', { name: 'b', target: 7 }) }] }), 'p.json'),
        ),
      ).to.equal(
        'p.json has collector steps that cannot be planned (3 problems):\n' +
          `  - steps[0] (delete ${urn('a')}): "oldState.id" must name the live collector\n` +
          '  - steps[1].newState.inputs.target: must be a non-empty string; received 7\n' +
          '  - steps[1].newState.inputs.storageBucket: must be a non-empty string; received nothing',
      );
    });
  });

  describe('which VPCs the model reports', () => {
    /** Two VPCs with one subnet and one interface each; a live VPC collector in vpc-a. */
    const vpcTopology = (v: string): VpcTopology => ({
      vpc: { id: `r006-${v}`, crn: `crn:vpc:${v}`, name: `vpc-${v}` },
      subnets: [{ id: `0717-s${v}`, crn: `crn:subnet:${v}`, name: `subnet-${v}` }],
      instances: [{ id: `0717_i${v}`, crn: `crn:instance:${v}`, name: `vm-${v}` }],
      interfaces: [{ id: `0717-n${v}`, name: 'eth0', kind: 'network_interface', instanceId: `0717_i${v}`, subnetId: `0717-s${v}` }],
      virtualNetworkInterfaces: [],
    });
    const liveA = {
      id: 'r006-live-a',
      name: 'umbrella-a',
      active: true,
      lifecycleState: 'stable',
      storageBucket: 'bucket-e',
      target: { id: 'r006-a', type: 'vpc' },
      vpc: { id: 'r006-a', crn: 'crn:vpc:a', name: 'vpc-a' },
    } as unknown as Collector;
    const live = { topologies: [vpcTopology('a'), vpcTopology('b')], collectors: [liveA] };
    const list = (entries: unknown[]) => readCollectorList(JSON.stringify(entries));

    it('the VPCs the plan touches; every VPC when it touches none', () => {
      expect(buildPlanModel(list([{ name: 'sb', target: '0717-sb', storageBucket: 'bucket-c' }]), live).vpcs.map((v) => v.vpc.name)).to.deep.equal(['vpc-b']);
      expect(buildPlanModel(list([]), live).vpcs.map((v) => v.vpc.name)).to.deep.equal(['vpc-a', 'vpc-b']);
    });

    it('with --vpc, that VPC only, and a note for changes elsewhere', () => {
      const model = buildPlanModel(list([{ name: 'sb', target: '0717-sb', storageBucket: 'bucket-c' }]), live, { vpcId: 'r006-a' });
      expect(model.vpcs.map((v) => v.vpc.name)).to.deep.equal(['vpc-a']);
      expect(model.notes).to.deep.equal(['1 planned change in VPC vpc-b not shown (--vpc)']);
    });

    it('a deletion of a collector that no longer exists is a note, not an error', () => {
      const urn = `urn:pulumi:dev::p::${COLLECTOR_TYPE}::gone`;
      const input = readPreview(JSON.stringify({ steps: [{ op: 'delete', urn, oldState: { urn, custom: true, type: COLLECTOR_TYPE, id: 'r006-gone', outputs: { name: 'gone' } } }] }));
      const model = buildPlanModel(input, live);
      expect(model.notes).to.deep.equal([`delete of collector "gone" r006-gone (${urn}): no such live collector; it is already gone`]);
      expect(model.totals.conflicts).to.equal(0);
    });
  });

  describe('the diagram folds when large', () => {
    /** A VPC with n interfaces on one subnet, one instance each, and a VPC collector to bucket-e. */
    function bigVpc(n: number): PlanModel {
      const vpcId = 'r006-big';
      const topology: VpcTopology = {
        vpc: { id: vpcId, crn: `crn:v1:bluemix:public:is:us-south:a/x::vpc:${vpcId}`, name: 'vpc-big' },
        subnets: [{ id: '0717-s', crn: 'crn:v1:bluemix:public:is:us-south-1:a/x::subnet:0717-s', name: 'subnet-a' }],
        instances: Array.from({ length: n }, (_, i) => ({ id: `0717_i${i}`, crn: `crn:i${i}`, name: `vm-${String(i).padStart(2, '0')}` })),
        interfaces: Array.from({ length: n }, (_, i) => ({ id: `0717-n${String(i).padStart(2, '0')}`, name: 'eth0', kind: 'network_interface' as const, instanceId: `0717_i${i}`, subnetId: '0717-s' })),
        virtualNetworkInterfaces: [],
      };
      const live = { topologies: [topology], collectors: [] as Collector[] };
      return buildPlanModel(readCollectorList(JSON.stringify([{ name: 'umbrella', target: vpcId, storageBucket: 'bucket-e' }])), live);
    }

    for (const n of [FOLD_DIAGRAM_ABOVE, FOLD_DIAGRAM_ABOVE + 1]) {
      const folded = n > FOLD_DIAGRAM_ABOVE;
      it(`${n} interfaces: the diagram is ${folded ? 'inside <details>' : 'shown as is'}, and Mermaid parses it`, async () => {
        const model = bigVpc(n);
        expect(model.totals.started).to.equal(n);
        const doc = parseMarkdown(renderMarkdown(model));
        if (folded) expect(doc.htmlBlocks).to.deep.equal([`<details>\n<summary>Diagram of ${n} interfaces by bucket</summary>`, '</details>']);
        else expect(doc.htmlBlocks.filter((h) => h.includes('<details>'))).to.deep.equal([]);
        await checkDiagram(doc, model);
      });
    }
  });
});

/**
 * The Mermaid block parses with Mermaid's own parser, and the graph Mermaid builds is the model's: VPC → subnets →
 * instances → interfaces, every interface coloured with the class of its bucket (the legend node of that bucket has
 * the same class), uncovered and suspended ones with their own classes, and every class used is defined.
 */
async function checkDiagram(doc: ParsedMarkdown, model: PlanModel): Promise<void> {
  const blocks = doc.fences.filter((f) => f.info === 'mermaid');
  expect(blocks).to.have.length(model.vpcs.length);
  for (const [k, vpc] of model.vpcs.entries()) {
    const graph = await parseFlowchart(blocks[k].content);
    expect(graph.diagramType).to.equal('flowchart-v2');
    const byId = new Map(graph.vertices.map((v) => [v.id, v]));
    const children = (id: string) => graph.edges.filter((e) => e.start === id).map((e) => byId.get(e.end)!);

    const subnets = children('vpc');
    expect(subnets.map((s) => s.text)).to.deep.equal([...new Set(vpc.interfaces.map((i) => i.subnet.name))].map((s) => `subnet ${s}`));
    const legend = graph.subgraphs.find((s) => s.title === 'Buckets')!;
    const bucketClass = new Map(legend.nodes.map((id) => byId.get(id)!).map((v) => [v.text, v.classes[0]]));

    const seen: string[] = [];
    for (const s of subnets) {
      for (const inst of children(s.id)) {
        for (const iface of children(inst.id)) {
          const row = vpc.interfaces[seen.length];
          expect(`${s.text}/${inst.text}/${iface.text.split(':')[0]}`).to.equal(`subnet ${row.subnet.name}/${row.instance.name}/${row.interface.name}`);
          const expected = row.bucket === null ? 'uncovered' : row.logged ? bucketClass.get(row.bucket) : 'nologs';
          expect(iface.classes[0], `class of ${iface.text}`).to.equal(expected);
          expect(iface.classes.includes('changed'), `${iface.text} marked changed`).to.equal(row.change !== null);
          seen.push(iface.id);
        }
      }
    }
    expect(seen).to.have.length(vpc.interfaces.length);
    for (const v of graph.vertices) for (const cls of v.classes) expect(graph.classDefs.has(cls), `classDef ${cls}`).to.equal(true);
  }
}
