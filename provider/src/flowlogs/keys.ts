/**
 * Flow-log object keys (emulator/README.md, "Flow logs"):
 *
 *   ibm_vpc_flowlogs_v1/account=…/region=…/vpc-id=<URL-encoded CRN>/subnet-id=<URL-encoded CRN>/endpoint-type=vnics/
 *     instance-id=<URL-encoded CRN>/vnic-id=<id>/record-type=ingress|egress/year=YYYY/month=MM/day=DD/hour=HH/
 *     stream-id=yyyymmddThhmmssZ/NNNNNNNN.gz
 *
 * Two spellings of the CRN levels are met in buckets: URL-encoded (IBM's own sample key in IBM-Cloud/vpc-flowlogs,
 * `vpc-id=crn%3Av1%3A…%3Aa%2F<account>%3A%3Avpc%3A…`) and raw (`vpc-id=crn:v1:…:a/<account>::vpc:…`, where the CRN's
 * `a/<account>` scope adds a path level). Both parse to the same parts; the parse says which it met.
 *
 * A builder, a parser, and prefix narrowing: which key prefixes to list for a scope (account, region, VPC, subnet,
 * instance, interface, record type, time range). Pure: no I/O.
 */
import { idOfCrn, isCrn, parseCrn } from '../ibm/crn';
import { daysInMonth, utcMs } from './time';

export const KEY_ROOT = 'ibm_vpc_flowlogs_v1/';

/** `endpoint-type`: the only documented value. */
export const ENDPOINT_TYPE = 'vnics';

/**
 * `record-type` values the service writes: one ingress and one egress object per interface and interval.
 * Current docs still list `all`; the parser accepts it, but prefix narrowing lists only these unless told otherwise.
 */
export const RECORD_TYPES = ['ingress', 'egress'] as const;
export type RecordType = 'ingress' | 'egress' | 'all';

export interface FlowLogKey {
  account: string;
  region: string;
  /** Full CRN (decoded). */
  vpcCrn: string;
  subnetCrn: string;
  endpointType: string;
  instanceCrn: string;
  /** `vnic-id`: the network interface id (plain, no CRN). */
  interfaceId: string;
  recordType: RecordType;
  year: number;
  month: number;
  day: number;
  hour: number;
  /** `yyyymmddThhmmssZ`: when the first object of this stream was created. */
  streamId: string;
  sequence: number;
}

/** The partition levels of a key, in order, up to the time partitions. */
export const KEY_LEVELS = ['account', 'region', 'vpc-id', 'subnet-id', 'endpoint-type', 'instance-id', 'vnic-id', 'record-type'] as const;
export type KeyLevel = (typeof KEY_LEVELS)[number];
const TIME_LEVELS = ['year', 'month', 'day', 'hour', 'stream-id'] as const;

/**
 * How the CRN levels (vpc-id, subnet-id, instance-id) are spelled: `url-encoded` (`crn%3Av1%3A…`), or `raw`
 * (`crn:v1:…:a/<account>::…`, one more path level each).
 */
export type CrnEncoding = 'url-encoded' | 'raw';
export const CRN_ENCODINGS: readonly CrnEncoding[] = ['url-encoded', 'raw'];

/** The levels whose values are CRNs. */
const CRN_LEVELS: ReadonlySet<string> = new Set(['vpc-id', 'subnet-id', 'instance-id']);

const enc = (value: string) => encodeURIComponent(value);
/** A level's value as a key spells it. */
const spell = (level: string, value: string, encoding: CrnEncoding) => (encoding === 'raw' && CRN_LEVELS.has(level) && isCrn(value) ? value : enc(value));
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The object key of these parts (values URL-encoded, or CRNs raw; numbers zero-padded; sequence `%08d`). */
export function buildKey(k: FlowLogKey, encoding: CrnEncoding = 'url-encoded'): string {
  const crn = (level: string, value: string) => spell(level, value, encoding);
  return (
    `${KEY_ROOT}account=${enc(k.account)}/region=${enc(k.region)}/vpc-id=${crn('vpc-id', k.vpcCrn)}/subnet-id=${crn('subnet-id', k.subnetCrn)}` +
    `/endpoint-type=${enc(k.endpointType)}/instance-id=${crn('instance-id', k.instanceCrn)}/vnic-id=${enc(k.interfaceId)}` +
    `/record-type=${k.recordType}/year=${pad(k.year, 4)}/month=${pad(k.month, 2)}/day=${pad(k.day, 2)}/hour=${pad(k.hour, 2)}` +
    `/stream-id=${k.streamId}/${pad(k.sequence, 8)}.gz`
  );
}

