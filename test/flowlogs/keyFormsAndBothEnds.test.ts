import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startEmulator, type RunningEmulator } from '../../emulator/src';
import type { FlowLogReport } from '../../provider/src/flowlogs';
import { cosClient, EmulatorClient } from '../support/emulator';
import { downloadBucket, writeScenario } from '../support/emulatorFlowLogs';
import { hermeticEnv, runCli } from '../support/runner';

/**
 * Through the real `ibm-flowlogs logs` process on the emulator's objects: keys with URL-encoded
 * CRNs (as the emulator and IBM's sample write them) and the same keys with raw CRNs (`a/<account>` then adds a path
 * level) give equal reports, from a directory and from COS (with a VPC CRN narrowing the listing), and the report
 * says which spelling it met; a connection logged at both of its ends (the emulator's background traffic connects
 * neighbouring interfaces of a VPC, and both ends log it, with identical initiator and target fields) counts once in
 * the totals, the top talkers and the traffic volume, while each interface's own totals still show it.
 */
describe('flow-log keys in both spellings, and connections logged at both ends', function () {
  this.timeout(120_000);
  let emulator: RunningEmulator;
  let client: EmulatorClient;
  let work: string;
  const RAW_BUCKET = 'bucket-instance-5';

  before(async () => {
    emulator = await startEmulator({ pendingSeconds: 0, deletingSeconds: 0, clockStart: '2026-01-05T09:00:00Z', log: () => undefined });
    client = new EmulatorClient(emulator);
    await writeScenario(client, 2);
    work = mkdtempSync(join(tmpdir(), 'flowlogs-keyforms-'));
    await downloadBucket(client, 'bucket-c', join(work, 'url'));
    const rawKeys = await downloadBucket(client, 'bucket-c', join(work, 'raw'), 'raw');
    // The same objects in a bucket under raw keys.
    const cos = cosClient(emulator.endpoints);
    for (const key of rawKeys) await cos.putObject({ Bucket: RAW_BUCKET, Key: key, Body: readFileSync(join(work, 'raw', ...key.split('/'))) }).promise();
  });
  after(async () => {
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function report(args: string[]): Promise<FlowLogReport> {
    const e = emulator.endpoints;
    const r = await runCli(['logs', '--format', 'json', '--cos-endpoint', e.cosEndpoint, ...args], hermeticEnv({ AWS_ACCESS_KEY_ID: e.cosAccessKeyId, AWS_SECRET_ACCESS_KEY: e.cosSecretAccessKey }));
    expect(r.stderr, args.join(' ')).to.equal('');
    expect(r.code).to.equal(0);
    return JSON.parse(r.stdout) as FlowLogReport;
  }
  const withoutEncodings = (r: FlowLogReport) => ({ ...r, objects: { ...r.objects, keyEncodings: undefined } });

  it('analyzes both key spellings with equal results, from a directory and from COS, and says which it met', async () => {
    const fromUrl = await report(['--dir', join(work, 'url')]);
    const fromRaw = await report(['--dir', join(work, 'raw')]);
    const bucketUrl = await report(['--bucket', 'bucket-c']);
    const bucketRaw = await report(['--bucket', RAW_BUCKET]);
    const n = fromUrl.objects.analyzed;
    expect(n).to.be.greaterThan(10);
    expect(fromUrl.objects.keyEncodings).to.deep.equal({ urlEncoded: n, raw: 0 });
    expect(fromRaw.objects.keyEncodings).to.deep.equal({ urlEncoded: 0, raw: n });
    expect(bucketUrl.objects.keyEncodings).to.deep.equal({ urlEncoded: n, raw: 0 });
    expect(bucketRaw.objects.keyEncodings).to.deep.equal({ urlEncoded: 0, raw: n });
    expect(fromUrl.findings.asymmetric.length + fromUrl.findings.portScans.length).to.be.greaterThan(0);
    for (const other of [fromRaw, bucketUrl, bucketRaw]) expect(withoutEncodings(other)).to.deep.equal(withoutEncodings(fromUrl));
  });

  it('narrows a COS listing by VPC CRN in either spelling, to the same report', async () => {
    const t = await client.topology();
    const vpcCrn: string = t.vpcs[0].crn;
    const range = ['--since', '2026-01-05T09:00:00Z', '--until', '2026-01-05T09:10:00Z'];
    const url = await report(['--bucket', 'bucket-c', '--vpc', vpcCrn, ...range]);
    const raw = await report(['--bucket', RAW_BUCKET, '--vpc', vpcCrn, ...range]);
    expect(url.objects.analyzed).to.be.greaterThan(0);
    expect(withoutEncodings(raw)).to.deep.equal(withoutEncodings(url));
  });

  it('counts a connection logged at both ends once in totals, top talkers and traffic volume; each interface still shows it', async () => {
    // The oracle, from the documents themselves: every record's bytes, and those of the target's records (direction
    // I) of connections whose initiator's interface logged them too (direction O, the same 5-tuple).
    const dir = join(work, 'url');
    const docs = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile()).map((f) => JSON.parse(gunzipSync(readFileSync(join(f.parentPath, f.name))).toString('utf8')));
    const tuple = (r: any) => `${r.initiator_ip}:${r.initiator_port}>${r.target_ip}:${r.target_port}/${r.transport_protocol}`;
    const outboundOn = new Map<string, Set<string>>();
    for (const d of docs) for (const r of d.flow_logs) if (r.direction === 'O') outboundOn.set(tuple(r), (outboundOn.get(tuple(r)) ?? new Set()).add(d.network_interface_id));
    let all = 0;
    let twice = 0;
    const pairBytes = new Map<string, number>();
    for (const d of docs) {
      for (const r of d.flow_logs) {
        const bytes = r.bytes_from_initiator + r.bytes_from_target;
        all += bytes;
        const logger = outboundOn.get(tuple(r));
        const duplicate = r.direction === 'I' && logger !== undefined && [...logger].some((i) => i !== d.network_interface_id);
        if (duplicate) twice += bytes;
        else pairBytes.set(`${r.initiator_ip}>${r.target_ip}`, (pairBytes.get(`${r.initiator_ip}>${r.target_ip}`) ?? 0) + bytes);
      }
    }
    expect(twice, 'the scenario has connections logged at both ends').to.be.greaterThan(0);

    const r = await report(['--dir', dir]);
    expect(r.totals.bytes).to.equal(all - twice);
    expect(r.totals.bothEnds.bytes).to.equal(twice);
    expect(r.totals.bothEnds.pairs).to.be.greaterThan(0);
    expect(r.volume.trafficBytes).to.equal(all - twice);
    for (const t of r.topTalkers) expect(t.bytes, `${t.initiatorIp} > ${t.targetIp}`).to.equal(pairBytes.get(`${t.initiatorIp}>${t.targetIp}`));
    // Each interface's view is its own objects in full: together they hold both ends.
    expect(r.interfaces.reduce((s, i) => s + i.bytes, 0)).to.equal(all);
  });
});
