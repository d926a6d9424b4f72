import { expect } from 'chai';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import {
  decodeJson,
  decodeObject,
  formatProblem,
  MAX_PROBLEMS,
  PackedDocument,
  plainDocument,
  validateDocument,
  type FlowLogDocument,
  type FlowLogRecord,
} from '../../provider/src/flowlogs';
import { parseDocumentJson } from '../../provider/src/flowlogs/parse';
import { documentOf, IFACE, record } from '../support/flowlogDocs';

/**
 * One object's document (emulator/README.md, "Flow logs"): the validator accepts real-shaped objects and names every
 * problem with its path; the decoder turns corrupt gzip, truncated JSON and wrong types into per-object errors; the
 * fast decoder and the JSON.parse path agree on every document.
 */

/**
 * The "Real record" of IBM's documentation (its elided cumulative counters completed: the connection fits this window).
 */
const REAL_RECORD = {
  start_time: '2020-07-01T20:28:37Z',
  end_time: '2020-07-01T20:28:59Z',
  connection_start_time: '2020-07-01T20:28:37Z',
  direction: 'O',
  action: 'accepted',
  initiator_ip: '10.240.128.4',
  target_ip: '161.26.0.10',
  initiator_port: 36919,
  target_port: 53,
  transport_protocol: 17,
  ether_type: 'IPv4',
  was_initiated: true,
  was_terminated: true,
  bytes_from_initiator: 288,
  packets_from_initiator: 4,
  bytes_from_target: 441,
  packets_from_target: 3,
  cumulative_bytes_from_initiator: 288,
  cumulative_packets_from_initiator: 4,
  cumulative_bytes_from_target: 441,
  cumulative_packets_from_target: 3,
};
/**
 * Its object's header, with the values IBM's documentation reports from real objects (lowercase state "ok", version
 * 0.0.1).
 */
const REAL_OBJECT = {
  version: '0.0.1',
  collector_crn: 'crn:v1:bluemix:public:is:us-south:a/2d1bace7b46e4815a81e52c6ffeba5cf::flow-log-collector:r006-d2e9ab48-5f2b-4c2d-9a3a-ca3e0b3f0f55',
  attached_endpoint_type: 'vnic',
  network_interface_id: '0727-c88727bc-4e7d-4f3e-8e5a-0d3c9bd7fa29',
  instance_crn: 'crn:v1:bluemix:public:is:us-south-2:a/2d1bace7b46e4815a81e52c6ffeba5cf::instance:0727_a3e6a1f6-1a6b-4a36-9b7c-0f8d2e7d5c41',
  vpc_crn: 'crn:v1:bluemix:public:is:us-south:a/2d1bace7b46e4815a81e52c6ffeba5cf::vpc:r006-4727d842-f94f-4a2d-824a-9bc9b02c523b',
  capture_start_time: '2020-07-01T20:28:18Z',
  capture_end_time: '2020-07-01T20:33:18Z',
  state: 'ok',
  number_of_flow_logs: 1,
  flow_logs: [REAL_RECORD],
};

const problemsOf = (value: unknown) => {
  const v = validateDocument(value);
  return v.ok ? [] : v.problems.map(formatProblem);
};

