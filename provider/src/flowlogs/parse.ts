/**
 * The slow path's JSON parser: the whole JSON grammar (escapes, fractions, exponents, any whitespace), but it
 * builds only what a flow-log document has: the header fields, the `flow_logs` array and each record's documented
 * fields. Everything else is skipped without being built (skip.ts), and a container where the format has a scalar
 * comes back as a `Skipped` placeholder, so that the validator can say what it found. Linear in the input, memory
 * bounded by the documented fields, at most `maxRecords` records. JSON.parse on the same bytes would give the same
 * values for what is built (duplicate keys: the last wins).
 */
import { HEADER_FIELDS, RECORD_FIELDS, Skipped } from './document';
import { failedAt, skipJsonNumber, skipJsonString, skipJsonValue } from './skip';

export type JsonParse =
  | { ok: true; value: unknown }
  /** `at`: the byte offset where the bytes stop being JSON; `ended`: the bytes ran out there. */
  | { ok: false; at: number; ended: boolean }
  | { ok: false; tooManyRecords: true };

const HEADER_NAMES: ReadonlySet<string> = new Set(HEADER_FIELDS.map(([name]) => name));
const RECORD_NAMES: ReadonlySet<string> = new Set(RECORD_FIELDS.map(([name]) => name));

class NotJson {
  constructor(readonly at: number) {}
}
class TooMany {}
const TOO_MANY = new TooMany();

class Parser {
  constructor(
    private readonly b: Buffer,
    private readonly maxRecords: number,
  ) {}

  ws(p: number): number {
    const b = this.b;
    while (b[p] === 0x20 || b[p] === 0x0a || b[p] === 0x0d || b[p] === 0x09) p++;
    return p;
  }

  check(result: number): number {
    if (result < 0) throw new NotJson(failedAt(result));
    return result;
  }

  expect(p: number, c: number): number {
    if (this.b[p] !== c) throw new NotJson(p);
    return p + 1;
  }

  /** A scalar built, or a container skipped (counted when it is an array); returns [value, position after]. */
  scalar(p: number): [unknown, number] {
    const b = this.b;
    const c = b[p];
    if (c === 0x22) {
      const end = this.check(skipJsonString(b, p));
      return [JSON.parse(b.toString('utf8', p, end)), end];
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const end = this.check(skipJsonNumber(b, p));
      return [Number(b.toString('latin1', p, end)), end];
    }
    if (c === 0x5b) {
      let count = 0;
      let q = this.ws(p + 1);
      if (b[q] === 0x5d) return [new Skipped('array', 0), q + 1];
      for (;;) {
        q = this.ws(this.check(skipJsonValue(b, q)));
        count++;
        if (b[q] === 0x5d) return [new Skipped('array', count), q + 1];
        q = this.ws(this.expect(q, 0x2c));
      }
    }
    if (c === 0x7b) return [new Skipped('object', 0), this.check(skipJsonValue(b, p))];
    const end = this.check(skipJsonValue(b, p)); // true, false, null, or not JSON
    return [JSON.parse(b.toString('latin1', p, end)), end];
  }

  /** An object keeping only the members named in `keep`, each built by `build`. */
  object(p: number, keep: ReadonlySet<string>, build: (name: string, p: number) => [unknown, number]): [Record<string, unknown>, number] {
    const b = this.b;
    const out: Record<string, unknown> = Object.create(null);
    p = this.ws(this.expect(p, 0x7b));
    if (b[p] === 0x7d) return [out, p + 1];
    for (;;) {
      const keyEnd = this.check(skipJsonString(b, p));
      const name = JSON.parse(b.toString('utf8', p, keyEnd)) as string;
      p = this.ws(this.expect(this.ws(keyEnd), 0x3a));
      if (keep.has(name)) {
        const [value, end] = build(name, p);
        out[name] = value;
        p = end;
      } else {
        p = this.check(skipJsonValue(b, p));
      }
      p = this.ws(p);
      if (b[p] === 0x7d) return [out, p + 1];
      p = this.ws(this.expect(p, 0x2c));
    }
  }

  records(p: number): [unknown, number] {
    const b = this.b;
    if (b[p] !== 0x5b) return this.scalar(p);
    const out: unknown[] = [];
    p = this.ws(p + 1);
    if (b[p] === 0x5d) return [out, p + 1];
    for (;;) {
      if (out.length === this.maxRecords) throw TOO_MANY;
      const [record, end] = b[p] === 0x7b ? this.object(p, RECORD_NAMES, (_, q) => this.scalar(q)) : this.scalar(p);
      out.push(record);
      p = this.ws(end);
      if (b[p] === 0x5d) return [out, p + 1];
      p = this.ws(this.expect(p, 0x2c));
    }
  }

  document(): unknown {
    const b = this.b;
    let p = this.ws(0);
    let value: unknown;
    if (b[p] === 0x7b) [value, p] = this.object(p, new Set([...HEADER_NAMES, 'flow_logs']), (name, q) => (name === 'flow_logs' ? this.records(q) : this.scalar(q)));
    else [value, p] = this.scalar(p);
    p = this.ws(p);
    if (p !== b.length) throw new NotJson(p);
    return value;
  }
}

/** The document-shaped value of UTF-8 JSON bytes (see above). Never throws for bad input. */
export function parseDocumentJson(bytes: Buffer, maxRecords = Infinity): JsonParse {
  try {
    return { ok: true, value: new Parser(bytes, maxRecords).document() };
  } catch (error) {
    if (error instanceof NotJson) return { ok: false, at: error.at, ended: error.at >= bytes.length };
    if (error === TOO_MANY) return { ok: false, tooManyRecords: true };
    throw error;
  }
}
