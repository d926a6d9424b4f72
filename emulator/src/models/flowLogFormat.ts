import { gzipSync } from 'node:zlib';

/**
 * The documented flow-log object (emulator/README.md, "Flow logs"): its key layout, its JSON document (header
 * + `flow_logs[]`), its gzip encoding and the `x-amz-meta-*` metadata that repeats the header. Pure functions only.
 */

export const FORMAT_VERSION = '0.0.1';
export const KEY_PREFIX = 'ibm_vpc_flowlogs_v1';
/** The capture window: 5 minutes, aligned to 5-minute boundaries of the emulator clock. */
export const WINDOW_SECONDS = 300;

export type RecordType = 'ingress' | 'egress';

/** One flow log (emulator/README.md, "Flow logs"), fields in the documented order. */
export interface FlowLogRecord {
  start_time: string;
  end_time: string;
  connection_start_time: string;
  direction: 'I' | 'O';
  action: 'accepted' | 'rejected';
  initiator_ip: string;
  target_ip: string;
  initiator_port: number;
  target_port: number;
  transport_protocol: 6 | 17;
  ether_type: 'IPv4';
  was_initiated: boolean;
  was_terminated: boolean;
  bytes_from_initiator: number;
  packets_from_initiator: number;
  bytes_from_target: number;
  packets_from_target: number;
  cumulative_bytes_from_initiator: number;
  cumulative_packets_from_initiator: number;
  cumulative_bytes_from_target: number;
  cumulative_packets_from_target: number;
}

/** The object's header, every field but `flow_logs`; each is also written as `x-amz-meta-<field>`. */
export interface FlowLogHeader {
  version: string;
  collector_crn: string;
  attached_endpoint_type: 'vnic';
  network_interface_id: string;
  instance_crn: string;
  vpc_crn: string;
  capture_start_time: string;
  capture_end_time: string;
  state: 'ok';
  number_of_flow_logs: number;
}

export interface FlowLogDocument extends FlowLogHeader {
  flow_logs: FlowLogRecord[];
}

/** RFC 3339 UTC to the second, as real objects show them: `2026-01-05T09:05:00Z`. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** ISO-8601 basic UTC, `yyyymmddThhmmssZ`: the stream-id form. */
export function basicUtc(ms: number): string {
  return rfc3339(ms).replace(/[-:]/g, '');
}

export interface KeyParts {
  account: string;
  region: string;
  vpcCrn: string;
  subnetCrn: string;
  instanceCrn: string;
  interfaceId: string;
  recordType: RecordType;
  /** Start of the capture window: the year/month/day/hour partitions. */
  captureStart: number;
  /** The stream's first object's time. */
  streamStart: number;
  sequence: number;
}

/**
 * `ibm_vpc_flowlogs_v1/account=…/region=…/vpc-id=<CRN>/subnet-id=<CRN>/endpoint-type=vnics/instance-id=<CRN>/
 * vnic-id=<id>/record-type=…/year=YYYY/month=MM/day=DD/hour=HH/stream-id=yyyymmddThhmmssZ/NNNNNNNN.gz`, every value
 * URL-encoded (the CRNs' `:` and `/` become `%3A` and `%2F`, as in real keys).
 */
export function objectKey(p: KeyParts): string {
  const e = encodeURIComponent;
  const t = new Date(p.captureStart);
  const two = (n: number) => String(n).padStart(2, '0');
  return [
    KEY_PREFIX,
    `account=${e(p.account)}`,
    `region=${e(p.region)}`,
    `vpc-id=${e(p.vpcCrn)}`,
    `subnet-id=${e(p.subnetCrn)}`,
    'endpoint-type=vnics',
    `instance-id=${e(p.instanceCrn)}`,
    `vnic-id=${e(p.interfaceId)}`,
    `record-type=${p.recordType}`,
    `year=${t.getUTCFullYear()}`,
    `month=${two(t.getUTCMonth() + 1)}`,
    `day=${two(t.getUTCDate())}`,
    `hour=${two(t.getUTCHours())}`,
    `stream-id=${basicUtc(p.streamStart)}`,
    `${String(p.sequence).padStart(8, '0')}.gz`,
  ].join('/');
}

/** Header fields in the documented order, then `flow_logs`. */
export function flowLogDocument(header: Omit<FlowLogHeader, 'version' | 'attached_endpoint_type' | 'state' | 'number_of_flow_logs'>, records: FlowLogRecord[]): FlowLogDocument {
  return {
    version: FORMAT_VERSION,
    collector_crn: header.collector_crn,
    attached_endpoint_type: 'vnic',
    network_interface_id: header.network_interface_id,
    instance_crn: header.instance_crn,
    vpc_crn: header.vpc_crn,
    capture_start_time: header.capture_start_time,
    capture_end_time: header.capture_end_time,
    state: 'ok',
    number_of_flow_logs: records.length,
    flow_logs: records,
  };
}

/** One JSON document, gzip-compressed. */
export function encodeDocument(doc: FlowLogDocument): Buffer {
  return gzipSync(JSON.stringify(doc), { level: 6 });
}

/** The header as COS object metadata: `x-amz-meta-<field>` → string value, for every field but `flow_logs`. */
export function metadataOf(doc: FlowLogDocument): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, value] of Object.entries(doc)) if (field !== 'flow_logs') out[`x-amz-meta-${field}`] = String(value);
  return out;
}

/** What COS is told the object is; IBM does not document it, a gzip file is the honest answer. */
export const CONTENT_TYPE = 'application/gzip';
