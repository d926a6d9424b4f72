import { expect } from 'chai';
import { runCli, useExample } from '../../support/runner';

/**
 * examples/detect-port-scan through the offline runner: its collector on subnet-3 writes to bucket-e, and
 * `ibm-flowlogs logs` on that bucket names the scanner and the ports it was rejected on.
 */
describe('example detect-port-scan (use case 3: spot an attack)', function () {
  this.timeout(30_000);
  const ctx = useExample('detect-port-scan');

  it('up, one window with a port scan on instance-6, logs names 203.0.113.66 and its 100 ports, destroy', async () => {
    const up = await ctx.stack.run('up');
    expect(up.code, up.stdout + up.stderr).to.equal(0);
    const subnet3 = await ctx.client.idOf('subnets', 'subnet-3');
    const live = await ctx.collectors();
    expect(live.map((c) => [c.target.id, c.storage_bucket.name, c.lifecycle_state])).to.deep.equal([[subnet3, 'bucket-e', 'stable']]);
    expect(ctx.stack.state().outputs).to.deep.include({ bucket: 'bucket-e', collectorId: live[0].id });

    const webId = await ctx.client.idOf('networkInterfaces', 'eth0', 'instance-6');
    const web = (await ctx.client.topology()).networkInterfaces.find((n: any) => n.id === webId);
    expect((ctx.stack.state().outputs as any).coverage.map((c: any) => c.interfaceId)).to.include(webId);
    const set = await ctx.client.control('POST', '/traffic', { interfaceId: web.id, scenario: 'port-scan', scanner: '203.0.113.66' });
    expect(set.body).to.deep.include({ scenario: 'port-scan', ports: 100 }); // the scenario's default number of probes
    // 1 s lets the new collector count as created before the window; 300 s writes the window ending 09:05:00.
    await ctx.client.control('POST', '/clock/advance', { seconds: 1 });
    await ctx.client.control('POST', '/clock/advance', { seconds: 300 });

    const e = ctx.emulator.endpoints;
    const logs = await runCli(['logs', '--bucket', 'bucket-e', '--format', 'json', '--port-scan-threshold', '20', '--cos-endpoint', e.cosEndpoint, '--cos-access-key-id', e.cosAccessKeyId, '--cos-secret-access-key', e.cosSecretAccessKey]);
    expect(logs.code, logs.stderr).to.equal(0);
    const { findings } = JSON.parse(logs.stdout);
    expect(findings.asymmetric).to.deep.equal([]);
    expect(findings.portScans).to.have.length(1);
    const scan = findings.portScans[0];
    expect({ initiatorIp: scan.initiatorIp, targets: scan.targets, interfaces: scan.interfaces, rejectedFlows: scan.rejectedFlows, ports: scan.ports.length }).to.deep.equal({
      initiatorIp: '203.0.113.66',
      targets: [web.primaryIp],
      interfaces: [web.id],
      rejectedFlows: 100,
      ports: 100,
    });
    expect(scan.ports.slice(0, 5)).to.deep.equal([21, 22, 23, 25, 53]); // the well-known ports come first
    expect(scan.ports).to.not.include.members([80, 443]); // served by the instance, so accepted, not scanned

    const destroy = await ctx.stack.run('destroy');
    expect(destroy.code, destroy.stdout + destroy.stderr).to.equal(0);
    expect(destroy.stdout).to.contain('- 1 deleted');
    expect(await ctx.collectors()).to.deep.equal([]);
    expect(ctx.stack.state().resources).to.deep.equal([]);
  });
});
