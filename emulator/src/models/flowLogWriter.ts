import type { Clock } from './clock';
import type { CollectorModel } from './collectors';
import type { CosModel } from './cos';
import type { EventLog } from './events';
import { CONTENT_TYPE, encodeDocument, flowLogDocument, metadataOf, objectKey, rfc3339, WINDOW_SECONDS, type RecordType } from './flowLogFormat';
import { loggedInterfaces, stateAt, winnerOf, writes, type LoggedInterface } from './flowLogRouting';
import type { TopologyModel } from './topology';
import { recordsFor, type Peers, type Window } from './trafficScenarios';
import { hasBackground, type TrafficModel, type TrafficSetting } from './trafficSettings';

/**
 * The flow-log writer: at the end of every capture window (5 minutes, aligned to 5-minute boundaries of the emulator
 * clock) it writes, for each interface whose winning collector is active and stable, one ingress and one egress object
 * to that collector's bucket. Windows are crossed by `POST /_emulator/clock/advance` (each crossed window is written,
 * judged at its own end: collectors created after it, or not yet stable then, do not write it) or written on demand by
 * `POST /_emulator/flowlogs/write`.
 *
 * Streams: a stream is one collector writing one interface without a gap. It starts with the first window written for
 * that pair, and its id is that window's end (`yyyymmddThhmmssZ`); a window not written (suspended, deleted, bucket
 * missing, another winner) ends it, and the next object starts a new stream. The sequence number counts the stream's
 * objects in one hour directory, from 1 (the real key `hour=20/stream-id=20211119T222459Z/00000006.gz` is the sixth
 * window of hour 20 of a stream started days before); ingress and egress share it.
 */

/** At most this many windows are written per clock advance (one day); older crossed windows are skipped. */
export const MAX_WINDOWS_PER_ADVANCE = 288;
const WINDOW_MS = WINDOW_SECONDS * 1000;

export const LOG_EVENTS = {
  bucketNotFound: { action: 'is.flow-log-collector.00003E', message: (bucket: string) => `Cloud Object Storage bucket ${bucket} was not found` },
  notAuthorized: { action: 'is.flow-log-collector.00002E', message: (bucket: string) => `Unauthorized access to Cloud Object Storage bucket ${bucket}` },
} as const;

export interface WrittenObject {
  bucket: string;
  key: string;
  interfaceId: string;
  collectorId: string;
  recordType: RecordType;
  records: number;
}

export type NotWrittenReason = 'uncovered' | 'suspended' | 'pending' | 'updating' | 'deleting' | 'failed' | 'waiting' | 'bucket_not_found' | 'bucket_not_authorized';

export interface NotWritten {
  interfaceId: string;
  collectorId?: string;
  reason: NotWrittenReason;
}

export interface WindowResult {
  captureStart: string;
  captureEnd: string;
  objects: WrittenObject[];
  notWritten: NotWritten[];
}

export interface AdvanceSummary {
  /** Windows written by this advance, and crossed windows skipped over the cap. */
  windows: number;
  skippedWindows: number;
  objects: number;
}

interface Stream {
  id: number;
  lastEnd: number;
  hour: number;
  sequence: number;
}

export interface FlowLogWriterSnapshot {
  /** The last window end the clock-driven writer has handled (ms on the emulator clock). */
  processedThrough: number;
  streams: Record<string, Stream>;
  written: Record<string, number>;
}

/** A window judged at its end: who writes what. Everything needed later is copied here, synchronously. */
interface WindowPlan {
  window: Window;
  groups: Array<{ collectorId: string; collectorCrn: string; bucket: string; resourceGroupId: string; interfaces: LoggedInterface[] }>;
  notWritten: NotWritten[];
  settings: Map<string, TrafficSetting>;
  peers: Map<string, Peers>;
  account: string;
  region: string;
}

export class FlowLogWriter {
  private processedThrough: number;
  private readonly streams = new Map<string, Stream>();
  private readonly written = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();
  private lastAdvance: Promise<AdvanceSummary> = Promise.resolve({ windows: 0, skippedWindows: 0, objects: 0 });
  private timer?: NodeJS.Timeout;
  /** Called after each window is written (persistence hangs here). */
  afterWrite: () => void = () => undefined;