describe('flow-log documents: validation', () => {
  it('accepts the real-shaped object of the reference, state "ok" in lower case included', () => {
    expect(validateDocument(REAL_OBJECT)).to.deep.equal({ ok: true, document: REAL_OBJECT });
  });

  it('decodes the real-shaped object from gzip with the fast decoder, to the same values', () => {
    const r = decodeObject(gzipSync(JSON.stringify(REAL_OBJECT)));
    expect(r.ok).to.equal(true);
    const doc = (r as { document: FlowLogDocument }).document;
    expect(doc).to.be.instanceOf(PackedDocument);
    expect(plainDocument(doc)).to.deep.equal(REAL_OBJECT);
    expect(JSON.parse(JSON.stringify(doc))).to.deep.equal(REAL_OBJECT);
  });

  it('accepts "OK" and "skip data" as states, an empty flow_logs, and ignores unknown fields', () => {
    expect(problemsOf({ ...REAL_OBJECT, state: 'OK' })).to.deep.equal([]);
    expect(problemsOf({ ...REAL_OBJECT, state: 'skip data', number_of_flow_logs: 0, flow_logs: [] })).to.deep.equal([]);
    const v = validateDocument({ ...REAL_OBJECT, extra: 1, flow_logs: [{ ...REAL_RECORD, future_field: 'x' }] });
    expect(v).to.deep.equal({ ok: true, document: REAL_OBJECT });
  });

  const rec = (patch: Record<string, unknown>, index = 0) => ({
    ...REAL_OBJECT,
    number_of_flow_logs: index + 1,
    flow_logs: [...Array(index).fill(REAL_RECORD), { ...REAL_RECORD, ...patch }],
  });
  const withoutField = (name: string) => {
    const r: Record<string, unknown> = { ...REAL_RECORD };
    delete r[name];
    return { ...REAL_OBJECT, flow_logs: [r] };
  };
  const table: Array<[string, unknown, string[]]> = [
    ['a port given as text', rec({ target_port: 'x' }, 3), ['flow_logs[3].target_port: expected an integer 0-65535, received "x"']],
    ['a port out of range', rec({ initiator_port: 65536 }), ['flow_logs[0].initiator_port: expected an integer 0-65535, received 65536']],
    ['a fractional counter', rec({ bytes_from_target: 1.5 }), ['flow_logs[0].bytes_from_target: expected a non-negative integer, received 1.5']],
    ['a negative counter', rec({ cumulative_packets_from_target: -1 }), ['flow_logs[0].cumulative_packets_from_target: expected a non-negative integer, received -1']],
    ['a protocol past 255', rec({ transport_protocol: 256 }), ['flow_logs[0].transport_protocol: expected an integer 0-255 (an IANA protocol number), received 256']],
    ['a direction spelled out', rec({ direction: 'inbound' }), ['flow_logs[0].direction: expected "I" or "O", received "inbound"']],
    ['an unknown action', rec({ action: 'dropped' }), ['flow_logs[0].action: expected "accepted" or "rejected", received "dropped"']],
    ['an IPv6 address', rec({ target_ip: 'fe80::1' }), ['flow_logs[0].target_ip: expected an IPv4 address, received "fe80::1"']],
    ['an address with a leading zero', rec({ initiator_ip: '10.240.128.04' }), ['flow_logs[0].initiator_ip: expected an IPv4 address, received "10.240.128.04"']],
    ['a time that is not RFC 3339', rec({ end_time: '07/01/2020 20:28' }), ['flow_logs[0].end_time: expected an RFC 3339 timestamp such as "2021-11-23T20:29:59Z", or "", received "07/01/2020 20:28"']],
    ['February 30', rec({ start_time: '2020-02-30T00:00:00Z' }), ['flow_logs[0].start_time: expected an RFC 3339 timestamp such as "2021-11-23T20:29:59Z", or "", received "2020-02-30T00:00:00Z"']],
    ['an empty connection_start_time', rec({ connection_start_time: '' }), ['flow_logs[0].connection_start_time: expected an RFC 3339 timestamp such as "2021-11-23T20:29:59Z", received ""']],
    ['a boolean as text', rec({ was_initiated: 'true' }), ['flow_logs[0].was_initiated: expected true or false, received "true"']],
    ['another ether type', rec({ ether_type: 'IPv6' }), ['flow_logs[0].ether_type: expected "IPv4", received "IPv6"']],
    ['a missing field', withoutField('connection_start_time'), ['flow_logs[0].connection_start_time: missing (expected an RFC 3339 timestamp such as "2021-11-23T20:29:59Z")']],
    ['a record that is not an object', { ...REAL_OBJECT, flow_logs: [42] }, ['flow_logs[0]: expected a flow log record (an object), received 42']],
    ['a collector that is not a CRN', { ...REAL_OBJECT, collector_crn: 'r006-x' }, ['collector_crn: expected a CRN (crn:v1:…), received "r006-x"']],
    ['an unknown state', { ...REAL_OBJECT, state: 'degraded' }, ['state: expected "OK" or "skip data", received "degraded"']],
    ['another endpoint type', { ...REAL_OBJECT, attached_endpoint_type: 'vpe' }, ['attached_endpoint_type: expected "vnic", received "vpe"']],
    ['a count as text', { ...REAL_OBJECT, number_of_flow_logs: '1' }, ['number_of_flow_logs: expected an integer 0-4294967295, received "1"']],
    ['flow_logs as an object', { ...REAL_OBJECT, flow_logs: {} }, ['flow_logs: expected an array of flow log records, received an object']],
    ['no flow_logs', { ...REAL_OBJECT, flow_logs: undefined }, ['flow_logs: missing (expected an array of flow log records)']],
    ['an array', [REAL_OBJECT], ['(document): expected a JSON object, received an array of 1']],
    ['null', null, ['(document): expected a JSON object, received null']],
    [
      'several problems at once',
      { ...REAL_OBJECT, vpc_crn: 7, flow_logs: [{ ...REAL_RECORD, target_port: null, action: 'ACCEPTED' }] },
      [
        'vpc_crn: expected a CRN (crn:v1:…), received 7',
        'flow_logs[0].action: expected "accepted" or "rejected", received "ACCEPTED"',
        'flow_logs[0].target_port: expected an integer 0-65535, received null',
      ],
    ],
  ];
  for (const [name, value, problems] of table) {
    it(`names the problem of ${name}`, () => {
      expect(problemsOf(value)).to.deep.equal(problems);
    });
  }

  it(`lists at most ${MAX_PROBLEMS} problems per object and says how many more there were`, () => {
    const doc = { ...REAL_OBJECT, number_of_flow_logs: 40, flow_logs: Array.from({ length: 40 }, () => ({ ...REAL_RECORD, target_port: -1 })) };
    const problems = problemsOf(doc);
    expect(problems).to.have.length(MAX_PROBLEMS + 1);
    expect(problems[0]).to.equal('flow_logs[0].target_port: expected an integer 0-65535, received -1');
    expect(problems[MAX_PROBLEMS]).to.equal('(document): and 15 more problems');
  });

  it('never throws, on any JSON value (fast-check)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const v = validateDocument(value);
        expect(v.ok).to.equal(false);
        if (!v.ok) expect(v.problems.length).to.be.greaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws when any field of a real object holds any JSON value, and names that field (fast-check)', () => {
    const fields = [...Object.keys(REAL_OBJECT).filter((k) => k !== 'flow_logs'), ...Object.keys(REAL_RECORD).map((k) => `flow_logs[0].${k}`)];
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.jsonValue(), (field, value) => {
        const doc = JSON.parse(JSON.stringify(REAL_OBJECT));
        if (field.startsWith('flow_logs[0].')) doc.flow_logs[0][field.slice(13)] = value;
        else doc[field] = value;
        const v = validateDocument(doc);
        if (!v.ok) expect(v.problems.map((p) => p.path)).to.include(field);
        // And the decoder gives the same verdict from the bytes, whichever path decides.
        const d = decodeJson(Buffer.from(JSON.stringify(doc)));
        expect(d.ok).to.equal(v.ok);
      }),
      { numRuns: 500 },
    );
  });
});

