import { expect } from 'chai';
import { checkModel, SDK_MODELS, type ModelCheck } from '../support/vpcSdkModels';
import { useEmulator, type EmulatorClient } from '../support/emulator';

/**
 * Every topology and collector response the provider reads (provider/src/ibm/vpcClient.ts: collectors listed, read,
 * created and patched; VPCs, subnets, instances with their interfaces and attachments, virtual network interfaces),
 * as the emulator serves them over HTTP, held against the required fields of IBM's VPC SDK models
 * (test/support/vpcSdkModels.ts, the reference's table verbatim): 0 missing, every type and enum as declared.
 */

interface Response {
  what: string;
  model: string;
  body: unknown;
}

async function get(emu: EmulatorClient, path: string, model: string, out: Response[]): Promise<any> {
  const res = await emu.vpc('GET', path);
  expect(res.status, `${path}: ${JSON.stringify(res.body).slice(0, 300)}`).to.equal(200);
  out.push({ what: `GET ${path}`, model, body: res.body });
  return res.body;
}

/** Every topology response of the use-case-1 seed, lists paged small enough to carry `next`. */
async function topologyResponses(emu: EmulatorClient): Promise<Response[]> {
  const out: Response[] = [];
  const vpcs = await get(emu, '/v1/vpcs', 'VPCCollection', out);
  for (const v of vpcs.vpcs) {
    await get(emu, `/v1/vpcs/${v.id}`, 'VPC', out);
    await get(emu, `/v1/subnets?vpc.id=${v.id}&limit=2`, 'SubnetCollection', out);
    await get(emu, `/v1/instances?vpc.id=${v.id}&limit=4`, 'InstanceCollection', out);
  }
  const subnets = await get(emu, '/v1/subnets', 'SubnetCollection', out);
  for (const s of subnets.subnets) await get(emu, `/v1/subnets/${s.id}`, 'Subnet', out);
  const instances = await get(emu, '/v1/instances', 'InstanceCollection', out);
  for (const i of instances.instances) {
    await get(emu, `/v1/instances/${i.id}`, 'Instance', out);
    const nics = await get(emu, `/v1/instances/${i.id}/network_interfaces`, 'NetworkInterfaceUnpaginatedCollection', out);
    for (const n of nics.network_interfaces) await get(emu, `/v1/instances/${i.id}/network_interfaces/${n.id}`, 'NetworkInterface', out);
    const atts = await get(emu, `/v1/instances/${i.id}/network_attachments`, 'InstanceNetworkAttachmentCollection', out);
    for (const a of atts.network_attachments) await get(emu, `/v1/instances/${i.id}/network_attachments/${a.id}`, 'InstanceNetworkAttachment', out);
  }
  const vnis = await get(emu, '/v1/virtual_network_interfaces', 'VirtualNetworkInterfaceCollection', out);
  await get(emu, '/v1/virtual_network_interfaces?limit=1', 'VirtualNetworkInterfaceCollection', out);
  for (const v of vnis.virtual_network_interfaces) await get(emu, `/v1/virtual_network_interfaces/${v.id}`, 'VirtualNetworkInterface', out);
  return out;
}

/** Collectors on all six kinds of target, answered by POST, GET, list and PATCH in pending, stable, suspended, updating and deleting. */
async function collectorResponses(emu: EmulatorClient): Promise<Response[]> {
  const out: Response[] = [];
  const t = await emu.topology();
  const instance = (name: string) => t.instances.find((i: any) => i.name === name).id;
  const targets = [
    t.vpcs[0].id,
    t.subnets.find((s: any) => s.name === 'subnet-1').id,
    instance('instance-2'),
    t.networkInterfaces.find((n: any) => n.instanceId === instance('instance-1')).id,
    t.networkAttachments.find((a: any) => a.instanceId === instance('instance-5')).id,
    t.virtualNetworkInterfaces.find((v: any) => v.name === 'vni-spare').id,
  ];
  const ids: string[] = [];
  for (const target of targets) {
    const res = await emu.vpc('POST', '/v1/flow_log_collectors', { body: { target: { id: target }, storage_bucket: { name: 'bucket-c' } } });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    out.push({ what: `POST (target ${target})`, model: 'FlowLogCollector', body: res.body });
    ids.push(res.body.id);
  }
  const kinds = new Set((await get(emu, '/v1/flow_log_collectors', 'FlowLogCollectorCollection', out)).flow_log_collectors.map((c: any) => c.target.resource_type ?? 'instance'));
  expect([...kinds].sort()).to.deep.equal(['instance', 'instance_network_attachment', 'network_interface', 'subnet', 'virtual_network_interface', 'vpc']);
  await emu.control('POST', '/clock/advance', { seconds: 61 });
  for (const id of ids) await get(emu, `/v1/flow_log_collectors/${id}`, 'FlowLogCollector', out);
  const patched = await emu.vpc('PATCH', `/v1/flow_log_collectors/${ids[0]}`, { body: { active: false } });
  expect(patched.body.lifecycle_state).to.equal('updating');
  out.push({ what: 'PATCH active=false', model: 'FlowLogCollector', body: patched.body });
  const renamed = await emu.vpc('PATCH', `/v1/flow_log_collectors/${ids[1]}`, { body: { name: 'renamed-collector' } });
  out.push({ what: 'PATCH name', model: 'FlowLogCollector', body: renamed.body });
  expect((await emu.vpc('DELETE', `/v1/flow_log_collectors/${ids[2]}`)).status).to.equal(204);
  await get(emu, `/v1/flow_log_collectors/${ids[2]}`, 'FlowLogCollector', out);
  await emu.control('POST', '/clock/advance', { seconds: 61 });
  await get(emu, `/v1/flow_log_collectors/${ids[0]}`, 'FlowLogCollector', out);
  const states = (await get(emu, '/v1/flow_log_collectors?limit=2', 'FlowLogCollectorCollection', out)).flow_log_collectors.map((c: any) => c.lifecycle_state);
  expect(states).to.have.length(2);
  return out;
}

