import { expect } from 'chai';
import { startEmulator, type RunningEmulator } from '../../emulator/src';
import { runLogs } from '../../provider/src/cli/logsCommand';
import { EmulatorClient } from '../support/emulator';

/**
 * The seed's use cases 2 and 3 end to end: the emulator writes flow logs for a traffic scenario, and
 * `ibm-flowlogs logs` (run in-process, reading COS through ibm-cos-sdk) explains them.
 */
describe('e2e: ibm-flowlogs logs explains the emulator\'s flow logs', function () {
  this.timeout(60_000);
  let emulator: RunningEmulator;
  let client: EmulatorClient;
  let topology: any;

  const nicOf = (instance: string) => {
    const inst = topology.instances.find((i: any) => i.name === instance);
    return topology.networkInterfaces.find((n: any) => n.instanceId === inst.id && n.name === 'eth0');
  };

  async function logs(args: string[], credentials: 'hmac' | 'apiKey' = 'hmac'): Promise<{ code: number; stdout: string; stderr: string }> {
    const e = emulator.endpoints;
    let stdout = '';
    let stderr = '';
    const keys = credentials === 'hmac' ? ['--cos-access-key-id', e.cosAccessKeyId, '--cos-secret-access-key', e.cosSecretAccessKey] : ['--iam-endpoint', e.iamEndpoint];
    const code = await runLogs(['--cos-endpoint', e.cosEndpoint, ...keys, ...args], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      env: credentials === 'apiKey' ? { IBMCLOUD_API_KEY: e.apiKey } : {},
      stderrIsTty: false,
    });
    return { code, stdout, stderr };
  }

  beforeEach(async () => {
    emulator = await startEmulator({ pendingSeconds: 0, deletingSeconds: 0, clockStart: '2026-01-05T09:00:00Z', log: () => undefined });
    client = new EmulatorClient(emulator);
    topology = await client.topology();
    // Collectors on both zone-1 subnets to bucket-c (use case 2: "collectors on both subnets"), subnet-3 to bucket-e.
    for (const [subnet, bucket] of [['subnet-1', 'bucket-c'], ['subnet-2', 'bucket-c'], ['subnet-3', 'bucket-e']]) {
      await client.createCollector({ name: `${subnet}-logs`, target: { id: await client.idOf('subnets', subnet) }, storage_bucket: { name: bucket } });
    }
  });
  afterEach(async () => emulator.close());

  async function oneWindow(): Promise<void> {
    await client.control('POST', '/clock/advance', { seconds: 1 });
    await client.control('POST', '/clock/advance', { seconds: 300 });
  }

  it('reads the bucket with the API key alone (IAM bearer tokens, no HMAC keys): the same report as with HMAC', async () => {
    const db = nicOf('instance-3');
    expect((await client.control('POST', '/traffic', { interfaceId: db.id, scenario: 'nacl-drops-replies', port: 5432 })).status).to.equal(200);
    await oneWindow();
    const withKey = await logs(['--bucket', 'bucket-c', '--format', 'json'], 'apiKey');
    expect(withKey.stderr).to.equal('');
    expect(withKey.code).to.equal(0);
    const report = JSON.parse(withKey.stdout);
    expect(report.objects.failed).to.equal(0);
    expect(report.findings.asymmetric.map((f: any) => f.interfaceId)).to.deep.equal([db.id]);
    expect(report).to.deep.equal(JSON.parse((await logs(['--bucket', 'bucket-c', '--format', 'json'])).stdout));
  });

  it('use case 2: names the interface whose replies a network ACL drops, and the direction', async () => {
    const db = nicOf('instance-3');
    expect((await client.control('POST', '/traffic', { interfaceId: db.id, scenario: 'nacl-drops-replies', port: 5432 })).status).to.equal(200);
    await oneWindow();
    const run = await logs(['--bucket', 'bucket-c', '--format', 'json']);
    expect(run.code).to.equal(0);
    const report = JSON.parse(run.stdout);
    expect(report.findings.portScans).to.deep.equal([]);
    expect(report.findings.asymmetric).to.have.length(1);
    const f = report.findings.asymmetric[0];
    expect({ interfaceId: f.interfaceId, rejectedSide: f.rejectedSide, dropDirection: f.dropDirection, targetIp: f.targetIp, targetPort: f.targetPort, protocolName: f.protocolName }).to.deep.equal({
      interfaceId: db.id,
      rejectedSide: 'replies',
      dropDirection: 'outbound',
      targetIp: db.primaryIp,
      targetPort: 5432,
      protocolName: 'tcp',
    });
    expect(report.objects.failed).to.equal(0);
    // The table says it in words.
    const table = await logs(['--bucket', 'bucket-c']);
    expect(table.stdout).to.contain(`rejected outbound on interface ${db.id}`);
  });

  it('use case 3: reports the scanner\'s address and the ports it was rejected on', async () => {
    const web = nicOf('instance-6');
    expect((await client.control('POST', '/traffic', { interfaceId: web.id, scenario: 'port-scan', scanner: '203.0.113.66' })).status).to.equal(200);
    await oneWindow();
    const report = JSON.parse((await logs(['--bucket', 'bucket-e', '--format', 'json', '--port-scan-threshold', '20'])).stdout);
    expect(report.findings.asymmetric).to.deep.equal([]);
    expect(report.findings.portScans).to.have.length(1);
    const scan = report.findings.portScans[0];
    expect(scan.initiatorIp).to.equal('203.0.113.66');
    expect(scan.targets).to.deep.equal([web.primaryIp]);
    expect(scan.interfaces).to.deep.equal([web.id]);
    expect(scan.ports.length).to.be.at.least(50);
    expect(scan.ports).to.not.include.members([80, 443]);
    expect(new Set(scan.ports).size).to.equal(scan.ports.length);
  });

  it('normal traffic raises no finding, and every interface of the buckets is accounted for', async () => {
    await oneWindow();
    for (const bucket of ['bucket-c', 'bucket-e']) {
      const report = JSON.parse((await logs(['--bucket', bucket, '--format', 'json'])).stdout);
      expect(report.findings, bucket).to.deep.equal({ asymmetric: [], portScans: [] });
      expect(report.objects.failed, bucket).to.equal(0);
    }
    const c = JSON.parse((await logs(['--bucket', 'bucket-c', '--format', 'json'])).stdout);
    const zone1 = topology.networkInterfaces.filter((n: any) => ['subnet-1', 'subnet-2'].includes(topology.subnets.find((s: any) => s.id === n.subnetId).name));
    expect(c.interfaces.map((i: any) => i.interfaceId).sort()).to.deep.equal(zone1.map((n: any) => n.id).sort());
    expect(c.interfaces.every((i: any) => i.objects === 2)).to.equal(true); // one ingress and one egress object each
  });

  it('refuses bad usage with exit 2 and a clear message, and never prints the HMAC secret', async () => {
    const none = await logs([]);
    expect(none).to.deep.include({ code: 2, stdout: '' });
    expect(none.stderr).to.equal('ibm-flowlogs logs: give exactly one of --bucket or --dir\n');
    const badTime = await logs(['--bucket', 'bucket-c', '--since', 'yesterday']);
    expect(badTime.code).to.equal(2);
    expect(badTime.stderr).to.contain('--since must be an RFC 3339 time');
    await oneWindow();
    const ok = await logs(['--bucket', 'bucket-c', '--format', 'markdown']);
    expect(ok.stdout).to.match(/^### ibm-flowlogs logs: bucket bucket-c\n/);
    expect(ok.stdout + ok.stderr).to.not.contain(emulator.endpoints.cosSecretAccessKey);
  });
});