describe('flow-log documents: decoding objects', () => {
  const good = documentOf(IFACE('0727-if-a', 1), [record(), record({ action: 'rejected', initiator_port: 50001 })]);

  it('reports a corrupted gzip stream as a per-object gzip error', () => {
    const gz = gzipSync(JSON.stringify(good));
    const corrupt = Buffer.from(gz);
    corrupt.fill(0x41, 12, 40);
    const r = decodeObject(corrupt);
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    expect(r.kind).to.equal('gzip');
    expect(r.problems).to.have.length(1);
    expect(formatProblem(r.problems[0])).to.match(/^\(document\): not a valid gzip stream \(.+\)/);
  });

  it('reports a gzip stream cut short as cut off', () => {
    const gz = gzipSync(JSON.stringify(good));
    const r = decodeObject(gz.subarray(0, gz.length - 20));
    expect(r).to.deep.equal({ ok: false, kind: 'gzip', problems: [{ path: '', reason: 'not a valid gzip stream (unexpected end of file): the object is cut off' }] });
  });

  it('reports bytes that are not gzip at all', () => {
    const r = decodeObject(Buffer.from(JSON.stringify(good)));
    expect(r).to.deep.equal({ ok: false, kind: 'gzip', problems: [{ path: '', reason: 'not a valid gzip stream (incorrect header check)' }] });
  });

  it('reports truncated JSON (a complete gzip of half a document) as probably truncated', () => {
    const text = JSON.stringify(good);
    const r = decodeObject(gzipSync(text.slice(0, 300)));
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    expect(r.kind).to.equal('json');
    expect(r.jsonBytes).to.equal(300);
    expect(r.problems).to.have.length(1);
    expect(r.problems[0].reason).to.match(/^not valid JSON \(.+\): the document ends early, so the object is probably truncated$/);
  });

  it('reports an empty document', () => {
    expect(decodeObject(gzipSync(''))).to.deep.equal({ ok: false, kind: 'json', jsonBytes: 0, problems: [{ path: '', reason: 'not valid JSON: the object is empty after gunzip' }] });
  });

  it('reports a wrong field type as a document error with its path', () => {
    const bad = JSON.stringify(good).replaceAll('"target_port":443', '"target_port":"443"');
    const r = decodeObject(gzipSync(bad));
    expect(r).to.deep.equal({
      ok: false,
      kind: 'document',
      jsonBytes: bad.length,
      problems: [
        { path: 'flow_logs[0].target_port', reason: 'expected an integer 0-65535, received "443"' },
        { path: 'flow_logs[1].target_port', reason: 'expected an integer 0-65535, received "443"' },
      ],
    });
  });

  it('refuses a document past the size limit', () => {
    const r = decodeObject(gzipSync(JSON.stringify(good)), 100);
    expect(r.ok).to.equal(false);
    if (!r.ok) expect(r.kind).to.equal('too-large');
  });
});

