import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator } from '../../emulator/src';
import { cosClient, EmulatorClient, firstError, useEmulator } from '../support/emulator';
import { FLOW_LOG_KEY, interfaceBuckets, listKeys, parseFlowLogKey, readAllFlowLogs, readBucket, type ReadObject } from '../support/flowLogs';

/** Every run starts the emulator clock here, so windows, keys, stream ids and records are the same on every run. */
const START = '2026-01-05T09:00:00Z';
const GOLDEN_DIR = resolve(__dirname, '../../../test/fixtures/flowlogs');

const HEADER_FIELDS: Record<string, 'string' | 'number'> = {
  version: 'string',
  collector_crn: 'string',
  attached_endpoint_type: 'string',
  network_interface_id: 'string',
  instance_crn: 'string',
  vpc_crn: 'string',
  capture_start_time: 'string',
  capture_end_time: 'string',
  state: 'string',
  number_of_flow_logs: 'number',
};
const RECORD_FIELDS: Record<string, 'string' | 'number' | 'boolean'> = {
  start_time: 'string',
  end_time: 'string',
  connection_start_time: 'string',
  direction: 'string',
  action: 'string',
  initiator_ip: 'string',
  target_ip: 'string',
  initiator_port: 'number',
  target_port: 'number',
  transport_protocol: 'number',
  ether_type: 'string',
  was_initiated: 'boolean',
  was_terminated: 'boolean',
  bytes_from_initiator: 'number',
  packets_from_initiator: 'number',
  bytes_from_target: 'number',
  packets_from_target: 'number',
  cumulative_bytes_from_initiator: 'number',
  cumulative_packets_from_initiator: 'number',
  cumulative_bytes_from_target: 'number',
  cumulative_packets_from_target: 'number',
};
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

interface Iface {
  id: string;
  name: string;
  instance: any;
  subnet: any;
  ip: string;
}

/** The topology's logged interfaces (legacy NICs and attachments), read from GET /_emulator/state. */
async function interfaces(emu: EmulatorClient): Promise<{ vpc: any; list: Iface[]; byLabel: Record<string, Iface> }> {
  const t = await emu.topology();
  const instance = (id: string) => t.instances.find((i: any) => i.id === id);
  const subnet = (id: string) => t.subnets.find((s: any) => s.id === id);
  const list: Iface[] = [
    ...t.networkInterfaces.map((n: any) => ({ id: n.id, name: n.name, instance: instance(n.instanceId), subnet: subnet(n.subnetId), ip: n.primaryIp })),
    ...t.networkAttachments.map((a: any) => {
      const vni = t.virtualNetworkInterfaces.find((v: any) => v.id === a.vniId);
      return { id: a.id, name: a.name, instance: instance(a.instanceId), subnet: subnet(vni.subnetId), ip: vni.primaryIp };
    }),
  ];
  const byLabel = Object.fromEntries(list.map((i) => [`${i.instance.name}/${i.name}`, i]));
  return { vpc: t.vpcs[0], list, byLabel };
}

async function advance(emu: EmulatorClient, seconds: number): Promise<any> {
  const res = await emu.control('POST', '/clock/advance', { seconds });
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return res.body;
}

async function traffic(emu: EmulatorClient, interfaceId: string, scenario: string, options: Record<string, unknown> = {}): Promise<void> {
  const res = await emu.control('POST', '/traffic', { interfaceId, scenario, ...options });
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
}

