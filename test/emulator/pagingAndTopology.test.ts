import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startEmulator } from '../../emulator/src';
import { EmulatorClient, firstError, useEmulator, type HttpResult } from '../support/emulator';

/**
 * Paging of flow log collectors under every filter (250 collectors on a generated two-VPC topology), and the
 * read-only topology endpoints against the use-case-1 seed. Expected sets are computed in the test from what it
 * created and from the topology it generated, never read back from the emulator's lists.
 */

const SEED = JSON.parse(readFileSync(resolve(__dirname, '../../../emulator/topologies/use-case-1.json'), 'utf8'));
const RG_HREF = 'https://resource-controller.cloud.ibm.com/v2/resource_groups/';
const DEFAULT_LIMIT = 50;

// ---------------------------------------------------------------------------------------------------------------
// The generated paging topology
// ---------------------------------------------------------------------------------------------------------------

const PAGING_ACCOUNT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const VPC_KEYS = ['alpha', 'beta'] as const;
const INSTANCES_PER_VPC = 125;
const COLLECTORS = 250;
const BUCKET = 'paging-logs';

/** Instances whose index is a multiple of 10 use network attachments (each with its VNI); the others a legacy NIC. */
const usesAttachment = (i: number) => i % 10 === 0;
const subnetName = (v: string, i: number) => `${v}-sub-${(i % 2) + 1}`;

function pagingTopology() {
  return {
    region: 'us-south',
    account: PAGING_ACCOUNT,
    resourceGroups: [{ name: 'default', default: true }, { name: 'team-a' }, { name: 'team-b' }],
    vpcs: VPC_KEYS.map((v, vi) => ({
      name: `vpc-${v}`,
      subnets: [
        { name: `${v}-sub-1`, zone: 'us-south-1', cidr: `10.${vi * 16}.0.0/20` },
        { name: `${v}-sub-2`, zone: 'us-south-1', cidr: `10.${vi * 16}.16.0/20` },
      ],
      instances: Array.from({ length: INSTANCES_PER_VPC }, (_, i) => ({
        name: `${v}-vsi-${i}`,
        zone: 'us-south-1',
        ...(usesAttachment(i)
          ? { networkAttachments: [{ name: 'eth0', subnet: subnetName(v, i), virtualNetworkInterface: `${v}-vsi-${i}-vni` }] }
          : { networkInterfaces: [{ name: 'eth0', subnet: subnetName(v, i) }] }),
      })),
      virtualNetworkInterfaces: [
        { name: `${v}-spare-1`, subnet: `${v}-sub-1` },
        { name: `${v}-spare-2`, subnet: `${v}-sub-2` },
      ],
    })),
    buckets: [{ name: BUCKET, authorized: true }],
  };
}

type Kind = 'vpc' | 'subnet' | 'instance' | 'network_interface' | 'instance_network_attachment' | 'virtual_network_interface';

interface Planned {
  kind: Kind;
  targetId: string;
  vpcKey: (typeof VPC_KEYS)[number];
}

/** What the test knows about each collector it created, from its own inputs (plus the server-chosen id and name). */
interface Expected {
  id: string;
  name: string;
  groupId: string;
  vpcId: string;
  vpcCrn: string;
  vpcName: string;
  targetId: string;
  kind: Kind;
}

// ---------------------------------------------------------------------------------------------------------------
// Walking pages
// ---------------------------------------------------------------------------------------------------------------

