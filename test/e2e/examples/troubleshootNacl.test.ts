import { expect } from 'chai';
import { runCli, useExample } from '../../support/runner';

/**
 * examples/troubleshoot-nacl through the offline runner: its collectors put both zone-1 subnets into bucket-c, and
 * `ibm-flowlogs logs` on that bucket names the interface whose replies a network ACL drops.
 */
describe('example troubleshoot-nacl (use case 2: why does traffic not arrive?)', function () {
  this.timeout(30_000);
  const ctx = useExample('troubleshoot-nacl');

  it('up, one window of dropped replies, logs names instance-3\'s interface and the outbound direction, destroy', async () => {
    const up = await ctx.stack.run('up');
    expect(up.code, up.stdout + up.stderr).to.equal(0);
    const [subnet1, subnet2] = [await ctx.client.idOf('subnets', 'subnet-1'), await ctx.client.idOf('subnets', 'subnet-2')];
    const live = await ctx.collectors();
    expect(live.map((c) => [c.target.id, c.storage_bucket.name, c.lifecycle_state]).sort()).to.deep.equal([
      [subnet1, 'bucket-c', 'stable'],
      [subnet2, 'bucket-c', 'stable'],
    ].sort());
    // The exports are the collectors the ctx.emulator holds.
    const outputs = ctx.stack.state().outputs as Record<string, any>;
    expect(outputs.bucket).to.equal('bucket-c');
    expect(outputs.subnetACollectorId).to.equal(live.find((c) => c.target.id === subnet1).id);
    expect(outputs.subnetBCollectorId).to.equal(live.find((c) => c.target.id === subnet2).id);

    const db = await ctx.client.idOf('networkInterfaces', 'eth0', 'instance-3');
    expect(outputs.subnetBCoverage.map((c: any) => c.interfaceId)).to.include(db);
    expect((await ctx.client.control('POST', '/traffic', { interfaceId: db, scenario: 'nacl-drops-replies', port: 5432 })).status).to.equal(200);
    // 1 s lets the new collectors count as created before the window; 300 s writes the window ending 09:05:00.
    await ctx.client.control('POST', '/clock/advance', { seconds: 1 });
    await ctx.client.control('POST', '/clock/advance', { seconds: 300 });

    const e = ctx.emulator.endpoints;
    const logs = await runCli(['logs', '--bucket', 'bucket-c', '--format', 'json', '--cos-endpoint', e.cosEndpoint, '--cos-access-key-id', e.cosAccessKeyId, '--cos-secret-access-key', e.cosSecretAccessKey]);
    expect(logs.code, logs.stderr).to.equal(0);
    const { findings } = JSON.parse(logs.stdout);
    expect(findings.portScans).to.deep.equal([]);
    expect(findings.asymmetric).to.have.length(1);
    const f = findings.asymmetric[0];
    expect([f.interfaceId, f.rejectedSide, f.dropDirection, f.targetPort, f.protocolName]).to.deep.equal([db, 'replies', 'outbound', 5432, 'tcp']);

    const destroy = await ctx.stack.run('destroy');
    expect(destroy.code, destroy.stdout + destroy.stderr).to.equal(0);
    expect(destroy.stdout).to.contain('- 2 deleted');
    expect(await ctx.collectors()).to.deep.equal([]);
    expect(ctx.stack.state().resources).to.deep.equal([]);
  });
});
