import { expect } from 'chai';
import {
  HttpCore,
  IamTokenSource,
  IbmAbortError,
  IbmAccessDeniedError,
  IbmAuthError,
  IbmConflictError,
  IbmError,
  IbmNotFoundError,
  IbmServerError,
  IbmTransportError,
  VPC_API_VERSION,
  VpcClient,
  type Collector,
} from '../../provider/src/ibm';
import { EmulatorClient, expectNoSecrets, ibmConnectionOf, rejectionOf, requestCounts, useEmulator } from '../support/emulator';

/**
 * The VPC API client against the in-process emulator over real HTTP: wire ↔ model mapping with exact values, paging,
 * 404 handling, re-authentication after a 401, retries under injected faults, a create that is safe to retry, the
 * 409 message, cancellation, and errors that never carry a secret.
 */

const ACCOUNT = '7c1f0e4b2a9d48e6b3f5a0c2d9e8f716';
const LIST = 'GET /v1/flow_log_collectors';
const CREATE = 'POST /v1/flow_log_collectors';

/** Keeps every Authorization header the client was handed, to prove none leaks into an error. */
class RecordingTokenSource {
  readonly headers: string[] = [];
  invalidations = 0;
  constructor(private readonly inner: IamTokenSource) {}
  async authorizationHeader(): Promise<string> {
    const h = await this.inner.authorizationHeader();
    this.headers.push(h);
    return h;
  }
  invalidate(rejected?: string): void {
    this.invalidations += 1;
    this.inner.invalidate(rejected);
  }
}

interface Setup {
  client: VpcClient;
  tokens: RecordingTokenSource;
}

function clientFor(emu: EmulatorClient, apiKey?: string): Setup {
  const conn = ibmConnectionOf(emu.endpoints, apiKey ? { apiKey } : {});
  const tokens = new RecordingTokenSource(new IamTokenSource({ apiKey: conn.apiKey, iamEndpoint: conn.iamEndpoint }));
  return { client: new VpcClient(conn, { authenticator: tokens }), tokens };
}

/** Every secret a test run can see: the emulator's API key, its HMAC secret, and the tokens handed out. */
function secretsOf(emu: EmulatorClient, setup: Setup): string[] {
  return [emu.endpoints.apiKey, emu.endpoints.cosSecretAccessKey, ...setup.tokens.headers, ...setup.tokens.headers.map((h) => h.replace(/^Bearer /, ''))];
}

