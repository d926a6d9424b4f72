import { expect } from 'chai';
import { requestCounts } from '../../support/emulator';
import { useExample } from '../../support/runner';

const WARNING =
  'warning: 3 interfaces of subnet-2 stop receiving flow logs: collector "subnet-logs-[0-9a-f]{7}" is suspended and still holds its place over "vpc-umbrella-[0-9a-f]{7}" ' +
  '\\(suspended-collector rule: a suspended collector still holds its place in the precedence order, so no less specific collector takes over its interfaces; this is our reading of the service\\)';

/**
 * examples/suspend-resume through the offline runner: `active` flips the subnet collector in place (same id), the
 * preview warns that subnet-2's interfaces stop receiving logs, and the emulator's writer agrees.
 */
describe('example suspend-resume (suspend and resume a collector in place)', function () {
  this.timeout(30_000);
  const ctx = useExample('suspend-resume');

  /** Writes one 5-minute window and answers the objects written so far per bucket. */
  async function oneWindow(): Promise<Record<string, number>> {
    await ctx.client.control('POST', '/clock/advance', { seconds: 1 });
    await ctx.client.control('POST', '/clock/advance', { seconds: 300 });
    return (await ctx.client.control('GET', '/flowlogs')).body.objectsWritten;
  }

  it('suspends and resumes the subnet collector in place, with the preview\'s warning; refresh sees no drift; destroy leaves nothing', async () => {
    const subnet2 = await ctx.client.idOf('subnets', 'subnet-2');
    const up = await ctx.stack.run('up');
    expect(up.code, up.stdout + up.stderr).to.equal(0);
    const [created] = (await ctx.collectors()).filter((c) => c.target.id === subnet2);
    expect([created.active, created.lifecycle_state, created.storage_bucket.name]).to.deep.equal([true, 'stable', 'bucket-c']);

    // The preview: an update of that one collector, not a replace, with the property diff and the warning.
    const before = await ctx.collectors();
    await ctx.client.control('DELETE', '/requests');
    const preview = await ctx.stack.run('preview', { 'suspend-resume:active': 'false' });
    expect(preview.code, preview.stdout + preview.stderr).to.equal(0);
    expect(preview.stdout).to.match(/ ~ {3}ibmflowlogs:index:FlowLogCollector {2}subnet-logs {3}update {2}\[diff: ~active\]/);
    expect(preview.stdout).to.contain('    ~ active: true => false');
    // --emulator gives the plugin the emulator's COS instance too (its endpoints line's cosInstanceId), so the buckets'
    // authorization is checked and no "cannot check" notice takes the place of the warning.
    expect(preview.stdout).not.to.contain('bucket pre-flight');
    expect(preview.stdout, preview.stdout).to.match(new RegExp(`ibmflowlogs:index:FlowLogCollector \\(subnet-logs\\):\\n(?: {4}.*\\n)*? {4}${WARNING}`));
    expect(preview.stdout).to.match(/~ 1 to update\n {4}1 unchanged/);
    expect(preview.stdout).to.not.match(/replace|\+-/);
    // ... and changes nothing: no write reached the VPC API, and the collectors are as they were.
    const routes = Object.keys(await requestCounts(ctx.client));
    expect(routes).to.include('GET /v1/flow_log_collectors'); // it did read the live collectors
    expect(routes.filter((route) => /^(POST|PATCH|DELETE) \/v1\//.test(route))).to.deep.equal([]);
    expect(await ctx.collectors()).to.deep.equal(before);

    // Suspend: same id, active false; the umbrella does not take subnet-2's 3 interfaces over, so only its own 4
    // interfaces write (one ingress and one egress object each) and bucket-c gets nothing.
    const suspend = await ctx.stack.run('up', { 'suspend-resume:active': 'false' });
    expect(suspend.code, suspend.stdout + suspend.stderr).to.equal(0);
    expect(suspend.stdout).to.match(new RegExp(WARNING));
    const [suspended] = (await ctx.collectors()).filter((c) => c.target.id === subnet2);
    expect([suspended.id, suspended.active, suspended.lifecycle_state]).to.deep.equal([created.id, false, 'suspended']);
    expect(ctx.stack.outputsOf('subnet-logs')).to.deep.include({ active: false, lifecycleState: 'suspended' });
    expect(await oneWindow()).to.deep.equal({ 'bucket-e': 8 });

    // Resume: same id again, and subnet-2's interfaces write to bucket-c.
    const resume = await ctx.stack.run('up', { 'suspend-resume:active': 'true' });
    expect(resume.code, resume.stdout + resume.stderr).to.equal(0);
    expect(resume.stdout).to.contain('    ~ active: false => true');
    expect(resume.stdout).to.match(/info: 3 interfaces of subnet-2 start receiving flow logs in bucket-c: collector "subnet-logs-[0-9a-f]+" is resumed/);
    const [resumed] = (await ctx.collectors()).filter((c) => c.target.id === subnet2);
    expect([resumed.id, resumed.active, resumed.lifecycle_state]).to.deep.equal([created.id, true, 'stable']);
    expect(await oneWindow()).to.deep.equal({ 'bucket-e': 16, 'bucket-c': 6 });

    const refresh = await ctx.stack.run('refresh');
    expect(refresh.code, refresh.stdout + refresh.stderr).to.equal(0);
    expect(refresh.stdout).to.contain('No drift');

    const destroy = await ctx.stack.run('destroy');
    expect(destroy.code, destroy.stdout + destroy.stderr).to.equal(0);
    expect(destroy.stdout).to.contain('- 2 deleted');
    expect(await ctx.collectors()).to.deep.equal([]);
    expect(ctx.stack.state().resources).to.deep.equal([]);
  });
});
