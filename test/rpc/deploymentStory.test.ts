/**
 * One deployment, one story (provider/src/model/deployment.ts): a 3-collector program (examples/umbrella-and-exceptions
 * style) driven through the real plugin in each of the 6 orders the engine may register it. The engine's call order
 * followed: pulumi/pulumi pkg/resource/deploy/step_generator.go GenerateSteps calls Check and then Diff for a
 * resource inline, in registration order, and hands the Create step to step_executor.go, which runs it concurrently
 * while the program's later registrations are Checked; so each Create here is sent, not awaited, before the next
 * resource's Check.
 */
import { expect } from 'chai';
import { DIFF, type Fixture, useFixture } from './support/fixture';
import { URN } from './support/plugin';
import { engine as enginePb } from '../../provider/src/rpc/stubs';

type Program = Array<{ name: string; inputs: (f: Fixture) => Record<string, unknown> }>;

const PROGRAM: Program = [
  { name: 'vpc-umbrella', inputs: (f) => ({ target: f.ids.vpc, storageBucket: 'bucket-e', name: 'vpc-umbrella' }) },
  { name: 'subnet-2-logs', inputs: (f) => ({ target: f.ids.subnet2, storageBucket: 'bucket-c', name: 'subnet-2-logs' }) },
  { name: 'instance-1-logs', inputs: (f) => ({ target: f.ids.instance1, storageBucket: 'bucket-c', name: 'instance-1-logs' }) },
];

function permutations<T>(list: T[]): T[][] {
  if (list.length <= 1) return [list];
  return list.flatMap((x, i) => permutations([...list.slice(0, i), ...list.slice(i + 1)]).map((rest) => [x, ...rest]));
}

interface Story {
  coverage: Record<string, string[]>;
  messages: Record<string, string[]>;
}

/** Check each resource in `order`, sending its Create without waiting (as the step executor does), then await them. */
async function run(f: Fixture, order: Program, preview: boolean, stack: string): Promise<Story> {
  f.engine!.messages.length = 0;
  const urnName = (name: string) => `${stack}-${name}`;
  const creates: Array<Promise<[string, Record<string, any>]>> = [];
  for (const r of order) {
    const checked = await f.check(urnName(r.name), r.inputs(f));
    expect(checked.failures, r.name).to.deep.equal([]);
    creates.push(f.create(urnName(r.name), checked.inputs, { preview }).then((c) => [r.name, c.outputs]));
  }
  const coverage: Record<string, string[]> = {};
  for (const [name, outputs] of await Promise.all(creates)) coverage[name] = (outputs.coverage as Array<{ interfaceId: string }>).map((e) => e.interfaceId);
  const messages: Record<string, string[]> = {};
  for (const r of PROGRAM) {
    messages[r.name] = f.engine!.messages
      .filter((m) => m.urn === URN(urnName(r.name)) && (m.severity === enginePb.LogSeverity.WARNING || m.severity === enginePb.LogSeverity.INFO) && !m.message.startsWith('waiting for') && !m.message.startsWith('bucket pre-flight:'))
      .map((m) => m.message)
      .sort();
  }
  return { coverage, messages };
}