async function collectAll<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('VpcClient: collectors against the emulator', () => {
  const emu = useEmulator();
  let setup: Setup;
  beforeEach(() => {
    setup = clientFor(emu());
  });
  afterEach(() => setup.client.destroy());

  it('creates a collector and maps every field of the answer exactly', async () => {
    const t = await emu().topology();
    const subnet = t.subnets.find((s: any) => s.name === 'subnet-1');
    const vpc = t.vpcs[0];
    const defaultGroup = t.resourceGroups.find((g: any) => g.isDefault);
    const created = await setup.client.createCollector({ target: { id: subnet.id }, storageBucket: 'bucket-c', name: 'fl-subnet-1' });

    const raw = (await emu().vpc('GET', `/v1/flow_log_collectors/${created.id}`)).body;
    const base = emu().endpoints.vpcEndpoint;
    const expected: Collector = {
      id: raw.id,
      crn: `crn:v1:bluemix:public:is:us-south:a/${ACCOUNT}::flow-log-collector:${raw.id}`,
      href: `${base}/v1/flow_log_collectors/${raw.id}`,
      name: 'fl-subnet-1',
      active: true,
      autoDelete: true,
      createdAt: raw.created_at,
      lifecycleState: 'pending',
      resourceGroup: { id: defaultGroup.id, name: 'default' },
      storageBucket: 'bucket-c',
      target: { id: subnet.id, crn: subnet.crn, href: `${base}/v1/subnets/${subnet.id}`, name: 'subnet-1', type: 'subnet' },
      vpc: { id: vpc.id, crn: vpc.crn, name: 'vpc-1' },
    };
    expect(created.id).to.match(/^r006-[0-9a-f-]{36}$/);
    expect(created).to.deep.equal(expected);
    // A read after the (0 s) pending period: stable, everything else the same.
    expect(await setup.client.getCollector(created.id)).to.deep.equal({ ...expected, lifecycleState: 'stable' });
  });

  it('infers type "instance" for an instance target, whose wire reference has no resource_type', async () => {
    const t = await emu().topology();
    const inst = t.instances.find((i: any) => i.name === 'instance-3');
    const created = await setup.client.createCollector({ target: { crn: inst.crn }, storageBucket: 'bucket-e', active: false });
    const raw = (await emu().vpc('GET', `/v1/flow_log_collectors/${created.id}`)).body;
    expect(raw.target).to.not.have.property('resource_type');
    expect(created.target).to.deep.equal({ id: inst.id, crn: inst.crn, href: `${emu().endpoints.vpcEndpoint}/v1/instances/${inst.id}`, name: 'instance-3', type: 'instance' });
    expect(created.active).to.equal(false);
    // The service named it: a hyphenated list of words.
    expect(created.name).to.match(/^[a-z]+(-[a-z]+)+$/);
  });

  it('sends the resource group and maps network interface, attachment and VNI targets', async () => {
    const t = await emu().topology();
    const network = t.resourceGroups.find((g: any) => g.name === 'network');
    const nic = t.networkInterfaces[0];
    const att = t.networkAttachments[0];
    const vni = t.virtualNetworkInterfaces.find((v: any) => v.name === 'vni-spare');
    const a = await setup.client.createCollector({ target: { id: nic.id }, storageBucket: 'bucket-c', name: 'nic', resourceGroupId: network.id });
    const b = await setup.client.createCollector({ target: { id: att.id }, storageBucket: 'bucket-c', name: 'att' });
    const c = await setup.client.createCollector({ target: { crn: vni.crn }, storageBucket: 'bucket-c', name: 'vni' });
    expect(a.resourceGroup).to.deep.equal({ id: network.id, name: 'network' });
    expect([a.target.type, b.target.type, c.target.type]).to.deep.equal(['network_interface', 'instance_network_attachment', 'virtual_network_interface']);
    expect(a.target).to.not.have.property('crn');
    expect(b.target).to.not.have.property('crn');
    expect(c.target.crn).to.equal(vni.crn);
  });

  it('getCollector answers undefined for an unknown id (404)', async () => {
    expect(await setup.client.getCollector('r006-00000000-0000-4000-a000-000000000000')).to.equal(undefined);
  });

  it('updates name and active with a merge patch', async () => {
    const subnet = await emu().idOf('subnets', 'subnet-2');
    const created = await setup.client.createCollector({ target: { id: subnet }, storageBucket: 'bucket-c', name: 'before' });
    const updated = await setup.client.updateCollector(created.id, { name: 'after', active: false });
    expect({ name: updated.name, active: updated.active, state: updated.lifecycleState }).to.deep.equal({ name: 'after', active: false, state: 'updating' });
    expect((await setup.client.getCollector(created.id))!.lifecycleState).to.equal('suspended');
    const resumed = await setup.client.updateCollector(created.id, { active: true });
    expect({ name: resumed.name, active: resumed.active }).to.deep.equal({ name: 'after', active: true });
  });

  it('updateCollector of an unknown id rejects with IbmNotFoundError carrying IBM\'s code and trace', async () => {
    const error = await rejectionOf<IbmNotFoundError>(setup.client.updateCollector('r006-00000000-0000-4000-a000-000000000000', { name: 'x' }));
    expect(IbmNotFoundError.isInstance(error)).to.equal(true);
    expect(error).to.deep.include({ code: 'ERR_IBM_NOT_FOUND', status: 404, ibmCode: 'flow_log_collector_not_found', kind: 'not-found', method: 'PATCH' });
    expect(error.trace).to.match(/^[0-9a-f-]{36}$/);
    expect(error.message).to.contain('Could not update flow log collector r006-00000000-0000-4000-a000-000000000000: IBM Cloud answered 404 Not Found (flow_log_collector_not_found)');
    expect(error.message).to.contain(`[trace ${error.trace}]`);
    expectNoSecrets(error, secretsOf(emu(), setup));
  });

  it('deleteCollector answers deleted, then gone (404)', async () => {
    const subnet = await emu().idOf('subnets', 'subnet-3');
    const created = await setup.client.createCollector({ target: { id: subnet }, storageBucket: 'bucket-c' });
    expect(await setup.client.deleteCollector(created.id)).to.equal('deleted');
    expect(await setup.client.deleteCollector(created.id)).to.equal('gone');
    expect(await setup.client.getCollector(created.id)).to.equal(undefined);
  });

  it('findCollectorByTarget finds the one collector of a target, by id', async () => {
    const t = await emu().topology();
    const inst = t.instances.find((i: any) => i.name === 'instance-1');
    expect(await setup.client.findCollectorByTarget(inst.id)).to.equal(undefined);
    const created = await setup.client.createCollector({ target: { crn: inst.crn }, storageBucket: 'bucket-c', name: 'by-crn' });
    const found = await setup.client.findCollectorByTarget(inst.id);
    expect(found?.id).to.equal(created.id);
  });

  it('a 409 on a taken target is not retried, and its message names the existing collector', async () => {
    const subnet = await emu().idOf('subnets', 'subnet-1');
    const first = await setup.client.createCollector({ target: { id: subnet }, storageBucket: 'bucket-c', name: 'first' });
    await emu().control('DELETE', '/requests');
    const error = await rejectionOf<IbmConflictError>(setup.client.createCollector({ target: { id: subnet }, storageBucket: 'bucket-e', name: 'second' }));
    expect(IbmConflictError.isInstance(error)).to.equal(true);
    expect(error).to.deep.include({ code: 'ERR_IBM_CONFLICT', status: 409, ibmCode: 'flow_log_collector_target_conflict', kind: 'conflict' });
    expect(error.existingCollector).to.deep.equal({ id: first.id, name: 'first', storageBucket: 'bucket-c' });
    expect(error.message).to.contain(`the target already has flow log collector "first" (${first.id}, bucket "bucket-c"`);
    expect(error.message).to.contain(`for target ${subnet}`);
    const counts = await requestCounts(emu());
    expect(counts[CREATE]).to.equal(1);
    expect(counts[LIST]).to.equal(1);
    expectNoSecrets(error, secretsOf(emu(), setup));
  });

  it('a 409 for a duplicate name (target free) is passed on as IBM said it', async () => {
    const [s1, s2] = [await emu().idOf('subnets', 'subnet-1'), await emu().idOf('subnets', 'subnet-2')];
    await setup.client.createCollector({ target: { id: s1 }, storageBucket: 'bucket-c', name: 'same' });
    const error = await rejectionOf<IbmConflictError>(setup.client.createCollector({ target: { id: s2 }, storageBucket: 'bucket-c', name: 'same' }));
    expect(error.ibmCode).to.equal('flow_log_collector_name_duplicate');
    expect(error.existingCollector).to.equal(undefined);
    expect(error.message).to.contain('The name "same" is already used by another flow log collector in VPC "vpc-1"');
  });

  it('a 400 is an IbmValidationError listing IBM\'s message, not retried', async () => {
    const subnet = await emu().idOf('subnets', 'subnet-1');
    await emu().control('DELETE', '/requests');
    const error = await rejectionOf<IbmError>(setup.client.createCollector({ target: { id: subnet }, storageBucket: 'no-such-bucket' }));
    expect(error).to.deep.include({ code: 'ERR_IBM_VALIDATION', status: 400, ibmCode: 'flow_log_collector_storage_bucket_not_found' });
    expect((await requestCounts(emu()))[CREATE]).to.equal(1);
  });
});

