/**
 * The report from what an engine computed: the native analyzer and the SQL engines (DuckDB here, Spark on IBM
 * Analytics Engine) each compute the same parts, and this one function orders them, words the findings and
 * projects the volume, so that every engine gives the same JSON.
 */
import { asymmetricFinding, sortAsymmetric, type AsymmetricParts } from './asymmetry';
import type { ObjectErrorKind } from './decode';
import { formatProblem, type Problem } from './document';
import { formatIpv4 } from './ipv4';
import { portScanFinding, type PortScanParts } from './portScan';
import type { CollectorTotals, FlowLogReport, InterfaceTotals, Totals, TrafficTotals, VolumeReport } from './report';
import { formatRfc3339 } from './time';
import { protocolName } from './wording';

/** What shapes the report besides the data: the same options every engine takes. */
export interface ReportOptions {
  /** N: distinct ports or hosts within the window that make a port scan. @default 20 */
  portScanThreshold?: number;
  /** @default 300 (one capture interval) */
  portScanWindowSeconds?: number;
  /** Interfaces that should have objects in the range; those that have none are reported. */
  expectedInterfaces?: ReadonlyArray<string | { id: string; name?: string }>;
  /** The range read (epoch ms or Date; `until` exclusive): the period for the 30-day projection. */
  since?: number | Date;
  until?: number | Date;
  /** Price per GB (10^9 bytes) stored, in any currency, for a projected cost; none when absent. */
  pricePerGb?: number;
  /** @default 10 */
  topTalkers?: number;
  /** How many rejected-flow groups to list (the total is always given). @default 50 */
  rejectedGroups?: number;
}

/** An engine's results, lists in any order unless said otherwise. */
export interface AnalysisParts {
  analyzed: number;
  records: number;
  keyEncodings: { urlEncoded: number; raw: number };
  failures: Array<{ key: string; kind: ObjectErrorKind; problems: Problem[] }>;
  /** Objects whose number_of_flow_logs differs from their records. */
  miscounted: Array<{ key: string; declared: number; actual: number }>;
  interfaces: InterfaceTotals[];
  collectors: Array<CollectorTotals & { storedBytes: number; jsonBytes: number }>;
  totals: TrafficTotals;
  /** The first `topTalkers`, in the report's order (bytes, packets, initiator, target). */
  topTalkers: Array<{ initiator: number; target: number; bytes: number; packets: number; flows: number }>;
  /** The first `rejectedGroups`, in the report's order (flows, packets, initiator, target, port · protocol · direction). */
  rejectedGroups: Array<{ initiator: number; target: number; targetPort: number; protocol: number; outbound: boolean; flows: number; packets: number; bytes: number; interfaces: string[] }>;
  totalRejectedGroups: number;
  asymmetric: AsymmetricParts[];
  /** Initiators over the threshold only. */
  portScans: PortScanParts[];
  /** Expected interface ids with no object (valid or not) among those read. */
  silentInterfaceIds: string[];
  /** The span of the valid objects' capture windows (epoch ms), when there is one. */
  captureStart?: number;
  captureEnd?: number;
}

export const DEFAULT_TOP_TALKERS = 10;
export const DEFAULT_REJECTED_GROUPS = 50;

const DAY_MS = 86400_000;
const GB = 1e9;

/** The volume section's note on what it counts. */
export const VOLUME_BASIS =
  'storedBytes: the gzip objects as stored in the bucket (what each collector wrote; a connection logged at both of its ends is stored, ' +
  "and billed, in both interfaces' objects); jsonBytes: their decompressed JSON; trafficBytes: the bytes of the flows, a pair of " +
  'addresses logged at both ends counted once. The 30-day projection scales the period linearly; the cost uses stored GB (10^9 bytes) ' +
  'times the price given.';

/** The warning for an object whose header miscounts its records (IBM's own sample object does). */
export function countMismatch(declared: number, actual: number): string {
  return `number_of_flow_logs is ${declared} but flow_logs has ${actual} record${actual === 1 ? '' : 's'}; the ${actual} records were analyzed`;
}

/** A failure's one-line message: its first problem, and how many more there are. */
export function failureMessage(problems: readonly Problem[]): string {
  const first = problems.length > 0 ? formatProblem(problems[0]) : 'unknown problem';
  return `${first}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`;
}