describe('flow-log documents: the fast decoder agrees with JSON.parse and the validator', () => {
  const ip = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
  const time = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) }).map((ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
  const counter = fc.oneof(fc.nat(1000), fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));
  const recordArb: fc.Arbitrary<FlowLogRecord> = fc.record({
    start_time: time,
    end_time: time,
    connection_start_time: time,
    direction: fc.constantFrom('I' as const, 'O' as const),
    action: fc.constantFrom('accepted' as const, 'rejected' as const),
    initiator_ip: ip,
    target_ip: ip,
    initiator_port: fc.nat(65535),
    target_port: fc.nat(65535),
    transport_protocol: fc.nat(255),
    ether_type: fc.constant('IPv4'),
    was_initiated: fc.boolean(),
    was_terminated: fc.boolean(),
    bytes_from_initiator: counter,
    packets_from_initiator: counter,
    bytes_from_target: counter,
    packets_from_target: counter,
    cumulative_bytes_from_initiator: counter,
    cumulative_packets_from_initiator: counter,
    cumulative_bytes_from_target: counter,
    cumulative_packets_from_target: counter,
  });
  const docArb = fc.tuple(fc.array(recordArb, { maxLength: 20 }), time, fc.constantFrom('ok', 'OK', 'skip data')).map(([records, start, state]) => ({
    ...documentOf(IFACE('0727-if-a', 1), records, start),
    state,
  }));

  /** Unknown fields with any JSON value, at the top and in every record (the parsers skip them). */
  const withUnknownFields = (d: FlowLogDocument) =>
    JSON.stringify({ extra: { nested: [1, 'two', [3, { four: null }]] }, ...d, flow_logs: d.flow_logs.map((r, i) => ({ [`x${i}`]: i % 2 ? [true, false] : 'a\\"b', ...r, tail: -1.5e3 })), z: [] });
  const forms: Array<[string, (d: unknown) => string]> = [
    ['compact', (d) => JSON.stringify(d)],
    ['with unknown fields', (d) => withUnknownFields(d as FlowLogDocument)],
    ['pretty-printed', (d) => JSON.stringify(d, null, 2)],
    ['with fields in another order', (d) => JSON.stringify(d, Object.keys(REAL_OBJECT).reverse().concat(Object.keys(REAL_RECORD).reverse()))],
  ];
  for (const [name, text] of forms) {
    it(`decodes ${name} documents to the same values either way (fast-check)`, () => {
      fc.assert(
        fc.property(docArb, (doc) => {
          const bytes = Buffer.from(text(doc));
          const fast = decodeJson(bytes);
          const slow = validateDocument(JSON.parse(bytes.toString('utf8')));
          expect(fast.ok && slow.ok).to.equal(true);
          if (fast.ok && slow.ok) {
            expect(fast.document).to.be.instanceOf(PackedDocument);
            expect(plainDocument(fast.document)).to.deep.equal(slow.document);
          }
        }),
        { numRuns: 150 },
      );
    });
  }

  it('falls back to JSON.parse for forms it does not handle, with the same result', () => {
    const doc = documentOf(IFACE('0727-if-a', 1), [record()]);
    const variants = [
      JSON.stringify(doc).replace('"version":"0.0.1"', '"version":"0.0\\u002e1"'),
      JSON.stringify(doc).replace('"target_port":443', '"target_port":443.0'),
      JSON.stringify(doc).replace('"start_time":"2025-06-01T10:00:05Z"', '"start_time":"2025-06-01T10:00:05.000Z"'),
      JSON.stringify(doc).replace('"target_port":443', '"target_port":4.43e2'),
    ];
    for (const v of variants) {
      const r = decodeJson(Buffer.from(v));
      expect(r.ok, v).to.equal(true);
      if (r.ok) {
        expect(r.document).not.to.be.instanceOf(PackedDocument);
        expect(r.document.flow_logs[0].target_port).to.equal(443);
      }
    }
  });

  it('the bounded parser and JSON.parse agree: same validation, refused exactly when JSON.parse refuses (fast-check)', () => {
    const good = JSON.stringify(documentOf(IFACE('0727-if-a', 1), [record(), record({ start_time: '' })]));
    const mutated = fc.tuple(fc.nat(good.length), fc.nat(good.length), fc.string({ maxLength: 6 })).map(([at, cut, insert]) => good.slice(0, at) + insert + good.slice(Math.min(good.length, at + (cut % 4))));
    fc.assert(
      fc.property(fc.oneof(fc.json(), mutated, fc.jsonValue().map((v) => JSON.stringify({ ...JSON.parse(good), flow_logs: [v, JSON.parse(good).flow_logs[0]] }))), (text) => {
        const bytes = Buffer.from(text);
        let expected: unknown;
        let valid = true;
        try {
          expected = JSON.parse(text);
        } catch {
          valid = false;
        }
        const parsed = parseDocumentJson(bytes);
        expect(parsed.ok, text).to.equal(valid);
        if (parsed.ok) expect(validateDocument(parsed.value), text).to.deep.equal(validateDocument(expected));
      }),
      { numRuns: 600 },
    );
  });

  it('never throws on arbitrary bytes or arbitrary JSON text (fast-check)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)), fc.json().map((s) => Buffer.from(s))), (bytes) => {
        const r = decodeJson(bytes);
        expect(typeof r.ok).to.equal('boolean');
        expect(decodeObject(bytes).ok).to.equal(false);
      }),
      { numRuns: 500 },
    );
  });
});