describe('VpcClient: topology reads and resolveTarget', () => {
  const emu = useEmulator();
  let setup: Setup;
  beforeEach(() => {
    setup = clientFor(emu());
  });
  afterEach(() => setup.client.destroy());

  it('lists VPCs, subnets, instances (with interfaces and attachments) and VNIs', async () => {
    const t = await emu().topology();
    const vpc = t.vpcs[0];
    const byName = (list: any[], name: string) => list.find((x) => x.name === name);
    expect((await setup.client.listVpcs()).map((v) => [v.id, v.name])).to.deep.equal([[vpc.id, 'vpc-1']]);
    expect(await setup.client.getVpc(vpc.id)).to.deep.equal({
      id: vpc.id,
      crn: vpc.crn,
      name: 'vpc-1',
      href: `${emu().endpoints.vpcEndpoint}/v1/vpcs/${vpc.id}`,
      resourceGroup: { id: byName(t.resourceGroups, 'network').id, name: 'network' },
    });
    expect(await setup.client.getVpc('r006-00000000-0000-4000-a000-000000000000')).to.equal(undefined);
    const subnets = await setup.client.listSubnets(vpc.id);
    expect(subnets.map((s) => [s.name, s.zone, s.cidr, s.vpcId])).to.deep.equal([
      ['subnet-1', 'us-south-1', '10.240.0.0/24', vpc.id],
      ['subnet-2', 'us-south-1', '10.240.1.0/24', vpc.id],
      ['subnet-3', 'us-south-2', '10.240.64.0/24', vpc.id],
    ]);
    const instances = await setup.client.listInstances(vpc.id);
    expect(instances.map((i) => i.name)).to.deep.equal(['instance-1', 'instance-2', 'instance-3', 'instance-4', 'instance-5', 'instance-6']);
    const i2 = byName(instances, 'instance-2');
    expect(i2.networkInterfaces.map((n: any) => [n.name, n.subnetId])).to.deep.equal([
      ['eth0', byName(t.subnets, 'subnet-1').id],
      ['eth1', byName(t.subnets, 'subnet-2').id],
    ]);
    expect(i2.networkAttachments).to.deep.equal([]);
    const i5 = byName(instances, 'instance-5');
    const att = t.networkAttachments[0];
    expect(i5.networkAttachments.map((a: any) => a.id)).to.deep.equal([att.id]);
    // The legacy read-only view of the attachment, with the same id.
    expect(i5.networkInterfaces.map((n: any) => [n.id, n.subnetId])).to.deep.equal([[att.id, byName(t.subnets, 'subnet-3').id]]);
    const vnis = await setup.client.listVirtualNetworkInterfaces();
    expect(vnis.map((v) => [v.name, v.attachmentId, v.vpcId])).to.deep.equal([
      ['instance-5-eth0', att.id, vpc.id],
      ['vni-spare', undefined, vpc.id],
    ]);
  });

  it('resolveTarget tells every kind from its id or CRN, and answers undefined for unknown ones', async () => {
    const t = await emu().topology();
    const vpcId = t.vpcs[0].id;
    const byName = (list: any[], name: string) => list.find((x) => x.name === name);
    const subnet = byName(t.subnets, 'subnet-2');
    const inst = byName(t.instances, 'instance-4');
    const nic = t.networkInterfaces.find((n: any) => n.instanceId === byName(t.instances, 'instance-2').id && n.name === 'eth1');
    const att = t.networkAttachments[0];
    const vni = byName(t.virtualNetworkInterfaces, 'vni-spare');
    const cases: Array<[string, unknown]> = [
      [vpcId, { type: 'vpc', id: vpcId, vpcId, name: 'vpc-1', crn: t.vpcs[0].crn }],
      [t.vpcs[0].crn, { type: 'vpc', id: vpcId, vpcId, name: 'vpc-1', crn: t.vpcs[0].crn }],
      [subnet.id, { type: 'subnet', id: subnet.id, vpcId, name: 'subnet-2', crn: subnet.crn }],
      [subnet.crn, { type: 'subnet', id: subnet.id, vpcId, name: 'subnet-2', crn: subnet.crn }],
      [inst.id, { type: 'instance', id: inst.id, vpcId, name: 'instance-4', crn: inst.crn }],
      [inst.crn, { type: 'instance', id: inst.id, vpcId, name: 'instance-4', crn: inst.crn }],
      [nic.id, { type: 'network_interface', id: nic.id, vpcId, name: 'eth1' }],
      [att.id, { type: 'instance_network_attachment', id: att.id, vpcId, name: 'eth0' }],
      [vni.id, { type: 'virtual_network_interface', id: vni.id, vpcId, name: 'vni-spare', crn: vni.crn }],
      [vni.crn, { type: 'virtual_network_interface', id: vni.id, vpcId, name: 'vni-spare', crn: vni.crn }],
      ['0717-00000000-0000-4000-a000-000000000000', undefined],
      [`crn:v1:bluemix:public:is:us-south-1:a/${ACCOUNT}::subnet:0717-00000000-0000-4000-a000-000000000000`, undefined],
      // The right id under another account is not this subnet.
      [subnet.crn.replace(ACCOUNT, '0'.repeat(32)), undefined],
      [`crn:v1:bluemix:public:is:us-south:a/${ACCOUNT}::flow-log-collector:r006-x`, undefined],
    ];
    for (const [input, expected] of cases) {
      expect(await setup.client.resolveTarget(input), input).to.deep.equal(expected);
    }
  });
});

