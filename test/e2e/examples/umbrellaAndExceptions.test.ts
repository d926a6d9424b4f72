import { expect } from 'chai';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatorClient } from '../../support/emulator';
import { EXAMPLES, ExampleStack, useExample } from '../../support/runner';

const EXAMPLE = join(EXAMPLES, 'umbrella-and-exceptions');
const ONLY_UMBRELLA = { 'umbrella-and-exceptions:exceptions': 'false' };

/** The collectors the emulator holds: name → [target name, bucket]. */
async function collectors(client: EmulatorClient): Promise<Record<string, [string, string]>> {
  const res = await client.vpc('GET', '/v1/flow_log_collectors');
  return Object.fromEntries(res.body.flow_log_collectors.map((c: any) => [c.name, [c.target.name, c.storage_bucket.name]]));
}

/**
 * examples/umbrella-and-exceptions (use case 1) through the offline runner against the emulator: the program, the
 * real plugin process over gRPC, the ctx.emulator over HTTP.
 */
describe('e2e: examples/umbrella-and-exceptions through the offline runner', function () {
  this.timeout(60_000);
  const ctx = useExample('umbrella-and-exceptions');

  it('previews five creates without touching the cloud, then up creates the authorization and the three collectors with one random suffix kept in state', async () => {
    const preview = await ctx.stack.run('preview');
    expect(preview.code, preview.stdout + preview.stderr).to.equal(0);
    for (const name of ['suffix', 'flow-logs-writer', 'vpc-umbrella', 'subnet-exception', 'instance-exception']) expect(preview.stdout).to.match(new RegExp(`\\+ +\\S+ +${name} +create`));
    expect(preview.stdout).to.contain('+ 5 to create');
    expect(await collectors(ctx.client)).to.deep.equal({});

    const up = await ctx.stack.run('up');
    expect(up.code, up.stdout + up.stderr).to.equal(0);
    const hex = ctx.stack.outputsOf('suffix').hex as string;
    expect(hex).to.match(/^[0-9a-f]{4}$/);
    expect(await collectors(ctx.client)).to.deep.equal({
      [`vpc-umbrella-${hex}`]: ['vpc-1', 'bucket-e'],
      [`subnet-exception-${hex}`]: ['subnet-2', 'bucket-c'],
      [`instance-exception-${hex}`]: ['instance-5', 'bucket-instance-5'],
    });
    // Each exception's coverage is exactly its own interfaces; the exports carry them.
    const covered = (name: string) => (ctx.stack.outputsOf(name).coverage as Array<{ interfaceId: string }>).map((c) => c.interfaceId).sort();
    expect(covered('subnet-exception')).to.deep.equal([await ctx.client.idOf('networkInterfaces', 'eth0', 'instance-3'), await ctx.client.idOf('networkInterfaces', 'eth1', 'instance-2'), await ctx.client.idOf('networkInterfaces', 'eth0', 'instance-4')].sort());
    expect(ctx.stack.state().outputs.instanceCoverage).to.have.length(1);

    // A second up changes nothing: the suffix is not drawn again.
    const again = await ctx.stack.run('up');
    expect(again.stdout).to.contain('5 unchanged');
    expect(ctx.stack.outputsOf('flow-logs-writer')).to.include({ cosInstance: ctx.emulator.endpoints.cosInstanceId, scope: 'instance' });
    expect(ctx.stack.outputsOf('suffix').hex).to.equal(hex);
  });

  it('an edited program that adds a collector shows the move warning in preview; up, then refresh shows no drift; destroy leaves nothing', async () => {
    expect((await ctx.stack.run('up', ONLY_UMBRELLA)).code).to.equal(0);
    // The edit: a collector on subnet-1 to bucket-c, in a copy of the example.
    cpSync(EXAMPLE, join(ctx.stack.work, 'edited'), { recursive: true });
    const edited = new ExampleStack(join(ctx.stack.work, 'edited'), ctx.emulator.endpoints);
    try {
      writeFileSync(edited.stateFile, readFileSync(ctx.stack.stateFile));
      const subnet1 = await ctx.client.idOf('subnets', 'subnet-1');
      writeFileSync(join(edited.dir, 'index.ts'), `${readFileSync(join(edited.dir, 'index.ts'), 'utf8')}
const subnet1 = new ibmflowlogs.FlowLogCollector('subnet-1-logs', { target: '${subnet1}', storageBucket: 'bucket-c' });
export const subnet1Coverage = subnet1.coverage;
`);
      const preview = await edited.run('preview', ONLY_UMBRELLA);
      expect(preview.code, preview.stdout + preview.stderr).to.equal(0);
      expect(preview.stdout).to.match(/\+ +ibmflowlogs:index:FlowLogCollector +subnet-1-logs +create/);
      expect(preview.stdout).to.contain('ibmflowlogs:index:FlowLogCollector (subnet-1-logs):');
      expect(preview.stdout).to.match(/warning: 2 interfaces of subnet-1 move from bucket-e to bucket-c: collector "subnet-1-logs-[a-z0-9]+" now wins over "vpc-umbrella-[0-9a-f]{4}"/);
      expect(Object.keys(await collectors(ctx.client))).to.have.length(1);

      expect((await edited.run('up', ONLY_UMBRELLA)).code).to.equal(0);
      expect(Object.values(await collectors(ctx.client)).map(([target]) => target).sort()).to.deep.equal(['subnet-1', 'vpc-1']);
      const refresh = await edited.run('refresh', ONLY_UMBRELLA);
      expect(refresh.code).to.equal(0);
      expect(refresh.stdout).to.contain('No drift: every resource matches the cloud.');
      expect(refresh.stdout).not.to.match(/^ ~ /m);

      const destroy = await edited.run('destroy');
      expect(destroy.code, destroy.stdout).to.equal(0);
      expect(destroy.stdout).to.contain('- 4 deleted');
      const state = (await ctx.client.control('GET', '/state')).body;
      expect(state.collectors).to.deep.equal([]);
      expect(state.policies.filter((p: any) => p.state === 'active' && p.resources[0].attributes.every((a: any) => a.name !== 'resource'))).to.deep.equal([]);
      expect(edited.state().resources).to.deep.equal([]);
    } finally {
      edited.cleanup();
    }
  });

  it('a bucket name IBM refuses fails Check with the property path, creates no collector, and keeps what was created', async () => {
    const run = await ctx.stack.run('up', { ...ONLY_UMBRELLA, 'umbrella-and-exceptions:umbrellaBucket': 'Not_A_Bucket' });
    expect(run.code).to.equal(1);
    expect(run.stdout).to.match(/ibmflowlogs:index:FlowLogCollector \(vpc-umbrella\):\n {4}error: storageBucket: .*Not_A_Bucket/);
    expect(run.stdout).to.contain('error: the up failed');
    expect(await collectors(ctx.client)).to.deep.equal({});
    // The random suffix was created before the failure: it is in the state, as Pulumi would keep it.
    expect(ctx.stack.state().resources.map((r) => r.name)).to.deep.equal(['flow-logs-writer', 'suffix']);
  });

  it('with COS access configured, preview checks the buckets: one in another location fails before anything is created; the declared authorization covers a bucket IAM does not yet authorize', async () => {
    const e = ctx.emulator.endpoints;
    const cos = { ...ONLY_UMBRELLA, 'ibmflowlogs:cosEndpoint': e.cosEndpoint, 'ibmflowlogs:cosInstance': e.cosInstanceId };
    expect((await ctx.client.control('POST', '/buckets', { name: 'logs-frankfurt', location: 'eu-de-standard' })).status).to.equal(201);
    expect((await ctx.client.control('POST', '/buckets', { name: 'logs-not-yet-authorized', authorized: false })).status).to.equal(201);
    const elsewhere = await ctx.stack.run('preview', { ...cos, 'umbrella-and-exceptions:umbrellaBucket': 'logs-frankfurt' });
    expect(elsewhere.code).to.equal(1);
    expect(elsewhere.stdout).to.match(/ibmflowlogs:index:FlowLogCollector \(vpc-umbrella\):\n {4}error: storageBucket: bucket "logs-frankfurt" is a single-region bucket in eu-de .*name a bucket created in us-south/);
    const missing = await ctx.stack.run('preview', { ...cos, 'umbrella-and-exceptions:umbrellaBucket': 'no-such-bucket' });
    expect(missing.code).to.equal(1);
    expect(missing.stdout).to.contain('error: storageBucket: bucket "no-such-bucket" does not exist in Cloud Object Storage');
    const covered = await ctx.stack.run('preview', { ...cos, 'umbrella-and-exceptions:umbrellaBucket': 'logs-not-yet-authorized' });
    expect(covered.code, covered.stdout + covered.stderr).to.equal(0);
    const up = await ctx.stack.run('up', { ...cos, 'umbrella-and-exceptions:umbrellaBucket': 'logs-not-yet-authorized' });
    expect(up.code, up.stdout + up.stderr).to.equal(0);
    expect(Object.values(await collectors(ctx.client))).to.deep.equal([['vpc-1', 'logs-not-yet-authorized']]);
    expect((await ctx.stack.run('destroy')).code).to.equal(0);
    expect(await collectors(ctx.client)).to.deep.equal({});
  });
  /** The warning and info lines of a run, with the random suffix taken out (a preview does not know it yet). */
  const story = (stdout: string) =>
    stdout
      .split('\n')
      .filter((l) => /^\s*(warning|info): .*(interface|flow logs)/.test(l))
      .map((l) => l.trim().replace(/-[0-9a-f]{4}"/g, '"'))
      .sort();

  it('fresh stack: preview says every interface starts logging (nothing moves from bucket-e), and the up that follows says the same', async () => {
    const preview = await ctx.stack.run('preview');
    expect(preview.code, preview.stdout + preview.stderr).to.equal(0);
    const told = story(preview.stdout);
    expect(told.join('\n'), preview.stdout).to.match(/subnet-2 start receiving flow logs in bucket-c/);
    expect(told.join('\n')).to.match(/start receiving flow logs in bucket-e/);
    expect(preview.stdout).not.to.match(/move from bucket-e/);
    const up = await ctx.stack.run('up');
    expect(up.code, up.stdout + up.stderr).to.equal(0);
    expect(story(up.stdout), up.stdout).to.deep.equal(told);
    expect(ctx.stack.state().outputs.umbrellaCoverage, 'the umbrella keeps what the exceptions do not take').to.have.length(3);
  });

  it('coverage does not go stale: after an up adds the exceptions, the next up corrects the umbrella\'s coverage, and the one after changes nothing', async () => {
    expect((await ctx.stack.run('up', ONLY_UMBRELLA)).code).to.equal(0);
    expect(ctx.stack.state().outputs.umbrellaCoverage).to.have.length(7);
    expect((await ctx.stack.run('up')).code).to.equal(0);
    const preview = await ctx.stack.run('preview');
    expect(preview.stdout, preview.stdout).to.match(/~ +ibmflowlogs:index:FlowLogCollector +vpc-umbrella +update +\[diff: ~coverage\]/);
    const up = await ctx.stack.run('up');
    expect(up.code, up.stdout).to.equal(0);
    expect(ctx.stack.state().outputs.umbrellaCoverage).to.have.length(3);
    const again = await ctx.stack.run('up');
    expect(again.stdout, again.stdout).to.contain('5 unchanged');
  });

  it('a target taken twice in one program fails the preview at the second Check, naming both resources and the target; nothing is created', async () => {
    cpSync(EXAMPLE, join(ctx.stack.work, 'twice'), { recursive: true });
    const twice = new ExampleStack(join(ctx.stack.work, 'twice'), ctx.emulator.endpoints);
    try {
      const subnet2 = await ctx.client.idOf('subnets', 'subnet-2');
      writeFileSync(join(twice.dir, 'index.ts'), `${readFileSync(join(twice.dir, 'index.ts'), 'utf8')}
new ibmflowlogs.FlowLogCollector('subnet-2-again', { target: '${subnet2}', storageBucket: 'bucket-e' });
`);
      const preview = await twice.run('preview');
      expect(preview.code).to.equal(1);
      // subnet-2-again registers first (subnet-exception's name waits for the random suffix): the second fails.
      expect(preview.stdout, preview.stdout).to.match(/FlowLogCollector \(subnet-exception\):\n {4}error: target: target \S+ \(subnet "subnet-2"\) is also the target of resource "subnet-2-again" \(urn:pulumi:\S+::subnet-2-again\) in this program/);
      expect(preview.stdout).to.contain('give resource "subnet-exception"');
      expect(preview.stdout).not.to.contain('pulumi import');
      expect(await collectors(ctx.client)).to.deep.equal({});
    } finally {
      twice.cleanup();
    }
  });
});