function checkAll(responses: Response[]): ModelCheck {
  const result: ModelCheck = { problems: [], visited: new Set(), fieldsChecked: 0 };
  for (const r of responses) checkModel(r.model, r.body, r.what, result);
  return result;
}

describe('emulator responses against the required fields of IBM\'s VPC SDK models', () => {
  const emu = useEmulator({ pendingSeconds: 60, deletingSeconds: 60 });

  it('the table holds the reference\'s 81 models, polymorphic variants named', () => {
    expect(SDK_MODELS.size).to.equal(81);
    expect(Object.keys(SDK_MODELS.get('InstanceNetworkAttachmentReference')!.required)).to.deep.equal(['href', 'id', 'name', 'primary_ip', 'resource_type', 'subnet', 'virtual_network_interface']);
    expect([...SDK_MODELS.values()].filter((m) => m.variantOf === 'FlowLogCollectorTarget')).to.have.length(6);
  });

  it('every topology response: 0 missing fields, every model the responses reach visited', async () => {
    const responses = await topologyResponses(emu());
    const result = checkAll(responses);
    expect(result.problems).to.deep.equal([]);
    for (const model of [
      'VPC', 'VPCCSESourceIP', 'NetworkACLReference', 'RoutingTableReference', 'SecurityGroupReference', 'VPCDNS', 'VPCDNSResolverTypeSystem', 'DNSServer',
      'Subnet', 'Instance', 'InstanceAvailability', 'InstanceAvailabilityPolicy', 'VolumeAttachmentReferenceInstanceContext', 'VolumeAttachmentDevice',
      'VolumeReferenceVolumeAttachmentContext', 'InstanceMetadataService', 'InstanceNetworkAttachmentReference', 'NetworkInterfaceInstanceContextReference',
      'InstanceProfileReference', 'InstanceReservationAffinity', 'InstanceVCPU', 'NetworkInterface', 'InstanceNetworkAttachment',
      'VirtualNetworkInterface', 'VirtualNetworkInterfaceReferenceAttachmentContext', 'ReservedIPReference', 'SubnetReference', 'VPCReference',
      'ZoneReference', 'ResourceGroupReference', 'PageLink',
      'VirtualNetworkInterfaceTargetInstanceNetworkAttachmentReferenceVirtualNetworkInterfaceContext',
    ]) {
      expect(result.visited.has(model), model).to.equal(true);
    }
    expect(result.fieldsChecked).to.be.above(3000);
  });

  it('every collector response (POST, GET, list, PATCH; six kinds of target; pending to deleting): 0 missing fields', async () => {
    const responses = await collectorResponses(emu());
    const result = checkAll(responses);
    expect(result.problems).to.deep.equal([]);
    for (const variant of ['VPCReference', 'SubnetReference', 'InstanceReference', 'NetworkInterfaceReferenceTargetContext', 'InstanceNetworkAttachmentReferenceFlowLogCollectorContext', 'VirtualNetworkInterfaceReferenceAttachmentContext']) {
      expect(result.visited.has(`FlowLogCollectorTarget${variant}`), variant).to.equal(true);
    }
    const states = new Set(responses.filter((r) => r.model === 'FlowLogCollector').map((r) => (r.body as any).lifecycle_state));
    expect([...states].sort()).to.deep.equal(['deleting', 'pending', 'stable', 'suspended', 'updating']);
  });

  it('the check finds what is missing or wrong: a removed attachment address, a VPC without dns, an unknown enum value, a target of no variant', async () => {
    const res = await emu().vpc('GET', `/v1/instances/${(await emu().topology()).instances.find((i: any) => i.name === 'instance-5').id}`);
    delete res.body.network_attachments[0].primary_ip;
    res.body.vcpu.architecture = 'arm64';
    expect(checkModel('Instance', res.body).problems).to.deep.equal([
      'Instance.network_attachments[0].primary_ip: missing (required by InstanceNetworkAttachmentReference)',
      'Instance.vcpu.architecture: "arm64" is not one of amd64, s390x',
    ]);
    const vpc = (await emu().vpc('GET', '/v1/vpcs')).body.vpcs[0];
    delete vpc.dns;
    vpc.cse_source_ips[0].ip = {};
    expect(checkModel('VPC', vpc).problems).to.deep.equal(['VPC.cse_source_ips[0].ip.address: missing (required by IP)', 'VPC.dns: missing (required by VPC)']);
    expect(checkModel('FlowLogCollectorTarget', { id: 'x', href: 'h', name: 'n', resource_type: 'bare_metal_server' }).problems).to.deep.equal([
      'FlowLogCollectorTarget: resource_type "bare_metal_server" matches no variant of FlowLogCollectorTarget (FlowLogCollectorTargetInstanceNetworkAttachmentReferenceFlowLogCollectorContext, FlowLogCollectorTargetInstanceReference, FlowLogCollectorTargetNetworkInterfaceReferenceTargetContext, FlowLogCollectorTargetSubnetReference, FlowLogCollectorTargetVPCReference, FlowLogCollectorTargetVirtualNetworkInterfaceReferenceAttachmentContext)',
    ]);
  });
});