describe('VpcClient: paging through more than 100 collectors', () => {
  const COUNT = 130;
  const topology = {
    region: 'us-south',
    account: ACCOUNT,
    resourceGroups: [{ name: 'default', default: true }],
    vpcs: [
      {
        name: 'vpc-paging',
        subnets: [{ name: 'sub', zone: 'us-south-1', cidr: '10.10.0.0/20' }],
        instances: Array.from({ length: COUNT }, (_, i) => ({ name: `vsi-${i}`, zone: 'us-south-1', networkInterfaces: [{ name: 'eth0', subnet: 'sub' }] })),
      },
    ],
    buckets: [{ name: 'paging-logs', authorized: true }],
  };
  const emu = useEmulator({ topology });

  it('the iterator follows next.href across pages and yields each collector once, in order', async () => {
    const setup = clientFor(emu());
    try {
      const t = await emu().topology();
      const created: string[] = [];
      // One at a time: the API lists in creation order, which concurrent creates would leave to chance.
      for (const inst of t.instances) {
        created.push((await emu().createCollector({ target: { id: inst.id }, storage_bucket: { name: 'paging-logs' }, name: `c-${inst.name}` })).id);
      }
      await emu().control('DELETE', '/requests');
      const seen = await collectAll(setup.client.listCollectors());
      expect(seen.map((c) => c.id)).to.deep.equal(created);
      expect(new Set(seen.map((c) => c.id)).size).to.equal(COUNT);
      // limit=100: two pages.
      expect((await requestCounts(emu()))[LIST]).to.equal(2);
      // Filters go along on every page.
      const filtered = await collectAll(setup.client.listCollectors({ 'vpc.id': t.vpcs[0].id, 'target.resource_type': 'instance' }));
      expect(filtered).to.have.length(COUNT);
      expect(await collectAll(setup.client.listCollectors({ name: 'c-vsi-7' }))).to.have.length(1);
    } finally {
      setup.client.destroy();
    }
  });
});