/** Follows next.href from the first page and checks every page; returns the ids in the order seen. */
async function walk(emu: EmulatorClient, path: string, key: string, filter: Record<string, string>, expectedIds: string[], limit?: number): Promise<string[]> {
  const pageLimit = limit ?? DEFAULT_LIMIT;
  const total = expectedIds.length;
  const expectedPages = Math.max(1, Math.ceil(total / pageLimit));
  const base = emu.endpoints.vpcEndpoint;
  const firstQuery = new URLSearchParams({ ...filter, ...(limit === undefined ? {} : { limit: String(limit) }) });
  let next: string | undefined = `${path}?${firstQuery}`;
  const seen: string[] = [];
  let pages = 0;
  let firstPage: HttpResult | undefined;
  const where = () => `${JSON.stringify(filter)} limit ${pageLimit} page ${pages}`;

  const checkHref = (href: string, withStart: boolean) => {
    const url = new URL(href);
    expect(url.origin, where()).to.equal(base);
    expect(url.pathname, where()).to.equal(path);
    const keys = [...url.searchParams.keys()].sort();
    expect(keys, where()).to.deep.equal([...Object.keys(filter), 'limit', ...(withStart ? ['start'] : [])].sort());
    for (const [k, v] of Object.entries(filter)) expect(url.searchParams.get(k), `${where()} keeps ${k}`).to.equal(v);
    expect(url.searchParams.get('limit'), where()).to.equal(String(pageLimit));
    return url;
  };

  while (next !== undefined) {
    pages += 1;
    expect(pages, `${where()}: more pages than expected`).to.be.at.most(expectedPages);
    const res = await emu.vpc('GET', next);
    expect(res.status, where()).to.equal(200);
    firstPage ??= res;
    const body = res.body;
    expect(body.total_count, where()).to.equal(total);
    expect(body.limit, where()).to.equal(pageLimit);
    expect(body.first, where()).to.have.property('href');
    checkHref(body.first.href, false);
    const items: any[] = body[key];
    expect(items, where()).to.be.an('array');
    if (pages < expectedPages) {
      expect(items, where()).to.have.length(pageLimit);
      expect(body, where()).to.have.property('next');
      const url = checkHref(body.next.href, true);
      next = `${url.pathname}${url.search}`;
    } else {
      expect(items, where()).to.have.length(total - pageLimit * (expectedPages - 1));
      expect(body, `${where()}: the last page has no next`).to.not.have.property('next');
      next = undefined;
    }
    seen.push(...items.map((x) => x.id as string));
  }
  expect(pages).to.equal(expectedPages);
  expect(new Set(seen).size, `${JSON.stringify(filter)}: no duplicates across pages`).to.equal(seen.length);
  expect([...seen].sort(), `${JSON.stringify(filter)}: the union of the pages`).to.deep.equal([...expectedIds].sort());

  // first.href leads back to the same first page.
  const first = new URL(firstPage!.body.first.href);
  const again = await emu.vpc('GET', `${first.pathname}${first.search}`);
  expect(again.body[key].map((x: any) => x.id)).to.deep.equal(firstPage!.body[key].map((x: any) => x.id));
  return seen;
}

