import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { firstError, useEmulator, type EmulatorClient, type HttpResult } from '../support/emulator';

/**
 * Flow log collectors over real HTTP against the seeded use-case-1 topology: create on every target type and
 * identity form, the service rules, PATCH, the lifecycle on the emulator's clock, and auto_delete.
 *
 * Expectations come from the seed file and IBM's documented shapes, never from the emulator's answers;
 * only topology ids (derived by the emulator from names) are looked up through the control API.
 */

// Compiled to dist/test/emulator: the seed file stays in the source tree.
const SEED = JSON.parse(readFileSync(resolve(__dirname, '../../../emulator/topologies/use-case-1.json'), 'utf8'));
const ACCOUNT: string = SEED.account;
const REGION: string = SEED.region;
const NAME_RULE = /^([a-z]|[a-z][-a-z0-9]*[a-z0-9])$/;
const RG_HREF = 'https://resource-controller.cloud.ibm.com/v2/resource_groups/';

const seedVpc = SEED.vpcs[0];
const zoneOfSubnet = (name: string): string => seedVpc.subnets.find((s: any) => s.name === name).zone;
const zoneOfInstance = (name: string): string => seedVpc.instances.find((i: any) => i.name === name).zone;
const crnOf = (location: string, type: string, id: string) => `crn:v1:bluemix:public:is:${location}:a/${ACCOUNT}::${type}:${id}`;

type TargetKind = 'vpc' | 'subnet' | 'instance' | 'network_interface' | 'instance_network_attachment' | 'virtual_network_interface';

/** A seeded target: its id and the reference the API must answer for it, computed from the seed file. */
interface Target {
  kind: TargetKind;
  label: string;
  id: string;
  crn?: string;
  href: string;
  ref: Record<string, unknown>;
}

/** Ids of the seeded topology by name (the only values read from the emulator). */
async function seedIds(emu: EmulatorClient) {
  const t = await emu.topology();
  const byName = (list: any[], name: string) => {
    const found = list.find((x) => x.name === name);
    if (!found) throw new Error(`no ${name}`);
    return found.id as string;
  };
  const instance = (name: string) => byName(t.instances, name);
  const nic = (instanceName: string, name: string) =>
    t.networkInterfaces.find((n: any) => n.instanceId === instance(instanceName) && n.name === name).id as string;
  const attachment = (instanceName: string, name: string) =>
    t.networkAttachments.find((n: any) => n.instanceId === instance(instanceName) && n.name === name).id as string;
  return {
    vpc: byName(t.vpcs, 'vpc-1'),
    subnet: (name: string) => byName(t.subnets, name),
    instance,
    nic,
    attachment,
    vni: (name: string) => byName(t.virtualNetworkInterfaces, name),
    group: (name: string) => byName(t.resourceGroups, name),
  };
}

async function targets(emu: EmulatorClient): Promise<Record<string, Target>> {
  const ids = await seedIds(emu);
  const base = emu.endpoints.vpcEndpoint;
  const vpcId = ids.vpc;
  const subnetId = ids.subnet('subnet-2');
  const instId = ids.instance('instance-3');
  const nicOwner = ids.instance('instance-2');
  const nicId = ids.nic('instance-2', 'eth1');
  const inst5 = ids.instance('instance-5');
  const attId = ids.attachment('instance-5', 'eth0');
  const spareId = ids.vni('vni-spare');
  const inst5VniId = ids.vni('instance-5-eth0');
  const vniZone = zoneOfSubnet('subnet-3');
  const vni = (label: string, id: string, name: string): Target => {
    const crn = crnOf(vniZone, 'virtual-network-interface', id);
    const href = `${base}/v1/virtual_network_interfaces/${id}`;
    return { kind: 'virtual_network_interface', label, id, crn, href, ref: { crn, href, id, name, resource_type: 'virtual_network_interface' } };
  };
  const vpcCrn = crnOf(REGION, 'vpc', vpcId);
  const subnetCrn = crnOf(zoneOfSubnet('subnet-2'), 'subnet', subnetId);
  const instCrn = crnOf(zoneOfInstance('instance-3'), 'instance', instId);
  return {
    vpc: {
      kind: 'vpc', label: 'VPC', id: vpcId, crn: vpcCrn, href: `${base}/v1/vpcs/${vpcId}`,
      ref: { crn: vpcCrn, href: `${base}/v1/vpcs/${vpcId}`, id: vpcId, name: 'vpc-1', resource_type: 'vpc' },
    },
    subnet: {
      kind: 'subnet', label: 'subnet', id: subnetId, crn: subnetCrn, href: `${base}/v1/subnets/${subnetId}`,
      ref: { crn: subnetCrn, href: `${base}/v1/subnets/${subnetId}`, id: subnetId, name: 'subnet-2', resource_type: 'subnet' },
    },
    instance: {
      kind: 'instance', label: 'instance', id: instId, crn: instCrn, href: `${base}/v1/instances/${instId}`,
      // IBM's InstanceReference has no resource_type.
      ref: { crn: instCrn, href: `${base}/v1/instances/${instId}`, id: instId, name: 'instance-3' },
    },
    nic: {
      kind: 'network_interface', label: 'legacy network interface', id: nicId, href: `${base}/v1/instances/${nicOwner}/network_interfaces/${nicId}`,
      ref: { href: `${base}/v1/instances/${nicOwner}/network_interfaces/${nicId}`, id: nicId, name: 'eth1', resource_type: 'network_interface' },
    },
    attachment: {
      kind: 'instance_network_attachment', label: 'instance network attachment', id: attId, href: `${base}/v1/instances/${inst5}/network_attachments/${attId}`,
      ref: { href: `${base}/v1/instances/${inst5}/network_attachments/${attId}`, id: attId, name: 'eth0', resource_type: 'instance_network_attachment' },
    },
    vniSpare: vni('unattached virtual network interface (vni-spare)', spareId, 'vni-spare'),
    vniInst5: vni("instance-5's virtual network interface", inst5VniId, 'instance-5-eth0'),
  };
}