describe('VpcClient: authentication', () => {
  const emu = useEmulator();

  it('re-authenticates once when the API answers 401 for an expired token, and succeeds', async () => {
    const setup = clientFor(emu());
    try {
      const vpcId = (await setup.client.listVpcs())[0].id;
      await emu().control('POST', '/tokens/expire');
      // The cached token is expired for the emulator (IAM revoked it early, as it may), not for the SDK: 401.
      const stale = setup.tokens.headers[setup.tokens.headers.length - 1];
      const direct = await emu().vpc('GET', `/v1/vpcs/${vpcId}`, { authorization: stale });
      expect(direct.status).to.equal(401);
      await emu().control('DELETE', '/requests');

      const vpc = await setup.client.getVpc(vpcId);
      expect(vpc?.name).to.equal('vpc-1');
      const counts = await requestCounts(emu());
      expect(counts['GET /v1/vpcs/{id}']).to.equal(2);
      expect(counts['POST /identity/token']).to.equal(1);
      expect(setup.tokens.invalidations).to.equal(1);
      expect(setup.tokens.headers[setup.tokens.headers.length - 1]).to.not.equal(stale);
    } finally {
      setup.client.destroy();
    }
  });

  it('many requests refused together for one expired token cause one new token request', async () => {
    const setup = clientFor(emu());
    try {
      const vpcId = (await setup.client.listVpcs())[0].id;
      await emu().control('POST', '/tokens/expire');
      await emu().control('DELETE', '/requests');
      const results = await Promise.all(Array.from({ length: 8 }, () => setup.client.getVpc(vpcId)));
      expect(results.map((v) => v?.name)).to.deep.equal(Array(8).fill('vpc-1'));
      const counts = await requestCounts(emu());
      expect(counts['POST /identity/token']).to.equal(1);
      expect(counts['GET /v1/vpcs/{id}']).to.equal(16);
    } finally {
      setup.client.destroy();
    }
  });

  it('a 401 that persists after the one re-authentication rejects with IbmAccessDeniedError', async () => {
    let invalidations = 0;
    const forged = { authorizationHeader: async () => 'Bearer aaaa.bbbb.cccc', invalidate: () => void (invalidations += 1) };
    const client = new VpcClient(ibmConnectionOf(emu().endpoints), { authenticator: forged });
    try {
      const error = await rejectionOf<IbmAccessDeniedError>(client.listVpcs());
      expect(IbmAccessDeniedError.isInstance(error)).to.equal(true);
      expect(error).to.deep.include({ code: 'ERR_IBM_ACCESS_DENIED', status: 401, ibmCode: 'not_authorized', kind: 'auth' });
      expect(invalidations).to.equal(1);
      expect((await requestCounts(emu()))['GET /v1/vpcs']).to.equal(2);
      expectNoSecrets(error, ['aaaa.bbbb.cccc']);
    } finally {
      client.destroy();
    }
  });

  it('a wrong API key is an IbmAuthError with IAM\'s code and message, and without the key', async () => {
    const wrongKey = 'wrong-api-key-0123456789abcdef';
    const setup = clientFor(emu(), wrongKey);
    try {
      const error = await rejectionOf<IbmAuthError>(setup.client.listVpcs());
      expect(IbmAuthError.isInstance(error)).to.equal(true);
      expect(error).to.deep.include({ code: 'ERR_IBM_AUTH', status: 400, ibmCode: 'BXNIM0415E', method: 'POST', url: `${emu().endpoints.iamEndpoint}/identity/token` });
      expect(error.message).to.contain('IAM answered 400 (BXNIM0415E): Provided API key could not be found.');
      expect((await requestCounts(emu()))['GET /v1/vpcs'] ?? 0).to.equal(0);
      expectNoSecrets(error, [wrongKey, emu().endpoints.apiKey]);
    } finally {
      setup.client.destroy();
    }
  });

  it('an empty API key is refused before any request, with what to do', async () => {
    const client = new VpcClient(ibmConnectionOf(emu().endpoints, { apiKey: '' }));
    try {
      const error = await rejectionOf<IbmAuthError>(client.listVpcs());
      expect(error.code).to.equal('ERR_IBM_AUTH');
      expect(error.message).to.contain('No API key is configured: set the provider config key apiKey or the environment variable IBMCLOUD_API_KEY.');
      expect((await emu().control('GET', '/requests')).body.total).to.equal(0);
    } finally {
      client.destroy();
    }
  });

  it('sends the fixed version date and generation=2 on every call (the emulator refuses a call without version)', async () => {
    expect(VPC_API_VERSION).to.equal('2025-12-16');
    const core = new HttpCore({ baseUrl: `${emu().endpoints.vpcEndpoint}/v1`, auth: new IamTokenSource({ apiKey: emu().endpoints.apiKey, iamEndpoint: emu().endpoints.iamEndpoint }) });
    try {
      const error = await rejectionOf<IbmError>(core.request({ operation: 'list VPCs', method: 'GET', path: '/vpcs' }));
      expect(error).to.deep.include({ status: 400, ibmCode: 'missing_field' });
    } finally {
      core.destroy();
    }
    const setup = clientFor(emu());
    try {
      expect(await setup.client.listVpcs()).to.have.length(1);
    } finally {
      setup.client.destroy();
    }
  });
});