/** Checks one object against the documented format and returns its records. */
function validate(o: ReadObject, iface: Iface, vpc: any, collectorCrn: string): any[] {
  const { doc, parsedKey: k } = o;
  expect(Object.keys(doc)).to.deep.equal([...Object.keys(HEADER_FIELDS), 'flow_logs']);
  for (const [field, type] of Object.entries(HEADER_FIELDS)) expect(typeof doc[field], field).to.equal(type);
  expect(doc.version).to.equal('0.0.1');
  expect(doc.collector_crn).to.equal(collectorCrn);
  expect(doc.attached_endpoint_type).to.equal('vnic');
  expect(doc.network_interface_id).to.equal(iface.id);
  expect(doc.instance_crn).to.equal(iface.instance.crn);
  expect(doc.vpc_crn).to.equal(vpc.crn);
  expect(doc.state).to.equal('ok');
  expect(doc.capture_start_time).to.match(RFC3339_UTC);
  expect(doc.capture_end_time).to.match(RFC3339_UTC);
  const start = Date.parse(doc.capture_start_time);
  const end = Date.parse(doc.capture_end_time);
  expect(end - start).to.equal(300_000);
  expect(Array.isArray(doc.flow_logs)).to.equal(true);
  expect(doc.number_of_flow_logs).to.equal(doc.flow_logs.length);

  // Key: every partition from the header and the topology.
  expect(k.account).to.equal('7c1f0e4b2a9d48e6b3f5a0c2d9e8f716');
  expect(k.region).to.equal('us-south');
  expect(k.vpcCrn).to.equal(vpc.crn);
  expect(k.subnetCrn).to.equal(iface.subnet.crn);
  expect(k.instanceCrn).to.equal(iface.instance.crn);
  expect(k.interfaceId).to.equal(iface.id);
  for (const raw of Object.values(k.raw)) expect(raw).to.match(/^crn%3Av1%3Abluemix%3Apublic%3Ais%3A[^:/]+$/);
  const t = new Date(start);
  expect([k.year, k.month, k.day, k.hour]).to.deep.equal([
    String(t.getUTCFullYear()),
    String(t.getUTCMonth() + 1).padStart(2, '0'),
    String(t.getUTCDate()).padStart(2, '0'),
    String(t.getUTCHours()).padStart(2, '0'),
  ]);

  // Metadata: every header field as x-amz-meta-<field>, through getObject and headObject alike.
  const header = Object.fromEntries(Object.keys(HEADER_FIELDS).map((f) => [f, String(doc[f])]));
  expect(o.headMetadata).to.deep.equal(header);
  expect(o.metadata).to.deep.equal(header);
  expect(o.contentType).to.equal('application/gzip');
  expect(o.etag).to.equal(`"${createHash('md5').update(o.body).digest('hex')}"`);
  expect([o.body[0], o.body[1]]).to.deep.equal([0x1f, 0x8b]);

  for (const r of doc.flow_logs) {
    expect(Object.keys(r)).to.deep.equal(Object.keys(RECORD_FIELDS));
    for (const [field, type] of Object.entries(RECORD_FIELDS)) expect(typeof r[field], field).to.equal(type);
    for (const f of ['start_time', 'end_time', 'connection_start_time']) expect(r[f]).to.match(RFC3339_UTC);
    expect(r.direction).to.equal(k.recordType === 'ingress' ? 'I' : 'O');
    if (r.direction === 'I') expect(r.target_ip).to.equal(iface.ip);
    else expect(r.initiator_ip).to.equal(iface.ip);
    expect(['accepted', 'rejected']).to.include(r.action);
    for (const ip of [r.initiator_ip, r.target_ip]) {
      const m = IPV4.exec(ip);
      expect(m, ip).to.not.equal(null);
      for (const part of m!.slice(1)) expect(Number(part)).to.be.within(0, 255);
    }
    for (const p of [r.initiator_port, r.target_port]) expect(Number.isInteger(p) && p >= 1 && p <= 65535, String(p)).to.equal(true);
    expect([6, 17]).to.include(r.transport_protocol);
    expect(r.ether_type).to.equal('IPv4');
    // Times: inside the window (a record may end a little later than it starts), connection start not after start.
    const rs = Date.parse(r.start_time);
    const re = Date.parse(r.end_time);
    expect(rs).to.be.within(start, end);
    expect(re).to.be.within(rs, end);
    expect(Date.parse(r.connection_start_time)).to.be.at.most(rs);
    // Counters: non-negative integers, cumulative ≥ this window, equal when the connection started here.
    for (const what of ['bytes_from_initiator', 'packets_from_initiator', 'bytes_from_target', 'packets_from_target']) {
      expect(Number.isInteger(r[what]) && r[what] >= 0, what).to.equal(true);
      expect(r[`cumulative_${what}`], what).to.be.at.least(r[what]);
      if (r.was_initiated) expect(r[`cumulative_${what}`], what).to.equal(r[what]);
    }
    if (r.was_initiated) expect(r.connection_start_time).to.equal(r.start_time);
    else expect(Date.parse(r.connection_start_time)).to.be.below(start);
    // Bytes are whole packets of IPv4 sizes.
    for (const side of ['initiator', 'target']) {
      const bytes = r[`bytes_from_${side}`];
      const packets = r[`packets_from_${side}`];
      if (packets === 0) expect(bytes).to.equal(0);
      else expect(bytes / packets).to.be.within(20, 1500);
    }
  }
  return doc.flow_logs;
}

const fiveTuple = (r: any) => `${r.transport_protocol} ${r.initiator_ip}:${r.initiator_port} > ${r.target_ip}:${r.target_port}`;