describe('rpc: one deployment, one story (every planned collector, any order of the engine\'s calls)', () => {
  const fx = useFixture({ engine: true });
  let reference: Story | undefined;

  for (const [k, order] of permutations(PROGRAM).entries()) {
    it(`order ${order.map((r) => r.name).join(' → ')}: preview and up tell the same fresh-stack story`, async () => {
      const f = fx();
      // The engine starts a plugin process per run; this one serves every test, so each order and run gets its own
      // URNs (the process remembers what each URN managed: model/managed.ts).
      const preview = await run(f, order, true, `p${k}`);
      await f.newDeployment(); // the up that follows is another engine run
      const up = await run(f, order, false, `u${k}`);
      expect(up, 'up says what its preview said').to.deep.equal(preview);
      reference ??= preview;
      expect(preview, 'whatever the order').to.deep.equal(reference);
      // Fresh stack: nothing had logs, so subnet-2 starts logging to bucket-c; nothing moves from bucket-e.
      const all = Object.values(preview.messages).flat();
      expect(all.filter((m) => /move|stop/.test(m)), 'no move or stop on a fresh stack').to.deep.equal([]);
      expect(preview.messages['subnet-2-logs'].join('\n')).to.match(/start.*bucket-c/);
      expect(preview.messages['vpc-umbrella'].join('\n')).to.match(/start.*bucket-e/);
      const covered = Object.values(preview.coverage).flat();
      expect(new Set(covered).size, 'each interface is covered by exactly one collector').to.equal(covered.length);
      expect(preview.coverage['subnet-2-logs'].length).to.equal(3);
      expect(preview.coverage['instance-1-logs'].length).to.be.greaterThan(0);
    });
  }

  it('a target taken twice in one program fails at the second Check, naming both resources and the target', async () => {
    const f = fx();
    expect((await f.check('first', { target: f.ids.subnet1, storageBucket: 'bucket-c' })).failures).to.deep.equal([]);
    const second = await f.check('second', { target: f.ids.subnet1, storageBucket: 'bucket-e' });
    expect(second.failures).to.have.length(1);
    expect(second.failures[0].property).to.equal('target');
    const reason = second.failures[0].reason;
    for (const part of [f.ids.subnet1, URN('first'), URN('second'), '"first"', '"second"']) expect(reason).to.contain(part);
    expect(reason).to.not.contain('import');
  });

  it('a collector created out of band during the deployment is met at Create, whose conflict re-reads the snapshot; the next Check then names it for import', async () => {
    const f = fx();
    expect((await f.check('early', { target: f.ids.subnet1, storageBucket: 'bucket-c' })).failures).to.deep.equal([]); // reads the snapshot
    const foreign = await f.emulator.createCollector({ target: { id: f.ids.subnet2 }, storage_bucket: { name: 'bucket-e' }, name: 'by-hand' });
    const checked = await f.check('late', { target: f.ids.subnet2, storageBucket: 'bucket-c', name: 'late' });
    const error = await f.create('late', checked.inputs).then(() => undefined, (e: Error) => e);
    expect(error?.message).to.contain(foreign.id);
    const again = await f.check('late', { target: f.ids.subnet2, storageBucket: 'bucket-c', name: 'late' });
    expect(again.failures.map((x) => x.reason).join('\n')).to.contain(`pulumi import ibmflowlogs:index:FlowLogCollector late ${foreign.id}`);
    expect((await f.state()).collectors.map((c: any) => c.id)).to.deep.equal([foreign.id]);
  });

  it('coverage does not go stale: a later up reports the umbrella\'s coverage changed, one update corrects it, then no diff', async () => {
    const f = fx();
    const [umbrellaDef, subnetDef] = PROGRAM;
    const umbrella = await f.provision(umbrellaDef.name, umbrellaDef.inputs(f));
    expect(umbrella.outputs.coverage).to.have.length(7);
    await f.newDeployment();
    // The next up adds the subnet collector; the umbrella, unchanged, is Checked and Diffed against its state.
    const u2 = await f.check(umbrellaDef.name, umbrellaDef.inputs(f), umbrella.inputs);
    expect((await f.diff(umbrellaDef.name, umbrella.id, umbrella.outputs, u2.inputs, umbrella.inputs)).changes).to.equal(DIFF.DIFF_NONE);
    await f.provision(subnetDef.name, subnetDef.inputs(f));
    await f.newDeployment();
    // The up after: the live truth differs from the recorded coverage, so Diff says so, and the update corrects it.
    const u3 = await f.check(umbrellaDef.name, umbrellaDef.inputs(f), umbrella.inputs);
    const d3 = await f.diff(umbrellaDef.name, umbrella.id, umbrella.outputs, u3.inputs, umbrella.inputs);
    expect(d3.changes).to.equal(DIFF.DIFF_SOME);
    expect(d3.diffs).to.deep.equal(['coverage']);
    await f.clearRequests();
    const updated = await f.update(umbrellaDef.name, umbrella.id, umbrella.outputs, u3.inputs);
    expect(updated.coverage).to.have.length(4);
    expect(await f.requestCounts(), 'one GET of the collector, no mutation').to.deep.equal({ 'GET /v1/flow_log_collectors/{id}': 1 });
    await f.newDeployment();
    const u4 = await f.check(umbrellaDef.name, umbrellaDef.inputs(f), umbrella.inputs);
    expect((await f.diff(umbrellaDef.name, umbrella.id, updated, u4.inputs, umbrella.inputs)).changes, 'converged').to.equal(DIFF.DIFF_NONE);
  });
  it('refresh (Read of every resource, as the runner and pulumi refresh do) lists each VPC\'s collectors once, not once per collector', async () => {
    const f = fx();
    const made = [];
    for (const r of PROGRAM) made.push({ r, ...(await f.provision(`refresh-${r.name}`, r.inputs(f))) });
    await f.newDeployment(); // pulumi refresh is another engine run
    await f.clearRequests();
    for (const m of made) expect((await f.read(`refresh-${m.r.name}`, m.id, m.outputs, m.inputs)).id).to.equal(m.id);
    const counts = await f.requestCounts();
    expect(counts['GET /v1/flow_log_collectors'], JSON.stringify(counts)).to.equal(1);
    expect(counts['GET /v1/flow_log_collectors/{id}']).to.equal(PROGRAM.length);
  });
});
