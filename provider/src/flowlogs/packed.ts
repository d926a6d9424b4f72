/**
 * Records packed as numbers: one Float64Array, STRIDE slots per record (times as epoch ms, addresses as uint32,
 * direction / action / flags as bits). The fast decoder writes this form straight from the JSON bytes and the
 * analyzer reads it; `PackedDocument` turns it back into `FlowLogRecord` objects only when someone asks.
 */
import { plainDocument, type FlowLogDocument, type FlowLogHeader, type FlowLogRecord } from './document';
import { formatIpv4, parseIpv4 } from './ipv4';
import { formatRfc3339, parseRfc3339 } from './time';

export const F_START = 0;
export const F_END = 1;
export const F_CONN_START = 2;
export const F_INITIATOR_IP = 3;
export const F_TARGET_IP = 4;
export const F_INITIATOR_PORT = 5;
export const F_TARGET_PORT = 6;
export const F_PROTOCOL = 7;
export const F_FLAGS = 8;
export const F_BYTES_I = 9;
export const F_PACKETS_I = 10;
export const F_BYTES_T = 11;
export const F_PACKETS_T = 12;
export const F_CUM_BYTES_I = 13;
export const F_CUM_PACKETS_I = 14;
export const F_CUM_BYTES_T = 15;
export const F_CUM_PACKETS_T = 16;
export const STRIDE = 17;

/** F_FLAGS bits. */
export const FLAG_OUTBOUND = 1; // direction "O"
export const FLAG_REJECTED = 2; // action "rejected"
export const FLAG_INITIATED = 4;
export const FLAG_TERMINATED = 8;
/** `start_time` / `end_time` were empty: F_START / F_END hold the capture window's start / end. */
export const FLAG_NO_START = 16;
export const FLAG_NO_END = 32;

/** Packs validated records (their times and addresses parse, as the validator checked). */
export function packRecords(records: readonly FlowLogRecord[], header: Pick<FlowLogHeader, 'capture_start_time' | 'capture_end_time'>): Float64Array {
  const data = new Float64Array(records.length * STRIDE);
  const captureStart = parseRfc3339(header.capture_start_time) ?? NaN;
  const captureEnd = parseRfc3339(header.capture_end_time) ?? NaN;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const o = i * STRIDE;
    data[o + F_START] = r.start_time === '' ? captureStart : (parseRfc3339(r.start_time) ?? NaN);
    data[o + F_END] = r.end_time === '' ? captureEnd : (parseRfc3339(r.end_time) ?? NaN);
    data[o + F_CONN_START] = parseRfc3339(r.connection_start_time) ?? NaN;
    data[o + F_INITIATOR_IP] = parseIpv4(r.initiator_ip) ?? NaN;
    data[o + F_TARGET_IP] = parseIpv4(r.target_ip) ?? NaN;
    data[o + F_INITIATOR_PORT] = r.initiator_port;
    data[o + F_TARGET_PORT] = r.target_port;
    data[o + F_PROTOCOL] = r.transport_protocol;
    data[o + F_FLAGS] =
      (r.direction === 'O' ? FLAG_OUTBOUND : 0) |
      (r.action === 'rejected' ? FLAG_REJECTED : 0) |
      (r.was_initiated ? FLAG_INITIATED : 0) |
      (r.was_terminated ? FLAG_TERMINATED : 0) |
      (r.start_time === '' ? FLAG_NO_START : 0) |
      (r.end_time === '' ? FLAG_NO_END : 0);
    data[o + F_BYTES_I] = r.bytes_from_initiator;
    data[o + F_PACKETS_I] = r.packets_from_initiator;
    data[o + F_BYTES_T] = r.bytes_from_target;
    data[o + F_PACKETS_T] = r.packets_from_target;
    data[o + F_CUM_BYTES_I] = r.cumulative_bytes_from_initiator;
    data[o + F_CUM_PACKETS_I] = r.cumulative_packets_from_initiator;
    data[o + F_CUM_BYTES_T] = r.cumulative_bytes_from_target;
    data[o + F_CUM_PACKETS_T] = r.cumulative_packets_from_target;
  }
  return data;
}