describe('emulator flow-log writer: objects in the documented format', () => {
  const emu = useEmulator({ clockStart: START });

  it('writes one ingress and one egress object per interface per window, read back by ibm-cos-sdk: key layout, every field, metadata', async () => {
    const { vpc, list } = await interfaces(emu());
    const collector = await emu().createCollector({ target: { id: vpc.id }, storage_bucket: { name: 'bucket-c' }, name: 'whole-vpc' });
    const advanced = await advance(emu(), 300);
    expect(advanced.flowLogs).to.deep.equal({ windows: 1, skippedWindows: 0, objects: list.length * 2 });

    const objects = await readBucket(cosClient(emu().endpoints), 'bucket-c');
    expect(objects).to.have.length(list.length * 2);
    for (const o of objects) {
      expect(o.key).to.match(FLOW_LOG_KEY);
      expect(o.parsedKey.streamId).to.equal('20260105T090500Z');
      expect(o.parsedKey.sequence).to.equal('00000001');
      expect([o.parsedKey.year, o.parsedKey.month, o.parsedKey.day, o.parsedKey.hour]).to.deep.equal(['2026', '01', '05', '09']);
      expect(o.doc.capture_start_time).to.equal('2026-01-05T09:00:00Z');
      expect(o.doc.capture_end_time).to.equal('2026-01-05T09:05:00Z');
      const iface = list.find((i) => i.id === o.parsedKey.interfaceId)!;
      expect(iface, o.parsedKey.interfaceId).to.not.equal(undefined);
      validate(o, iface, vpc, collector.crn);
    }
    // Exactly one ingress and one egress object per interface.
    const pairs = objects.map((o) => `${o.parsedKey.interfaceId} ${o.parsedKey.recordType}`).sort();
    expect(pairs).to.deep.equal(list.flatMap((i) => [`${i.id} egress`, `${i.id} ingress`]).sort());
    // The attachment-based interface is keyed by its attachment id, with its instance's CRN.
    const attachment = list.find((i) => i.instance.name === 'instance-5')!;
    expect(objects.filter((o) => o.parsedKey.interfaceId === attachment.id)).to.have.length(2);

    const state = (await emu().control('GET', '/state')).body;
    expect(state.flowLogs).to.deep.equal({ windowSeconds: 300, processedThrough: '2026-01-05T09:05:00Z', maxWindowsPerAdvance: 288, objectsWritten: { 'bucket-c': list.length * 2 } });
    expect(state.buckets.find((b: any) => b.name === 'bucket-c').objects).to.have.length(list.length * 2);
  });

  it('counters stay consistent across windows, a connection that lasts carries on in the next window, both ends of a connection agree', async () => {
    const { vpc, list } = await interfaces(emu());
    const collector = await emu().createCollector({ target: { id: vpc.id }, storage_bucket: { name: 'bucket-c' } });
    expect((await advance(emu(), 600)).flowLogs).to.deep.equal({ windows: 2, skippedWindows: 0, objects: list.length * 4 });
    const objects = await readBucket(cosClient(emu().endpoints), 'bucket-c');
    expect(objects).to.have.length(list.length * 4);

    const byIp = new Map(list.map((i) => [i.ip, i]));
    const records = objects.flatMap((o) => validate(o, list.find((i) => i.id === o.parsedKey.interfaceId)!, vpc, collector.crn).map((r) => ({ r, o })));
    // One stream per interface: the same stream id, sequences 1 and 2 in hour 09.
    for (const o of objects) {
      expect(o.parsedKey.streamId).to.equal('20260105T090500Z');
      expect(o.parsedKey.sequence).to.equal(o.doc.capture_end_time === '2026-01-05T09:05:00Z' ? '00000001' : '00000002');
    }

    // Traffic between two interfaces of the VPC is logged at both ends with identical fields but the direction.
    const internal = records.filter(({ r }) => byIp.has(r.initiator_ip) && byIp.has(r.target_ip));
    expect(internal.length).to.be.at.least(list.length * 2);
    for (const { r, o } of internal) {
      const otherEnd = byIp.get(r.direction === 'O' ? r.target_ip : r.initiator_ip)!;
      const mirror = records.find(
        (x) => x.o.parsedKey.interfaceId === otherEnd.id && x.o.doc.capture_start_time === o.doc.capture_start_time && fiveTuple(x.r) === fiveTuple(r),
      );
      expect(mirror, `${fiveTuple(r)} at ${otherEnd.name}`).to.not.equal(undefined);
      expect({ ...mirror!.r, direction: r.direction }).to.deep.equal(r);
      expect(mirror!.r.direction).to.equal(r.direction === 'O' ? 'I' : 'O');
    }

    // A connection not terminated in the first window ends in the second one: same start, cumulative = both windows.
    const first = records.filter(({ o }) => o.doc.capture_end_time === '2026-01-05T09:05:00Z');
    const second = records.filter(({ o }) => o.doc.capture_end_time === '2026-01-05T09:10:00Z');
    const carried = first.filter(({ r }) => !r.was_terminated);
    expect(carried.length).to.be.greaterThan(0);
    for (const { r, o } of carried) {
      const next = second.find((x) => x.o.parsedKey.interfaceId === o.parsedKey.interfaceId && fiveTuple(x.r) === fiveTuple(r));
      expect(next, fiveTuple(r)).to.not.equal(undefined);
      expect(next!.r.was_initiated).to.equal(false);
      expect(next!.r.was_terminated).to.equal(true);
      expect(next!.r.connection_start_time).to.equal(r.connection_start_time);
      for (const what of ['bytes_from_initiator', 'packets_from_initiator', 'bytes_from_target', 'packets_from_target']) {
        expect(next!.r[`cumulative_${what}`]).to.equal(r[what] + next!.r[what]);
      }
    }
  });

  it('writes empty objects for an interface with no traffic', async () => {
    const { vpc, byLabel } = await interfaces(emu());
    const quiet = byLabel['instance-6/eth0'];
    await traffic(emu(), quiet.id, 'none');
    const collector = await emu().createCollector({ target: { id: quiet.id }, storage_bucket: { name: 'bucket-e' } });
    await advance(emu(), 300);
    const objects = await readBucket(cosClient(emu().endpoints), 'bucket-e');
    expect(objects.map((o) => o.parsedKey.recordType).sort()).to.deep.equal(['egress', 'ingress']);
    for (const o of objects) {
      validate(o, quiet, vpc, collector.crn);
      expect(o.doc.number_of_flow_logs).to.equal(0);
      expect(o.doc.flow_logs).to.deep.equal([]);
      expect(o.headMetadata.number_of_flow_logs).to.equal('0');
    }
  });
});

