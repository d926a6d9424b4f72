/**
 * The rows of the SQL analysis (analysis.ts) as the report's parts (assemble.ts). Rows are plain JSON-like objects,
 * from any engine: numbers may come as numbers, bigints or numeric strings, booleans as booleans or 0/1, lists as
 * arrays. A result file written by the Spark job holds the same rows (see `SqlResultFile`).
 */
import type { AnalysisParts } from '../assemble';
import type { ObjectErrorKind } from '../decode';
import type { Problem } from '../document';
import type { AnalysisParams, ResultName } from './analysis';

export type Row = Record<string, unknown>;
export type ResultTables = Record<ResultName, Row[]>;

/** What `logs --emit spark` jobs write, and `logs --from-report` reads besides reports. */
export interface SqlResultFile {
  format: typeof SQL_RESULT_FORMAT;
  engine: string;
  /** The analysis options the job was generated with (the report's options). */
  options: { since?: string; until?: string; portScanThreshold: number; portScanWindowSeconds: number; topTalkers: number; rejectedGroups: number; pricePerGb?: number };
  tables: ResultTables;
}
export const SQL_RESULT_FORMAT = 'ibmflowlogs-sql-results/1';

const num = (v: unknown): number => (v === null || v === undefined ? 0 : typeof v === 'number' ? v : Number(v));
const optNum = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : num(v));
const bool = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 'true';
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === null || v === undefined ? [] : [v]);

function problemsOf(text: unknown): Problem[] {
  try {
    const parsed = JSON.parse(str(text)) as unknown;
    if (Array.isArray(parsed)) return parsed.map((p) => ({ path: str((p as Problem).path), reason: str((p as Problem).reason) }));
  } catch {
    // fall through
  }
  return [{ path: '', reason: str(text) || 'unknown problem' }];
}

export function partsOfResults(t: ResultTables, params: Pick<AnalysisParams, 'portScanThreshold' | 'portScanWindowSeconds'>): AnalysisParts {
  const summary = t.summary[0] ?? {};
  const totals = t.totals[0] ?? {};
  const flows = num(totals.flows);
  const accepted = num(totals.accepted);
  return {
    analyzed: num(summary.analyzed),
    records: num(summary.records),
    keyEncodings: { urlEncoded: num(summary.url_encoded), raw: num(summary.raw) },
    failures: t.failures.map((r) => ({ key: str(r.object_key), kind: str(r.error_kind) as ObjectErrorKind, problems: problemsOf(r.problems) })),
    miscounted: t.miscounted.map((r) => ({ key: str(r.object_key), declared: num(r.declared_records), actual: num(r.record_count) })),
    interfaces: t.interfaces.map((r) => ({
      interfaceId: str(r.interface_id),
      instanceCrn: str(r.instance_crn),
      vpcCrn: str(r.vpc_crn),
      collectors: list(r.collectors).map(str),
      ...totalsOf(r),
    })),
    collectors: t.collectors.map((r) => ({
      collectorCrn: str(r.collector_crn),
      interfaces: num(r.interfaces),
      storedBytes: num(r.stored_bytes),
      jsonBytes: num(r.json_bytes),
      ...totalsOf(r),
    })),
    totals: {
      flows,
      accepted,
      rejected: flows - accepted,
      bytes: num(totals.bytes),
      packets: num(totals.packets),
      bothEnds: { pairs: num(totals.both_ends_pairs), flows: num(totals.both_ends_flows), bytes: num(totals.both_ends_bytes), packets: num(totals.both_ends_packets) },
    },
    topTalkers: t.top_talkers.map((r) => ({ initiator: num(r.initiator_ip), target: num(r.target_ip), bytes: num(r.bytes), packets: num(r.packets), flows: num(r.flows) })),
    rejectedGroups: t.rejected_groups.map((r) => ({
      initiator: num(r.initiator_ip),
      target: num(r.target_ip),
      targetPort: num(r.target_port),
      protocol: num(r.protocol),
      outbound: bool(r.outbound),
      flows: num(r.flows),
      packets: num(r.packets),
      bytes: num(r.bytes),
      interfaces: list(r.interfaces).map(str),
    })),
    totalRejectedGroups: num(t.rejected_group_count[0]?.groups),
    asymmetric: t.asymmetric.map((r) => ({
      interfaceId: str(r.interface_id),
      rejectedSide: bool(r.replies) ? 'replies' : 'requests',
      dropDirection: bool(r.drop_outbound) ? 'outbound' : 'inbound',
      protocol: num(r.protocol),
      initiatorIps: list(r.initiator_ips).map(num),
      targetIp: num(r.target_ip),
      targetPort: num(r.target_port),
      connections: num(r.connections),
      rejectedPackets: num(r.packets),
      rejectedBytes: num(r.bytes),
      acceptedOn: list(r.accepted_on).map(str),
    })),
    portScans: t.port_scans.map((r) => ({
      initiatorIp: num(r.initiator_ip),
      ports: list(r.ports).map(num),
      targets: list(r.targets).map(num),
      protocols: list(r.protocols).map(num),
      rejectedFlows: num(r.rejected_flows),
      maxPortsInWindow: num(r.max_ports),
      maxHostsInWindow: num(r.max_hosts),
      windowStartMs: num(r.window_start),
      windowEndMs: num(r.window_end),
      windowSeconds: params.portScanWindowSeconds,
      threshold: params.portScanThreshold,
      interfaces: list(r.interfaces).map(str),
    })),
    silentInterfaceIds: t.silent_interfaces.map((r) => str(r.id)),
    ...(optNum(summary.capture_start) !== undefined && optNum(summary.capture_end) !== undefined ? { captureStart: num(summary.capture_start), captureEnd: num(summary.capture_end) } : {}),
  };
}

function totalsOf(r: Row) {
  return {
    objects: num(r.objects),
    emptyObjects: num(r.empty_objects),
    skipDataObjects: num(r.skip_data_objects),
    flows: num(r.flows),
    accepted: num(r.accepted),
    rejected: num(r.rejected),
    bytes: num(r.bytes),
    packets: num(r.packets),
  };
}