describe('emulator: paging through 250 flow log collectors under every filter', function () {
  let emu: EmulatorClient;
  const expected: Expected[] = [];
  const groupIds: Record<string, string> = {};
  const vpcIds: Record<string, string> = {};

  before(async () => {
    emu = new EmulatorClient(await startEmulator({ pendingSeconds: 0, deletingSeconds: 0, log: () => undefined }));
    const replaced = await emu.control('POST', '/topology', pagingTopology());
    expect(replaced.status, JSON.stringify(replaced.body).slice(0, 500)).to.equal(200);
    expect(replaced.body.collectorsDeleted).to.deep.equal([]);

    // Ids by name: the inputs of the test (the emulator derives them from names).
    const t = await emu.topology();
    expect(t.vpcs).to.have.length(2);
    expect(t.instances).to.have.length(2 * INSTANCES_PER_VPC);
    for (const g of t.resourceGroups) groupIds[g.name] = g.id;
    for (const v of VPC_KEYS) vpcIds[v] = t.vpcs.find((x: any) => x.name === `vpc-${v}`).id;
    const idOf = (list: any[], pred: (x: any) => boolean) => {
      const found = list.filter(pred);
      if (found.length !== 1) throw new Error(`expected one match, found ${found.length}`);
      return found[0].id as string;
    };
    const instanceId = (v: string, i: number) => idOf(t.instances, (x) => x.name === `${v}-vsi-${i}`);

    // Targets: both VPCs, their four subnets, the four spare VNIs, then per instance index (alternating VPCs) the
    // instance, its interface (NIC or attachment) or its VNI, until there are 250.
    const plan: Planned[] = [];
    for (const v of VPC_KEYS) plan.push({ kind: 'vpc', targetId: vpcIds[v], vpcKey: v });
    for (const v of VPC_KEYS) for (const s of [1, 2]) plan.push({ kind: 'subnet', targetId: idOf(t.subnets, (x) => x.name === `${v}-sub-${s}`), vpcKey: v });
    for (const v of VPC_KEYS) for (const s of [1, 2]) plan.push({ kind: 'virtual_network_interface', targetId: idOf(t.virtualNetworkInterfaces, (x) => x.name === `${v}-spare-${s}`), vpcKey: v });
    for (let i = 0; i < INSTANCES_PER_VPC && plan.length < COLLECTORS; i++) {
      for (const v of VPC_KEYS) {
        if (plan.length >= COLLECTORS) break;
        const inst = instanceId(v, i);
        if (i % 3 === 0) plan.push({ kind: 'instance', targetId: inst, vpcKey: v });
        else if (usesAttachment(i) && i % 3 === 2) plan.push({ kind: 'virtual_network_interface', targetId: idOf(t.virtualNetworkInterfaces, (x) => x.name === `${v}-vsi-${i}-vni`), vpcKey: v });
        else if (usesAttachment(i)) plan.push({ kind: 'instance_network_attachment', targetId: idOf(t.networkAttachments, (x) => x.instanceId === inst), vpcKey: v });
        else plan.push({ kind: 'network_interface', targetId: idOf(t.networkInterfaces, (x) => x.instanceId === inst), vpcKey: v });
      }
    }
    expect(plan).to.have.length(COLLECTORS);

    const groupNames = ['default', 'team-a', 'team-b'];
    const usedNames: Record<string, Set<string>> = { alpha: new Set(), beta: new Set() };
    for (let k = 0; k < plan.length; k++) {
      const p = plan[k];
      const group = groupNames[k % 3];
      let name: string | undefined;
      if (k % 9 !== 4) {
        // Names repeat across the two VPCs (allowed), never inside one.
        name = `flow-${k % 50}`;
        if (usedNames[p.vpcKey].has(name)) name = `flow-${k}-x`;
        usedNames[p.vpcKey].add(name);
      }
      const body: Record<string, unknown> = { target: { id: p.targetId }, storage_bucket: { name: BUCKET }, ...(name ? { name } : {}) };
      // The default group is sometimes implied, sometimes explicit.
      if (group !== 'default' || k % 2 === 0) body.resource_group = { id: groupIds[group] };
      const created = await emu.createCollector(body);
      if (name) expect(created.name).to.equal(name);
      else usedNames[p.vpcKey].add(created.name);
      const vpcId = vpcIds[p.vpcKey];
      expected.push({
        id: created.id,
        name: created.name,
        groupId: groupIds[group],
        vpcId,
        vpcCrn: `crn:v1:bluemix:public:is:us-south:a/${PAGING_ACCOUNT}::vpc:${vpcId}`,
        vpcName: `vpc-${p.vpcKey}`,
        targetId: p.targetId,
        kind: p.kind,
      });
      // The collector's own view agrees with what the test planned.
      expect(created.vpc.id).to.equal(vpcId);
      expect(created.target.id).to.equal(p.targetId);
      expect(created.resource_group.id).to.equal(groupIds[group]);
    }
  });

  after(async () => {
    await emu?.emulator.close();
  });

  const ids = (pred: (e: Expected) => boolean) => expected.filter(pred).map((e) => e.id);

  const LIMITS = [37, undefined] as const;

  async function check(filter: Record<string, string>, pred: (e: Expected) => boolean) {
    for (const limit of LIMITS) await walk(emu, '/v1/flow_log_collectors', 'flow_log_collectors', filter, ids(pred), limit);
  }

  it('sanity: the generated collectors cover every target type, both VPCs, three groups and names shared across VPCs', () => {
    expect(expected).to.have.length(COLLECTORS);
    const count = (f: (e: Expected) => string) => expected.reduce<Record<string, number>>((acc, e) => ({ ...acc, [f(e)]: (acc[f(e)] ?? 0) + 1 }), {});
    expect(Object.keys(count((e) => e.kind)).sort()).to.deep.equal(['instance', 'instance_network_attachment', 'network_interface', 'subnet', 'virtual_network_interface', 'vpc']);
    expect(Object.values(count((e) => e.vpcName))).to.deep.equal([125, 125]);
    expect(Object.values(count((e) => e.groupId)).sort()).to.deep.equal([83, 83, 84]);
    expect(Object.values(count((e) => e.name)).some((n) => n === 2)).to.equal(true);
    expect(expected.filter((e) => !/^flow-/.test(e.name)).length).to.equal(28);
  });

  it('no filter: all 250', async () => {
    await check({}, () => true);
  });

  it('resource_group.id: each group, and an unknown one (empty)', async () => {
    for (const name of ['default', 'team-a', 'team-b']) await check({ 'resource_group.id': groupIds[name] }, (e) => e.groupId === groupIds[name]);
    await check({ 'resource_group.id': 'ffffffffffffffffffffffffffffffff' }, () => false);
  });

  it('name: a name used in both VPCs, a name used once, a generated name, and an unused one', async () => {
    const byName = (n: string) => expected.filter((e) => e.name === n).length;
    const shared = expected.find((e) => byName(e.name) === 2)!.name;
    const single = expected.find((e) => byName(e.name) === 1 && e.name.startsWith('flow-'))!.name;
    const generated = expected.find((e) => !e.name.startsWith('flow-'))!.name;
    for (const n of [shared, single, generated, 'no-such-collector']) await check({ name: n }, (e) => e.name === n);
  });

  it('vpc.id, vpc.crn and vpc.name: each VPC', async () => {
    for (const v of VPC_KEYS) {
      const vpcId = vpcIds[v];
      const crn = `crn:v1:bluemix:public:is:us-south:a/${PAGING_ACCOUNT}::vpc:${vpcId}`;
      await check({ 'vpc.id': vpcId }, (e) => e.vpcId === vpcId);
      await check({ 'vpc.crn': crn }, (e) => e.vpcCrn === crn);
      await check({ 'vpc.name': `vpc-${v}` }, (e) => e.vpcName === `vpc-${v}`);
    }
    await check({ 'vpc.id': 'r006-00000000-0000-4000-a000-000000000000' }, () => false);
  });

  it('target.id: one target of each type, and an unknown one', async () => {
    const kinds: Kind[] = ['vpc', 'subnet', 'instance', 'network_interface', 'instance_network_attachment', 'virtual_network_interface'];
    for (const kind of kinds) {
      const target = expected.filter((e) => e.kind === kind).at(-1)!.targetId;
      await check({ 'target.id': target }, (e) => e.targetId === target);
      expect(ids((e) => e.targetId === target)).to.have.length(1);
    }
    await check({ 'target.id': 'r006-00000000-0000-4000-a000-000000000000' }, () => false);
  });

  it('target.resource_type: each of the six types', async () => {
    for (const kind of ['vpc', 'subnet', 'instance', 'network_interface', 'instance_network_attachment', 'virtual_network_interface'] as Kind[]) {
      await check({ 'target.resource_type': kind }, (e) => e.kind === kind);
    }
  });

  it('filters combine (AND): vpc.id + target.resource_type + resource_group.id', async () => {
    const filter = { 'vpc.id': vpcIds.alpha, 'target.resource_type': 'network_interface', 'resource_group.id': groupIds['team-a'] };
    await check(filter, (e) => e.vpcId === vpcIds.alpha && e.kind === 'network_interface' && e.groupId === groupIds['team-a']);
  });

  it('limit 1 and 100 are accepted (page sizes 1 and 100)', async () => {
    await walk(emu, '/v1/flow_log_collectors', 'flow_log_collectors', { 'vpc.name': 'vpc-beta', 'target.resource_type': 'subnet' }, ids((e) => e.vpcName === 'vpc-beta' && e.kind === 'subnet'), 1);
    await walk(emu, '/v1/flow_log_collectors', 'flow_log_collectors', {}, ids(() => true), 100);
  });

  it('refuses an invalid limit (400 invalid_value, target the limit parameter)', async () => {
    for (const limit of ['0', '101', 'abc', '-1', '1.5', '']) {
      const res = await emu.vpc('GET', `/v1/flow_log_collectors?limit=${encodeURIComponent(limit)}`);
      expect(res.status, `limit=${limit}`).to.equal(400);
      expect(res.body.status_code).to.equal(400);
      expect(res.body.errors).to.have.length(1);
      expect(firstError(res.body)).to.deep.include({ code: 'invalid_value', target: { name: 'limit', type: 'parameter', value: limit } });
    }
  });

  it('refuses a start token it did not issue (400 invalid_value, target the start parameter)', async () => {
    const page = await emu.vpc('GET', '/v1/flow_log_collectors?limit=10');
    const real = new URL(page.body.next.href).searchParams.get('start')!;
    const forged = [
      'not-a-token',
      `${real}x`,
      Buffer.from('p05').toString('base64url'),
      Buffer.from('q10').toString('base64url'),
      Buffer.from('p-10').toString('base64url'),
    ];
    for (const start of forged) {
      const res = await emu.vpc('GET', `/v1/flow_log_collectors?start=${encodeURIComponent(start)}`);
      expect(res.status, `start=${start}`).to.equal(400);
      expect(firstError(res.body)).to.deep.include({ code: 'invalid_value', target: { name: 'start', type: 'parameter', value: start } });
    }
  });

  it('a start token keeps the filters of its listing: with other filters (or another path) it is refused, with the same ones in any order (and another limit) it pages on', async () => {
    const filter = { 'vpc.id': vpcIds.alpha, 'target.resource_type': 'network_interface' };
    const page = await emu.vpc('GET', `/v1/flow_log_collectors?${new URLSearchParams({ ...filter, limit: '10' })}`);
    const start = new URL(page.body.next.href).searchParams.get('start')!;
    const refused: Array<Record<string, string>> = [
      {},
      { 'vpc.id': vpcIds.beta, 'target.resource_type': 'network_interface' },
      { 'vpc.id': vpcIds.alpha },
      { ...filter, name: 'flow-1' },
    ];
    for (const other of refused) {
      const res = await emu.vpc('GET', `/v1/flow_log_collectors?${new URLSearchParams({ ...other, start })}`);
      expect(res.status, JSON.stringify(other)).to.equal(400);
      expect(firstError(res.body), JSON.stringify(other)).to.deep.include({ code: 'invalid_value', target: { name: 'start', type: 'parameter', value: start } });
      expect(firstError(res.body).message).to.contain('belongs to a listing with other filters');
    }
    const elsewhere = await emu.vpc('GET', `/v1/instances?${new URLSearchParams({ 'vpc.id': vpcIds.alpha, start })}`);
    expect(elsewhere.status).to.equal(400);
    const same = await emu.vpc('GET', `/v1/flow_log_collectors?${new URLSearchParams({ 'target.resource_type': 'network_interface', limit: '5', 'vpc.id': vpcIds.alpha, start })}`);
    expect(same.status).to.equal(200);
    const expectedIds = ids((e) => e.vpcId === vpcIds.alpha && e.kind === 'network_interface');
    expect(same.body.flow_log_collectors.map((c: any) => c.id)).to.deep.equal(expectedIds.slice(10, 15));
  });

  it('refuses an unknown target.resource_type (400 invalid_value)', async () => {
    for (const type of ['bogus', 'network_interfaces', 'VPC']) {
      const res = await emu.vpc('GET', `/v1/flow_log_collectors?target.resource_type=${type}`);
      expect(res.status, type).to.equal(400);
      expect(firstError(res.body)).to.deep.include({ code: 'invalid_value', target: { name: 'target.resource_type', type: 'parameter', value: type } });
    }
  });

  it('pages topology lists too: instances of one VPC (limit 37 keeps vpc.id) and VPCs (limit 1)', async () => {
    const t = await emu.topology();
    const alphaInstances = t.instances.filter((i: any) => i.name.startsWith('alpha-')).map((i: any) => i.id);
    expect(alphaInstances).to.have.length(INSTANCES_PER_VPC);
    await walk(emu, '/v1/instances', 'instances', { 'vpc.id': vpcIds.alpha }, alphaInstances, 37);
    await walk(emu, '/v1/vpcs', 'vpcs', {}, [vpcIds.alpha, vpcIds.beta], 1);
    await walk(emu, '/v1/subnets', 'subnets', { 'vpc.id': vpcIds.beta }, t.subnets.filter((s: any) => s.name.startsWith('beta-')).map((s: any) => s.id), 1);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Topology endpoints against the use-case-1 seed
// ---------------------------------------------------------------------------------------------------------------

describe('emulator: read-only topology endpoints (use-case-1 seed)', () => {
  const emu = useEmulator();
  const seedVpc = SEED.vpcs[0];
  const ACCOUNT: string = SEED.account;
  const crnOf = (location: string, type: string, id: string) => `crn:v1:bluemix:public:is:${location}:a/${ACCOUNT}::${type}:${id}`;
  const seedSubnet = (name: string) => seedVpc.subnets.find((s: any) => s.name === name);
  const seedInstance = (name: string) => seedVpc.instances.find((i: any) => i.name === name);

  /** Ids by name from the control API (the emulator derives them from names); everything else comes from the seed. */
  async function ids() {
    const t = await emu().topology();
    const one = (list: any[], pred: (x: any) => boolean) => {
      const found = list.filter(pred);
      if (found.length !== 1) throw new Error(`expected one, found ${found.length}`);
      return found[0].id as string;
    };
    const instance = (name: string) => one(t.instances, (x) => x.name === name);
    return {
      vpc: one(t.vpcs, (x) => x.name === 'vpc-1'),
      subnet: (name: string) => one(t.subnets, (x) => x.name === name),
      instance,
      nic: (inst: string, name: string) => one(t.networkInterfaces, (x) => x.instanceId === instance(inst) && x.name === name),
      attachment: (inst: string, name: string) => one(t.networkAttachments, (x) => x.instanceId === instance(inst) && x.name === name),
      vni: (name: string) => one(t.virtualNetworkInterfaces, (x) => x.name === name),
      group: (name: string) => one(t.resourceGroups, (x) => x.name === name),
    };
  }

  const base = () => emu().endpoints.vpcEndpoint;
  const vpcRef = (id: string) => ({ crn: crnOf('us-south', 'vpc', id), href: `${base()}/v1/vpcs/${id}`, id, name: 'vpc-1', resource_type: 'vpc' });
  const subnetRef = (id: string, name: string) => ({ crn: crnOf(seedSubnet(name).zone, 'subnet', id), href: `${base()}/v1/subnets/${id}`, id, name, resource_type: 'subnet' });

  async function get(path: string, status = 200): Promise<any> {
    const res = await emu().vpc('GET', path);
    expect(res.status, `${path}: ${JSON.stringify(res.body).slice(0, 300)}`).to.equal(status);
    return res.body;
  }

  /** An IPv4 address inside `cidr`, outside the four addresses IBM reserves at the start and the broadcast one. */
  function expectUsableAddress(address: string, cidr: string): void {
    const toInt = (a: string) => a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    const [net, bits] = cidr.split('/');
    const size = 2 ** (32 - Number(bits));
    const offset = toInt(address) - toInt(net);
    expect(offset, `${address} in ${cidr}`).to.be.within(4, size - 2);
  }

  it('GET /v1/vpcs lists the one seeded VPC; GET /v1/vpcs/{id} reads it', async () => {
    const i = await ids();
    const network = i.group('network');
    const expectedVpc = {
      ...vpcRef(i.vpc),
      resource_group: { href: `${RG_HREF}${network}`, id: network, name: 'network' },
      status: 'available',
    };
    const list = await get('/v1/vpcs');
    expect(list.total_count).to.equal(1);
    expect(list.limit).to.equal(DEFAULT_LIMIT);
    expect(list).to.not.have.property('next');
    expect(list.first.href).to.equal(`${base()}/v1/vpcs?limit=${DEFAULT_LIMIT}`);
    expect(list.vpcs).to.have.length(1);
    expect(list.vpcs[0]).to.deep.include(expectedVpc);
    const one = await get(`/v1/vpcs/${i.vpc}`);
    expect(one).to.deep.equal(list.vpcs[0]);
  });

  it('GET /v1/subnets?vpc.id= lists the three subnets with their zones and CIDRs; GET /v1/subnets/{id} reads one', async () => {
    const i = await ids();
    const list = await get(`/v1/subnets?vpc.id=${i.vpc}`);
    expect(list.total_count).to.equal(3);
    const names: string[] = seedVpc.subnets.map((s: any) => s.name);
    expect(names).to.deep.equal(['subnet-1', 'subnet-2', 'subnet-3']);
    expect(list.subnets.map((s: any) => s.name).sort()).to.deep.equal(names);
    for (const name of names) {
      const s = seedSubnet(name);
      const item = list.subnets.find((x: any) => x.name === name);
      expect(item).to.deep.include({
        ...subnetRef(i.subnet(name), name),
        ipv4_cidr_block: s.cidr,
        total_ipv4_address_count: 256,
        vpc: vpcRef(i.vpc),
        zone: { href: `${base()}/v1/regions/us-south/zones/${s.zone}`, name: s.zone },
      });
      expect(await get(`/v1/subnets/${i.subnet(name)}`)).to.deep.equal(item);
    }
    const none = await get('/v1/subnets?vpc.id=r006-00000000-0000-4000-a000-000000000000');
    expect(none.total_count).to.equal(0);
    expect(none.subnets).to.deep.equal([]);
    expect((await get('/v1/subnets')).total_count).to.equal(3);
  });

  it('GET /v1/instances?vpc.id= lists instance-1..6 in their zones', async () => {
    const i = await ids();
    const list = await get(`/v1/instances?vpc.id=${i.vpc}`);
    expect(list.total_count).to.equal(6);
    expect(list.instances.map((x: any) => x.name).sort()).to.deep.equal(['instance-1', 'instance-2', 'instance-3', 'instance-4', 'instance-5', 'instance-6']);
    for (const item of list.instances) {
      const zone = seedInstance(item.name).zone;
      expect(item).to.deep.include({
        crn: crnOf(zone, 'instance', i.instance(item.name)),
        href: `${base()}/v1/instances/${i.instance(item.name)}`,
        id: i.instance(item.name),
        resource_type: 'instance',
        vpc: vpcRef(i.vpc),
        zone: { href: `${base()}/v1/regions/us-south/zones/${zone}`, name: zone },
      });
    }
  });

  it('GET /v1/instances/{id} for instance-2 shows its two legacy interfaces, eth0 on subnet-1 and eth1 on subnet-2', async () => {
    const i = await ids();
    const inst = i.instance('instance-2');
    const body = await get(`/v1/instances/${inst}`);
    expect(body).to.deep.include({ id: inst, name: 'instance-2', network_attachments: [] });
    expect(body).to.not.have.property('primary_network_attachment');
    expect(body.network_interfaces.map((n: any) => [n.id, n.name, n.subnet.id, n.resource_type, n.href])).to.deep.equal([
      [i.nic('instance-2', 'eth0'), 'eth0', i.subnet('subnet-1'), 'network_interface', `${base()}/v1/instances/${inst}/network_interfaces/${i.nic('instance-2', 'eth0')}`],
      [i.nic('instance-2', 'eth1'), 'eth1', i.subnet('subnet-2'), 'network_interface', `${base()}/v1/instances/${inst}/network_interfaces/${i.nic('instance-2', 'eth1')}`],
    ]);
    expect(body.primary_network_interface.id).to.equal(i.nic('instance-2', 'eth0'));
    expect(body.network_interfaces[0].subnet).to.deep.equal(subnetRef(i.subnet('subnet-1'), 'subnet-1'));
    expect(body.network_interfaces[1].subnet).to.deep.equal(subnetRef(i.subnet('subnet-2'), 'subnet-2'));
  });

  it('GET /v1/instances/{id}/network_interfaces(/{id}) lists and reads legacy interfaces', async () => {
    const i = await ids();
    const inst = i.instance('instance-2');
    const list = await get(`/v1/instances/${inst}/network_interfaces`);
    expect(list.network_interfaces.map((n: any) => n.name)).to.deep.equal(['eth0', 'eth1']);
    const eth1 = await get(`/v1/instances/${inst}/network_interfaces/${i.nic('instance-2', 'eth1')}`);
    expect(eth1).to.deep.include({
      href: `${base()}/v1/instances/${inst}/network_interfaces/${i.nic('instance-2', 'eth1')}`,
      id: i.nic('instance-2', 'eth1'),
      name: 'eth1',
      resource_type: 'network_interface',
      subnet: subnetRef(i.subnet('subnet-2'), 'subnet-2'),
      type: 'secondary',
    });
    expectUsableAddress(eth1.primary_ip.address, seedSubnet('subnet-2').cidr);
    expect(eth1).to.deep.equal(list.network_interfaces[1]);
    const eth0 = await get(`/v1/instances/${inst}/network_interfaces/${i.nic('instance-2', 'eth0')}`);
    expect(eth0.type).to.equal('primary');
    expectUsableAddress(eth0.primary_ip.address, seedSubnet('subnet-1').cidr);

    // Every interface of the seed has its own address.
    const t = await emu().topology();
    const addresses = await Promise.all(
      t.networkInterfaces.map(async (n: any) => (await get(`/v1/instances/${n.instanceId}/network_interfaces/${n.id}`)).primary_ip.address),
    );
    expect(new Set(addresses).size).to.equal(addresses.length);
  });

  it('GET /v1/instances/{id} for instance-5 shows its network attachment, and its legacy view with the same id', async () => {
    const i = await ids();
    const inst = i.instance('instance-5');
    const att = i.attachment('instance-5', 'eth0');
    const vni = i.vni('instance-5-eth0');
    const vniBody = await get(`/v1/virtual_network_interfaces/${vni}`);
    // IBM's InstanceNetworkAttachmentReference: the attachment's address (its VNI's, a reserved IP of the subnet), subnet and VNI.
    expect(vniBody.primary_ip.href).to.equal(`${base()}/v1/subnets/${i.subnet('subnet-3')}/reserved_ips/${vniBody.primary_ip.id}`);
    const attRef = {
      href: `${base()}/v1/instances/${inst}/network_attachments/${att}`,
      id: att,
      name: 'eth0',
      primary_ip: vniBody.primary_ip,
      resource_type: 'instance_network_attachment',
      subnet: subnetRef(i.subnet('subnet-3'), 'subnet-3'),
      virtual_network_interface: { crn: crnOf(seedSubnet('subnet-3').zone, 'virtual-network-interface', vni), href: `${base()}/v1/virtual_network_interfaces/${vni}`, id: vni, name: 'instance-5-eth0', resource_type: 'virtual_network_interface' },
    };
    const body = await get(`/v1/instances/${inst}`);
    expect(body.network_attachments).to.deep.equal([attRef]);
    expect(body.primary_network_attachment).to.deep.equal(attRef);
    expect(body.network_interfaces.map((n: any) => [n.id, n.name, n.subnet.id])).to.deep.equal([[att, 'eth0', i.subnet('subnet-3')]]);
    const legacy = await get(`/v1/instances/${inst}/network_interfaces/${att}`);
    expect(legacy).to.deep.include({ id: att, name: 'eth0', resource_type: 'network_interface', href: `${base()}/v1/instances/${inst}/network_interfaces/${att}` });
  });

  it('GET /v1/instances/{id}/network_attachments(/{id}) lists and reads attachments with their VNI', async () => {
    const i = await ids();
    const inst = i.instance('instance-5');
    const att = i.attachment('instance-5', 'eth0');
    const vni = i.vni('instance-5-eth0');
    const list = await get(`/v1/instances/${inst}/network_attachments`);
    expect(list.network_attachments).to.have.length(1);
    const one = await get(`/v1/instances/${inst}/network_attachments/${att}`);
    expect(one).to.deep.include({
      href: `${base()}/v1/instances/${inst}/network_attachments/${att}`,
      id: att,
      name: 'eth0',
      resource_type: 'instance_network_attachment',
      subnet: subnetRef(i.subnet('subnet-3'), 'subnet-3'),
      type: 'primary',
      virtual_network_interface: {
        crn: crnOf(seedSubnet('subnet-3').zone, 'virtual-network-interface', vni),
        href: `${base()}/v1/virtual_network_interfaces/${vni}`,
        id: vni,
        name: 'instance-5-eth0',
        resource_type: 'virtual_network_interface',
      },
    });
    expectUsableAddress(one.primary_ip.address, seedSubnet('subnet-3').cidr);
    expect(list.network_attachments[0]).to.deep.equal(one);
    // An instance on legacy interfaces has no attachments.
    expect((await get(`/v1/instances/${i.instance('instance-1')}/network_attachments`)).network_attachments).to.deep.equal([]);
  });

  it('GET /v1/virtual_network_interfaces(/{id}) lists the attached and the spare VNI', async () => {
    const i = await ids();
    const list = await get('/v1/virtual_network_interfaces');
    expect(list.total_count).to.equal(2);
    expect(list.virtual_network_interfaces.map((v: any) => v.name).sort()).to.deep.equal(['instance-5-eth0', 'vni-spare']);
    const zone = seedSubnet('subnet-3').zone;
    const attached = await get(`/v1/virtual_network_interfaces/${i.vni('instance-5-eth0')}`);
    const inst5 = i.instance('instance-5');
    const att = i.attachment('instance-5', 'eth0');
    expect(attached).to.deep.include({
      crn: crnOf(zone, 'virtual-network-interface', i.vni('instance-5-eth0')),
      id: i.vni('instance-5-eth0'),
      name: 'instance-5-eth0',
      resource_type: 'virtual_network_interface',
      subnet: subnetRef(i.subnet('subnet-3'), 'subnet-3'),
      target: { href: `${base()}/v1/instances/${inst5}/network_attachments/${att}`, id: att, name: 'eth0', resource_type: 'instance_network_attachment' },
      vpc: vpcRef(i.vpc),
      zone: { href: `${base()}/v1/regions/us-south/zones/${zone}`, name: zone },
    });
    const spare = await get(`/v1/virtual_network_interfaces/${i.vni('vni-spare')}`);
    expect(spare).to.deep.include({ id: i.vni('vni-spare'), name: 'vni-spare', vpc: vpcRef(i.vpc), subnet: subnetRef(i.subnet('subnet-3'), 'subnet-3') });
    expect(spare).to.not.have.property('target');
    expectUsableAddress(spare.primary_ip.address, seedSubnet('subnet-3').cidr);
    expect(spare.primary_ip.address).to.not.equal(attached.primary_ip.address);
  });

  it('answers 404 with the resource-specific code for unknown ids', async () => {
    const i = await ids();
    const ghost = 'r006-00000000-0000-4000-a000-000000000000';
    const inst1 = i.instance('instance-1');
    const inst2 = i.instance('instance-2');
    const cases: Array<[string, string, string]> = [
      [`/v1/vpcs/${ghost}`, 'vpc_not_found', ghost],
      [`/v1/subnets/${ghost}`, 'subnet_not_found', ghost],
      [`/v1/instances/${ghost}`, 'instance_not_found', ghost],
      [`/v1/instances/${ghost}/network_interfaces`, 'instance_not_found', ghost],
      [`/v1/instances/${ghost}/network_attachments`, 'instance_not_found', ghost],
      [`/v1/instances/${inst2}/network_interfaces/${ghost}`, 'network_interface_not_found', ghost],
      // An interface of another instance is not found under this one.
      [`/v1/instances/${inst2}/network_interfaces/${i.nic('instance-1', 'eth0')}`, 'network_interface_not_found', i.nic('instance-1', 'eth0')],
      [`/v1/instances/${inst1}/network_attachments/${ghost}`, 'instance_network_attachment_not_found', ghost],
      [`/v1/instances/${inst1}/network_attachments/${i.attachment('instance-5', 'eth0')}`, 'instance_network_attachment_not_found', i.attachment('instance-5', 'eth0')],
      [`/v1/virtual_network_interfaces/${ghost}`, 'virtual_network_interface_not_found', ghost],
    ];
    for (const [path, code, value] of cases) {
      const body = await get(path, 404);
      expect(body.status_code, path).to.equal(404);
      expect(body.trace, path).to.be.a('string').and.not.equal('');
      expect(firstError(body), path).to.deep.include({ code, target: { name: 'id', type: 'parameter', value } });
      expect(body.errors[0].more_info, path).to.be.a('string');
    }
  });
});