describe('emulator flow-log writer: traffic scenarios', () => {
  const emu = useEmulator({ clockStart: START });

  async function ingressOf(bucket: string, interfaceId: string): Promise<any[]> {
    const objects = await readBucket(cosClient(emu().endpoints), bucket);
    return objects.filter((o) => o.parsedKey.interfaceId === interfaceId && o.parsedKey.recordType === 'ingress').flatMap((o) => o.doc.flow_logs);
  }

  it('normal: web clients in on TCP 443/80 and DNS out on UDP 53 to 161.26.0.10, all accepted', async () => {
    const { byLabel } = await interfaces(emu());
    const web = byLabel['instance-1/eth0'];
    await emu().createCollector({ target: { id: web.id }, storage_bucket: { name: 'bucket-c' } });
    await advance(emu(), 900);
    const objects = await readBucket(cosClient(emu().endpoints), 'bucket-c');
    expect(objects).to.have.length(6);
    const records = objects.flatMap((o) => o.doc.flow_logs);
    expect(records.every((r) => r.action === 'accepted')).to.equal(true);
    const fromClients = records.filter((r) => r.direction === 'I' && r.initiator_ip.startsWith('198.51.100.'));
    expect(fromClients.length).to.be.at.least(3);
    expect(new Set(fromClients.map((r) => r.target_port))).to.satisfy((ports: Set<number>) => [...ports].every((p) => p === 443 || p === 80));
    expect(fromClients.every((r) => r.transport_protocol === 6)).to.equal(true);
    expect(new Set(fromClients.map((r) => r.initiator_ip)).size).to.equal(3);
    const dns = records.filter((r) => r.direction === 'O' && r.target_port === 53);
    expect(dns.length).to.be.at.least(3);
    expect(dns.every((r) => r.transport_protocol === 17 && r.target_ip === '161.26.0.10' && r.initiator_ip === web.ip)).to.equal(true);
  });

  it('nacl-drops-replies: each connection to the port is accepted inbound and its replies rejected (use case 2)', async () => {
    const { byLabel } = await interfaces(emu());
    const db = byLabel['instance-3/eth0'];
    await traffic(emu(), db.id, 'nacl-drops-replies', { port: 5432, clients: 2, connections: 3 });
    await emu().createCollector({ target: { id: db.id }, storage_bucket: { name: 'bucket-c' } });
    await advance(emu(), 300);
    const records = (await ingressOf('bucket-c', db.id)).filter((r) => r.target_port === 5432);
    const byConnection = new Map<string, any[]>();
    for (const r of records) byConnection.set(fiveTuple(r), [...(byConnection.get(fiveTuple(r)) ?? []), r]);
    expect(byConnection.size).to.equal(6);
    expect(new Set(records.map((r) => r.initiator_ip)).size).to.equal(2);
    for (const [tuple, pair] of byConnection) {
      const accepted = pair.find((r) => r.action === 'accepted');
      const rejected = pair.find((r) => r.action === 'rejected');
      expect(pair, tuple).to.have.length(2);
      for (const r of pair) {
        expect(r.direction).to.equal('I');
        expect(r.target_ip).to.equal(db.ip);
        expect(r.transport_protocol).to.equal(6);
      }
      // Accepted one way (client → server only), rejected the other (server → client only).
      expect(accepted.packets_from_initiator).to.be.greaterThan(0);
      expect(accepted.packets_from_target).to.equal(0);
      expect(rejected.packets_from_initiator).to.equal(0);
      expect(rejected.packets_from_target).to.be.greaterThan(0);
    }
    // Nothing else is rejected: the background traffic is all accepted.
    const all = await ingressOf('bucket-c', db.id);
    expect(all.filter((r) => r.action === 'rejected' && r.target_port !== 5432)).to.deep.equal([]);
  });

  it('port-scan: one initiator rejected on at least 50 distinct ports of the interface, tiny packets (use case 3)', async () => {
    const { byLabel } = await interfaces(emu());
    const target = byLabel['instance-4/eth0'];
    await traffic(emu(), target.id, 'port-scan', { background: false });
    await emu().createCollector({ target: { id: target.id }, storage_bucket: { name: 'bucket-c' } });
    await advance(emu(), 300);
    const records = await ingressOf('bucket-c', target.id);
    expect(records).to.have.length(100);
    expect(new Set(records.map((r) => r.target_port)).size).to.equal(100);
    for (const r of records) {
      expect(r).to.deep.include({ direction: 'I', action: 'rejected', initiator_ip: '203.0.113.66', target_ip: target.ip, transport_protocol: 6, packets_from_initiator: 1, packets_from_target: 0, bytes_from_target: 0 });
      expect(r.bytes_from_initiator).to.be.at.most(60);
      expect([80, 443]).to.not.include(r.target_port);
    }
    const ports = records.map((r) => r.target_port);
    expect(ports).to.include.members([22, 3389, 5432]);
  });

  it('none: empty objects; the scanner and port count are options; GET /traffic lists every interface', async () => {
    const { list, byLabel } = await interfaces(emu());
    const target = byLabel['instance-4/eth0'];
    await traffic(emu(), target.id, 'port-scan', { scanner: '198.18.0.9', ports: 55 });
    const listed = await emu().control('GET', '/traffic');
    expect(listed.status).to.equal(200);
    expect(listed.body.default).to.deep.equal({ scenario: 'normal', clients: 3 });
    expect(listed.body.interfaces.map((i: any) => i.interfaceId)).to.deep.equal(list.map((i) => i.id));
    expect(listed.body.interfaces.find((i: any) => i.interfaceId === target.id)).to.deep.include({ scenario: 'port-scan', scanner: '198.18.0.9', ports: 55, background: true, default: false, ip: target.ip });
    expect(listed.body.interfaces.find((i: any) => i.interfaceId === list[0].id)).to.deep.include({ scenario: 'normal', default: true });

    await emu().createCollector({ target: { id: target.id }, storage_bucket: { name: 'bucket-c' } });
    await advance(emu(), 300);
    const scan = (await ingressOf('bucket-c', target.id)).filter((r) => r.action === 'rejected');
    expect(new Set(scan.map((r) => r.target_port)).size).to.equal(55);
    expect(new Set(scan.map((r) => r.initiator_ip))).to.deep.equal(new Set(['198.18.0.9']));

    // "*" sets the default; a reset brings every interface back to normal.
    await traffic(emu(), '*', 'none');
    expect((await emu().control('GET', '/traffic')).body.interfaces.find((i: any) => i.interfaceId === list[0].id)).to.deep.include({ scenario: 'none', default: true });
    await emu().control('POST', '/reset');
    expect((await emu().control('GET', '/traffic')).body.interfaces.every((i: any) => i.scenario === 'normal' && i.default)).to.equal(true);
  });

  it('POST /traffic refuses unknown interfaces, scenarios and options', async () => {
    const { list } = await interfaces(emu());
    const t = await emu().topology();
    const cases: Array<[unknown, number, string, string?]> = [
      [{ interfaceId: 'nope', scenario: 'normal' }, 404, 'not_found', 'interfaceId'],
      [{ interfaceId: t.virtualNetworkInterfaces.find((v: any) => v.name === 'vni-spare').id, scenario: 'normal' }, 404, 'not_found', 'interfaceId'],
      [{ interfaceId: list[0].id, scenario: 'ddos' }, 400, 'invalid_value', 'scenario'],
      [{ interfaceId: list[0].id }, 400, 'missing_field', 'scenario'],
      [{ scenario: 'normal' }, 400, 'missing_field', 'interfaceId'],
      [{ interfaceId: list[0].id, scenario: 'port-scan', ports: 0 }, 400, 'invalid_value', 'ports'],
      [{ interfaceId: list[0].id, scenario: 'port-scan', scanner: '2001:db8::1' }, 400, 'invalid_value', 'scanner'],
      [{ interfaceId: list[0].id, scenario: 'normal', port: 22 }, 400, 'invalid_field', 'port'],
      [{ interfaceId: list[0].id, scenario: 'none', background: true }, 400, 'invalid_field', 'background'],
      [[1], 400, 'invalid_value'],
    ];
    for (const [body, status, code, target] of cases) {
      const res = await emu().control('POST', '/traffic', body);
      expect(res.status, JSON.stringify(body)).to.equal(status);
      expect(firstError(res.body).code, JSON.stringify(body)).to.equal(code);
      if (target) expect(firstError(res.body).target?.name).to.equal(target);
    }
  });
});