/** The whole FlowLogCollector body IBM documents, with the server-chosen id and created_at filled in. */
async function expectedCollector(emu: EmulatorClient, got: any, fields: { name: string; active: boolean; lifecycle: string; bucket: string; group: string; target: Target }) {
  const ids = await seedIds(emu);
  const base = emu.endpoints.vpcEndpoint;
  const groupId = ids.group(fields.group);
  return {
    active: fields.active,
    auto_delete: true,
    created_at: got.created_at,
    crn: `crn:v1:bluemix:public:is:${REGION}:a/${ACCOUNT}::flow-log-collector:${got.id}`,
    href: `${base}/v1/flow_log_collectors/${got.id}`,
    id: got.id,
    lifecycle_state: fields.lifecycle,
    name: fields.name,
    resource_group: { href: `${RG_HREF}${groupId}`, id: groupId, name: fields.group },
    storage_bucket: { name: fields.bucket },
    target: fields.target.ref,
    vpc: { crn: crnOf(REGION, 'vpc', ids.vpc), href: `${base}/v1/vpcs/${ids.vpc}`, id: ids.vpc, name: 'vpc-1', resource_type: 'vpc' },
  };
}

function expectId(id: unknown): void {
  expect(id).to.be.a('string').and.match(/^r006-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
}

async function emulatorNow(emu: EmulatorClient): Promise<number> {
  return Date.parse((await emu.control('GET', '/clock')).body.now);
}

async function collectorCount(emu: EmulatorClient): Promise<number> {
  return (await emu.control('GET', '/state')).body.collectors.length;
}

/** Posts a create that must be refused with `status`/`code`, and checks that nothing was left behind. */
async function expectRefused(emu: EmulatorClient, body: unknown, status: number, code: string, target?: Record<string, unknown>): Promise<HttpResult> {
  const before = (await emu.control('GET', '/state')).body.collectors.map((c: any) => c.id).sort();
  const res = await emu.vpc('POST', '/v1/flow_log_collectors', { body });
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  expect(res.body.status_code).to.equal(status);
  expect(firstError(res.body).code).to.equal(code);
  if (target) expect(firstError(res.body).target).to.deep.equal(target);
  const after = (await emu.control('GET', '/state')).body.collectors.map((c: any) => c.id).sort();
  expect(after, 'no collector left behind by a refused create').to.deep.equal(before);
  return res;
}

async function getCollector(emu: EmulatorClient, id: string): Promise<HttpResult> {
  return emu.vpc('GET', `/v1/flow_log_collectors/${id}`);
}

async function listIds(emu: EmulatorClient, query: Record<string, string> = {}): Promise<any[]> {
  const res = await emu.vpc('GET', `/v1/flow_log_collectors?${new URLSearchParams(query)}`);
  expect(res.status).to.equal(200);
  return res.body.flow_log_collectors;
}

async function advance(emu: EmulatorClient, seconds: number): Promise<void> {
  const res = await emu.control('POST', '/clock/advance', { seconds });
  expect(res.status).to.equal(200);
}

describe('emulator: flow log collectors', () => {
  describe('create, get and delete', () => {
    const emu = useEmulator();

    const kinds = ['vpc', 'subnet', 'instance', 'nic', 'attachment', 'vniSpare', 'vniInst5'];
    for (const key of kinds) {
      it(`creates a collector on a ${key} target by id (201) with every field of the FlowLogCollector model`, async () => {
        const t = (await targets(emu()))[key];
        const before = await emulatorNow(emu());
        const res = await emu().vpc('POST', '/v1/flow_log_collectors', { body: { name: `logs-${key.toLowerCase()}`, target: { id: t.id }, storage_bucket: { name: 'bucket-c' } } });
        const after = await emulatorNow(emu());
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
        expectId(res.body.id);
        expect(res.body.created_at).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
        expect(Date.parse(res.body.created_at)).to.be.within(before, after);
        expect(res.body).to.deep.equal(
          await expectedCollector(emu(), res.body, { name: `logs-${key.toLowerCase()}`, active: true, lifecycle: 'pending', bucket: 'bucket-c', group: 'default', target: t }),
        );
        if (t.kind === 'instance') expect(res.body.target).to.not.have.property('resource_type');
      });
    }

    for (const key of ['vpc', 'subnet', 'instance', 'vniSpare', 'vniInst5']) {
      it(`creates a collector on a ${key} target by CRN`, async () => {
        const t = (await targets(emu()))[key];
        const created = await emu().createCollector({ name: 'by-crn', target: { crn: t.crn }, storage_bucket: { name: 'bucket-e' } });
        expect(created.target).to.deep.equal(t.ref);
        expect(created.storage_bucket).to.deep.equal({ name: 'bucket-e' });
      });
    }

    for (const key of kinds) {
      it(`creates a collector on a ${key} target by href`, async () => {
        const t = (await targets(emu()))[key];
        const created = await emu().createCollector({ name: 'by-href', target: { href: t.href }, storage_bucket: { name: 'bucket-c' } });
        expect(created.target).to.deep.equal(t.ref);
      });
    }

    it("resolves the href of an attachment's read-only legacy network interface view to the attachment", async () => {
      const ids = await seedIds(emu());
      const t = (await targets(emu())).attachment;
      const href = `${emu().endpoints.vpcEndpoint}/v1/instances/${ids.instance('instance-5')}/network_interfaces/${t.id}`;
      const created = await emu().createCollector({ name: 'legacy-view', target: { href }, storage_bucket: { name: 'bucket-instance-5' } });
      expect(created.target).to.deep.equal(t.ref);
      // It is the same target as the attachment itself: a second collector on it by id conflicts.
      await expectRefused(emu(), { target: { id: t.id }, storage_bucket: { name: 'bucket-c' } }, 409, 'flow_log_collector_target_conflict');
    });

    it("refuses an interface or attachment href under an instance that does not own it (404), like GET of that href", async () => {
      const ids = await seedIds(emu());
      const base = emu().endpoints.vpcEndpoint;
      const inst1 = ids.instance('instance-1');
      const hrefs = [
        `${base}/v1/instances/${inst1}/network_interfaces/${ids.nic('instance-2', 'eth0')}`,
        `${base}/v1/instances/${inst1}/network_attachments/${ids.attachment('instance-5', 'eth0')}`,
        `${base}/v1/instances/${inst1}/network_interfaces/${ids.attachment('instance-5', 'eth0')}`,
      ];
      for (const href of hrefs) {
        const got = await emu().vpc('GET', new URL(href).pathname);
        expect(got.status, href).to.equal(404);
        await expectRefused(emu(), { target: { href }, storage_bucket: { name: 'bucket-c' } }, 404, 'flow_log_collector_target_not_found', { name: 'target.href', type: 'field', value: href });
      }
    });

    it('refuses an href with malformed percent-encoding (400 invalid_value, not 500)', async () => {
      const href = `${emu().endpoints.vpcEndpoint}/v1/vpcs/%zz`;
      await expectRefused(emu(), { target: { href }, storage_bucket: { name: 'bucket-c' } }, 400, 'invalid_value', { name: 'target.href', type: 'field', value: href });
    });

    it('refuses a CRN that is not the resource\'s own: zone for region, another account (404)', async () => {
      const t = (await targets(emu())).subnet;
      const regional = crnOf(REGION, 'subnet', t.id); // a subnet's CRN names its zone, not its region
      await expectRefused(emu(), { target: { crn: regional }, storage_bucket: { name: 'bucket-c' } }, 404, 'flow_log_collector_target_not_found', { name: 'target.crn', type: 'field', value: regional });
      const foreign = t.crn!.replace(`a/${ACCOUNT}`, 'a/00000000000000000000000000000000');
      await expectRefused(emu(), { target: { crn: foreign }, storage_bucket: { name: 'bucket-c' } }, 404, 'flow_log_collector_target_not_found', { name: 'target.crn', type: 'field', value: foreign });
    });

    it('refuses a CRN of a network interface or network attachment (400), which take id or href only', async () => {
      const ids = await seedIds(emu());
      const nicCrn = crnOf(zoneOfInstance('instance-1'), 'network-interface', ids.nic('instance-1', 'eth0'));
      await expectRefused(emu(), { target: { crn: nicCrn }, storage_bucket: { name: 'bucket-c' } }, 400, 'invalid_value', { name: 'target.crn', type: 'field', value: nicCrn });
      const attCrn = crnOf(zoneOfInstance('instance-5'), 'instance-network-attachment', ids.attachment('instance-5', 'eth0'));
      await expectRefused(emu(), { target: { crn: attCrn }, storage_bucket: { name: 'bucket-c' } }, 400, 'invalid_value', { name: 'target.crn', type: 'field', value: attCrn });
    });

    it('gets a collector (200) with the same body, stable once the (zero) pending delay passed', async () => {
      const t = (await targets(emu())).subnet;
      const created = await emu().createCollector({ name: 'subnet-2-logs', target: { id: t.id }, storage_bucket: { name: 'bucket-c' } });
      const res = await getCollector(emu(), created.id);
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal(
        await expectedCollector(emu(), created, { name: 'subnet-2-logs', active: true, lifecycle: 'stable', bucket: 'bucket-c', group: 'default', target: t }),
      );
    });

    it('answers 404 flow_log_collector_not_found to GET, PATCH and DELETE of an unknown id', async () => {
      const id = 'r006-00000000-0000-4000-a000-000000000000';
      for (const [method, body] of [['GET', undefined], ['PATCH', { name: 'x' }], ['DELETE', undefined]] as const) {
        const res = await emu().vpc(method, `/v1/flow_log_collectors/${id}`, { body });
        expect(res.status, method).to.equal(404);
        expect(res.body.status_code).to.equal(404);
        expect(firstError(res.body)).to.deep.include({ code: 'flow_log_collector_not_found', target: { name: 'id', type: 'parameter', value: id } });
      }
    });

    it('deletes a collector (204, no body); it is then gone from GET and list, and its target is free again', async () => {
      const t = (await targets(emu())).instance;
      const created = await emu().createCollector({ name: 'doomed', target: { id: t.id }, storage_bucket: { name: 'bucket-c' } });
      const del = await emu().vpc('DELETE', `/v1/flow_log_collectors/${created.id}`);
      expect(del.status).to.equal(204);
      expect(del.body).to.equal('');
      const res = await getCollector(emu(), created.id);
      expect(res.status).to.equal(404);
      expect(firstError(res.body).code).to.equal('flow_log_collector_not_found');
      expect(await listIds(emu())).to.deep.equal([]);
      const again = await emu().createCollector({ name: 'doomed', target: { id: t.id }, storage_bucket: { name: 'bucket-c' } });
      expect(again.id).to.not.equal(created.id);
    });
  });

  describe('service rules on create', () => {
    const emu = useEmulator();

    it('refuses a second collector on the same target (409 flow_log_collector_target_conflict), naming the existing one', async () => {
      const t = (await targets(emu())).subnet;
      const first = await emu().createCollector({ name: 'first-one', target: { id: t.id }, storage_bucket: { name: 'bucket-c' } });
      for (const target of [{ id: t.id }, { crn: t.crn }, { href: t.href }]) {
        const res = await expectRefused(emu(), { name: 'second-one', target, storage_bucket: { name: 'bucket-e' } }, 409, 'flow_log_collector_target_conflict');
        const message = firstError(res.body).message;
        expect(message).to.include('first-one');
        expect(message).to.include(first.id);
      }
    });

    it('refuses a name already used in the VPC (409 flow_log_collector_name_duplicate)', async () => {
      const all = await targets(emu());
      await emu().createCollector({ name: 'shared-name', target: { id: all.subnet.id }, storage_bucket: { name: 'bucket-c' } });
      await expectRefused(emu(), { name: 'shared-name', target: { id: all.instance.id }, storage_bucket: { name: 'bucket-c' } }, 409, 'flow_log_collector_name_duplicate', {
        name: 'name',
        type: 'field',
        value: 'shared-name',
      });
    });

    for (const [why, name] of [
      ['uppercase', 'Subnet-logs'],
      ['a leading digit', '1logs'],
      ['a trailing hyphen', 'logs-'],
      ['64 characters', `a${'b'.repeat(63)}`],
      ['an underscore', 'subnet_logs'],
    ] as const) {
      it(`refuses a name with ${why} (400 invalid_value, target name)`, async () => {
        const t = (await targets(emu())).subnet;
        await expectRefused(emu(), { name, target: { id: t.id }, storage_bucket: { name: 'bucket-c' } }, 400, 'invalid_value', { name: 'name', type: 'field', value: name });
      });
    }

    it('accepts names at the edges of the rule: one letter and 63 characters', async () => {
      const all = await targets(emu());
      const long = `a${'-b'.repeat(31)}`;
      expect(long).to.have.length(63);
      expect((await emu().createCollector({ name: 'a', target: { id: all.subnet.id }, storage_bucket: { name: 'bucket-c' } })).name).to.equal('a');
      expect((await emu().createCollector({ name: long, target: { id: all.vpc.id }, storage_bucket: { name: 'bucket-c' } })).name).to.equal(long);
    });

    it('generates a name of hyphenated words that follows the name rule when none is given', async () => {
      const all = await targets(emu());
      const names: string[] = [];
      for (const key of ['vpc', 'subnet', 'instance']) {
        const created = await emu().createCollector({ target: { id: all[key].id }, storage_bucket: { name: 'bucket-c' } });
        expect(created.name).to.match(/^[a-z]+(-[a-z]+)+$/);
        expect(created.name).to.match(NAME_RULE);
        expect(created.name.length).to.be.at.most(63);
        const read = await getCollector(emu(), created.id);
        expect(read.body.name).to.equal(created.name);
        names.push(created.name);
      }
      expect(new Set(names).size, 'generated names are unique in the VPC').to.equal(3);
    });

    it('refuses a missing target or storage_bucket (400 missing_field), reporting both when both are missing', async () => {
      const t = (await targets(emu())).subnet;
      await expectRefused(emu(), { name: 'no-target', storage_bucket: { name: 'bucket-c' } }, 400, 'missing_field', { name: 'target', type: 'field' });
      await expectRefused(emu(), { name: 'no-bucket', target: { id: t.id } }, 400, 'missing_field', { name: 'storage_bucket', type: 'field' });
      await expectRefused(emu(), { name: 'no-bucket-name', target: { id: t.id }, storage_bucket: {} }, 400, 'missing_field', { name: 'storage_bucket.name', type: 'field' });
      const res = await expectRefused(emu(), { name: 'nothing' }, 400, 'missing_field');
      expect(res.body.errors.map((e: any) => [e.code, e.target.name]).sort()).to.deep.equal([
        ['missing_field', 'storage_bucket'],
        ['missing_field', 'target'],
      ]);
    });

    it('refuses an unknown target id, CRN or href (404 flow_log_collector_target_not_found)', async () => {
      const base = emu().endpoints.vpcEndpoint;
      const ghost = 'r006-11111111-2222-4333-a444-555555555555';
      await expectRefused(emu(), { target: { id: ghost }, storage_bucket: { name: 'bucket-c' } }, 404, 'flow_log_collector_target_not_found', { name: 'target.id', type: 'field', value: ghost });
      const crn = crnOf(REGION, 'vpc', ghost);
      await expectRefused(emu(), { target: { crn }, storage_bucket: { name: 'bucket-c' } }, 404, 'flow_log_collector_target_not_found', { name: 'target.crn', type: 'field', value: crn });
      const href = `${base}/v1/subnets/${ghost}`;
      await expectRefused(emu(), { target: { href }, storage_bucket: { name: 'bucket-c' } }, 404, 'flow_log_collector_target_not_found', { name: 'target.href', type: 'field', value: href });
    });

    it('refuses a bucket that does not exist (400 flow_log_collector_storage_bucket_not_found)', async () => {
      const t = (await targets(emu())).subnet;
      await expectRefused(emu(), { target: { id: t.id }, storage_bucket: { name: 'no-such-bucket' } }, 400, 'flow_log_collector_storage_bucket_not_found', {
        name: 'storage_bucket.name',
        type: 'field',
        value: 'no-such-bucket',
      });
    });

    it('refuses an existing bucket without the flow-logs authorization (403), and accepts it once authorized', async () => {
      const t = (await targets(emu())).subnet;
      const made = await emu().control('POST', '/buckets', { name: 'private-bucket', authorized: false });
      expect(made.status).to.equal(201);
      expect(made.body).to.deep.equal({ name: 'private-bucket', location: 'us-south-standard', authorized: false });
      const body = { name: 'private-logs', target: { id: t.id }, storage_bucket: { name: 'private-bucket' } };
      await expectRefused(emu(), body, 403, 'flow_log_collector_storage_bucket_not_authorized', { name: 'storage_bucket.name', type: 'field', value: 'private-bucket' });
      const auth = await emu().control('POST', '/authorizations', { bucket: 'private-bucket' });
      expect(auth.status).to.equal(201);
      expect(auth.body.authorizations).to.include('private-bucket');
      const created = await emu().createCollector(body);
      expect(created.storage_bucket).to.deep.equal({ name: 'private-bucket' });
    });

    it('puts a collector in the default resource group unless another existing group is given', async () => {
      const all = await targets(emu());
      const groups: any[] = (await emu().topology()).resourceGroups;
      expect(groups.map((g) => g.name).sort()).to.deep.equal(['default', 'network']);
      const def = groups.find((g) => g.name === 'default');
      const network = groups.find((g) => g.name === 'network');
      const a = await emu().createCollector({ name: 'in-default', target: { id: all.subnet.id }, storage_bucket: { name: 'bucket-c' } });
      expect(a.resource_group).to.deep.equal({ href: `${RG_HREF}${def.id}`, id: def.id, name: 'default' });
      const b = await emu().createCollector({ name: 'in-network', target: { id: all.vpc.id }, storage_bucket: { name: 'bucket-c' }, resource_group: { id: network.id } });
      expect(b.resource_group).to.deep.equal({ href: `${RG_HREF}${network.id}`, id: network.id, name: 'network' });
      expect((await getCollector(emu(), b.id)).body.resource_group.id).to.equal(network.id);
    });

    it('refuses an unknown resource group (404 resource_group_not_found)', async () => {
      const t = (await targets(emu())).subnet;
      const rg = '0123456789abcdef0123456789abcdef';
      await expectRefused(emu(), { target: { id: t.id }, storage_bucket: { name: 'bucket-c' }, resource_group: { id: rg } }, 404, 'resource_group_not_found', {
        name: 'resource_group.id',
        type: 'field',
        value: rg,
      });
    });

    it('refuses a target with two identity forms, or none (400 invalid_value)', async () => {
      const t = (await targets(emu())).subnet;
      await expectRefused(emu(), { target: { id: t.id, crn: t.crn }, storage_bucket: { name: 'bucket-c' } }, 400, 'invalid_value', { name: 'target', type: 'field' });
      await expectRefused(emu(), { target: {}, storage_bucket: { name: 'bucket-c' } }, 400, 'invalid_value', { name: 'target', type: 'field' });
    });
  });

  describe('PATCH (application/merge-patch+json)', () => {
    const emu = useEmulator();

    async function stableCollector(name = 'patch-me') {
      const t = (await targets(emu())).subnet;
      const created = await emu().createCollector({ name, target: { id: t.id }, storage_bucket: { name: 'bucket-c' } });
      const read = await getCollector(emu(), created.id);
      expect(read.body.lifecycle_state).to.equal('stable');
      return read.body;
    }

    it('renames a collector and changes nothing else', async () => {
      const c = await stableCollector();
      const res = await emu().vpc('PATCH', `/v1/flow_log_collectors/${c.id}`, { body: { name: 'renamed' } });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ ...c, name: 'renamed' });
      expect((await getCollector(emu(), c.id)).body).to.deep.equal({ ...c, name: 'renamed' });
      expect((await listIds(emu(), { name: 'renamed' })).map((x) => x.id)).to.deep.equal([c.id]);
      expect(await listIds(emu(), { name: 'patch-me' })).to.deep.equal([]);
    });

    it('suspends with active false and resumes with active true (updating, then suspended / stable)', async () => {
      const c = await stableCollector();
      const off = await emu().vpc('PATCH', `/v1/flow_log_collectors/${c.id}`, { body: { active: false } });
      expect(off.status).to.equal(200);
      expect(off.body).to.deep.equal({ ...c, active: false, lifecycle_state: 'updating' });
      await advance(emu(), 1);
      expect((await getCollector(emu(), c.id)).body).to.deep.equal({ ...c, active: false, lifecycle_state: 'suspended' });
      const on = await emu().vpc('PATCH', `/v1/flow_log_collectors/${c.id}`, { body: { active: true } });
      expect(on.body).to.deep.include({ active: true, lifecycle_state: 'updating' });
      await advance(emu(), 1);
      expect((await getCollector(emu(), c.id)).body).to.deep.equal({ ...c, active: true, lifecycle_state: 'stable' });
    });

    for (const [field, value] of [
      ['target', { id: 'r006-11111111-2222-4333-a444-555555555555' }],
      ['storage_bucket', { name: 'bucket-e' }],
      ['resource_group', { id: '0123456789abcdef0123456789abcdef' }],
    ] as const) {
      it(`refuses a change of the immutable ${field} (400 invalid_field) and changes nothing, not even the name sent with it`, async () => {
        const c = await stableCollector();
        const res = await emu().vpc('PATCH', `/v1/flow_log_collectors/${c.id}`, { body: { name: 'sneaky', active: false, [field]: value } });
        expect(res.status).to.equal(400);
        expect(res.body.errors).to.have.length(1);
        expect(firstError(res.body).code).to.equal('invalid_field');
        expect(firstError(res.body).target).to.deep.equal({ name: field, type: 'field' });
        expect(firstError(res.body).message).to.include(field).and.include('cannot be changed');
        expect((await getCollector(emu(), c.id)).body).to.deep.equal(c);
      });
    }

    it('refuses an unknown field (400 invalid_field) and changes nothing', async () => {
      const c = await stableCollector();
      const res = await emu().vpc('PATCH', `/v1/flow_log_collectors/${c.id}`, { body: { name: 'other', colour: 'blue' } });
      expect(res.status).to.equal(400);
      expect(firstError(res.body)).to.deep.include({ code: 'invalid_field', target: { name: 'colour', type: 'field' } });
      expect((await getCollector(emu(), c.id)).body).to.deep.equal(c);
    });

    it('refuses wrongly typed or invalid values (400 invalid_value)', async () => {
      const c = await stableCollector();
      for (const body of [{ active: 'no' }, { name: 'Bad_Name' }, { name: 7 }]) {
        const res = await emu().vpc('PATCH', `/v1/flow_log_collectors/${c.id}`, { body });
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(firstError(res.body).code).to.equal('invalid_value');
        expect(firstError(res.body).target).to.deep.include({ name: Object.keys(body)[0], type: 'field' });
      }
      expect((await getCollector(emu(), c.id)).body).to.deep.equal(c);
    });

    it('refuses a rename to a name another collector in the VPC uses (409)', async () => {
      const c = await stableCollector();
      const t = (await targets(emu())).vpc;
      await emu().createCollector({ name: 'taken-name', target: { id: t.id }, storage_bucket: { name: 'bucket-c' } });
      const res = await emu().vpc('PATCH', `/v1/flow_log_collectors/${c.id}`, { body: { name: 'taken-name' } });
      expect(res.status).to.equal(409);
      expect(firstError(res.body)).to.deep.include({ code: 'flow_log_collector_name_duplicate', target: { name: 'name', type: 'field', value: 'taken-name' } });
      expect((await getCollector(emu(), c.id)).body).to.deep.equal(c);
      // Renaming to its own current name is no change, not a clash.
      const same = await emu().vpc('PATCH', `/v1/flow_log_collectors/${c.id}`, { body: { name: 'patch-me' } });
      expect(same.status).to.equal(200);
      expect(same.body).to.deep.equal(c);
    });

    it('takes only application/merge-patch+json (415 for application/json)', async () => {
      const c = await stableCollector();
      const res = await emu().vpc('PATCH', `/v1/flow_log_collectors/${c.id}`, { body: { name: 'renamed' }, contentType: 'application/json' });
      expect(res.status).to.equal(415);
      expect(firstError(res.body).code).to.equal('unsupported_media_type');
      expect((await getCollector(emu(), c.id)).body).to.deep.equal(c);
    });
  });

  describe('lifecycle on the emulator clock (pending 30 s, deleting 30 s)', () => {
    const emu = useEmulator({ pendingSeconds: 30, deletingSeconds: 30 });

    it('stays pending until the clock has advanced 30 s, then is stable', async () => {
      const t = (await targets(emu())).subnet;
      const c = await emu().createCollector({ name: 'slow', target: { id: t.id }, storage_bucket: { name: 'bucket-c' } });
      expect(c.lifecycle_state).to.equal('pending');
      expect((await getCollector(emu(), c.id)).body.lifecycle_state).to.equal('pending');
      await advance(emu(), 29);
      expect((await getCollector(emu(), c.id)).body.lifecycle_state).to.equal('pending');
      expect((await listIds(emu()))[0].lifecycle_state).to.equal('pending');
      await advance(emu(), 1);
      expect((await getCollector(emu(), c.id)).body).to.deep.equal({ ...c, lifecycle_state: 'stable' });
    });

    it('lands in suspended when created with active false', async () => {
      const t = (await targets(emu())).instance;
      const c = await emu().createCollector({ name: 'inactive', active: false, target: { id: t.id }, storage_bucket: { name: 'bucket-c' } });
      expect(c).to.deep.include({ active: false, lifecycle_state: 'pending' });
      await advance(emu(), 30);
      expect((await getCollector(emu(), c.id)).body).to.deep.include({ active: false, lifecycle_state: 'suspended' });
    });

    it('stamps created_at with the emulator clock, not the wall clock', async () => {
      const t = (await targets(emu())).subnet;
      await advance(emu(), 86400);
      const wall = Date.now();
      const c = await emu().createCollector({ name: 'tomorrow', target: { id: t.id }, storage_bucket: { name: 'bucket-c' } });
      expect(Date.parse(c.created_at) - wall).to.be.within(86400_000, 86400_000 + 5000);
    });

    it('passes through updating on PATCH active until the clock advances', async () => {
      const t = (await targets(emu())).subnet;
      const c = await emu().createCollector({ name: 'toggle', target: { id: t.id }, storage_bucket: { name: 'bucket-c' } });
      await advance(emu(), 30);
      const off = await emu().vpc('PATCH', `/v1/flow_log_collectors/${c.id}`, { body: { active: false } });
      expect(off.body).to.deep.include({ active: false, lifecycle_state: 'updating' });
      await advance(emu(), 29);
      expect((await getCollector(emu(), c.id)).body.lifecycle_state).to.equal('updating');
      await advance(emu(), 1);
      expect((await getCollector(emu(), c.id)).body.lifecycle_state).to.equal('suspended');
      const on = await emu().vpc('PATCH', `/v1/flow_log_collectors/${c.id}`, { body: { active: true } });
      expect(on.body).to.deep.include({ active: true, lifecycle_state: 'updating' });
      await advance(emu(), 30);
      expect((await getCollector(emu(), c.id)).body.lifecycle_state).to.equal('stable');
    });

    it('shows deleting in GET and list while the target stays taken, then is gone (404) after the clock advances', async () => {
      const t = (await targets(emu())).subnet;
      const c = await emu().createCollector({ name: 'going', target: { id: t.id }, storage_bucket: { name: 'bucket-c' } });
      await advance(emu(), 30);
      const del = await emu().vpc('DELETE', `/v1/flow_log_collectors/${c.id}`);
      expect(del.status).to.equal(204);
      expect((await getCollector(emu(), c.id)).body).to.deep.equal({ ...c, lifecycle_state: 'deleting' });
      const listed = await listIds(emu());
      expect(listed.map((x) => [x.id, x.lifecycle_state])).to.deep.equal([[c.id, 'deleting']]);
      await expectRefused(emu(), { name: 'replacement', target: { id: t.id }, storage_bucket: { name: 'bucket-c' } }, 409, 'flow_log_collector_target_conflict');
      // A deleting collector cannot be changed; a second DELETE is accepted.
      const patch = await emu().vpc('PATCH', `/v1/flow_log_collectors/${c.id}`, { body: { name: 'too-late' } });
      expect(patch.status).to.equal(409);
      expect(firstError(patch.body).code).to.equal('flow_log_collector_deleting');
      expect((await emu().vpc('DELETE', `/v1/flow_log_collectors/${c.id}`)).status).to.equal(204);
      await advance(emu(), 29);
      expect((await getCollector(emu(), c.id)).body.lifecycle_state).to.equal('deleting');
      await advance(emu(), 1);
      const gone = await getCollector(emu(), c.id);
      expect(gone.status).to.equal(404);
      expect(firstError(gone.body).code).to.equal('flow_log_collector_not_found');
      expect(await listIds(emu())).to.deep.equal([]);
      const again = await emu().createCollector({ name: 'replacement', target: { id: t.id }, storage_bucket: { name: 'bucket-c' } });
      expect(again.target.id).to.equal(t.id);
    });

    it('ends the next create in failed after POST /_emulator/lifecycle {outcome: failed}, and only that one', async () => {
      const all = await targets(emu());
      const plan = await emu().control('POST', '/lifecycle', { outcome: 'failed' });
      expect(plan.status).to.equal(200);
      const doomed = await emu().createCollector({ name: 'will-fail', target: { id: all.subnet.id }, storage_bucket: { name: 'bucket-c' } });
      const fine = await emu().createCollector({ name: 'will-work', target: { id: all.vpc.id }, storage_bucket: { name: 'bucket-c' } });
      expect(doomed.lifecycle_state).to.equal('pending');
      await advance(emu(), 30);
      expect((await getCollector(emu(), doomed.id)).body.lifecycle_state).to.equal('failed');
      expect((await getCollector(emu(), fine.id)).body.lifecycle_state).to.equal('stable');
    });

    it('keeps the next create pending for ever after POST /_emulator/lifecycle {outcome: stuck}', async () => {
      const all = await targets(emu());
      expect((await emu().control('POST', '/lifecycle', { outcome: 'stuck' })).status).to.equal(200);
      const stuck = await emu().createCollector({ name: 'stuck', target: { id: all.subnet.id }, storage_bucket: { name: 'bucket-c' } });
      const fine = await emu().createCollector({ name: 'fine', target: { id: all.vpc.id }, storage_bucket: { name: 'bucket-c' } });
      await advance(emu(), 365 * 86400);
      expect((await getCollector(emu(), stuck.id)).body.lifecycle_state).to.equal('pending');
      expect((await getCollector(emu(), fine.id)).body.lifecycle_state).to.equal('stable');
    });

    it('refuses an unknown lifecycle outcome (400)', async () => {
      const res = await emu().control('POST', '/lifecycle', { outcome: 'exploded' });
      expect(res.status).to.equal(400);
      expect(firstError(res.body).code).to.equal('invalid_value');
    });
  });

  describe('auto_delete when a target disappears', () => {
    const emu = useEmulator();

    it('removing an instance deletes the collectors on it and on its interfaces; those on its subnet, VPC and other instances stay', async () => {
      const ids = await seedIds(emu());
      const inst2 = ids.instance('instance-2');
      const make = (name: string, id: string) => emu().createCollector({ name, target: { id }, storage_bucket: { name: 'bucket-c' } });
      const onInstance = await make('on-instance-2', inst2);
      const onEth0 = await make('on-eth0', ids.nic('instance-2', 'eth0'));
      const onEth1 = await make('on-eth1', ids.nic('instance-2', 'eth1'));
      const onSubnet = await make('on-subnet-1', ids.subnet('subnet-1'));
      const onVpc = await make('on-vpc', ids.vpc);
      const onOther = await make('on-instance-3', ids.instance('instance-3'));

      const res = await emu().control('DELETE', `/topology/${inst2}`);
      expect(res.status).to.equal(200);
      expect([...res.body.removed].sort()).to.deep.equal([inst2, ids.nic('instance-2', 'eth0'), ids.nic('instance-2', 'eth1')].sort());
      expect([...res.body.collectorsDeleted].sort()).to.deep.equal([onInstance.id, onEth0.id, onEth1.id].sort());

      for (const c of [onInstance, onEth0, onEth1]) {
        const got = await getCollector(emu(), c.id);
        expect(got.status, c.name).to.equal(404);
        expect(firstError(got.body).code).to.equal('flow_log_collector_not_found');
      }
      for (const c of [onSubnet, onVpc, onOther]) expect((await getCollector(emu(), c.id)).status, c.name).to.equal(200);
      expect((await listIds(emu())).map((c) => c.id).sort()).to.deep.equal([onSubnet.id, onVpc.id, onOther.id].sort());
      const inst = await emu().vpc('GET', `/v1/instances/${inst2}`);
      expect(inst.status).to.equal(404);
      expect(firstError(inst.body).code).to.equal('instance_not_found');
      expect((await emu().topology()).instances.map((i: any) => i.name)).to.deep.equal(['instance-1', 'instance-3', 'instance-4', 'instance-5', 'instance-6']);
    });

    it('removing an instance on network attachments deletes the collectors on its attachment and virtual network interface too', async () => {
      const ids = await seedIds(emu());
      const inst5 = ids.instance('instance-5');
      const make = (name: string, id: string) => emu().createCollector({ name, target: { id }, storage_bucket: { name: 'bucket-instance-5' } });
      const onInstance = await make('on-instance-5', inst5);
      const onAttachment = await make('on-attachment', ids.attachment('instance-5', 'eth0'));
      const onVni = await make('on-vni', ids.vni('instance-5-eth0'));
      const onSpare = await make('on-spare', ids.vni('vni-spare'));
      const onSubnet = await make('on-subnet-3', ids.subnet('subnet-3'));

      const res = await emu().control('DELETE', `/topology/${inst5}`);
      expect(res.status).to.equal(200);
      expect([...res.body.collectorsDeleted].sort()).to.deep.equal([onInstance.id, onAttachment.id, onVni.id].sort());
      for (const c of [onInstance, onAttachment, onVni]) expect((await getCollector(emu(), c.id)).status, c.name).to.equal(404);
      for (const c of [onSpare, onSubnet]) expect((await getCollector(emu(), c.id)).status, c.name).to.equal(200);
      const vni = await emu().vpc('GET', `/v1/virtual_network_interfaces/${ids.vni('instance-5-eth0')}`);
      expect(vni.status).to.equal(404);
      expect(firstError(vni.body).code).to.equal('virtual_network_interface_not_found');
    });

    it('removing a subnet deletes the collectors on it and on the interfaces in it, not on the instances', async () => {
      const ids = await seedIds(emu());
      const make = (name: string, id: string) => emu().createCollector({ name, target: { id }, storage_bucket: { name: 'bucket-c' } });
      const onSubnet = await make('on-subnet-2', ids.subnet('subnet-2'));
      const onEth1 = await make('on-eth1', ids.nic('instance-2', 'eth1'));
      const onEth0 = await make('on-eth0', ids.nic('instance-2', 'eth0'));
      const onVpc = await make('on-vpc', ids.vpc);
      const res = await emu().control('DELETE', `/topology/${ids.subnet('subnet-2')}`);
      expect(res.status).to.equal(200);
      expect([...res.body.collectorsDeleted].sort()).to.deep.equal([onSubnet.id, onEth1.id].sort());
      expect((await listIds(emu())).map((c) => c.id).sort()).to.deep.equal([onEth0.id, onVpc.id].sort());
    });

    it('answers 404 to the removal of an unknown resource', async () => {
      const res = await emu().control('DELETE', '/topology/r006-11111111-2222-4333-a444-555555555555');
      expect(res.status).to.equal(404);
      expect(firstError(res.body).code).to.equal('not_found');
    });
  });
});
