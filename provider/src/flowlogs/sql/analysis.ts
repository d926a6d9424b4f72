/**
 * The flow-log analysis expressed once as SQL, for any engine with a dialect (dialect.ts): DuckDB here (`logs
 * --engine duckdb`), Spark on IBM Analytics Engine (`logs --emit spark`). It computes what the native analyzer does
 * (analyzer.ts; the differential tests hold the two to equal reports), over three relations every engine provides:
 *
 *   objects(object_id, object_key, key_interface, key_encoding, stored_bytes, json_bytes, valid, error_kind,
 *           problems, interface_id, collector_crn, instance_crn, vpc_crn, capture_start_ms, capture_end_ms,
 *           skip_data, declared_records, record_count)
 *     one row per object read; `problems` is the JSON text of the failure's problems ([{path, reason}]);
 *     header fields are set for valid objects only; `record_count` is the number of rows in `records`.
 *   records(object_id, start_ms, outbound, rejected, initiator_ip, target_ip, initiator_port, target_port, protocol,
 *           bytes_i, packets_i, bytes_t, packets_t)
 *     one row per flow record of a valid object: addresses as numbers, `outbound` for direction O, `rejected` for
 *     action rejected, `start_ms` the record's start (the capture start when it is empty), counters of this window.
 *   expected_interfaces(id): the interfaces that should have objects (possibly none).
 *
 * The statements first build intermediate tables, then each result query gives one table of rows, which
 * results.ts turns into the report's parts.
 */
import { DEFAULT_REJECTED_GROUPS, DEFAULT_TOP_TALKERS, type ReportOptions } from '../assemble';
import { DEFAULT_PORT_SCAN_THRESHOLD, DEFAULT_PORT_SCAN_WINDOW_SECONDS } from '../portScan';
import type { Dialect } from './dialect';

export interface AnalysisParams {
  portScanThreshold: number;
  portScanWindowSeconds: number;
  topTalkers: number;
  rejectedGroups: number;
}

/** The parameters from the report options, with the native analyzer's defaults. */
export function analysisParams(o: ReportOptions): AnalysisParams {
  return {
    portScanThreshold: o.portScanThreshold ?? DEFAULT_PORT_SCAN_THRESHOLD,
    portScanWindowSeconds: o.portScanWindowSeconds ?? DEFAULT_PORT_SCAN_WINDOW_SECONDS,
    topTalkers: o.topTalkers ?? DEFAULT_TOP_TALKERS,
    rejectedGroups: o.rejectedGroups ?? DEFAULT_REJECTED_GROUPS,
  };
}

export const RESULT_NAMES = [
  'summary',
  'failures',
  'miscounted',
  'interfaces',
  'collectors',
  'totals',
  'top_talkers',
  'rejected_groups',
  'rejected_group_count',
  'asymmetric',
  'port_scans',
  'silent_interfaces',
] as const;
export type ResultName = (typeof RESULT_NAMES)[number];

export interface AnalysisSql {
  /** Statements that build the intermediate tables, in order. */
  setup: string[];
  /** One query per result table. */
  results: Array<{ name: ResultName; sql: string }>;
}

const int = (expr: string) => `CAST(${expr} AS INTEGER)`;
const count = (condition: string) => `sum(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;
const sumIf = (condition: string, expr: string) => `sum(CASE WHEN ${condition} THEN ${expr} ELSE 0 END)`;

function positiveInteger(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${what} must be a whole number of at least 1 for the SQL analysis; received ${value}`);
  return value;
}