describe('emulator flow-log writer: golden fixtures', () => {
  const emu = useEmulator({ clockStart: START });

  /**
   * Decoded objects of one interface per scenario, from the first window after START; the collector's CRN (its id is
   * random, as IBM's are) is the only value replaced. UPDATE_GOLDEN=1 rewrites the fixtures.
   */
  it('each scenario writes exactly its golden objects', async () => {
    const { vpc, byLabel } = await interfaces(emu());
    const chosen: Record<string, { label: string; options?: Record<string, unknown> }> = {
      normal: { label: 'instance-1/eth0' },
      'nacl-drops-replies': { label: 'instance-3/eth0' },
      'port-scan': { label: 'instance-4/eth0', options: { ports: 60 } },
      none: { label: 'instance-6/eth0' },
    };
    for (const [scenario, c] of Object.entries(chosen)) await traffic(emu(), byLabel[c.label].id, scenario, c.options);
    const collector = await emu().createCollector({ target: { id: vpc.id }, storage_bucket: { name: 'bucket-c' } });
    await advance(emu(), 300);
    const objects = await readBucket(cosClient(emu().endpoints), 'bucket-c');
    const normalize = (value: unknown) => JSON.parse(JSON.stringify(value).split(collector.crn).join('<collector_crn>'));

    if (process.env.UPDATE_GOLDEN === '1') mkdirSync(GOLDEN_DIR, { recursive: true });
    for (const [scenario, c] of Object.entries(chosen)) {
      const iface = byLabel[c.label];
      const mine = objects.filter((o) => o.parsedKey.interfaceId === iface.id).sort((a, b) => a.parsedKey.recordType.localeCompare(b.parsedKey.recordType));
      expect(mine.map((o) => o.parsedKey.recordType)).to.deep.equal(['egress', 'ingress']);
      for (const o of mine) validate(o, iface, vpc, collector.crn);
      const actual = normalize({
        scenario,
        interface: c.label,
        options: c.options ?? {},
        objects: mine.map((o) => ({ key: o.key, metadata: o.headMetadata, document: o.doc })),
      });
      const file = join(GOLDEN_DIR, `${scenario}.json`);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
      expect(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1`).to.equal(true);
      expect(actual, `${scenario} differs from ${file} (UPDATE_GOLDEN=1 rewrites it)`).to.deep.equal(JSON.parse(readFileSync(file, 'utf8')));
    }
  });

  it('two emulators started at the same instant write the same objects', async () => {
    const other = new EmulatorClient(await startEmulator({ clockStart: START, pendingSeconds: 0, deletingSeconds: 0, log: () => undefined }));
    try {
      const documents = async (c: EmulatorClient) => {
        const { vpc } = await interfaces(c);
        const collector = await c.createCollector({ target: { id: vpc.id }, storage_bucket: { name: 'bucket-e' } });
        await advance(c, 900);
        const all = await readBucket(cosClient(c.endpoints), 'bucket-e');
        return JSON.parse(JSON.stringify(all.map((o) => [o.key, o.doc])).split(collector.crn).join('<crn>'));
      };
      expect(await documents(other)).to.deep.equal(await documents(emu()));
    } finally {
      await other.emulator.close();
    }
  });
});

describe('emulator flow-log writer: which bucket, and when nothing is written', () => {
  const emu = useEmulator({ clockStart: START });

  async function bucket(name: string, authorized = true): Promise<void> {
    expect((await emu().control('POST', '/buckets', { name, authorized })).status).to.equal(201);
  }

  it("lands each interface's objects in exactly its winning collector's bucket: interface › VNI › instance › subnet › VPC", async () => {
    const { vpc, list, byLabel } = await interfaces(emu());
    const t = await emu().topology();
    for (const b of ['bucket-i2', 'bucket-nic', 'bucket-vni', 'bucket-att']) await bucket(b);
    const i5 = byLabel['instance-5/eth0'];
    const vniOfI5 = t.networkAttachments.find((a: any) => a.id === i5.id).vniId;
    await emu().createCollector({ target: { id: vpc.id }, storage_bucket: { name: 'bucket-c' } });
    await emu().createCollector({ target: { id: await emu().idOf('subnets', 'subnet-2') }, storage_bucket: { name: 'bucket-e' } });
    await emu().createCollector({ target: { id: byLabel['instance-2/eth0'].instance.id }, storage_bucket: { name: 'bucket-i2' } });
    await emu().createCollector({ target: { id: byLabel['instance-2/eth1'].id }, storage_bucket: { name: 'bucket-nic' } });
    await emu().createCollector({ target: { id: i5.instance.id }, storage_bucket: { name: 'bucket-instance-5' } });
    await emu().createCollector({ target: { id: vniOfI5 }, storage_bucket: { name: 'bucket-vni' } });
    await advance(emu(), 300);

    const expected: Record<string, string> = {
      'instance-1/eth0': 'bucket-c', // VPC
      'instance-2/eth0': 'bucket-i2', // instance beats VPC
      'instance-2/eth1': 'bucket-nic', // interface beats instance and subnet
      'instance-3/eth0': 'bucket-e', // subnet beats VPC
      'instance-4/eth0': 'bucket-e',
      'instance-5/eth0': 'bucket-vni', // virtual network interface beats instance
      'instance-6/eth0': 'bucket-c',
    };
    const actual = await interfaceBuckets(emu());
    expect(Object.fromEntries(list.map((i) => [`${i.instance.name}/${i.name}`, [...(actual.get(i.id) ?? [])]]))).to.deep.equal(
      Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, [v]])),
    );

    // An attachment collector beats the virtual network interface's; later windows go to the new winner only.
    await emu().createCollector({ target: { id: i5.id }, storage_bucket: { name: 'bucket-att' } });
    await advance(emu(), 300);
    const keys = await listKeys(cosClient(emu().endpoints), 'bucket-att');
    expect(keys.map((k) => parseFlowLogKey(k)!.interfaceId)).to.deep.equal([i5.id, i5.id]);
    expect(keys.every((k) => k.includes('/stream-id=20260105T091000Z/00000001.gz'))).to.equal(true);
    expect(await listKeys(cosClient(emu().endpoints), 'bucket-vni')).to.have.length(2);
  });

  it('a suspended winner writes nothing and no broader collector takes over; resuming starts a new stream', async () => {
    const { vpc, list, byLabel } = await interfaces(emu());
    const i1 = byLabel['instance-1/eth0'];
    await emu().createCollector({ target: { id: vpc.id }, storage_bucket: { name: 'bucket-c' } });
    const suspended = await emu().createCollector({ target: { id: i1.instance.id }, storage_bucket: { name: 'bucket-e' }, active: false });
    await advance(emu(), 300);
    const where = await interfaceBuckets(emu());
    expect(where.has(i1.id)).to.equal(false);
    expect([...where.keys()].sort()).to.deep.equal(list.filter((i) => i.id !== i1.id).map((i) => i.id).sort());
    expect(await listKeys(cosClient(emu().endpoints), 'bucket-e')).to.deep.equal([]);

    const write = await emu().control('POST', '/flowlogs/write');
    expect(write.body.notWritten).to.deep.equal([{ interfaceId: i1.id, collectorId: suspended.id, reason: 'suspended' }]);

    expect((await emu().vpc('PATCH', `/v1/flow_log_collectors/${suspended.id}`, { body: { active: true } })).status).to.equal(200);
    await advance(emu(), 300);
    const keys = await listKeys(cosClient(emu().endpoints), 'bucket-e');
    expect(keys.map((k) => parseFlowLogKey(k)!.interfaceId)).to.deep.equal([i1.id, i1.id]);
    expect(keys.every((k) => k.includes('/stream-id=20260105T091000Z/00000001.gz'))).to.equal(true);
  });

  it('a missing bucket writes nothing and logs is.flow-log-collector.00003E; a missing authorization logs 00002E', async () => {
    const { byLabel } = await interfaces(emu());
    await bucket('doomed');
    await bucket('revoked');
    const onMissing = await emu().createCollector({ target: { id: byLabel['instance-1/eth0'].id }, storage_bucket: { name: 'doomed' } });
    const onRevoked = await emu().createCollector({ target: { id: byLabel['instance-3/eth0'].id }, storage_bucket: { name: 'revoked' } });
    expect((await emu().control('DELETE', '/buckets/doomed')).status).to.equal(204);
    expect((await emu().control('DELETE', '/authorizations/revoked')).status).to.equal(204);
    expect((await advance(emu(), 300)).flowLogs.objects).to.equal(0);

    const state = (await emu().control('GET', '/state')).body;
    expect(state.buckets.find((b: any) => b.name === 'revoked').objects).to.deep.equal([]);
    const logEvents = state.events.filter((e: any) => /^is\.flow-log-collector\.\d{5}E$/.test(e.action));
    expect(logEvents).to.deep.equal([
      { time: '2026-01-05T09:05:00.000Z', action: 'is.flow-log-collector.00003E', resource: onMissing.crn, detail: 'Cloud Object Storage bucket doomed was not found' },
      { time: '2026-01-05T09:05:00.000Z', action: 'is.flow-log-collector.00002E', resource: onRevoked.crn, detail: 'Unauthorized access to Cloud Object Storage bucket revoked' },
    ]);
    const write = await emu().control('POST', '/flowlogs/write');
    expect(write.body.objects).to.deep.equal([]);
    expect(write.body.notWritten.filter((n: any) => n.collectorId).map((n: any) => n.reason).sort()).to.deep.equal(['bucket_not_authorized', 'bucket_not_found']);

    // Authorized again: writing resumes.
    await emu().control('POST', '/authorizations', { bucket: 'revoked' });
    await advance(emu(), 300);
    expect(await listKeys(cosClient(emu().endpoints), 'revoked')).to.have.length(2);
  });

  it('deleting a collector stops writing', async () => {
    const { vpc } = await interfaces(emu());
    const c = await emu().createCollector({ target: { id: vpc.id }, storage_bucket: { name: 'bucket-c' } });
    await advance(emu(), 300);
    const before = await listKeys(cosClient(emu().endpoints), 'bucket-c');
    expect(before).to.have.length(14);
    expect((await emu().vpc('DELETE', `/v1/flow_log_collectors/${c.id}`)).status).to.equal(204);
    expect((await advance(emu(), 900)).flowLogs).to.deep.equal({ windows: 3, skippedWindows: 0, objects: 0 });
    expect(await listKeys(cosClient(emu().endpoints), 'bucket-c')).to.deep.equal(before);
  });
});

describe('emulator flow-log writer: the clock, the control call and the cap', () => {
  const emu = useEmulator({ clockStart: START });

  it('an advance writes every window it crosses, at most 288; sequences restart per hour directory within one stream', async () => {
    const { byLabel } = await interfaces(emu());
    const i1 = byLabel['instance-1/eth0'];
    await emu().createCollector({ target: { id: i1.id }, storage_bucket: { name: 'bucket-c' } });
    expect((await advance(emu(), 299)).flowLogs).to.deep.equal({ windows: 0, skippedWindows: 0, objects: 0 });
    expect((await advance(emu(), 1)).flowLogs).to.deep.equal({ windows: 1, skippedWindows: 0, objects: 2 });
    // To 10:05: twelve more windows, 09:05 to 10:05.
    expect((await advance(emu(), 3600)).flowLogs).to.deep.equal({ windows: 12, skippedWindows: 0, objects: 24 });
    const keys = (await listKeys(cosClient(emu().endpoints), 'bucket-c')).map((k) => parseFlowLogKey(k)!).filter((k) => k.recordType === 'ingress');
    expect(new Set(keys.map((k) => k.streamId))).to.deep.equal(new Set(['20260105T090500Z']));
    const hour09 = keys.filter((k) => k.hour === '09').map((k) => k.sequence).sort();
    const hour10 = keys.filter((k) => k.hour === '10').map((k) => k.sequence).sort();
    expect(hour09).to.deep.equal(Array.from({ length: 12 }, (_, n) => String(n + 1).padStart(8, '0')));
    expect(hour10).to.deep.equal(['00000001']);

    // Two days at once: the last 288 windows are written, the older ones skipped.
    const t0 = Date.now();
    expect((await advance(emu(), 2 * 86400)).flowLogs).to.deep.equal({ windows: 288, skippedWindows: 288, objects: 576 });
    expect(Date.now() - t0).to.be.below(20_000);
    expect(await listKeys(cosClient(emu().endpoints), 'bucket-c')).to.have.length(2 + 24 + 576);
  });

  it('POST /flowlogs/write writes one window ending now and answers bucket, key, interface and record count', async () => {
    const { vpc, list } = await interfaces(emu());
    const c = await emu().createCollector({ target: { id: vpc.id }, storage_bucket: { name: 'bucket-c' } });
    await advance(emu(), 42);
    const res = await emu().control('POST', '/flowlogs/write');
    expect(res.status).to.equal(200);
    expect(res.body.captureEnd).to.equal('2026-01-05T09:00:42Z');
    expect(res.body.captureStart).to.equal('2026-01-05T08:55:42Z');
    expect(res.body.notWritten).to.deep.equal([]);
    expect(res.body.objects).to.have.length(list.length * 2);
    const stored = await readBucket(cosClient(emu().endpoints), 'bucket-c');
    expect(stored.map((x) => x.key).sort()).to.deep.equal(res.body.objects.map((o: any) => o.key).sort());
    for (const o of res.body.objects) {
      expect(Object.keys(o)).to.deep.equal(['bucket', 'key', 'interfaceId', 'collectorId', 'recordType', 'records']);
      expect(o).to.deep.include({ bucket: 'bucket-c', collectorId: c.id });
      const read = stored.find((x) => x.key === o.key)!;
      expect(read.parsedKey.interfaceId).to.equal(o.interfaceId);
      expect(read.parsedKey.recordType).to.equal(o.recordType);
      expect(read.doc.number_of_flow_logs).to.equal(o.records);
      expect(read.parsedKey.streamId).to.equal('20260105T090042Z');
    }
    expect((await emu().control('POST', '/flowlogs/write', { window: 1 })).status).to.equal(400);
    const status = await emu().control('GET', '/flowlogs');
    expect(status.body.objectsWritten).to.deep.equal({ 'bucket-c': list.length * 2 });
  });

  it('with realTimeFlowLogs, windows are also written as wall time crosses a boundary', async () => {
    const live = new EmulatorClient(await startEmulator({ clockStart: '2026-01-05T09:04:59.000Z', realTimeFlowLogs: true, pendingSeconds: 0, log: () => undefined }));
    try {
      const { byLabel } = await interfaces(live);
      await live.createCollector({ target: { id: byLabel['instance-1/eth0'].id }, storage_bucket: { name: 'bucket-c' } });
      let keys: string[] = [];
      for (let waited = 0; keys.length === 0 && waited < 5000; waited += 100) {
        await new Promise((r) => setTimeout(r, 100));
        keys = await listKeys(cosClient(live.endpoints), 'bucket-c');
      }
      expect(keys.map((k) => parseFlowLogKey(k)!.streamId)).to.deep.equal(['20260105T090500Z', '20260105T090500Z']);
    } finally {
      await live.emulator.close();
    }
  });

  it('POST /flowlogs/write right after a create already writes for the new collector', async () => {
    const { byLabel } = await interfaces(emu());
    const i1 = byLabel['instance-1/eth0'];
    await emu().createCollector({ target: { id: i1.id }, storage_bucket: { name: 'bucket-c' } });
    const res = await emu().control('POST', '/flowlogs/write');
    expect(res.body.objects.map((o: any) => [o.interfaceId, o.recordType])).to.deep.equal([[i1.id, 'ingress'], [i1.id, 'egress']]);
  });

  it('a pending collector writes nothing until it is stable', async () => {
    await emu().control('POST', '/config', { pendingSeconds: 400 });
    const { byLabel } = await interfaces(emu());
    const i1 = byLabel['instance-1/eth0'];
    const c = await emu().createCollector({ target: { id: i1.id }, storage_bucket: { name: 'bucket-c' } });
    expect((await advance(emu(), 300)).flowLogs.objects).to.equal(0);
    const write = await emu().control('POST', '/flowlogs/write');
    expect(write.body.notWritten.find((n: any) => n.interfaceId === i1.id)).to.deep.equal({ interfaceId: i1.id, collectorId: c.id, reason: 'pending' });
    // One advance past both the landing (09:06:40) and the 09:10 window: that window is written, the 09:05 one was not.
    expect((await advance(emu(), 300)).flowLogs.objects).to.equal(2);
  });

  it('keeps streams, counts and traffic across a restart with a state directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ibmflowlogs-fl-'));
    try {
      const first = new EmulatorClient(await startEmulator({ stateDir: dir, clockStart: START, pendingSeconds: 0, log: () => undefined }));
      const { byLabel } = await interfaces(first);
      const i3 = byLabel['instance-3/eth0'];
      await traffic(first, i3.id, 'nacl-drops-replies');
      await first.createCollector({ target: { id: i3.id }, storage_bucket: { name: 'bucket-c' } });
      await advance(first, 300);
      await first.emulator.close();

      const second = new EmulatorClient(await startEmulator({ stateDir: dir, log: () => undefined }));
      try {
        expect((await second.control('GET', '/traffic')).body.interfaces.find((i: any) => i.interfaceId === i3.id).scenario).to.equal('nacl-drops-replies');
        await advance(second, 300);
        const keys = (await listKeys(cosClient(second.endpoints), 'bucket-c')).map((k) => parseFlowLogKey(k)!);
        expect(keys.map((k) => `${k.streamId}/${k.sequence}`).sort()).to.deep.equal([
          '20260105T090500Z/00000001',
          '20260105T090500Z/00000001',
          '20260105T090500Z/00000002',
          '20260105T090500Z/00000002',
        ]);
        expect((await second.control('GET', '/flowlogs')).body.objectsWritten).to.deep.equal({ 'bucket-c': 4 });
      } finally {
        await second.emulator.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('emulator flow-log writer: driven over a generated topology (the differential test flow)', () => {
  const emu = useEmulator({ clockStart: START });

  /** One VPC, 4 subnets, `n` instances: every third on a network attachment, every fifth with a second NIC. */
  function bigTopology(n: number) {
    const subnets = [0, 1, 2, 3].map((k) => ({ name: `s${k}`, zone: 'us-south-1', cidr: `10.${k}.0.0/20` }));
    const instances = Array.from({ length: n }, (_, k) =>
      k % 3 === 0
        ? { name: `vm-${k}`, zone: 'us-south-1', networkAttachments: [{ name: 'eth0', subnet: `s${k % 4}` }] }
        : { name: `vm-${k}`, zone: 'us-south-1', networkInterfaces: [{ name: 'eth0', subnet: `s${k % 4}` }, ...(k % 5 === 0 ? [{ name: 'eth1', subnet: `s${(k + 1) % 4}` }] : [])] },
    );
    return { region: 'us-south', vpcs: [{ name: 'big', subnets, instances }], buckets: [{ name: 'b-vpc' }, { name: 'b-s1' }, { name: 'b-vm' }] };
  }

  it('POST /topology, collectors through the API, one advance: hundreds of interfaces written in well under a second', async () => {
    const loaded = await emu().control('POST', '/topology', bigTopology(300));
    expect(loaded.status, JSON.stringify(loaded.body).slice(0, 300)).to.equal(200);
    const t = loaded.body.topology;
    const count = t.networkInterfaces.length + t.networkAttachments.length;
    expect(count).to.be.at.least(300);
    const s1 = t.subnets.find((s: any) => s.name === 's1');
    const vm7 = t.instances.find((i: any) => i.name === 'vm-7');
    await emu().createCollector({ target: { id: t.vpcs[0].id }, storage_bucket: { name: 'b-vpc' } });
    await emu().createCollector({ target: { id: s1.id }, storage_bucket: { name: 'b-s1' } });
    await emu().createCollector({ target: { id: vm7.id }, storage_bucket: { name: 'b-vm' } });

    const started = Date.now();
    const res = await advance(emu(), 300);
    const elapsed = Date.now() - started;
    expect(res.flowLogs).to.deep.equal({ windows: 1, skippedWindows: 0, objects: count * 2 });
    expect(elapsed, `${count} interfaces took ${elapsed} ms`).to.be.below(1000);

    const where = await interfaceBuckets(emu());
    const subnetOf = new Map<string, string>([
      ...t.networkInterfaces.map((x: any) => [x.id, x.subnetId] as [string, string]),
      ...t.networkAttachments.map((x: any) => [x.id, x.subnetId] as [string, string]),
    ]);
    const instanceOf = new Map<string, string>([
      ...t.networkInterfaces.map((x: any) => [x.id, x.instanceId] as [string, string]),
      ...t.networkAttachments.map((x: any) => [x.id, x.instanceId] as [string, string]),
    ]);
    expect(where.size).to.equal(count);
    for (const [id, buckets] of where) {
      const want = instanceOf.get(id) === vm7.id ? 'b-vm' : subnetOf.get(id) === s1.id ? 'b-s1' : 'b-vpc';
      expect([...buckets], id).to.deep.equal([want]);
    }
  });
});

describe('emulator flow-log writer: every interface, every object, through ibm-cos-sdk', () => {
  const emu = useEmulator({ clockStart: START });

  it("the writer's synchronous put stores what s3rver's own put stores", async () => {
    const cos = emu().emulator.state.cos;
    const body = Buffer.from('1f8b0800000000000003abae050043bfa6a302000000', 'hex');
    const metadata = { 'content-type': 'application/gzip', 'x-amz-meta-state': 'ok', 'x-amz-meta-number_of_flow_logs': '0' };
    await cos.putObject('bucket-c', 'via/store.gz', body, metadata);
    cos.putObjectSync('bucket-c', 'via/sync.gz', body, metadata);
    const client = cosClient(emu().endpoints);
    const seen = await Promise.all(['via/store.gz', 'via/sync.gz'].map(async (Key) => {
      const head = await client.headObject({ Bucket: 'bucket-c', Key }).promise();
      const got = await client.getObject({ Bucket: 'bucket-c', Key }).promise();
      return { etag: head.ETag, type: head.ContentType, length: head.ContentLength, metadata: head.Metadata, body: (got.Body as Buffer).toString('hex') };
    }));
    expect(seen[1]).to.deep.equal(seen[0]);
    expect(seen[0].metadata).to.deep.equal({ state: 'ok', number_of_flow_logs: '0' });
    expect(await listKeys(client, 'bucket-c', 'via/')).to.deep.equal(['via/store.gz', 'via/sync.gz']);
  });

  it('readAllFlowLogs finds the objects of every bucket and nothing else', async () => {
    const { vpc } = await interfaces(emu());
    await emu().createCollector({ target: { id: vpc.id }, storage_bucket: { name: 'bucket-c' } });
    await cosClient(emu().endpoints).putObject({ Bucket: 'bucket-e', Key: 'not/a/flow-log.txt', Body: 'x' }).promise();
    await advance(emu(), 300);
    const all = await readAllFlowLogs(emu());
    expect(new Set(all.map((o) => o.bucket))).to.deep.equal(new Set(['bucket-c']));
    expect(all).to.have.length(14);
  });
});
