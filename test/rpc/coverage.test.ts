import { expect } from 'chai';
import { engine as enginePb } from '../../provider/src/rpc/stubs';
import { type CoverageRow, coverageRows, seededInterfaces, under } from './support/coverage';
import { DIFF, type Fixture, KIND, useFixture } from './support/fixture';
import { secret, URN } from './support/plugin';

const COVERAGE_FN = 'ibmflowlogs:index:getCoverage';
const WARNING = enginePb.LogSeverity.WARNING;
/** What every warning that depends on the suspended-collector rule (README.md, "What the provider does") ends with. */
const SUSPENDED_RULE =
  ' (suspended-collector rule: a suspended collector still holds its place in the precedence order, so no less specific collector takes over its interfaces; this is our reading of the service)';

/** Routes that change something at IBM: collector POST/PATCH/DELETE and Global Tagging attach/detach. */
const mutatingRoutes = (counts: Record<string, number>) => Object.keys(counts).filter((route) => /^(POST|PATCH|DELETE) \/v1\//.test(route) || /^POST \/v3\/tags\/(attach|detach)/.test(route));

// Preview's bucket pre-flight says once per process that it cannot check buckets without COS access: not a coverage warning.
const warnings = (f: Fixture) => f.engine!.messages.filter((m) => m.severity === WARNING && !m.message.startsWith('bucket pre-flight:'));
const warning = (name: string, message: string) => ({ severity: WARNING, message, urn: URN(name) });

describe('rpc: coverage, precedence warnings and getCoverage', () => {
  const fx = useFixture({ engine: true });

  /** The VPC-wide collector of use case 1, to bucket-e. */
  const umbrella = (f: Fixture) => f.provision('vpc-umbrella', { target: f.ids.vpc, storageBucket: 'bucket-e', name: 'vpc-umbrella' });
  const subnet2Logs = (f: Fixture, extra: Record<string, unknown> = {}) => ({ target: f.ids.subnet2, storageBucket: 'bucket-c', name: 'subnet-2-logs', ...extra });

  it('a subnet collector under a VPC collector: preview and create warn that subnet-2 moves from bucket-e to bucket-c; refresh shows both coverages', async () => {
    const f = fx();
    const all = await coverageRows(f, () => true);
    const ofSubnet2 = await coverageRows(f, under('subnet', f.ids.subnet2));
    const rest = await coverageRows(f, (i) => i.subnetId !== f.ids.subnet2);
    // Counted from the emulator's topology, not from the provider: instance-2 eth1, instance-3 eth0, instance-4 eth0.
    expect(ofSubnet2.map((r) => r.interfaceName)).to.deep.equal(['eth0', 'eth1', 'eth0']);
    const moved = `${ofSubnet2.length} interfaces of subnet-2 move from bucket-e to bucket-c: collector "subnet-2-logs" now wins over "vpc-umbrella"`;

    const vpc = await umbrella(f);
    expect(vpc.outputs.coverage).to.deep.equal(all);
    expect(warnings(f), 'a first collector moves and stops nothing').to.deep.equal([]);
    await f.newDeployment(); // the umbrella was the last up; the subnet collector comes in the next

    const checked = await f.check('subnet-2-logs', subnet2Logs(f));
    expect(checked.failures).to.deep.equal([]);

    // Preview: predicted coverage, the warning, and nothing changed at IBM.
    await f.clearRequests();
    const preview = await f.create('subnet-2-logs', checked.inputs, { preview: true });
    expect(mutatingRoutes(await f.requestCounts())).to.deep.equal([]);
    expect((await f.state()).collectors.map((c: any) => c.id)).to.deep.equal([vpc.id]);
    expect(preview.id).to.equal('');
    expect(preview.outputs.coverage).to.deep.equal(ofSubnet2);
    expect(warnings(f)).to.deep.equal([warning('subnet-2-logs', moved)]);

    // The create itself: the same warning once, and the coverage against the live collectors after it.
    f.engine!.messages.length = 0;
    await f.clearRequests();
    const created = await f.create('subnet-2-logs', checked.inputs);
    // The deployment's collectors were read once, at the Check: the create lists nothing (model/deployment.ts).
    expect(await f.requestCounts()).to.deep.equal({
      'POST /v1/flow_log_collectors': 1,
      'GET /v1/flow_log_collectors/{id}': 1,
    });
    expect(created.outputs.coverage).to.deep.equal(ofSubnet2);
    expect(warnings(f)).to.deep.equal([warning('subnet-2-logs', moved)]);

    // Refresh of both: the VPC collector no longer receives subnet-2; the subnet collector receives exactly it.
    await f.newDeployment(); // pulumi refresh is another engine run
    const vpcRead = await f.read('vpc-umbrella', vpc.id, vpc.outputs, vpc.inputs);
    expect(vpcRead.outputs.coverage).to.deep.equal(rest);
    expect(vpcRead.outputs).to.deep.equal({ ...vpc.outputs, coverage: rest });
    expect((await f.diff('vpc-umbrella', vpc.id, vpcRead.outputs, vpc.inputs, vpcRead.inputs)).changes, 'coverage is an output, not drift').to.equal(DIFF.DIFF_NONE);
    const subRead = await f.read('subnet-2-logs', created.id, created.outputs, checked.inputs);
    expect(subRead.outputs.coverage).to.deep.equal(ofSubnet2);
    expect(subRead.outputs).to.deep.equal(created.outputs);
    expect([...rest, ...ofSubnet2].sort((a, b) => (a.interfaceId < b.interfaceId ? -1 : 1))).to.deep.equal(all);
  });

  it('suspending the subnet collector warns that its interfaces stop receiving flow logs, under the suspended-collector rule', async () => {
    const f = fx();
    const ofSubnet2 = await coverageRows(f, under('subnet', f.ids.subnet2));
    await umbrella(f);
    const sub = await f.provision('subnet-2-logs', subnet2Logs(f));
    await f.newDeployment();
    const stopped = `${ofSubnet2.length} interfaces of subnet-2 stop receiving flow logs: collector "subnet-2-logs" is suspended and still holds its place over "vpc-umbrella"${SUSPENDED_RULE}`;

    const off = await f.check('subnet-2-logs', subnet2Logs(f, { active: false }), sub.inputs);
    expect(off.failures).to.deep.equal([]);
    expect((await f.diff('subnet-2-logs', sub.id, sub.outputs, off.inputs, sub.inputs)).detailedDiff).to.deep.equal({ active: KIND.UPDATE });

    f.engine!.messages.length = 0;
    await f.clearRequests();
    const preview = await f.update('subnet-2-logs', sub.id, sub.outputs, off.inputs, { preview: true });
    expect(mutatingRoutes(await f.requestCounts())).to.deep.equal([]);
    // Suspended, it still wins subnet-2: its coverage is unchanged, and those interfaces get no logs.
    expect(preview.coverage).to.deep.equal(ofSubnet2);
    expect(warnings(f)).to.deep.equal([warning('subnet-2-logs', stopped)]);

    f.engine!.messages.length = 0;
    const updated = await f.update('subnet-2-logs', sub.id, sub.outputs, off.inputs);
    expect(updated).to.deep.equal({ ...sub.outputs, active: false, lifecycleState: 'suspended' });
    expect(warnings(f)).to.deep.equal([warning('subnet-2-logs', stopped)]);

    // Resuming starts the logs again in bucket-c: nothing moves or stops, so no warning.
    f.engine!.messages.length = 0;
    const on = await f.check('subnet-2-logs', subnet2Logs(f), off.inputs);
    const resumed = await f.update('subnet-2-logs', sub.id, updated, on.inputs);
    expect(resumed).to.deep.equal(sub.outputs);
    expect(warnings(f)).to.deep.equal([]);
  });

  it('a bucket change replaces the collector: Check with empty olds passes, and preview and create warn that every interface moves', async () => {
    const f = fx();
    const all = await coverageRows(f, () => true);
    const p = await f.provision('web', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web' });
    const news = { target: f.ids.vpc, storageBucket: 'bucket-e', name: 'web' };
    const checked = await f.check('web', news, p.inputs);
    expect(checked.failures).to.deep.equal([]);
    const d = await f.diff('web', p.id, p.outputs, checked.inputs, p.inputs);
    expect([d.replaces, d.deleteBeforeReplace]).to.deep.equal([['storageBucket'], true]);
    // The engine re-runs Check with empty olds for the replacement: the live collector on the target is this one.
    const again = await f.check('web', news, {});
    expect(again.failures).to.deep.equal([]);

    const moved = `${all.length} interfaces of vpc-1 move from bucket-c to bucket-e: collector "web" now writes to bucket-e`;
    f.engine!.messages.length = 0;
    await f.clearRequests();
    const preview = await f.create('web', again.inputs, { preview: true });
    expect(mutatingRoutes(await f.requestCounts())).to.deep.equal([]);
    expect(preview.outputs.coverage).to.deep.equal(all);
    expect(warnings(f)).to.deep.equal([warning('web', moved)]);

    // Delete first (deleteBeforeReplace), then Create: one warning, from the old collector to the new one.
    f.engine!.messages.length = 0;
    await f.delete('web', p.id, p.outputs);
    const next = await f.create('web', again.inputs);
    expect(next.outputs.coverage).to.deep.equal(all);
    expect(warnings(f)).to.deep.equal([warning('web', moved)]);
    expect((await f.state()).collectors.map((c: any) => [c.id, c.storage_bucket.name])).to.deep.equal([[next.id, 'bucket-e']]);
  });

  it('a target change away from the VPC warns about the interfaces it leaves uncovered', async () => {
    const f = fx();
    const p = await f.provision('web', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web' });
    const news = { target: f.ids.subnet1, storageBucket: 'bucket-c', name: 'web-subnet' };
    const checked = await f.check('web', news, p.inputs);
    const d = await f.diff('web', p.id, p.outputs, checked.inputs, p.inputs);
    // Every Diff asks for delete-first: a target holds one collector.
    expect([d.replaces, d.deleteBeforeReplace]).to.deep.equal([['target'], true]);
    const left = (await seededInterfaces(f)).filter((i) => i.subnetId !== f.ids.subnet1);
    const again = await f.check('web', news, {});
    expect(again.failures).to.deep.equal([]);
    f.engine!.messages.length = 0;
    const preview = await f.create('web', again.inputs, { preview: true });
    expect(preview.outputs.coverage).to.deep.equal(await coverageRows(f, under('subnet', f.ids.subnet1)));
    expect(warnings(f)).to.deep.equal([warning('web', `${left.length} interfaces of vpc-1 are no longer covered by any collector`)]);
  });

  it('a collector with a secret bucket gets warnings that name nothing of it', async () => {
    const f = fx();
    const ofSubnet2 = await coverageRows(f, under('subnet', f.ids.subnet2));
    await umbrella(f);
    const checked = await f.check('subnet-2-logs', subnet2Logs(f, { storageBucket: secret('bucket-c') }));
    expect(checked.failures).to.deep.equal([]);
    f.engine!.messages.length = 0;
    const preview = await f.create('subnet-2-logs', checked.inputs, { preview: true });
    // The coverage derives from the target, which is not secret here; the warning must not name the secret bucket.
    expect(preview.outputs.coverage).to.deep.equal(ofSubnet2);
    const hidden = `${ofSubnet2.length} interfaces' flow logs move to another bucket or stop with this change; the details are not shown because this collector's target, storage bucket or name is secret`;
    expect(warnings(f)).to.deep.equal([warning('subnet-2-logs', hidden)]);
    f.engine!.messages.length = 0;
    await f.create('subnet-2-logs', checked.inputs);
    expect(warnings(f)).to.deep.equal([warning('subnet-2-logs', hidden)]);
  });

  describe('Check of a target that already has a collector', () => {
    it('fails on target when the collector is not managed by this resource, naming it and how to import it', async () => {
      const f = fx();
      const made = await f.emulator.createCollector({ target: { id: f.ids.subnet2 }, storage_bucket: { name: 'bucket-e' }, name: 'by-hand' });
      const res = await f.check('web', { target: f.ids.subnet2, storageBucket: 'bucket-c', name: 'web' });
      expect(res.failures).to.deep.equal([
        {
          property: 'target',
          reason: `target ${f.ids.subnet2} already has flow log collector "by-hand" (${made.id}, bucket "bucket-e"), which this resource does not manage; a target can have only one collector. To manage it with this resource, import it: pulumi import ibmflowlogs:index:FlowLogCollector web ${made.id} (or delete it, or choose another target)`,
        },
      ]);
      // Once imported (Read by id), the same resource's Check, even with empty olds, knows the collector is its own.
      const read = await f.read('web', made.id);
      expect((await f.check('web', { target: f.ids.subnet2, storageBucket: 'bucket-e', name: 'by-hand' }, read.inputs)).failures).to.deep.equal([]);
      expect((await f.check('web', { target: f.ids.subnet2, storageBucket: 'bucket-e', name: 'by-hand' }, {})).failures).to.deep.equal([]);
    });

    it('fails on target when another resource of the stack manages it, naming that resource', async () => {
      const f = fx();
      const first = await f.provision('first', { target: f.ids.instance1, storageBucket: 'bucket-c', name: 'first' });
      await f.newDeployment(); // in the same deployment, see test/rpc/deploymentStory.test.ts
      const res = await f.check('second', { target: f.ids.instance1Crn, storageBucket: 'bucket-e', name: 'second' });
      expect(res.failures).to.deep.equal([
        {
          property: 'target',
          reason: `target ${f.ids.instance1Crn} already has flow log collector "first" (${first.id}, bucket "bucket-c"), which resource "first" of this stack manages; a target can have only one collector: give this resource another target, or remove the other resource from the program`,
        },
      ]);
    });
  });

  describe('getCoverage', () => {
    /** A getCoverage row: the interface and, when one wins it, the collector. */
    const row = (i: CoverageRow, c?: { collectorId?: string; collectorName: string; bucket: string; level: string; active: boolean }) =>
      c ? { ...i, ...c, receivesLogs: c.active } : { ...i, receivesLogs: false };

    it('returns every interface with its winning collector and bucket, from the live collectors', async () => {
      const f = fx();
      const vpc = await umbrella(f);
      const sub = await f.provision('subnet-2-logs', subnet2Logs(f));
      const { ret, failures } = await f.invoke(COVERAGE_FN, { vpc: f.ids.vpc });
      expect(failures).to.deep.equal([]);
      const all = await coverageRows(f, () => true);
      expect(ret).to.deep.equal({
        interfaces: all.map((i) =>
          i.subnetId === f.ids.subnet2
            ? row(i, { collectorId: sub.id, collectorName: 'subnet-2-logs', bucket: 'bucket-c', level: 'subnet', active: true })
            : row(i, { collectorId: vpc.id, collectorName: 'vpc-umbrella', bucket: 'bucket-e', level: 'vpc', active: true }),
        ),
        uncovered: [],
        conflicts: [],
      });
    });

    it('lays planned collectors over the live ones: a suspended one by name, a new one on an attachment', async () => {
      const f = fx();
      const vpc = await umbrella(f);
      const sub = await f.provision('subnet-2-logs', subnet2Logs(f));
      const collectors = [
        { name: 'subnet-2-logs', target: f.ids.subnet2, storageBucket: 'bucket-c', active: false },
        { name: 'instance-5-logs', target: f.ids.attachment, storageBucket: 'bucket-instance-5' },
      ];
      await f.clearRequests();
      const { ret, failures } = await f.invoke(COVERAGE_FN, { vpc: f.ids.vpc, collectors });
      expect(failures).to.deep.equal([]);
      expect(mutatingRoutes(await f.requestCounts())).to.deep.equal([]);
      const all = await coverageRows(f, () => true);
      expect(ret).to.deep.equal({
        interfaces: all.map((i) =>
          i.subnetId === f.ids.subnet2
            ? row(i, { collectorId: sub.id, collectorName: 'subnet-2-logs', bucket: 'bucket-c', level: 'subnet', active: false })
            : i.interfaceId === f.ids.attachment
              ? row(i, { collectorName: 'instance-5-logs', bucket: 'bucket-instance-5', level: 'interface', active: true })
              : row(i, { collectorId: vpc.id, collectorName: 'vpc-umbrella', bucket: 'bucket-e', level: 'vpc', active: true }),
        ),
        uncovered: [],
        conflicts: [],
      });
    });

    it('lists uncovered interfaces and conflicts (two planned collectors on one target, by id and by CRN)', async () => {
      const f = fx();
      const collectors = [
        { name: 'a', target: f.ids.subnet1, storageBucket: 'bucket-c' },
        { name: 'b', target: f.ids.subnet1Crn, storageBucket: 'bucket-e' },
      ];
      const { ret, failures } = await f.invoke(COVERAGE_FN, { vpc: f.ids.vpc, collectors });
      expect(failures).to.deep.equal([]);
      const seeded = await seededInterfaces(f);
      const all = await coverageRows(f, () => true);
      expect(ret).to.deep.equal({
        interfaces: all.map((i) => (i.subnetId === f.ids.subnet1 ? row(i, { collectorName: 'a', bucket: 'bucket-c', level: 'subnet', active: true }) : row(i))),
        uncovered: seeded.filter((i) => i.subnetId !== f.ids.subnet1).map((i) => i.interfaceId),
        conflicts: [
          {
            kind: 'duplicate-target',
            targetId: f.ids.subnet1,
            collectors: ['a', 'b'],
            message: `target ${f.ids.subnet1} has 2 collectors ("a", "b"); a target can have only one`,
          },
        ],
      });
    });

    it('bad arguments are failures with property paths', async () => {
      const f = fx();
      const missing = 'r006-00000000-0000-0000-0000-000000000000';
      const cases: Array<[object, Array<{ property: string; reason: string }>]> = [
        [{}, [{ property: 'vpc', reason: 'is required: the id of the VPC whose interfaces to report' }]],
        [{ vpc: 42, colour: 'red' }, [{ property: 'colour', reason: 'unknown argument; allowed: vpc, collectors' }, { property: 'vpc', reason: 'must be a VPC id (a non-empty string), received number' }]],
        [{ vpc: f.ids.vpc, collectors: 'all' }, [{ property: 'collectors', reason: 'must be a list of planned collectors ({name, target, storageBucket, active?}), received string' }]],
        [
          {
            vpc: f.ids.vpc,
            collectors: [
              { name: 'ok', target: f.ids.subnet1, storageBucket: 'bucket-c' },
              { name: 'ok', target: 'Not An Id!', storageBucket: 'bucket-c', active: 'yes', colour: 'red' },
              'nope',
              { target: f.ids.subnet2 },
            ],
          },
          [
            { property: 'collectors[1].colour', reason: 'unknown property; allowed: name, target, storageBucket, active' },
            { property: 'collectors[1].target', reason: '"Not An Id!" is neither a resource id (lowercase letters, digits, "-" and "_", e.g. r006-…, 0717-…) nor a CRN' },
            { property: 'collectors[1].active', reason: 'must be true or false, received "yes"' },
            { property: 'collectors[1].name', reason: '"ok" repeats collectors[0].name (collector names are unique per VPC)' },
            { property: 'collectors[2]', reason: 'must be a planned collector {name, target, storageBucket, active?}, received string' },
            { property: 'collectors[3].name', reason: 'is required' },
            { property: 'collectors[3].storageBucket', reason: 'is required' },
          ],
        ],
        [{ vpc: missing }, [{ property: 'vpc', reason: `no VPC "${missing}" exists in region us-south, the provider's region` }]],
        [
          { vpc: f.ids.vpc, collectors: [{ name: 'ok', target: f.ids.subnet1, storageBucket: 'bucket-c' }, { name: 'gone', target: missing, storageBucket: 'bucket-c' }] },
          [{ property: 'collectors[1].target', reason: `no VPC, subnet, instance, network interface, virtual network interface or network attachment has the id or CRN "${missing}" in region us-south, the provider's region; a target takes an id or a CRN, not a name: check the value, or set ibmflowlogs:region to the region the target is in` }],
        ],
      ];
      for (const [args, expected] of cases) {
        const { ret, failures } = await f.invoke(COVERAGE_FN, args);
        expect(failures, JSON.stringify(args)).to.deep.equal(expected);
        expect(ret).to.deep.equal({});
      }
    });
  });
});