export function buildReport(parts: AnalysisParts, opts: ReportOptions = {}): FlowLogReport {
  // Built field by field: the same JSON text whichever engine computed the parts.
  const interfaces = [...parts.interfaces]
    .sort((a, b) => cmp(a.interfaceId, b.interfaceId))
    .map((i) => ({ interfaceId: i.interfaceId, instanceCrn: i.instanceCrn, vpcCrn: i.vpcCrn, collectors: [...new Set(i.collectors)].sort(), ...totalsOf(i) }));
  const collectors = [...parts.collectors].sort((a, b) => cmp(a.collectorCrn, b.collectorCrn));
  const sum: Totals = { objects: 0, emptyObjects: 0, skipDataObjects: 0, flows: 0, accepted: 0, rejected: 0, bytes: 0, packets: 0 };
  for (const c of collectors) {
    sum.emptyObjects += c.emptyObjects;
    sum.skipDataObjects += c.skipDataObjects;
  }
  const expected = new Map((opts.expectedInterfaces ?? []).map((e) => (typeof e === 'string' ? { id: e } : { ...e })).map((e) => [e.id, e]));
  const silent = new Set(parts.silentInterfaceIds);
  const warnings = parts.miscounted.map((m) => ({ key: m.key, message: countMismatch(m.declared, m.actual) }));
  return {
    objects: {
      analyzed: parts.analyzed,
      failed: parts.failures.length,
      empty: sum.emptyObjects,
      skipData: sum.skipDataObjects,
      records: parts.records,
      warned: warnings.length,
      keyEncodings: { ...parts.keyEncodings },
    },
    failures: parts.failures.map((f) => ({ key: f.key, kind: f.kind, problems: [...f.problems], message: failureMessage(f.problems) })).sort((a, b) => cmp(a.key, b.key)),
    warnings: warnings.sort((a, b) => cmp(a.key, b.key) || cmp(a.message, b.message)),
    totals: {
      flows: parts.totals.flows,
      accepted: parts.totals.accepted,
      rejected: parts.totals.rejected,
      bytes: parts.totals.bytes,
      packets: parts.totals.packets,
      bothEnds: { pairs: parts.totals.bothEnds.pairs, flows: parts.totals.bothEnds.flows, bytes: parts.totals.bothEnds.bytes, packets: parts.totals.bothEnds.packets },
    },
    interfaces,
    collectors: collectors.map((c) => ({ collectorCrn: c.collectorCrn, interfaces: c.interfaces, ...totalsOf(c) })),
    topTalkers: parts.topTalkers.map((p) => ({ initiatorIp: formatIpv4(p.initiator), targetIp: formatIpv4(p.target), bytes: p.bytes, packets: p.packets, flows: p.flows })),
    rejected: {
      groups: parts.rejectedGroups.map((g) => ({
        initiatorIp: formatIpv4(g.initiator),
        targetIp: formatIpv4(g.target),
        targetPort: g.targetPort,
        protocol: g.protocol,
        protocolName: protocolName(g.protocol),
        direction: g.outbound ? ('outbound' as const) : ('inbound' as const),
        flows: g.flows,
        packets: g.packets,
        bytes: g.bytes,
        interfaces: [...new Set(g.interfaces)].sort(),
      })),
      totalGroups: parts.totalRejectedGroups,
    },
    findings: {
      asymmetric: sortAsymmetric(parts.asymmetric.map(asymmetricFinding)),
      portScans: [...parts.portScans].sort((a, b) => a.initiatorIp - b.initiatorIp).map(portScanFinding),
    },
    silentInterfaces: [...expected.values()].filter((e) => silent.has(e.id)).sort((a, b) => cmp(a.id, b.id)),
    volume: volume(parts, collectors, opts),
  };
}

function volume(parts: AnalysisParts, collectors: AnalysisParts['collectors'], opts: ReportOptions): VolumeReport {
  const ms = (t: number | Date | undefined) => (t instanceof Date ? t.getTime() : t);
  let start: number | undefined = ms(opts.since);
  let end: number | undefined = ms(opts.until);
  let periodSource: VolumeReport['periodSource'] = 'range';
  if (start === undefined || end === undefined) {
    if (parts.captureStart !== undefined && parts.captureEnd !== undefined && parts.captureEnd > parts.captureStart) {
      start = start ?? parts.captureStart;
      end = end ?? parts.captureEnd;
      periodSource = 'capture windows';
    } else {
      start = end = undefined;
      periodSource = 'none';
    }
  }
  const periodMs = start !== undefined && end !== undefined && end > start ? end - start : 0;
  if (periodMs === 0) periodSource = 'none';
  const scale = periodMs > 0 ? (30 * DAY_MS) / periodMs : undefined;
  const price = opts.pricePerGb;
  const trafficBytes = parts.totals.bytes;
  return {
    ...(periodMs > 0 ? { periodStart: formatRfc3339(start!), periodEnd: formatRfc3339(end!) } : {}),
    periodSeconds: periodMs / 1000,
    periodSource,
    basis: VOLUME_BASIS,
    ...(price !== undefined ? { pricePerGb: price } : {}),
    trafficBytes,
    ...(scale !== undefined ? { projected30DayTrafficBytes: Math.round(trafficBytes * scale) } : {}),
    collectors: collectors.map((c) => ({
      collectorCrn: c.collectorCrn,
      objects: c.objects,
      storedBytes: c.storedBytes,
      jsonBytes: c.jsonBytes,
      ...(scale !== undefined
        ? {
            projected30DayStoredBytes: Math.round(c.storedBytes * scale),
            projected30DayJsonBytes: Math.round(c.jsonBytes * scale),
            ...(price !== undefined ? { projected30DayCost: round6(((c.storedBytes * scale) / GB) * price) } : {}),
          }
        : {}),
    })),
  };
}

function totalsOf(t: Totals): Totals {
  return {
    objects: t.objects,
    emptyObjects: t.emptyObjects,
    skipDataObjects: t.skipDataObjects,
    flows: t.flows,
    accepted: t.accepted,
    rejected: t.rejected,
    bytes: t.bytes,
    packets: t.packets,
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
