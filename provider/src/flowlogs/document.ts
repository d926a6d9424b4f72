/**
 * One flow-log object's JSON document (emulator/README.md, "Flow logs"): types, and a validator that returns the
 * document or every problem with its path (`flow_logs[3].target_port: expected an integer 0-65535, received "x"`).
 * Never throws.
 */
import { parseCrn } from '../ibm/crn';
import { parseIpv4 } from './ipv4';
import { parseRfc3339 } from './time';

/**
 * One `flow_logs[]` record: one connection's traffic on one interface within one window. `start_time` and
 * `end_time` may be empty: IBM's own sample object (IBM-Cloud/vpc-flowlogs) has such a record, and IBM's reader there
 * then takes the object's capture window; so does the analyzer.
 */
export interface FlowLogRecord {
  start_time: string;
  end_time: string;
  connection_start_time: string;
  /** `I`: the first packet of the connection was received by the interface; `O`: sent by it. */
  direction: 'I' | 'O';
  action: 'accepted' | 'rejected';
  initiator_ip: string;
  target_ip: string;
  initiator_port: number;
  target_port: number;
  /** IANA protocol number (6 TCP, 17 UDP). */
  transport_protocol: number;
  ether_type: string;
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

/** The document of one object: header fields, then the records (possibly none). */
export interface FlowLogDocument {
  readonly version: string;
  readonly collector_crn: string;
  readonly attached_endpoint_type: string;
  readonly network_interface_id: string;
  readonly instance_crn: string;
  readonly vpc_crn: string;
  readonly capture_start_time: string;
  readonly capture_end_time: string;
  /** `OK` / `ok` (real objects say `ok`), or `skip data`: flow data was lost in this interval. */
  readonly state: string;
  readonly number_of_flow_logs: number;
  readonly flow_logs: readonly FlowLogRecord[];
}

export type FlowLogHeader = Omit<FlowLogDocument, 'flow_logs'>;

/** One thing wrong with an object; `path` is empty for the document as a whole. */
export interface Problem {
  path: string;
  reason: string;
}

export function formatProblem(p: Problem): string {
  return `${p.path === '' ? '(document)' : p.path}: ${p.reason}`;
}

export type DocumentValidation = { ok: true; document: FlowLogDocument } | { ok: false; problems: Problem[] };

/** At most this many problems are listed per object; a last one says how many more there were. */
export const MAX_PROBLEMS = 25;

// ---------------------------------------------------------------------------------------------------------------
// Field checks: each returns the reason a value is wrong, or undefined when it is right.

type Check = (value: unknown) => string | undefined;

/** The received value, short, for a message. */
export function describeValue(value: unknown): string {
  try {
    if (value instanceof Skipped) return value.kind === 'array' ? `an array of ${value.length}` : 'an object';
    if (value === undefined) return 'nothing';
    if (value === null) return 'null';
    if (Array.isArray(value)) return `an array of ${value.length}`;
    if (typeof value === 'object') return 'an object';
    if (typeof value === 'string') return value.length > 60 ? `${JSON.stringify(value.slice(0, 60))}…` : JSON.stringify(value);
    return String(value);
  } catch {
    return 'an unprintable value';
  }
}

const expected = (what: string): Check => (value) => `expected ${what}, received ${describeValue(value)}`;

function integerCheck(max: number, what: string): Check {
  const fail = expected(what);
  return (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max ? undefined : fail(v));
}

const timeCheck: Check = (v) => (typeof v === 'string' && parseRfc3339(v) !== undefined ? undefined : expected('an RFC 3339 timestamp such as "2021-11-23T20:29:59Z"')(v));
/** A record's `start_time` / `end_time`: a timestamp, or empty (the capture window's start / end stands in). */
const windowTimeCheck: Check = (v) => (v === '' ? undefined : typeof v === 'string' && parseRfc3339(v) !== undefined ? undefined : expected('an RFC 3339 timestamp such as "2021-11-23T20:29:59Z", or ""')(v));

/**
 * A check that remembers the strings it found valid (bounded): header values (CRNs, ids, capture times) repeat
 * across the objects of a bucket, so each is parsed once.
 */
function remembering(check: Check): Check {
  const valid = new Set<string>();
  return (v) => {
    if (typeof v === 'string' && valid.has(v)) return undefined;
    const reason = check(v);
    if (reason === undefined && typeof v === 'string') {
      if (valid.size >= 4096) valid.clear();
      valid.add(v);
    }
    return reason;
  };
}
const ipv4Check: Check = (v) => (typeof v === 'string' && parseIpv4(v) !== undefined ? undefined : expected('an IPv4 address')(v));
const boolCheck: Check = (v) => (typeof v === 'boolean' ? undefined : expected('true or false')(v));
const oneOf = (values: readonly string[]): Check => {
  const fail = expected(values.map((x) => JSON.stringify(x)).join(' or '));
  return (v) => (typeof v === 'string' && values.includes(v) ? undefined : fail(v));
};
const nonEmptyString: Check = (v) => (typeof v === 'string' && v !== '' ? undefined : expected('a non-empty string')(v));
const crnCheck: Check = (v) => (typeof v === 'string' && parseCrn(v) !== undefined ? undefined : expected('a CRN (crn:v1:…)')(v));
/** `OK` as documented, `ok` as real objects have it, `skip data` when data was lost: compared without case. */
const stateCheck: Check = (v) => (typeof v === 'string' && /^(ok|skip data)$/i.test(v) ? undefined : expected('"OK" or "skip data"')(v));

/** uint64 counters: any non-negative integer (values past 2^53 lose precision, as in any JSON reader). */
const UINT64 = integerCheck(Number.MAX_VALUE, 'a non-negative integer');
export const UINT32_MAX = 4294967295;

/** The record fields in documented order, with their checks. */
export const RECORD_FIELDS: ReadonlyArray<readonly [keyof FlowLogRecord, Check]> = [
  ['start_time', windowTimeCheck],
  ['end_time', windowTimeCheck],
  ['connection_start_time', timeCheck],
  ['direction', oneOf(['I', 'O'])],
  ['action', oneOf(['accepted', 'rejected'])],
  ['initiator_ip', ipv4Check],
  ['target_ip', ipv4Check],
  ['initiator_port', integerCheck(65535, 'an integer 0-65535')],
  ['target_port', integerCheck(65535, 'an integer 0-65535')],
  ['transport_protocol', integerCheck(255, 'an integer 0-255 (an IANA protocol number)')],
  ['ether_type', oneOf(['IPv4'])],
  ['was_initiated', boolCheck],
  ['was_terminated', boolCheck],
  ['bytes_from_initiator', UINT64],
  ['packets_from_initiator', UINT64],
  ['bytes_from_target', UINT64],
  ['packets_from_target', UINT64],
  ['cumulative_bytes_from_initiator', UINT64],
  ['cumulative_packets_from_initiator', UINT64],
  ['cumulative_bytes_from_target', UINT64],
  ['cumulative_packets_from_target', UINT64],
];

/** The header fields (all but `flow_logs`) with their checks. */
export const HEADER_FIELDS: ReadonlyArray<readonly [keyof FlowLogHeader, Check]> = [
  ['version', nonEmptyString],
  ['collector_crn', remembering(crnCheck)],
  ['attached_endpoint_type', oneOf(['vnic'])],
  ['network_interface_id', nonEmptyString],
  ['instance_crn', remembering(crnCheck)],
  ['vpc_crn', remembering(crnCheck)],
  ['capture_start_time', remembering(timeCheck)],
  ['capture_end_time', remembering(timeCheck)],
  ['state', stateCheck],
  ['number_of_flow_logs', integerCheck(UINT32_MAX, 'an integer 0-4294967295')],
];

// ---------------------------------------------------------------------------------------------------------------

class ProblemList {
  readonly items: Problem[] = [];
  private more = 0;