  constructor(
    private readonly clock: Clock,
    private readonly topology: () => TopologyModel,
    private readonly collectors: CollectorModel,
    private readonly cos: CosModel,
    private readonly events: EventLog,
    private readonly traffic: TrafficModel,
    snapshot?: FlowLogWriterSnapshot,
  ) {
    const boundary = Math.floor(clock.now() / WINDOW_MS) * WINDOW_MS;
    // After a restart, windows that passed while the emulator was stopped are not written.
    this.processedThrough = Math.max(boundary, snapshot?.processedThrough ?? 0);
    for (const [k, v] of Object.entries(snapshot?.streams ?? {})) this.streams.set(k, v);
    for (const [k, v] of Object.entries(snapshot?.written ?? {})) this.written.set(k, v);
    clock.onAdvance((now) => {
      this.lastAdvance = this.catchUp(now);
    });
  }

  /** What the last clock advance wrote, once it is all in COS (the advance handler awaits it before answering). */
  advanced(): Promise<AdvanceSummary> {
    return this.lastAdvance;
  }

  /** Writes every window whose end the clock has passed (at most {@link MAX_WINDOWS_PER_ADVANCE}). */
  private catchUp(now: number): Promise<AdvanceSummary> {
    const last = Math.floor(now / WINDOW_MS) * WINDOW_MS;
    const due = Math.max(0, (last - this.processedThrough) / WINDOW_MS);
    const count = Math.min(due, MAX_WINDOWS_PER_ADVANCE);
    this.processedThrough = Math.max(this.processedThrough, last);
    const ends = Array.from({ length: count }, (_, k) => last - (count - 1 - k) * WINDOW_MS);
    // Judged now, synchronously: the caller settles the collectors to the latest time right after.
    const plans = this.plan(ends.map((end) => ({ start: end - WINDOW_MS, end })));
    return this.enqueue(async () => {
      let objects = 0;
      for (const p of plans) objects += (await this.execute(p)).objects.length;
      return { windows: count, skippedWindows: due - count, objects };
    });
  }

  /** `POST /_emulator/flowlogs/write`: one window ending now (to the second), whatever the 5-minute boundaries. */
  writeNow(): Promise<WindowResult> {
    const now = this.clock.now();
    const end = Math.floor(now / 1000) * 1000;
    // Judged at this very moment, so a collector created a few milliseconds ago already counts.
    const [plan] = this.plan([{ start: end - WINDOW_MS, end }], now);
    return this.enqueue(() => this.execute(plan));
  }

  /** Also writes windows as wall time crosses boundaries (for a long-running emulator); checks once a second. */
  startRealTime(): void {
    this.timer ??= setInterval(() => {
      if (Math.floor(this.clock.now() / WINDOW_MS) * WINDOW_MS > this.processedThrough) {
        this.catchUp(this.clock.now()).catch(() => undefined);
      }
    }, 1000).unref();
  }