export function analysisSql(d: Dialect, params: AnalysisParams): AnalysisSql {
  const windowMs = positiveInteger(params.portScanWindowSeconds * 1000, 'the port-scan window in milliseconds');
  const threshold = positiveInteger(params.portScanThreshold, 'the port-scan threshold');
  const topTalkers = positiveInteger(params.topTalkers, 'the number of top talkers');
  const rejectedGroups = positiveInteger(params.rejectedGroups, 'the number of rejected groups');

  const setup = [
    // Each record with its object's interface and VPC, and which way it carried traffic.
    ...d.view(
      'flows',
      `SELECT r.object_id, r.start_ms, r.outbound, r.rejected, r.initiator_ip, r.target_ip, r.initiator_port, r.target_port, r.protocol, ` +
        `r.bytes_i + r.bytes_t AS bytes, r.packets_i + r.packets_t AS packets, ` +
        `(r.packets_i > 0 OR r.bytes_i > 0) AS from_i, (r.packets_t > 0 OR r.bytes_t > 0) AS from_t, o.interface_id, o.vpc_crn ` +
        `FROM records r JOIN objects o ON r.object_id = o.object_id`,
    ),
    // Per valid object: its totals.
    ...d.table(
      'object_totals',
      `SELECT o.object_id, o.interface_id, o.collector_crn, o.instance_crn, o.vpc_crn, o.stored_bytes, o.json_bytes, o.skip_data, ` +
        `o.record_count AS flows, coalesce(t.rejected, 0) AS rejected, coalesce(t.bytes, 0) AS bytes, coalesce(t.packets, 0) AS packets ` +
        `FROM objects o LEFT JOIN (SELECT object_id, ${count('rejected')} AS rejected, sum(bytes) AS bytes, sum(packets) AS packets FROM flows GROUP BY object_id) t ` +
        `ON o.object_id = t.object_id WHERE o.valid`,
    ),
    // Per (VPC, initiator, target): what each end logged (O: the initiator's interface, I: the target's) ...
    ...d.table(
      'pair_sides',
      `SELECT vpc_crn, initiator_ip, target_ip, ` +
        `${count('outbound')} AS o_flows, ${count('outbound AND NOT rejected')} AS o_accepted, ${sumIf('outbound', 'bytes')} AS o_bytes, ${sumIf('outbound', 'packets')} AS o_packets, ` +
        `${count('NOT outbound')} AS i_flows, ${count('NOT outbound AND NOT rejected')} AS i_accepted, ${sumIf('NOT outbound', 'bytes')} AS i_bytes, ${sumIf('NOT outbound', 'packets')} AS i_packets ` +
        `FROM flows GROUP BY vpc_crn, initiator_ip, target_ip`,
    ),
    // ... counted once, from the end with more flow records (the initiator's on a tie).
    ...d.table(
      'pairs',
      `SELECT vpc_crn, initiator_ip, target_ip, ` +
        ['flows', 'accepted', 'bytes', 'packets'].map((m) => `CASE WHEN i_flows > o_flows THEN i_${m} ELSE o_${m} END AS ${m}`).join(', ') +
        `, (o_flows > 0 AND i_flows > 0) AS both_ends, ` +
        ['flows', 'bytes', 'packets'].map((m) => `CASE WHEN i_flows > o_flows THEN o_${m} ELSE i_${m} END AS other_${m}`).join(', ') +
        ` FROM pair_sides`,
    ),
    // Rejected records by initiator, target, port, protocol and direction.
    ...d.table(
      'rejected_groups',
      `SELECT initiator_ip, target_ip, target_port, protocol, outbound, count(*) AS flows, sum(packets) AS packets, sum(bytes) AS bytes, ` +
        `${d.distinctList('interface_id')} AS interfaces FROM flows WHERE rejected GROUP BY initiator_ip, target_ip, target_port, protocol, outbound`,
    ),
    // Asymmetric connections: a rejected record whose rejected packets went one way, and accepted one-way records
    // of the same 5-tuple that carried the other way.
    ...d.table(
      'rejected_one_way',
      `SELECT protocol, initiator_ip, initiator_port, target_ip, target_port, interface_id, NOT from_i AS replies, ` +
        `((NOT from_i) = (NOT outbound)) AS drop_outbound, packets, bytes FROM flows WHERE rejected AND from_i <> from_t`,
    ),
    ...d.table(
      'accepted_one_way',
      `SELECT protocol, initiator_ip, initiator_port, target_ip, target_port, NOT from_i AS replies, ${d.distinctList('interface_id')} AS interfaces ` +
        `FROM flows WHERE NOT rejected AND from_i <> from_t GROUP BY protocol, initiator_ip, initiator_port, target_ip, target_port, NOT from_i`,
    ),
    // Port-scan probes: rejected records whose rejected traffic came from the initiator; per probe, the distinct
    // ports and hosts of its initiator's probes within the window ending at its time.
    ...d.view('probes', `SELECT initiator_ip, start_ms, target_ip, target_port, protocol, interface_id FROM flows WHERE rejected AND (NOT from_t OR from_i)`),
    ...d.table(
      'probe_windows',
      `SELECT initiator_ip, start_ms, ${d.distinctCountOver('target_port', 'probe_window')} AS ports, ${d.distinctCountOver('target_ip', 'probe_window')} AS hosts, ` +
        `min(start_ms) OVER probe_window AS window_start FROM probes ` +
        `WINDOW probe_window AS (PARTITION BY initiator_ip ORDER BY start_ms RANGE BETWEEN ${windowMs - 1} PRECEDING AND CURRENT ROW)`,
    ),
  ];

  const results: AnalysisSql['results'] = [
    {
      name: 'summary',
      sql:
        `SELECT ${count('valid')} AS analyzed, ${sumIf('valid', 'record_count')} AS records, ` +
        `${count("key_encoding = 'url-encoded'")} AS url_encoded, ${count("key_encoding = 'raw'")} AS raw, ` +
        `min(CASE WHEN valid THEN capture_start_ms END) AS capture_start, max(CASE WHEN valid THEN capture_end_ms END) AS capture_end FROM objects`,
    },
    { name: 'failures', sql: `SELECT object_key, error_kind, problems FROM objects WHERE NOT valid` },
    { name: 'miscounted', sql: `SELECT object_key, declared_records, record_count FROM objects WHERE valid AND declared_records <> record_count` },
    {
      name: 'interfaces',
      sql:
        `SELECT interface_id, min(instance_crn) AS instance_crn, min(vpc_crn) AS vpc_crn, count(*) AS objects, ${count('flows = 0')} AS empty_objects, ` +
        `${count('skip_data')} AS skip_data_objects, sum(flows) AS flows, sum(flows - rejected) AS accepted, sum(rejected) AS rejected, sum(bytes) AS bytes, ` +
        `sum(packets) AS packets, ${d.distinctList('collector_crn')} AS collectors FROM object_totals GROUP BY interface_id`,
    },
    {
      name: 'collectors',
      sql:
        `SELECT collector_crn, count(DISTINCT interface_id) AS interfaces, count(*) AS objects, ${count('flows = 0')} AS empty_objects, ` +
        `${count('skip_data')} AS skip_data_objects, sum(flows) AS flows, sum(flows - rejected) AS accepted, sum(rejected) AS rejected, sum(bytes) AS bytes, ` +
        `sum(packets) AS packets, sum(stored_bytes) AS stored_bytes, sum(json_bytes) AS json_bytes FROM object_totals GROUP BY collector_crn`,
    },
    {
      name: 'totals',
      sql:
        `SELECT sum(flows) AS flows, sum(accepted) AS accepted, sum(bytes) AS bytes, sum(packets) AS packets, ${count('both_ends')} AS both_ends_pairs, ` +
        `${sumIf('both_ends', 'other_flows')} AS both_ends_flows, ${sumIf('both_ends', 'other_bytes')} AS both_ends_bytes, ` +
        `${sumIf('both_ends', 'other_packets')} AS both_ends_packets FROM pairs`,
    },
    {
      name: 'top_talkers',
      sql:
        `SELECT initiator_ip, target_ip, sum(bytes) AS bytes, sum(packets) AS packets, sum(flows) AS flows FROM pairs GROUP BY initiator_ip, target_ip ` +
        `ORDER BY bytes DESC, packets DESC, initiator_ip, target_ip LIMIT ${topTalkers}`,
    },
    {
      name: 'rejected_groups',
      sql:
        `SELECT initiator_ip, target_ip, target_port, protocol, outbound, flows, packets, bytes, interfaces FROM rejected_groups ` +
        `ORDER BY flows DESC, packets DESC, initiator_ip, target_ip, target_port * 512 + protocol * 2 + ${int('outbound')} LIMIT ${rejectedGroups}`,
    },
    { name: 'rejected_group_count', sql: `SELECT count(*) AS groups FROM rejected_groups` },
    {
      name: 'asymmetric',
      sql:
        `SELECT r.interface_id, r.replies, r.drop_outbound, r.protocol, r.target_ip, r.target_port, ` +
        `count(DISTINCT CAST(r.initiator_ip AS BIGINT) * 65536 + r.initiator_port) AS connections, ${d.distinctList('r.initiator_ip')} AS initiator_ips, ` +
        `${d.concatLists('a.interfaces')} AS accepted_on, sum(r.packets) AS packets, sum(r.bytes) AS bytes ` +
        `FROM rejected_one_way r JOIN accepted_one_way a ON a.protocol = r.protocol AND a.initiator_ip = r.initiator_ip AND a.initiator_port = r.initiator_port ` +
        `AND a.target_ip = r.target_ip AND a.target_port = r.target_port AND a.replies <> r.replies ` +
        `GROUP BY r.interface_id, r.replies, r.drop_outbound, r.protocol, r.target_ip, r.target_port`,
    },
    {
      name: 'port_scans',
      sql:
        `SELECT p.initiator_ip, p.ports, p.targets, p.protocols, p.interfaces, p.rejected_flows, w.max_ports, w.max_hosts, b.window_start, b.window_end ` +
        `FROM (SELECT initiator_ip, max(ports) AS max_ports, max(hosts) AS max_hosts FROM probe_windows GROUP BY initiator_ip) w ` +
        `JOIN (SELECT initiator_ip, ${d.distinctList('target_port')} AS ports, ${d.distinctList('target_ip')} AS targets, ${d.distinctList('protocol')} AS protocols, ` +
        `${d.distinctList('interface_id')} AS interfaces, count(*) AS rejected_flows FROM probes GROUP BY initiator_ip) p ON p.initiator_ip = w.initiator_ip ` +
        // The window where the ports first peaked: the earliest time whose window holds the most ports.
        `JOIN (SELECT pw.initiator_ip, min(pw.start_ms) AS window_end, min_by(pw.window_start, pw.start_ms) AS window_start FROM probe_windows pw ` +
        `JOIN (SELECT initiator_ip, max(ports) AS max_ports FROM probe_windows GROUP BY initiator_ip) m ON m.initiator_ip = pw.initiator_ip AND pw.ports = m.max_ports ` +
        `GROUP BY pw.initiator_ip) b ON b.initiator_ip = w.initiator_ip ` +
        `WHERE w.max_ports >= ${threshold} OR w.max_hosts >= ${threshold}`,
    },
    {
      name: 'silent_interfaces',
      sql:
        `SELECT e.id FROM expected_interfaces e LEFT JOIN (SELECT interface_id AS id FROM objects WHERE valid UNION ` +
        `SELECT key_interface AS id FROM objects WHERE key_interface IS NOT NULL) s ON e.id = s.id WHERE s.id IS NULL`,
    },
  ];
  return { setup, results };
}
