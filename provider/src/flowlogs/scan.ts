/**
 * The fast decoder: reads a flow-log document straight from its UTF-8 bytes into the packed form, validating every
 * field on the way, without building a JavaScript object per record. It accepts a strict subset of JSON for the
 * documented fields (ASCII strings without escapes, integers without fraction or exponent, timestamps in the form
 * `2021-11-23T20:29:59Z`, no repeated fields); unknown fields, at the top or in a record, are skipped as valid JSON
 * without building anything (so no shape the format does not have can make it slow or large). On anything else,
 * valid or not, it gives up (returns undefined); the caller then decodes with the bounded parser of parse.ts and
 * `validateDocument`, which also explains what is wrong. So whatever this accepts, the slow path accepts with the
 * same values (a property test holds the two to that). More records than the budget end the scan: `TOO_MANY_RECORDS`.
 */
import { headerProblems, UINT32_MAX, type FlowLogHeader } from './document';
import * as P from './packed';
import { COLON, COMMA, LBRACE, LBRACKET, NINE, QUOTE, RBRACE, RBRACKET, skipJsonString, skipJsonValue, ZERO } from './skip';
import { daysFromCivil, daysInMonth, parseRfc3339 } from './time';

// Field kinds.
const TIME = 0;
const DIRECTION = 1;
const ACTION = 2;
const IP = 3;
const PORT = 4;
const PROTOCOL = 5;
const ETHER = 6;
const BOOL_INITIATED = 7;
const BOOL_TERMINATED = 8;
const COUNTER = 9;

/** Record fields: name, kind, slot in the packed record (flags for the enum and boolean kinds). */
const RECORD: ReadonlyArray<readonly [string, number, number]> = [
  ['start_time', TIME, P.F_START],
  ['end_time', TIME, P.F_END],
  ['connection_start_time', TIME, P.F_CONN_START],
  ['direction', DIRECTION, P.F_FLAGS],
  ['action', ACTION, P.F_FLAGS],
  ['initiator_ip', IP, P.F_INITIATOR_IP],
  ['target_ip', IP, P.F_TARGET_IP],
  ['initiator_port', PORT, P.F_INITIATOR_PORT],
  ['target_port', PORT, P.F_TARGET_PORT],
  ['transport_protocol', PROTOCOL, P.F_PROTOCOL],
  ['ether_type', ETHER, -1],
  ['was_initiated', BOOL_INITIATED, P.F_FLAGS],
  ['was_terminated', BOOL_TERMINATED, P.F_FLAGS],
  ['bytes_from_initiator', COUNTER, P.F_BYTES_I],
  ['packets_from_initiator', COUNTER, P.F_PACKETS_I],
  ['bytes_from_target', COUNTER, P.F_BYTES_T],
  ['packets_from_target', COUNTER, P.F_PACKETS_T],
  ['cumulative_bytes_from_initiator', COUNTER, P.F_CUM_BYTES_I],
  ['cumulative_packets_from_initiator', COUNTER, P.F_CUM_PACKETS_I],
  ['cumulative_bytes_from_target', COUNTER, P.F_CUM_BYTES_T],
  ['cumulative_packets_from_target', COUNTER, P.F_CUM_PACKETS_T],
];
const RECORD_KEY_BYTES = RECORD.map(([name]) => Buffer.from(`"${name}"`, 'latin1'));
const RECORD_KINDS = Int32Array.from(RECORD.map(([, kind]) => kind));
const RECORD_SLOTS = Int32Array.from(RECORD.map(([, , slot]) => slot));
const ALL_RECORD_FIELDS = (1 << RECORD.length) - 1;

const HEADER_STRING_FIELDS = [
  'version',
  'collector_crn',
  'attached_endpoint_type',
  'network_interface_id',
  'instance_crn',
  'vpc_crn',
  'capture_start_time',
  'capture_end_time',
  'state',
] as const;
const TOP_FIELDS = [...HEADER_STRING_FIELDS, 'number_of_flow_logs', 'flow_logs'];
const TOP_KEY_BYTES = TOP_FIELDS.map((name) => Buffer.from(`"${name}"`, 'latin1'));
const N_HEADER_STRINGS = HEADER_STRING_FIELDS.length;
const I_NUMBER = N_HEADER_STRINGS;

/** Records are scanned into this (grown as needed, reused); each document gets an exact copy. */
const SCRATCH_RECORDS = 4096;
let scratch = new Float64Array(P.STRIDE * SCRATCH_RECORDS);