describe('VpcClient: retries under injected faults', () => {
  const emu = useEmulator();
  let setup: Setup;
  beforeEach(() => {
    setup = clientFor(emu());
  });
  afterEach(() => setup.client.destroy());

  async function collectorOn(subnetName: string, name: string): Promise<Collector> {
    return setup.client.createCollector({ target: { id: await emu().idOf('subnets', subnetName) }, storageBucket: 'bucket-c', name });
  }

  async function fault(body: Record<string, unknown>): Promise<void> {
    const res = await emu().control('POST', '/faults', body);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
  }

  it('GET is retried after 503, 500 and a dropped connection, and succeeds', async () => {
    const c = await collectorOn('subnet-1', 'get-retry');
    await fault({ method: 'GET', path: '/v1/flow_log_collectors/*', kind: '503', count: 1 });
    await fault({ method: 'GET', path: '/v1/flow_log_collectors/*', kind: '500', count: 1 });
    await fault({ method: 'GET', path: '/v1/flow_log_collectors/*', kind: 'drop', count: 1 });
    await emu().control('DELETE', '/requests');
    expect((await setup.client.getCollector(c.id))?.name).to.equal('get-retry');
    const r = (await emu().control('GET', '/requests')).body;
    expect(r.byRoute['GET /v1/flow_log_collectors/{id}']).to.equal(4);
    expect(r.faultsFired).to.equal(3);
  });

  it('GET honours a 429\'s Retry-After', async () => {
    await fault({ method: 'GET', path: '/v1/vpcs', kind: '429', count: 1, retryAfter: 1 });
    const started = Date.now();
    expect(await setup.client.listVpcs()).to.have.length(1);
    expect(Date.now() - started).to.be.at.least(950);
    expect((await requestCounts(emu()))['GET /v1/vpcs']).to.equal(2);
  });

  it('PATCH is retried after 429 and 500, DELETE after a lost response', async () => {
    const c = await collectorOn('subnet-2', 'patch-retry');
    await fault({ method: 'PATCH', path: '/v1/flow_log_collectors/*', kind: '429', count: 1, retryAfter: 0 });
    await fault({ method: 'PATCH', path: '/v1/flow_log_collectors/*', kind: '500', count: 1 });
    const updated = await setup.client.updateCollector(c.id, { name: 'patched' });
    expect(updated.name).to.equal('patched');
    expect((await requestCounts(emu()))['PATCH /v1/flow_log_collectors/{id}']).to.equal(3);

    await fault({ method: 'DELETE', path: '/v1/flow_log_collectors/*', kind: 'lost-response', count: 1 });
    // The first DELETE ran but its answer was lost; the retry finds it deleting (204) or gone (404).
    expect(['deleted', 'gone']).to.include(await setup.client.deleteCollector(c.id));
    expect((await requestCounts(emu()))['DELETE /v1/flow_log_collectors/{id}']).to.equal(2);
    expect(await setup.client.getCollector(c.id)).to.equal(undefined);
  });

  it('a create whose response is lost ends with exactly one collector, found by its target', async () => {
    const subnet = await emu().idOf('subnets', 'subnet-3');
    await fault({ method: 'POST', path: '/v1/flow_log_collectors', kind: 'lost-response', count: 1 });
    await emu().control('DELETE', '/requests');
    const created = await setup.client.createCollector({ target: { id: subnet }, storageBucket: 'bucket-c', name: 'lost' });
    const state = (await emu().control('GET', '/state')).body;
    expect(state.collectors.map((c: any) => [c.id, c.name])).to.deep.equal([[created.id, 'lost']]);
    const counts = await requestCounts(emu());
    expect(counts[CREATE]).to.equal(1);
    expect(counts[LIST]).to.equal(1);
  });

  it('a create with a lost response and a CRN target looks up the id inside the CRN', async () => {
    const inst = (await emu().topology()).instances.find((i: any) => i.name === 'instance-6');
    await fault({ method: 'POST', path: '/v1/flow_log_collectors', kind: 'lost-response', count: 1 });
    const created = await setup.client.createCollector({ target: { crn: inst.crn }, storageBucket: 'bucket-e' });
    const state = (await emu().control('GET', '/state')).body;
    expect(state.collectors.map((c: any) => c.id)).to.deep.equal([created.id]);
    expect(created.target.id).to.equal(inst.id);
  });

  it('a create that meets 500 and 503 is retried after a look-up and ends with exactly one collector', async () => {
    const subnet = await emu().idOf('subnets', 'subnet-1');
    await fault({ method: 'POST', path: '/v1/flow_log_collectors', kind: '500', count: 1 });
    await fault({ method: 'POST', path: '/v1/flow_log_collectors', kind: '503', count: 1 });
    await emu().control('DELETE', '/requests');
    const created = await setup.client.createCollector({ target: { id: subnet }, storageBucket: 'bucket-c', name: 'after-500' });
    const state = (await emu().control('GET', '/state')).body;
    expect(state.collectors.map((c: any) => [c.id, c.name])).to.deep.equal([[created.id, 'after-500']]);
    const counts = await requestCounts(emu());
    expect(counts[CREATE]).to.equal(3);
    expect(counts[LIST]).to.equal(2);
  });

  it('a create retried after a 503 onto a target another collector holds fails with the 409 naming it', async () => {
    const subnet = await emu().idOf('subnets', 'subnet-2');
    // Someone else's collector holds the target: the look-up finds it, it does not match, the POST is repeated, 409.
    await collectorOn('subnet-2', 'theirs');
    await fault({ method: 'POST', path: '/v1/flow_log_collectors', kind: '503', count: 1 });
    const error = await rejectionOf<IbmConflictError>(setup.client.createCollector({ target: { id: subnet }, storageBucket: 'bucket-e', name: 'mine' }));
    expect(error.code).to.equal('ERR_IBM_CONFLICT');
    expect(error.existingCollector?.name).to.equal('theirs');
  });

  it('an AbortSignal stops a Retry-After wait within 200 ms', async () => {
    const c = await collectorOn('subnet-1', 'abort');
    await fault({ method: 'GET', path: '/v1/flow_log_collectors/*', kind: '429', count: 1, retryAfter: 30 });
    const controller = new AbortController();
    const pending = rejectionOf<IbmAbortError>(setup.client.getCollector(c.id, { signal: controller.signal }));
    await new Promise((r) => setTimeout(r, 100));
    const abortedAt = Date.now();
    controller.abort();
    const error = await pending;
    expect(Date.now() - abortedAt).to.be.below(200);
    expect(IbmAbortError.isInstance(error)).to.equal(true);
    expect(error.code).to.equal('ERR_IBM_ABORTED');
    expect(error.message).to.contain(`Could not get flow log collector ${c.id}: cancelled`);
  });

  it('an AbortSignal also stops a create\'s retry wait, and an aborted signal sends nothing', async () => {
    const subnet = await emu().idOf('subnets', 'subnet-2');
    await fault({ method: 'POST', path: '/v1/flow_log_collectors', kind: '429', count: 1, retryAfter: 30 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const error = await rejectionOf<IbmError>(setup.client.createCollector({ target: { id: subnet }, storageBucket: 'bucket-c' }, { signal: controller.signal }));
    expect(error.code).to.equal('ERR_IBM_ABORTED');
    expect(Date.now() - started).to.be.below(1000);

    await emu().control('DELETE', '/requests');
    const done = new AbortController();
    done.abort();
    expect((await rejectionOf<IbmError>(setup.client.listVpcs({ signal: done.signal }))).code).to.equal('ERR_IBM_ABORTED');
    expect((await emu().control('GET', '/requests')).body.total).to.equal(0);
  });

  it('a GET that keeps failing gives up after 6 attempts with the last error', async function () {
    this.timeout(20000);
    await fault({ method: 'GET', path: '/v1/vpcs', kind: '503', count: 10 });
    const error = await rejectionOf<IbmServerError>(setup.client.listVpcs());
    expect(IbmServerError.isInstance(error)).to.equal(true);
    expect(error).to.deep.include({ code: 'ERR_IBM_SERVER', status: 503, ibmCode: 'service_unavailable' });
    expect((await requestCounts(emu()))['GET /v1/vpcs']).to.equal(6);
    expectNoSecrets(error, secretsOf(emu(), setup));
  });

  it('a connection that cannot be made is an IbmTransportError (one attempt, no secret in it)', async () => {
    const tokens = new RecordingTokenSource(new IamTokenSource({ apiKey: emu().endpoints.apiKey, iamEndpoint: emu().endpoints.iamEndpoint }));
    const core = new HttpCore({ baseUrl: 'http://127.0.0.1:1/v1', auth: tokens, defaultQuery: { version: VPC_API_VERSION, generation: '2' } });
    try {
      const error = await rejectionOf<IbmTransportError>(core.attempt({ operation: 'list VPCs', method: 'GET', path: '/vpcs' }));
      expect(IbmTransportError.isInstance(error)).to.equal(true);
      expect(error).to.deep.include({ code: 'ERR_IBM_TRANSPORT', transportCode: 'ECONNREFUSED', method: 'GET', url: `http://127.0.0.1:1/v1/vpcs?version=${VPC_API_VERSION}&generation=2` });
      expect(error.message).to.match(/^Could not list VPCs: no answer from IBM Cloud \(ECONNREFUSED/);
      expectNoSecrets(error, [emu().endpoints.apiKey, ...tokens.headers]);
    } finally {
      core.destroy();
    }
  });
});

describe('errors never carry a secret', () => {
  const emu = useEmulator();

  it('sweeps the errors of every failure kind for the API key, the HMAC secret and every token', async () => {
    const setup = clientFor(emu());
    try {
      const subnet = await emu().idOf('subnets', 'subnet-1');
      await setup.client.createCollector({ target: { id: subnet }, storageBucket: 'bucket-c', name: 'held' });
      const errors: unknown[] = [];
      errors.push(await rejectionOf(setup.client.createCollector({ target: { id: subnet }, storageBucket: 'bucket-c' })));
      errors.push(await rejectionOf(setup.client.updateCollector('r006-nope', { active: false })));
      errors.push(await rejectionOf(setup.client.updateCollector('r006-nope', { name: 'Not Valid!' })));
      const controller = new AbortController();
      controller.abort();
      errors.push(await rejectionOf(setup.client.listVpcs({ signal: controller.signal })));
      const wrong = clientFor(emu(), 'another-wrong-key-abcdefghijkl');
      errors.push(await rejectionOf(wrong.client.listVpcs()));
      wrong.client.destroy();
      expect(errors.every((e) => IbmError.isInstance(e))).to.equal(true);
      for (const e of errors) expectNoSecrets(e, [...secretsOf(emu(), setup), 'another-wrong-key-abcdefghijkl']);
      for (const e of errors) expect(JSON.stringify(e)).to.not.match(/authorization|bearer/i);
    } finally {
      setup.client.destroy();
    }
  });
});