  stop(): Promise<unknown> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return this.queue.catch(() => undefined);
  }

  /** Objects written per bucket since the last reset. */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.written].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  status() {
    return { windowSeconds: WINDOW_SECONDS, processedThrough: rfc3339(this.processedThrough), maxWindowsPerAdvance: MAX_WINDOWS_PER_ADVANCE, objectsWritten: this.counts() };
  }

  reset(): void {
    this.streams.clear();
    this.written.clear();
  }

  snapshot(): FlowLogWriterSnapshot {
    return { processedThrough: this.processedThrough, streams: Object.fromEntries(this.streams), written: Object.fromEntries(this.written) };
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Judges each window at its end, or at `at` when given. */
  private plan(windows: Window[], at?: number): WindowPlan[] {
    const topo = this.topology();
    const interfaces = loggedInterfaces(topo);
    const settings = new Map(interfaces.map((i) => [i.id, this.traffic.get(i.id)]));
    const peers = peersOf(interfaces, settings);
    const records = this.collectors.unsettled().map((r) => ({ r, created: Date.parse(r.createdAt) }));
    return windows.map((window) => {
      const when = at ?? window.end;
      const byTarget = new Map<string, (typeof records)[number]>();
      for (const c of records) if (c.created <= when && stateAt(c.r, when) !== 'gone') byTarget.set(c.r.target.id, c);
      const groups = new Map<string, WindowPlan['groups'][number]>();
      const notWritten: NotWritten[] = [];
      for (const i of interfaces) {
        const win = winnerOf(i, byTarget);
        if (!win) {
          notWritten.push({ interfaceId: i.id, reason: 'uncovered' });
          continue;
        }
        const r = win.collector.r;
        const state = stateAt(r, when);
        if (!writes(state, r.active)) {
          const reason = state === 'stable' || state === 'gone' ? 'suspended' : state;
          notWritten.push({ interfaceId: i.id, collectorId: r.id, reason });
          continue;
        }
        let g = groups.get(r.id);
        if (!g) groups.set(r.id, (g = { collectorId: r.id, collectorCrn: r.crn, bucket: r.bucket, resourceGroupId: r.resourceGroupId, interfaces: [] }));
        g.interfaces.push(i);
      }
      return { window, groups: [...groups.values()], notWritten, settings, peers, account: topo.account, region: topo.region };
    });
  }

  private async execute(p: WindowPlan): Promise<WindowResult> {
    const result: WindowResult = { captureStart: rfc3339(p.window.start), captureEnd: rfc3339(p.window.end), objects: [], notWritten: [...p.notWritten] };
    for (const g of p.groups) {
      const problem = !(await this.cos.bucketExists(g.bucket)) ? 'bucket_not_found' : !this.cos.isAuthorized(g.bucket, g.resourceGroupId) ? 'bucket_not_authorized' : undefined;
      if (problem) {
        const event = problem === 'bucket_not_found' ? LOG_EVENTS.bucketNotFound : LOG_EVENTS.notAuthorized;
        this.events.record(event.action, g.collectorCrn, event.message(g.bucket), p.window.end);
        for (const i of g.interfaces) result.notWritten.push({ interfaceId: i.id, collectorId: g.collectorId, reason: problem });
        continue;
      }
      for (const i of g.interfaces) {
        const { sequence, streamStart } = this.nextInStream(`${g.collectorId}|${i.id}`, p.window);
        const traffic = recordsFor(i, p.settings.get(i.id)!, p.window, p.peers.get(i.id) ?? { from: [] });
        for (const recordType of ['ingress', 'egress'] as const) {
          const doc = flowLogDocument(
            {
              collector_crn: g.collectorCrn,
              network_interface_id: i.id,
              instance_crn: i.instance.crn,
              vpc_crn: i.vpc.crn,
              capture_start_time: rfc3339(p.window.start),
              capture_end_time: rfc3339(p.window.end),
            },
            traffic[recordType],
          );
          const key = objectKey({
            account: p.account,
            region: p.region,
            vpcCrn: i.vpc.crn,
            subnetCrn: i.subnet.crn,
            instanceCrn: i.instance.crn,
            interfaceId: i.id,
            recordType,
            captureStart: p.window.start,
            streamStart,
            sequence,
          });
          const body = encodeDocument(doc);
          const metadata = { 'content-type': CONTENT_TYPE, ...metadataOf(doc) };
          this.cos.putObjectSync(g.bucket, key, body, metadata);
          this.written.set(g.bucket, (this.written.get(g.bucket) ?? 0) + 1);
          result.objects.push({ bucket: g.bucket, key, interfaceId: i.id, collectorId: g.collectorId, recordType, records: doc.number_of_flow_logs });
        }
      }
    }
    this.forgetStreamsBefore(p.window.start);
    this.afterWrite();
    return result;
  }

  /** The stream a window's objects go to (continued when the pair's last window ended no earlier than this one starts). */
  private nextInStream(pair: string, w: Window): { sequence: number; streamStart: number } {
    const hour = Math.floor(w.start / 3_600_000);
    let s = this.streams.get(pair);
    if (!s || s.lastEnd < w.start) s = { id: w.end, lastEnd: w.end, hour, sequence: 0 };
    s.sequence = s.hour === hour ? s.sequence + 1 : 1;
    s.hour = hour;
    s.lastEnd = Math.max(s.lastEnd, w.end);
    this.streams.set(pair, s);
    return { sequence: s.sequence, streamStart: s.id };
  }

  /** Streams whose pair missed a whole window have ended; dropping them keeps the map small. */
  private forgetStreamsBefore(start: number): void {
    for (const [pair, s] of this.streams) if (s.lastEnd < start - WINDOW_MS) this.streams.delete(pair);
  }
}

/** Background-traffic peers: in each VPC, the interfaces with background traffic, by id, each to the next (wrapping). */
function peersOf(interfaces: LoggedInterface[], settings: Map<string, TrafficSetting>): Map<string, Peers> {
  const byVpc = new Map<string, LoggedInterface[]>();
  for (const i of interfaces) {
    if (!hasBackground(settings.get(i.id)!)) continue;
    const list = byVpc.get(i.vpc.id) ?? [];
    list.push(i);
    byVpc.set(i.vpc.id, list);
  }
  const peers = new Map<string, Peers>();
  const of = (i: LoggedInterface) => {
    let p = peers.get(i.id);
    if (!p) peers.set(i.id, (p = { from: [] }));
    return p;
  };
  for (const list of byVpc.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    list.forEach((i, k) => {
      const next = list[(k + 1) % list.length];
      of(i).to = next;
      of(next).from.push(i);
    });
  }
  return peers;
}
