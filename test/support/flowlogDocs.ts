import type { FlowLogDocument, FlowLogKey, FlowLogRecord } from '../../provider/src/flowlogs';

/** Hand-built flow-log documents and keys for the flowlogs tests (emulator/README.md, "Flow logs"). */

export const ACCOUNT = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
export const VPC_CRN = `crn:v1:bluemix:public:is:us-south:a/${ACCOUNT}::vpc:r006-4727d842-f94f-4a2d-824a-9bc9b02c523b`;
export const SUBNET_CRN = (zone: number, id: string) => `crn:v1:bluemix:public:is:us-south-${zone}:a/${ACCOUNT}::subnet:${id}`;
export const INSTANCE_CRN = (zone: number, id: string) => `crn:v1:bluemix:public:is:us-south-${zone}:a/${ACCOUNT}::instance:${id}`;
export const COLLECTOR_CRN = (id: string) => `crn:v1:bluemix:public:is:us-south:a/${ACCOUNT}::flow-log-collector:${id}`;

/** A record with every field; counters consistent (cumulative = this window). */
export function record(overrides: Partial<FlowLogRecord> = {}): FlowLogRecord {
  const base: FlowLogRecord = {
    start_time: '2025-06-01T10:00:05Z',
    end_time: '2025-06-01T10:00:09Z',
    connection_start_time: '2025-06-01T10:00:05Z',
    direction: 'I',
    action: 'accepted',
    initiator_ip: '10.240.1.5',
    target_ip: '10.240.0.4',
    initiator_port: 50000,
    target_port: 443,
    transport_protocol: 6,
    ether_type: 'IPv4',
    was_initiated: true,
    was_terminated: true,
    bytes_from_initiator: 100,
    packets_from_initiator: 2,
    bytes_from_target: 300,
    packets_from_target: 3,
    cumulative_bytes_from_initiator: 100,
    cumulative_packets_from_initiator: 2,
    cumulative_bytes_from_target: 300,
    cumulative_packets_from_target: 3,
  };
  const r = { ...base, ...overrides };
  if (!('cumulative_bytes_from_initiator' in overrides)) r.cumulative_bytes_from_initiator = r.bytes_from_initiator;
  if (!('cumulative_packets_from_initiator' in overrides)) r.cumulative_packets_from_initiator = r.packets_from_initiator;
  if (!('cumulative_bytes_from_target' in overrides)) r.cumulative_bytes_from_target = r.bytes_from_target;
  if (!('cumulative_packets_from_target' in overrides)) r.cumulative_packets_from_target = r.packets_from_target;
  return r;
}

export interface Iface {
  id: string;
  instanceCrn: string;
  subnetCrn: string;
  collectorCrn: string;
}

export const IFACE = (id: string, n: number, collector = 'r006-col-vpc'): Iface => ({
  id,
  instanceCrn: INSTANCE_CRN(1, `0717-inst-${n}`),
  subnetCrn: SUBNET_CRN(1, `0717-subnet-${n}`),
  collectorCrn: COLLECTOR_CRN(collector),
});

/** A document of one interface for the 5-minute window starting at `start`. */
export function documentOf(iface: Iface, records: FlowLogRecord[], start = '2025-06-01T10:00:00Z', minutes = 5): FlowLogDocument {
  const end = new Date(Date.parse(start) + minutes * 60000).toISOString().replace('.000Z', 'Z');
  return {
    version: '0.0.1',
    collector_crn: iface.collectorCrn,
    attached_endpoint_type: 'vnic',
    network_interface_id: iface.id,
    instance_crn: iface.instanceCrn,
    vpc_crn: VPC_CRN,
    capture_start_time: start,
    capture_end_time: end,
    state: 'ok',
    number_of_flow_logs: records.length,
    flow_logs: records,
  };
}

export function keyOf(iface: Iface, recordType: 'ingress' | 'egress', start: string, sequence: number): FlowLogKey {
  const d = new Date(start);
  return {
    account: ACCOUNT,
    region: 'us-south',
    vpcCrn: VPC_CRN,
    subnetCrn: iface.subnetCrn,
    endpointType: 'vnics',
    instanceCrn: iface.instanceCrn,
    interfaceId: iface.id,
    recordType,
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    streamId: '20250601T000000Z',
    sequence,
  };
}