/** `yyyymmddThhmmssZ` of epoch ms. */
export function streamIdOf(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export type KeyParse = { ok: true; key: FlowLogKey; encoding: CrnEncoding } | { ok: false; reason: string };

/**
 * A raw CRN cut by its scope's `/`: `crn:v1:<cname>:<ctype>:<service>:<location>:a` (or `o`, `s`), whose scope
 * id and the rest of the CRN are in the next path segment.
 */
const PARTIAL_CRN = /^crn:v1:[^:/%]*:[^:/%]*:[^:/%]*:[^:/%]*:[aos]$/;

/** Whether a level value read from a path (a key segment, a listing prefix) is a raw CRN cut at its scope. */
export function isPartialCrn(level: string, value: string): boolean {
  return CRN_LEVELS.has(level) && PARTIAL_CRN.test(value);
}

const STREAM_ID = /^\d{8}T\d{6}Z$/;
const SEQUENCE = /^(\d{8,})\.gz$/;

/** The number written with exactly `width` decimal digits, or -1. */
function digitsValue(text: string, width: number): number {
  if (text.length !== width) return -1;
  let v = 0;
  for (let i = 0; i < width; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Parses a key of the documented layout; the reason says which segment is wrong. Never throws. */
export function parseKey(key: string): KeyParse {
  const fail = (reason: string): KeyParse => ({ ok: false, reason: `key ${JSON.stringify(key.slice(0, 1024))} is not a flow-log object key: ${reason}` });
  if (!key.startsWith(KEY_ROOT)) return fail(`it does not start with ${KEY_ROOT}`);
  const names = [...KEY_LEVELS, ...TIME_LEVELS];
  // A raw CRN's `a/<account>` splits it over two segments: join them back.
  const split = key.slice(KEY_ROOT.length).split('/');
  const segments: string[] = [];
  let raw = false;
  for (let j = 0; j < split.length; j++) {
    const eq = split[j].indexOf('=');
    if (j + 1 < split.length && eq > 0 && isPartialCrn(split[j].slice(0, eq), split[j].slice(eq + 1))) {
      segments.push(`${split[j]}/${split[++j]}`);
      raw = true;
    } else {
      segments.push(split[j]);
    }
  }
  if (segments.length !== names.length + 1) return fail(`expected ${names.length + 1} segments after ${KEY_ROOT}, found ${segments.length}`);
  const values: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const prefix = `${names[i]}=`;
    if (!segments[i].startsWith(prefix)) return fail(`segment ${i + 2} should be ${prefix}…, found ${JSON.stringify(segments[i])}`);
    let value = segments[i].slice(prefix.length);
    if (value.includes('%')) {
      try {
        value = decodeURIComponent(value);
      } catch {
        return fail(`${names[i]} is not valid URL encoding`);
      }
    }
    if (value === '') return fail(`${names[i]} is empty`);
    values.push(value);
  }
  const [account, region, vpcCrn, subnetCrn, endpointType, instanceCrn, interfaceId, recordType, y, mo, d, h, streamId] = values;
  if (recordType !== 'ingress' && recordType !== 'egress' && recordType !== 'all') return fail(`record-type must be ingress or egress, found ${JSON.stringify(recordType)}`);
  const year = digitsValue(y, 4);
  if (year < 0) return fail(`year must have 4 digits, found ${JSON.stringify(y)}`);
  const month = digitsValue(mo, 2);
  if (month < 1 || month > 12) return fail(`month must be 01-12, found ${JSON.stringify(mo)}`);
  const day = digitsValue(d, 2);
  if (day < 1 || day > daysInMonth(year, month)) return fail(`day must be 01-${daysInMonth(year, month)}, found ${JSON.stringify(d)}`);
  const hour = digitsValue(h, 2);
  if (hour < 0 || hour > 23) return fail(`hour must be 00-23, found ${JSON.stringify(h)}`);
  if (!STREAM_ID.test(streamId)) return fail(`stream-id must be yyyymmddThhmmssZ, found ${JSON.stringify(streamId)}`);
  const seq = SEQUENCE.exec(segments[segments.length - 1]);
  if (!seq) return fail(`the object name must be an 8-digit sequence number and .gz, found ${JSON.stringify(segments[segments.length - 1])}`);
  return {
    ok: true,
    key: { account, region, vpcCrn, subnetCrn, endpointType, instanceCrn, interfaceId, recordType, year, month, day, hour, streamId, sequence: Number(seq[1]) },
    encoding: raw ? 'raw' : 'url-encoded',
  };
}

/** Epoch ms of the start of a key's hour partition. */
export function partitionStartMs(key: Pick<FlowLogKey, 'year' | 'month' | 'day' | 'hour'>): number {
  return utcMs(key.year, key.month, key.day, key.hour, 0, 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Scopes and prefix narrowing

/**
 * What to read. `vpc`, `subnet` and `instance` take a CRN or an id: only a CRN can go into a key prefix (keys hold
 * CRNs); an id is matched against the parsed key. Times are epoch ms or Dates; `until` is exclusive.
 */
export interface KeyScope {
  account?: string;
  region?: string;
  vpc?: string;
  subnet?: string;
  instance?: string;
  /** `vnic-id`: a network interface id. */
  interfaceId?: string;
  recordType?: RecordType;
  since?: number | Date;
  until?: number | Date;
}

export interface NarrowingOptions {
  /**
   * Margin around the time range when choosing hour partitions, since the docs do not say which time (capture
   * start, capture end or upload) names an object's hour. Documents are then filtered by their capture window.
   * @default 15 minutes
   */
  partitionSlackMs?: number;
  /** Record types listed when the scope names none. @default RECORD_TYPES (ingress, egress) */
  recordTypes?: readonly RecordType[];
  /** "Now", the end of a range with only `since`. @default Date.now() */
  now?: number;
  /** How the bucket spells CRN levels in its keys, for the CRNs put into prefixes. @default url-encoded */
  crnEncoding?: CrnEncoding;
}

export const DEFAULT_PARTITION_SLACK_MS = 15 * 60 * 1000;

const HOUR = 3600_000;
const DAY = 24 * HOUR;

const msOf = (t: number | Date | undefined) => (t instanceof Date ? t.getTime() : t);

/** The scope's time range widened by the slack, or undefined when it has no lower bound. */
export function partitionRange(scope: KeyScope, options: NarrowingOptions = {}): { from: number; to: number } | undefined {
  const since = msOf(scope.since);
  if (since === undefined) return undefined;
  const slack = options.partitionSlackMs ?? DEFAULT_PARTITION_SLACK_MS;
  const until = msOf(scope.until) ?? options.now ?? Date.now();
  return { from: since - slack, to: until + slack };
}

/** The value a level takes under this scope: known values, or undefined when the scope does not pin it. */
function knownValues(level: KeyLevel, scope: KeyScope, options: NarrowingOptions): readonly string[] | undefined {
  switch (level) {
    case 'account': {
      const account = scope.account ?? impliedByCrn(scope).account;
      return account !== undefined ? [account] : undefined;
    }
    case 'region': {
      const region = scope.region ?? impliedByCrn(scope).region;
      return region !== undefined ? [region] : undefined;
    }
    case 'vpc-id':
      return scope.vpc !== undefined && isCrn(scope.vpc) ? [scope.vpc] : undefined;
    case 'subnet-id':
      return scope.subnet !== undefined && isCrn(scope.subnet) ? [scope.subnet] : undefined;
    case 'endpoint-type':
      return [ENDPOINT_TYPE];
    case 'instance-id':
      return scope.instance !== undefined && isCrn(scope.instance) ? [scope.instance] : undefined;
    case 'vnic-id':
      return scope.interfaceId !== undefined ? [scope.interfaceId] : undefined;
    case 'record-type':
      return scope.recordType !== undefined ? [scope.recordType] : (options.recordTypes ?? RECORD_TYPES);
  }
}

/**
 * The account and region a scope's CRN implies: a CRN names its account (`a/<account>`) and its location (a VPC
 * CRN its region, a subnet or instance CRN its zone, `us-south-2`, in region `us-south`), which are the first two
 * levels of every key under it.
 */
function impliedByCrn(scope: KeyScope): { account?: string; region?: string } {
  for (const value of [scope.vpc, scope.subnet, scope.instance]) {
    const crn = value !== undefined && isCrn(value) ? parseCrn(value) : undefined;
    if (!crn) continue;
    const account = /^a\/(.+)$/.exec(crn.scope)?.[1];
    const region = crn.location.replace(/-\d+$/, '');
    return { ...(account ? { account } : {}), ...(region ? { region } : {}) };
  }
  return {};
}

/** Whether the scope constrains a level at all (a pinned value or an id to match). */
function constrains(level: KeyLevel, scope: KeyScope): boolean {
  switch (level) {
    case 'account':
      return scope.account !== undefined;
    case 'region':
      return scope.region !== undefined;
    case 'vpc-id':
      return scope.vpc !== undefined;
    case 'subnet-id':
      return scope.subnet !== undefined;
    case 'instance-id':
      return scope.instance !== undefined;
    case 'vnic-id':
      return scope.interfaceId !== undefined;
    case 'record-type':
      return scope.recordType !== undefined;
    case 'endpoint-type':
      return false;
  }
}

export interface PrefixPlan {
  /** The longest prefixes the layout allows with what the scope pins; listing them all covers the scope. */
  prefixes: string[];
  /**
   * The first level whose value the scope does not pin although the scope constrains it or a later level (or a
   * time range is given): listing that level's values (a delimiter listing) and planning again with each value
   * narrows further. Undefined when nothing more can be narrowed.
   */
  openLevel?: KeyLevel;
}

/**
 * The prefixes to list for a scope. Levels are appended while the scope pins their value; the first level it does
 * not pin ends the prefix (an interface id alone cannot narrow: vpc-id, subnet-id and instance-id come first). When
 * every level up to record-type is pinned and a time range is given, the range (widened by the slack) is covered by
 * the fewest whole year / month / day / hour partitions. Whatever is not narrowed is filtered by `keyInScope`.
 */
export function planPrefixes(scope: KeyScope, options: NarrowingOptions = {}): PrefixPlan {
  return planPrefixesFrom(KEY_ROOT, 0, scope, options);
}

/**
 * `planPrefixes` continued from a prefix that already holds the first `levelsDone` levels (one found by a
 * delimiter listing, kept as the bucket spells it).
 */
export function planPrefixesFrom(prefix: string, levelsDone: number, scope: KeyScope, options: NarrowingOptions = {}): PrefixPlan {
  let prefixes = [prefix];
  const range = partitionRange(scope, options);
  for (let i = levelsDone; i < KEY_LEVELS.length; i++) {
    const level = KEY_LEVELS[i];
    const values = knownValues(level, scope, options);
    if (values === undefined) {
      const laterConstrained = range !== undefined || KEY_LEVELS.slice(i).some((l) => constrains(l, scope));
      return laterConstrained ? { prefixes, openLevel: level } : { prefixes };
    }
    const encoding = options.crnEncoding ?? 'url-encoded';
    const segments = values.map((v) => `${level}=${level === 'record-type' ? v : spell(level, v, encoding)}/`);
    prefixes = prefixes.flatMap((p) => segments.map((s) => p + s));
  }
  if (range === undefined) return { prefixes };
  const times = timePartitionPrefixes(range.from, range.to);
  return { prefixes: prefixes.flatMap((p) => times.map((t) => p + t)) };
}

/** `planPrefixes(scope).prefixes`: the narrowing that needs no listing. */
export function narrowPrefixes(scope: KeyScope, options: NarrowingOptions = {}): string[] {
  return planPrefixes(scope, options).prefixes;
}

/**
 * The value of `level` in a common prefix returned by a delimiter listing (`…/vpc-id=crn%3A…/`, or a raw CRN over
 * two segments: `…/vpc-id=crn:v1:…:a/<account>::vpc:…/`), decoded, or undefined when the prefix does not end in that
 * level. A raw CRN cut at its scope (`…/vpc-id=crn:v1:…:a/`) comes back as such (see `isPartialCrn`): list one
 * level deeper for the whole value.
 */
export function levelValueOf(commonPrefix: string, level: KeyLevel): string | undefined {
  const trimmed = commonPrefix.endsWith('/') ? commonPrefix.slice(0, -1) : commonPrefix;
  let segment = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  if (!segment.startsWith(`${level}=`) && CRN_LEVELS.has(level)) {
    const before = trimmed.slice(0, trimmed.lastIndexOf('/'));
    const previous = before.slice(before.lastIndexOf('/') + 1);
    if (previous.startsWith(`${level}=`) && isPartialCrn(level, previous.slice(level.length + 1))) segment = `${previous}/${segment}`;
  }
  if (!segment.startsWith(`${level}=`)) return undefined;
  try {
    const value = decodeURIComponent(segment.slice(level.length + 1));
    return value === '' ? undefined : value;
  } catch {
    return undefined;
  }
}

/** A CRN-or-id filter against the CRN found in a key. */
function matchesResource(filter: string | undefined, crn: string): boolean {
  if (filter === undefined) return true;
  return isCrn(filter) ? filter === crn : idOfCrn(crn) === filter;
}

/** Whether a level's value found in the bucket can hold objects of the scope. */
export function levelValueInScope(level: KeyLevel, value: string, scope: KeyScope): boolean {
  switch (level) {
    case 'account':
      return scope.account === undefined || scope.account === value;
    case 'region':
      return scope.region === undefined || scope.region === value;
    case 'vpc-id':
      return matchesResource(scope.vpc, value);
    case 'subnet-id':
      return matchesResource(scope.subnet, value);
    case 'instance-id':
      return matchesResource(scope.instance, value);
    case 'vnic-id':
      return scope.interfaceId === undefined || scope.interfaceId === value;
    case 'record-type':
      return scope.recordType === undefined || scope.recordType === value;
    case 'endpoint-type':
      return true;
  }
}

/** Whether a parsed key is in the scope: every level's value, and its hour partition within the widened range. */
export function keyInScope(key: FlowLogKey, scope: KeyScope, options: NarrowingOptions = {}): boolean {
  if (!levelValueInScope('account', key.account, scope)) return false;
  if (!levelValueInScope('region', key.region, scope)) return false;
  if (!levelValueInScope('vpc-id', key.vpcCrn, scope)) return false;
  if (!levelValueInScope('subnet-id', key.subnetCrn, scope)) return false;
  if (!levelValueInScope('instance-id', key.instanceCrn, scope)) return false;
  if (!levelValueInScope('vnic-id', key.interfaceId, scope)) return false;
  if (!levelValueInScope('record-type', key.recordType, scope)) return false;
  const range = partitionRange(scope, options);
  const until = msOf(scope.until);
  if (range !== undefined) {
    const start = partitionStartMs(key);
    if (start + HOUR <= range.from || start >= range.to) return false;
  } else if (until !== undefined) {
    const slack = options.partitionSlackMs ?? DEFAULT_PARTITION_SLACK_MS;
    if (partitionStartMs(key) >= until + slack) return false;
  }
  return true;
}

/**
 * The fewest aligned year / month / day / hour partitions (`year=2025/month=01/`, …) whose hours cover
 * [from, to): whole years, months and days collapse to one prefix each. UTC.
 */
export function timePartitionPrefixes(from: number, to: number): string[] {
  const out: string[] = [];
  let t = Math.floor(from / HOUR) * HOUR;
  while (t < to) {
    const d = new Date(t);
    const y = d.getUTCFullYear();
    const mo = d.getUTCMonth() + 1;
    const day = d.getUTCDate();
    const h = d.getUTCHours();
    const ys = `year=${pad(y, 4)}/`;
    const ms = `${ys}month=${pad(mo, 2)}/`;
    const ds = `${ms}day=${pad(day, 2)}/`;
    const nextYear = utcMs(y + 1, 1, 1, 0, 0, 0);
    const nextMonth = mo === 12 ? nextYear : utcMs(y, mo + 1, 1, 0, 0, 0);
    if (h === 0 && day === 1 && mo === 1 && nextYear <= to) {
      out.push(ys);
      t = nextYear;
    } else if (h === 0 && day === 1 && nextMonth <= to) {
      out.push(ms);
      t = nextMonth;
    } else if (h === 0 && t + DAY <= to) {
      out.push(ds);
      t += DAY;
    } else {
      out.push(`${ds}hour=${pad(h, 2)}/`);
      t += HOUR;
    }
  }
  return out;
}