  add(path: string, reason: string): void {
    if (this.items.length < MAX_PROBLEMS) this.items.push({ path, reason });
    else this.more++;
  }

  get size(): number {
    return this.items.length + this.more;
  }

  result(): Problem[] {
    return this.more === 0 ? this.items : [...this.items, { path: '', reason: `and ${this.more} more problem${this.more === 1 ? '' : 's'}` }];
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Skipped);

function checkField(obj: Record<string, unknown>, name: string, check: Check, path: string, problems: ProblemList): void {
  const has = Object.prototype.hasOwnProperty.call(obj, name);
  const value = has ? obj[name] : undefined;
  const reason = check(value);
  if (reason === undefined) return;
  problems.add(path, has ? reason : `missing (${reason.replace(/, received nothing$/, '')})`);
}

/**
 * Problems of the header fields of a parsed object (not `flow_logs`). A `number_of_flow_logs` that differs from the
 * records found is not a problem of the object (IBM's sample object has one): the analyzer warns of it.
 */
export function headerProblems(obj: Record<string, unknown>): Problem[] {
  const problems = new ProblemList();
  for (const [name, check] of HEADER_FIELDS) checkField(obj, name, check, name, problems);
  return problems.result();
}

/**
 * Validates a parsed JSON value as a flow-log document. Unknown fields are ignored and left out of the result;
 * the result is a fresh object with the documented fields only. Never throws, whatever the value.
 */
export function validateDocument(value: unknown): DocumentValidation {
  try {
    return validate(value);
  } catch (error) {
    // Not reachable with JSON values; kept so that no caller can be thrown at (getters, proxies).
    return { ok: false, problems: [{ path: '', reason: `could not be validated: ${(error as Error)?.message ?? String(error)}` }] };
  }
}

function validate(value: unknown): DocumentValidation {
  if (!isPlainObject(value)) return { ok: false, problems: [{ path: '', reason: expected('a JSON object')(value)! }] };
  const problems = new ProblemList();
  for (const [name, check] of HEADER_FIELDS) checkField(value, name, check, name, problems);
  const logs = Object.prototype.hasOwnProperty.call(value, 'flow_logs') ? value.flow_logs : undefined;
  if (!Array.isArray(logs)) {
    problems.add('flow_logs', logs === undefined ? 'missing (expected an array of flow log records)' : expected('an array of flow log records')(logs)!);
    return { ok: false, problems: problems.result() };
  }
  const records: FlowLogRecord[] = new Array(logs.length);
  for (let i = 0; i < logs.length; i++) {
    const rec = logs[i];
    if (!isPlainObject(rec)) {
      problems.add(`flow_logs[${i}]`, expected('a flow log record (an object)')(rec)!);
      continue;
    }
    const before = problems.size;
    for (const [name, check] of RECORD_FIELDS) checkField(rec, name, check, `flow_logs[${i}].${name}`, problems);
    if (problems.size === before) records[i] = pickRecord(rec);
  }
  if (problems.size > 0) return { ok: false, problems: problems.result() };
  const v = value as unknown as FlowLogDocument;
  return {
    ok: true,
    document: {
      version: v.version,
      collector_crn: v.collector_crn,
      attached_endpoint_type: v.attached_endpoint_type,
      network_interface_id: v.network_interface_id,
      instance_crn: v.instance_crn,
      vpc_crn: v.vpc_crn,
      capture_start_time: v.capture_start_time,
      capture_end_time: v.capture_end_time,
      state: v.state,
      number_of_flow_logs: v.number_of_flow_logs,
      flow_logs: records,
    },
  };
}

function pickRecord(r: Record<string, unknown>): FlowLogRecord {
  const v = r as unknown as FlowLogRecord;
  return {
    start_time: v.start_time,
    end_time: v.end_time,
    connection_start_time: v.connection_start_time,
    direction: v.direction,
    action: v.action,
    initiator_ip: v.initiator_ip,
    target_ip: v.target_ip,
    initiator_port: v.initiator_port,
    target_port: v.target_port,
    transport_protocol: v.transport_protocol,
    ether_type: v.ether_type,
    was_initiated: v.was_initiated,
    was_terminated: v.was_terminated,
    bytes_from_initiator: v.bytes_from_initiator,
    packets_from_initiator: v.packets_from_initiator,
    bytes_from_target: v.bytes_from_target,
    packets_from_target: v.packets_from_target,
    cumulative_bytes_from_initiator: v.cumulative_bytes_from_initiator,
    cumulative_packets_from_initiator: v.cumulative_packets_from_initiator,
    cumulative_bytes_from_target: v.cumulative_bytes_from_target,
    cumulative_packets_from_target: v.cumulative_packets_from_target,
  };
}

/**
 * A value the parser skipped without building it (a container where the format has a scalar): what a message needs
 * to say about it.
 */
export class Skipped {
  constructor(
    readonly kind: 'array' | 'object',
    readonly length: number,
  ) {}
}

/** Whether a document's state says flow data was lost in its interval. */
export function isSkipData(state: string): boolean {
  return state.toLowerCase() === 'skip data';
}

/** The header fields of a document, as a plain object. */
export function headerOf(doc: FlowLogHeader): FlowLogHeader {
  return {
    version: doc.version,
    collector_crn: doc.collector_crn,
    attached_endpoint_type: doc.attached_endpoint_type,
    network_interface_id: doc.network_interface_id,
    instance_crn: doc.instance_crn,
    vpc_crn: doc.vpc_crn,
    capture_start_time: doc.capture_start_time,
    capture_end_time: doc.capture_end_time,
    state: doc.state,
    number_of_flow_logs: doc.number_of_flow_logs,
  };
}

/** A document as a plain JSON-ready object (the packed form the fast decoder returns included). */
export function plainDocument(doc: FlowLogDocument): FlowLogDocument {
  return { ...headerOf(doc), flow_logs: doc.flow_logs.map((r) => ({ ...r })) };
}