class GiveUp {}
const GIVE_UP = new GiveUp();
const ONE = new Float64Array(1);

/** `scanDocument`'s answer when `flow_logs` holds more records than the budget. */
export const TOO_MANY_RECORDS = Symbol('too many records');
class TooMany {}
const TOO_MANY = new TooMany();

class Scanner {
  pos = 0;
  /** Whether a record's start_time or end_time was empty (filled from the capture window at the end). */
  emptyTimes = false;
  private readonly view: DataView;

  constructor(
    private readonly buf: Buffer,
    private readonly maxRecords: number,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  fail(): never {
    throw GIVE_UP;
  }

  ws(): number {
    const buf = this.buf;
    let pos = this.pos;
    let c = buf[pos];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = buf[++pos];
    this.pos = pos;
    return c; // undefined past the end: compares unequal to everything
  }

  expect(c: number): void {
    if (this.ws() !== c) this.fail();
    this.pos++;
  }

  /** Whether `bytes` come next (then they are consumed). */
  matches(bytes: Uint8Array): boolean {
    const buf = this.buf;
    const pos = this.pos;
    const n = bytes.length;
    if (pos + n > buf.length) return false;
    for (let i = 0; i < n; i++) if (buf[pos + i] !== bytes[i]) return false;
    this.pos = pos + n;
    return true;
  }

  /** A key (at its opening quote) among `keys`, or -1 with the unknown key consumed. */
  key(keys: readonly Uint8Array[], guess: number): number {
    if (guess >= 0 && this.matches(keys[guess])) return guess;
    for (let k = 0; k < keys.length; k++) if (this.matches(keys[k])) return k;
    const end = skipJsonString(this.buf, this.pos);
    if (end < 0) this.fail();
    this.pos = end;
    return -1;
  }

  /** Any JSON value, skipped without building it. */
  skip(): void {
    const end = skipJsonValue(this.buf, this.pos);
    if (end < 0) this.fail();
    this.pos = end;
  }

  /** A string of printable ASCII without escapes, at its opening quote. */
  asciiString(): string {
    const buf = this.buf;
    if (buf[this.pos] !== QUOTE) this.fail();
    const start = this.pos + 1;
    let pos = start;
    for (;;) {
      const c = buf[pos];
      if (c === QUOTE) break;
      if (c === undefined || c < 0x20 || c > 0x7e || c === 0x5c) this.fail();
      pos++;
    }
    this.pos = pos + 1;
    return buf.toString('latin1', start, pos);
  }

  /** A JSON integer up to 2^53-1 (see `scanUint`). */
  uint(): number {
    this.pos = scanUint(this.buf, this.pos, ONE, 0);
    return ONE[0];
  }

  /** One record into `out` at offset `o` (see `scanRecord`). */
  record(out: Float64Array, o: number): void {
    // Fields in the documented order first (what the service writes); any other order through the general path.
    const p = scanRecord(this.buf, this.view, this.pos, out, o, true);
    this.pos = p >= 0 ? p : scanRecord(this.buf, this.view, this.pos, out, o, false);
    if (out[o + P.F_FLAGS] & (P.FLAG_NO_START | P.FLAG_NO_END)) this.emptyTimes = true;
  }

  /** The `flow_logs` array into the scratch buffer; returns the record count. */
  records(): number {
    this.expect(LBRACKET);
    if (this.ws() === RBRACKET) {
      this.pos++;
      return 0;
    }
    let count = 0;
    for (;;) {
      if (count === this.maxRecords) throw TOO_MANY;
      if ((count + 1) * P.STRIDE > scratch.length) {
        const bigger = new Float64Array(scratch.length * 2);
        bigger.set(scratch);
        scratch = bigger;
      }
      this.record(scratch, count * P.STRIDE);
      count++;
      const c = this.ws();
      this.pos++;
      if (c === RBRACKET) return count;
      if (c !== COMMA) this.fail();
    }
  }

  document(): P.PackedDocument {
    this.expect(LBRACE);
    const strings: Array<string | undefined> = new Array(N_HEADER_STRINGS).fill(undefined);
    let number = -1;
    let count = -1;
    let seen = 0;
    let guess = 0;
    for (;;) {
      if (this.ws() !== QUOTE) this.fail();
      const k = this.key(TOP_KEY_BYTES, guess);
      this.expect(COLON);
      this.ws();
      if (k < 0) {
        this.skip();
        const c = this.ws();
        this.pos++;
        if (c === RBRACE) break;
        if (c !== COMMA) this.fail();
        continue;
      }
      guess = k + 1 < TOP_FIELDS.length ? k + 1 : -1;
      if (seen & (1 << k)) this.fail();
      seen |= 1 << k;
      if (k < N_HEADER_STRINGS) strings[k] = this.asciiString();
      else if (k === I_NUMBER) number = this.uint();
      else count = this.records();
      const c = this.ws();
      this.pos++;
      if (c === RBRACE) break;
      if (c !== COMMA) this.fail();
    }
    if (this.ws() !== undefined) this.fail(); // only whitespace may follow
    if (seen !== (1 << TOP_FIELDS.length) - 1 || number > UINT32_MAX) this.fail();
    const header: Record<string, unknown> = { number_of_flow_logs: number };
    for (let i = 0; i < N_HEADER_STRINGS; i++) header[HEADER_STRING_FIELDS[i]] = strings[i];
    if (headerProblems(header).length > 0) this.fail();
    const data = scratch.slice(0, count * P.STRIDE);
    if (this.emptyTimes) fillEmptyTimes(data, count, header as unknown as FlowLogHeader);
    return new P.PackedDocument(header as unknown as FlowLogHeader, count, data);
  }
}

/** Empty start / end times take the capture window's start / end (as `packRecords` does). */
function fillEmptyTimes(data: Float64Array, count: number, header: FlowLogHeader): void {
  const start = parseRfc3339(header.capture_start_time)!;
  const end = parseRfc3339(header.capture_end_time)!;
  for (let o = 0; o < count * P.STRIDE; o += P.STRIDE) {
    const flags = data[o + P.F_FLAGS];
    if (flags & P.FLAG_NO_START) data[o + P.F_START] = start;
    if (flags & P.FLAG_NO_END) data[o + P.F_END] = end;
  }
}

/**
 * The document in `bytes` (UTF-8 JSON) in packed form; undefined when the fast path gives up (the bytes are then
 * invalid, or valid in a form it does not handle: decode them with the slow path); TOO_MANY_RECORDS when
 * `flow_logs` holds more than `maxRecords` records.
 */
export function scanDocument(bytes: Buffer, maxRecords = Infinity): P.PackedDocument | undefined | typeof TOO_MANY_RECORDS {
  try {
    return new Scanner(bytes, maxRecords).document();
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    if (error === TOO_MANY) return TOO_MANY_RECORDS;
    throw error;
  } finally {
    // One huge document should not keep its scratch space for the rest of the run.
    if (scratch.length > P.STRIDE * SCRATCH_RECORDS * 64) scratch = new Float64Array(P.STRIDE * SCRATCH_RECORDS);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The record scanner: the hot loop, written with the position in a local variable and the key comparisons done
// four bytes at a time. `"name":` is compared at once; whitespace anywhere goes through the slower path.

/** Each record key with its quotes and colon, as little-endian 32-bit words plus a tail. */
const KEY_COLON = RECORD.map(([name]) => Buffer.from(`"${name}":`, 'latin1'));
const KEY_WORDS = KEY_COLON.map((bytes) => {
  const words = new Int32Array(bytes.length >> 2);
  for (let i = 0; i < words.length; i++) words[i] = bytes.readInt32LE(4 * i);
  return words;
});

function give(): never {
  throw GIVE_UP;
}

function skipWs(b: Buffer, p: number): number {
  let c = b[p];
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
  return p;
}

/** Whether `"name":` of field f starts at p (bounds checked by the caller). */
function keyAt(b: Buffer, view: DataView, p: number, f: number): boolean {
  const words = KEY_WORDS[f];
  const n = words.length;
  for (let i = 0; i < n; i++) if (view.getInt32(p + 4 * i, true) !== words[i]) return false;
  const bytes = KEY_COLON[f];
  for (let i = 4 * n; i < bytes.length; i++) if (b[p + i] !== bytes[i]) return false;
  return true;
}

/**
 * The field whose key is at p (at its opening quote), whitespace before the colon allowed; sets `keyEnd` (after the
 * colon). -1 for a key that is not a record field.
 */
let keyEnd = 0;
function anyKey(b: Buffer, p: number): number {
  let field = -1;
  let end = -1;
  for (let f = 0; f < RECORD_KEY_BYTES.length && field < 0; f++) {
    const bytes = RECORD_KEY_BYTES[f];
    if (p + bytes.length > b.length) continue;
    let i = 0;
    while (i < bytes.length && b[p + i] === bytes[i]) i++;
    if (i < bytes.length) continue;
    field = f;
    end = p + bytes.length;
  }
  if (field < 0) end = skipJsonString(b, p);
  if (end < 0) give();
  const q = skipWs(b, end);
  if (b[q] !== COLON) give();
  keyEnd = q + 1;
  return field;
}

function twoDigits(b: Buffer, p: number): number {
  const c0 = b[p] - ZERO;
  const c1 = b[p + 1] - ZERO;
  if (!(c0 >= 0 && c0 <= 9 && c1 >= 0 && c1 <= 9)) give();
  return c0 * 10 + c1;
}

/**
 * `"YYYY-MM-DDTHH:MM:SSZ"` at p into out[at]; returns the position after it. `dates` caches the last date:
 * [year * 512 + month * 32 + day, its days since 1970].
 */
function scanTime(b: Buffer, p: number, out: Float64Array, at: number, dates: Float64Array): number {
  if (p + 22 > b.length || b[p] !== QUOTE || b[p + 5] !== 0x2d || b[p + 8] !== 0x2d || b[p + 11] !== 0x54) give();
  if (b[p + 14] !== COLON || b[p + 17] !== COLON || b[p + 20] !== 0x5a || b[p + 21] !== QUOTE) give();
  const year = twoDigits(b, p + 1) * 100 + twoDigits(b, p + 3);
  const month = twoDigits(b, p + 6);
  const day = twoDigits(b, p + 9);
  const hour = twoDigits(b, p + 12);
  const minute = twoDigits(b, p + 15);
  const second = twoDigits(b, p + 18);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) give();
  const dateKey = year * 512 + month * 32 + day;
  if (dateKey !== dates[0]) {
    if (day > daysInMonth(year, month)) give();
    dates[0] = dateKey;
    dates[1] = daysFromCivil(year, month, day);
  }
  out[at] = ((dates[1] * 24 + hour) * 60 + minute) * 60000 + second * 1000;
  return p + 22;
}

/** `"a.b.c.d"` (no leading zeros) at p into out[at] as uint32; returns the position after it. */
function scanIp(b: Buffer, p: number, out: Float64Array, at: number): number {
  if (b[p] !== QUOTE) give();
  p++;
  let value = 0;
  for (let part = 0; part < 4; part++) {
    let c = b[p];
    let octet = c - ZERO;
    if (!(octet >= 0 && octet <= 9)) give();
    c = b[++p];
    if (octet !== 0 && c >= ZERO && c <= NINE) {
      octet = octet * 10 + (c - ZERO);
      c = b[++p];
      if (c >= ZERO && c <= NINE) {
        octet = octet * 10 + (c - ZERO);
        c = b[++p];
        if (octet > 255) give();
      }
    }
    value = value * 256 + octet;
    if (c !== (part === 3 ? QUOTE : 0x2e)) give();
    p++;
  }
  out[at] = value;
  return p;
}

/** A JSON integer up to 2^53-1 at p into out[at] (no sign, fraction or exponent); returns the position after it. */
function scanUint(b: Buffer, p: number, out: Float64Array, at: number): number {
  let c = b[p];
  let value = 0;
  if (c === ZERO) {
    c = b[++p];
  } else {
    if (!(c >= 0x31 && c <= NINE)) give();
    const start = p;
    do {
      value = value * 10 + (c - ZERO);
      c = b[++p];
    } while (c >= ZERO && c <= NINE);
    if (p - start > 16 || value > Number.MAX_SAFE_INTEGER) give();
  }
  if (c === 0x2e || c === 0x65 || c === 0x45 || (c >= ZERO && c <= NINE)) give();
  out[at] = value;
  return p;
}

/** After a record's value at p: true at a comma (another field follows), false at its closing brace, else give up; sets `separatorEnd`. */
let separatorEnd = 0;
function afterValue(b: Buffer, p: number): boolean {
  let c = b[p];
  if (c <= 0x20) c = b[(p = skipWs(b, p))];
  separatorEnd = p + 1;
  if (c === COMMA) return true;
  if (c === RBRACE) return false;
  return give();
}

/** For each field, the field that followed it last time (row RECORD.length: the first field): tried first. */
const NEXT = new Int32Array(RECORD.length + 1).fill(-1);
/** The last date seen by `scanTime`. */
const DATES = new Float64Array(2).fill(-1);

/**
 * One record at p (at its `{`, whitespace allowed) into out[o..o+STRIDE); returns the position after its `}`.
 * `inOrder`: the fields must come in the documented order (no key search), else -1 is returned at the first key
 * out of place; otherwise any order, each field once, the next key guessed from the order seen so far.
 */
function scanRecord(b: Buffer, view: DataView, p: number, out: Float64Array, o: number, inOrder: boolean): number {
  if (b[p] !== LBRACE) {
    p = skipWs(b, p);
    if (b[p] !== LBRACE) give();
  }
  p++;
  const length = b.length;
  let seen = 0;
  let flags = 0;
  let prev = RECORD.length;
  let field = 0;
  for (;; field++) {
    if (b[p] !== QUOTE) {
      p = skipWs(b, p);
      if (b[p] !== QUOTE) give();
    }
    let f: number;
    if (inOrder) {
      f = field;
      if (f >= RECORD.length || p + KEY_COLON[f].length > length || !keyAt(b, view, p, f)) return -1;
      p += KEY_COLON[f].length;
    } else {
      f = NEXT[prev];
      if (f >= 0 && p + KEY_COLON[f].length <= length && keyAt(b, view, p, f)) {
        p += KEY_COLON[f].length;
      } else {
        f = anyKey(b, p);
        p = keyEnd;
        if (f < 0) {
          // Not a record field: skipped without building it.
          p = skipJsonValue(b, p);
          if (p < 0) give();
          const more = afterValue(b, p);
          p = separatorEnd;
          if (more) continue;
          break;
        }
        NEXT[prev] = f;
      }
      const bit = 1 << f;
      if (seen & bit) give();
      seen |= bit;
      prev = f;
    }
    if (b[p] <= 0x20) p = skipWs(b, p);
    const slot = RECORD_SLOTS[f];
    switch (RECORD_KINDS[f]) {
      case TIME:
        if (b[p] === QUOTE && b[p + 1] === QUOTE && slot !== P.F_CONN_START) {
          // An empty start_time / end_time: the capture window's stands in (see FlowLogRecord).
          flags |= slot === P.F_START ? P.FLAG_NO_START : P.FLAG_NO_END;
          out[o + slot] = NaN;
          p += 2;
          break;
        }
        p = scanTime(b, p, out, o + slot, DATES);
        break;
      case DIRECTION:
        if (b[p] !== QUOTE || b[p + 2] !== QUOTE) give();
        if (b[p + 1] === 0x4f) flags |= P.FLAG_OUTBOUND;
        else if (b[p + 1] !== 0x49) give();
        p += 3;
        break;
      case ACTION:
        // "accepted" / "rejected": 10 bytes with the quotes
        if (p + 10 > length || b[p] !== QUOTE || b[p + 9] !== QUOTE) give();
        if (view.getInt32(p + 1, true) === REJE && view.getInt32(p + 5, true) === CTED) flags |= P.FLAG_REJECTED;
        else if (view.getInt32(p + 1, true) !== ACCE || view.getInt32(p + 5, true) !== PTED) give();
        p += 10;
        break;
      case IP:
        p = scanIp(b, p, out, o + slot);
        break;
      case PORT:
        p = scanUint(b, p, out, o + slot);
        if (out[o + slot] > 65535) give();
        break;
      case PROTOCOL:
        p = scanUint(b, p, out, o + slot);
        if (out[o + slot] > 255) give();
        break;
      case ETHER:
        if (p + 6 > length || b[p] !== QUOTE || view.getInt32(p + 1, true) !== IPV4_WORD || b[p + 5] !== QUOTE) give();
        p += 6;
        break;
      case BOOL_INITIATED:
      case BOOL_TERMINATED: {
        const mask = RECORD_KINDS[f] === BOOL_INITIATED ? P.FLAG_INITIATED : P.FLAG_TERMINATED;
        if (p + 4 <= length && view.getInt32(p, true) === TRUE_WORD) {
          flags |= mask;
          p += 4;
        } else if (p + 5 <= length && view.getInt32(p, true) === FALS_WORD && b[p + 4] === 0x65) {
          p += 5;
        } else give();
        break;
      }
      default:
        p = scanUint(b, p, out, o + slot);
    }
    const more = afterValue(b, p);
    p = separatorEnd;
    if (!more) break;
  }
  if (inOrder ? field !== RECORD.length - 1 : seen !== ALL_RECORD_FIELDS) {
    if (inOrder) return -1;
    give();
  }
  out[o + P.F_FLAGS] = flags;
  return p;
}

const word = (text: string) => Buffer.from(text, 'latin1').readInt32LE(0);
const ACCE = word('acce');
const PTED = word('pted');
const REJE = word('reje');
const CTED = word('cted');
const IPV4_WORD = word('IPv4');
const TRUE_WORD = word('true');
const FALS_WORD = word('fals');