/**
 * Record `i` as an object. Exact for what the fast decoder accepts (whole-second UTC times written with `Z`,
 * addresses without leading zeros); records of other forms are never packed by it.
 */
export function unpackRecord(data: Float64Array, i: number): FlowLogRecord {
  const o = i * STRIDE;
  const flags = data[o + F_FLAGS];
  return {
    start_time: flags & FLAG_NO_START ? '' : formatRfc3339(data[o + F_START]),
    end_time: flags & FLAG_NO_END ? '' : formatRfc3339(data[o + F_END]),
    connection_start_time: formatRfc3339(data[o + F_CONN_START]),
    direction: flags & FLAG_OUTBOUND ? 'O' : 'I',
    action: flags & FLAG_REJECTED ? 'rejected' : 'accepted',
    initiator_ip: formatIpv4(data[o + F_INITIATOR_IP]),
    target_ip: formatIpv4(data[o + F_TARGET_IP]),
    initiator_port: data[o + F_INITIATOR_PORT],
    target_port: data[o + F_TARGET_PORT],
    transport_protocol: data[o + F_PROTOCOL],
    ether_type: 'IPv4',
    was_initiated: (flags & FLAG_INITIATED) !== 0,
    was_terminated: (flags & FLAG_TERMINATED) !== 0,
    bytes_from_initiator: data[o + F_BYTES_I],
    packets_from_initiator: data[o + F_PACKETS_I],
    bytes_from_target: data[o + F_BYTES_T],
    packets_from_target: data[o + F_PACKETS_T],
    cumulative_bytes_from_initiator: data[o + F_CUM_BYTES_I],
    cumulative_packets_from_initiator: data[o + F_CUM_PACKETS_I],
    cumulative_bytes_from_target: data[o + F_CUM_BYTES_T],
    cumulative_packets_from_target: data[o + F_CUM_PACKETS_T],
  };
}

/** A validated document whose records are packed; `flow_logs` builds the record objects on first use. */
export class PackedDocument implements FlowLogDocument {
  readonly version: string;
  readonly collector_crn: string;
  readonly attached_endpoint_type: string;
  readonly network_interface_id: string;
  readonly instance_crn: string;
  readonly vpc_crn: string;
  readonly capture_start_time: string;
  readonly capture_end_time: string;
  readonly state: string;
  readonly number_of_flow_logs: number;
  private records?: FlowLogRecord[];

  constructor(
    header: FlowLogHeader,
    /** Number of records. */
    readonly count: number,
    /** `count * STRIDE` numbers. */
    readonly data: Float64Array,
  ) {
    this.version = header.version;
    this.collector_crn = header.collector_crn;
    this.attached_endpoint_type = header.attached_endpoint_type;
    this.network_interface_id = header.network_interface_id;
    this.instance_crn = header.instance_crn;
    this.vpc_crn = header.vpc_crn;
    this.capture_start_time = header.capture_start_time;
    this.capture_end_time = header.capture_end_time;
    this.state = header.state;
    this.number_of_flow_logs = header.number_of_flow_logs;
  }

  get flow_logs(): readonly FlowLogRecord[] {
    if (!this.records) {
      this.records = new Array(this.count);
      for (let i = 0; i < this.count; i++) this.records[i] = unpackRecord(this.data, i);
    }
    return this.records;
  }

  /** The plain JSON form (JSON.stringify would otherwise miss the records, which live behind a getter). */
  toJSON(): FlowLogDocument {
    return plainDocument(this);
  }
}

/** The packed records of any document: the packed form as is, a plain document packed now. */
export function packedRecordsOf(doc: FlowLogDocument): { count: number; data: Float64Array } {
  if (doc instanceof PackedDocument) return { count: doc.count, data: doc.data };
  return { count: doc.flow_logs.length, data: packRecords(doc.flow_logs, doc) };
}
