import { expect } from 'chai';
import fc from 'fast-check';
import {
  buildKey,
  keyInScope,
  KEY_ROOT,
  levelValueOf,
  narrowPrefixes,
  parseKey,
  planPrefixes,
  streamIdOf,
  timePartitionPrefixes,
  type FlowLogKey,
  type KeyScope,
} from '../../provider/src/flowlogs';

/**
 * Flow-log object keys (emulator/README.md, "Flow logs"): the builder and parser agree with the documented layout and
 * with each other; prefix narrowing lists the longest prefixes the layout allows for a scope, and the key filter keeps
 * exactly the keys of the scope.
 */

const ACCT = '12a3b4c5d6e7f8091a2b3c4d5e6f7a8b';
const VPC = `crn:v1:bluemix:public:is:us-south:a/${ACCT}::vpc:r006-4727d842-f94f-4a2d-824a-9bc9b02c523b`;
const SUBNET = `crn:v1:bluemix:public:is:us-south-2:a/${ACCT}::subnet:0727-b2a1bd30-9ad6-4c31-9a0b-1fa1b2c3d4e5`;
const INSTANCE = `crn:v1:bluemix:public:is:us-south-2:a/${ACCT}::instance:0727_0c2b3a4d-aaaa-bbbb-cccc-123456789abc`;
const VNIC = '0727-c9ce4e1f-1f2a-4b3c-8d9e-0a1b2c3d4e5f';
const enc = encodeURIComponent;

const KEY: FlowLogKey = {
  account: ACCT,
  region: 'us-south',
  vpcCrn: VPC,
  subnetCrn: SUBNET,
  endpointType: 'vnics',
  instanceCrn: INSTANCE,
  interfaceId: VNIC,
  recordType: 'egress',
  year: 2021,
  month: 11,
  day: 23,
  hour: 20,
  streamId: '20211119T222459Z',
  sequence: 6,
};
const KEY_TEXT =
  `ibm_vpc_flowlogs_v1/account=${ACCT}/region=us-south/vpc-id=${enc(VPC)}/subnet-id=${enc(SUBNET)}/endpoint-type=vnics/` +
  `instance-id=${enc(INSTANCE)}/vnic-id=${VNIC}/record-type=egress/year=2021/month=11/day=23/hour=20/stream-id=20211119T222459Z/00000006.gz`;

/** The prefix of every level through record-type for KEY (URL-encoded CRNs, as real keys have them). */
const FULL = (recordType: string) =>
  `${KEY_ROOT}account=${ACCT}/region=us-south/vpc-id=${enc(VPC)}/subnet-id=${enc(SUBNET)}/endpoint-type=vnics/instance-id=${enc(INSTANCE)}/vnic-id=${VNIC}/record-type=${recordType}/`;
const PINNED: KeyScope = { account: ACCT, region: 'us-south', vpc: VPC, subnet: SUBNET, instance: INSTANCE, interfaceId: VNIC };
const T = (iso: string) => Date.parse(iso);

describe('flow-log keys: builder and parser', () => {
  it('builds the documented layout with URL-encoded CRNs, 2-digit partitions and an 8-digit sequence', () => {
    expect(buildKey(KEY)).to.equal(KEY_TEXT);
    expect(KEY_TEXT).to.include('vpc-id=crn%3Av1%3Abluemix%3Apublic%3Ais%3Aus-south%3Aa%2F');
  });

  it('parses a real-shaped key back into its parts', () => {
    expect(parseKey(KEY_TEXT)).to.deep.equal({ ok: true, key: KEY, encoding: 'url-encoded' });
  });

  it('builds stream ids in ISO-8601 basic UTC form', () => {
    expect(streamIdOf(T('2021-11-19T22:24:59.123Z'))).to.equal('20211119T222459Z');
  });

  const bad: Array<[string, string, string]> = [
    ['another root', KEY_TEXT.replace('ibm_vpc_flowlogs_v1/', 'ibm_fl/'), 'it does not start with ibm_vpc_flowlogs_v1/'],
    ['a missing level', KEY_TEXT.replace('/endpoint-type=vnics', ''), 'expected 14 segments after ibm_vpc_flowlogs_v1/, found 13'],
    ['levels out of order', KEY_TEXT.replace('region=us-south', 'zone=us-south'), 'segment 3 should be region=…, found "zone=us-south"'],
    ['record-type internal', KEY_TEXT.replace('record-type=egress', 'record-type=internal'), 'record-type must be ingress or egress, found "internal"'],
    ['month 13', KEY_TEXT.replace('month=11', 'month=13'), 'month must be 01-12, found "13"'],
    ['day 31 of November', KEY_TEXT.replace('day=23', 'day=31'), 'day must be 01-30, found "31"'],
    ['hour 24', KEY_TEXT.replace('hour=20', 'hour=24'), 'hour must be 00-23, found "24"'],
    ['a short sequence', KEY_TEXT.replace('00000006.gz', '6.gz'), 'the object name must be an 8-digit sequence number and .gz, found "6.gz"'],
    ['a bad stream id', KEY_TEXT.replace('stream-id=20211119T222459Z', 'stream-id=2021-11-19'), 'stream-id must be yyyymmddThhmmssZ, found "2021-11-19"'],
    ['bad URL encoding', KEY_TEXT.replace(`vpc-id=${enc(VPC)}`, 'vpc-id=crn%3'), 'vpc-id is not valid URL encoding'],
    ['an empty value', KEY_TEXT.replace(`vnic-id=${VNIC}`, 'vnic-id='), 'vnic-id is empty'],
  ];
  for (const [name, key, reason] of bad) {
    it(`refuses ${name}, saying why`, () => {
      const r = parseKey(key);
      expect(r.ok).to.equal(false);
      expect((r as { reason: string }).reason).to.equal(`key ${JSON.stringify(key)} is not a flow-log object key: ${reason}`);
    });
  }

  it('round-trips any parts through build and parse (fast-check)', () => {
    const value = fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' });
    const date = fc.date({ min: new Date(Date.UTC(1970, 0, 1)), max: new Date(Date.UTC(9999, 11, 31, 23)), noInvalidDate: true });
    fc.assert(
      fc.property(value, value, value, value, value, value, value, fc.constantFrom('ingress', 'egress', 'all'), date, date, fc.nat(199_999_999), (account, region, vpcCrn, subnetCrn, endpointType, instanceCrn, interfaceId, recordType, d, s, sequence) => {
        const k: FlowLogKey = {
          account,
          region,
          vpcCrn,
          subnetCrn,
          endpointType,
          instanceCrn,
          interfaceId,
          recordType: recordType as FlowLogKey['recordType'],
          year: d.getUTCFullYear(),
          month: d.getUTCMonth() + 1,
          day: d.getUTCDate(),
          hour: d.getUTCHours(),
          streamId: streamIdOf(s.getTime()),
          sequence,
        };
        expect(parseKey(buildKey(k))).to.deep.equal({ ok: true, key: k, encoding: 'url-encoded' });
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary text (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        const r = parseKey(KEY_ROOT + s);
        expect(r.ok === true || typeof (r as { reason: string }).reason === 'string').to.equal(true);
      }),
    );
  });
});

describe('flow-log keys: prefix narrowing', () => {
  const noSlack = { partitionSlackMs: 0 };

  it('lists the whole root for an empty scope, and nothing more can be narrowed', () => {
    expect(planPrefixes({})).to.deep.equal({ prefixes: [KEY_ROOT] });
  });

  it('cannot narrow an interface alone: account, region, vpc, subnet and instance come first', () => {
    expect(planPrefixes({ interfaceId: VNIC })).to.deep.equal({ prefixes: [KEY_ROOT], openLevel: 'account' });
  });

  it('narrows a VPC CRN to its vpc-id level, and stops there when nothing later is asked', () => {
    expect(planPrefixes({ account: ACCT, region: 'us-south', vpc: VPC })).to.deep.equal({
      prefixes: [`${KEY_ROOT}account=${ACCT}/region=us-south/vpc-id=${enc(VPC)}/`],
    });
  });

  it('with a time range, the level after the VPC is open to discovery (subnets precede the time partitions)', () => {
    expect(planPrefixes({ account: ACCT, region: 'us-south', vpc: VPC, since: T('2021-11-23T20:10:00Z'), until: T('2021-11-23T20:40:00Z') })).to.deep.equal({
      prefixes: [`${KEY_ROOT}account=${ACCT}/region=us-south/vpc-id=${enc(VPC)}/`],
      openLevel: 'subnet-id',
    });
  });

  it('does not put a VPC id (not a CRN) into a prefix: keys hold CRNs', () => {
    expect(planPrefixes({ account: ACCT, region: 'us-south', vpc: 'r006-4727d842-f94f-4a2d-824a-9bc9b02c523b' })).to.deep.equal({
      prefixes: [`${KEY_ROOT}account=${ACCT}/region=us-south/`],
      openLevel: 'vpc-id',
    });
  });

  it('lists one prefix per record type and hour partition when every level is pinned and a range is given', () => {
    expect(narrowPrefixes({ ...PINNED, since: T('2021-11-23T20:20:00Z'), until: T('2021-11-23T21:10:00Z') }, noSlack)).to.deep.equal([
      `${FULL('ingress')}year=2021/month=11/day=23/hour=20/`,
      `${FULL('ingress')}year=2021/month=11/day=23/hour=21/`,
      `${FULL('egress')}year=2021/month=11/day=23/hour=20/`,
      `${FULL('egress')}year=2021/month=11/day=23/hour=21/`,
    ]);
  });

  it('widens the range by the slack (default 15 minutes) so that an object near an hour boundary is not missed', () => {
    expect(narrowPrefixes({ ...PINNED, recordType: 'egress', since: T('2021-11-23T20:05:00Z'), until: T('2021-11-23T20:50:00Z') })).to.deep.equal([
      `${FULL('egress')}year=2021/month=11/day=23/hour=19/`,
      `${FULL('egress')}year=2021/month=11/day=23/hour=20/`,
      `${FULL('egress')}year=2021/month=11/day=23/hour=21/`,
    ]);
  });

  it('covers a long range with whole days, months and years', () => {
    expect(timePartitionPrefixes(T('2024-12-30T22:00:00Z'), T('2026-03-02T02:00:00Z'))).to.deep.equal([
      'year=2024/month=12/day=30/hour=22/',
      'year=2024/month=12/day=30/hour=23/',
      'year=2024/month=12/day=31/',
      'year=2025/',
      'year=2026/month=01/',
      'year=2026/month=02/',
      'year=2026/month=03/day=01/',
      'year=2026/month=03/day=02/hour=00/',
      'year=2026/month=03/day=02/hour=01/',
    ]);
  });

  it('covers exactly the hours that overlap the range, each once (fast-check)', () => {
    const HOUR = 3600_000;
    const hoursOf = (prefix: string): number[] => {
      const m = /^year=(\d{4})\/(?:month=(\d{2})\/(?:day=(\d{2})\/(?:hour=(\d{2})\/)?)?)?$/.exec(prefix)!;
      const y = +m[1];
      const from = Date.UTC(y, m[2] ? +m[2] - 1 : 0, m[3] ? +m[3] : 1, m[4] ? +m[4] : 0);
      const to = m[4] ? from + HOUR : m[3] ? from + 24 * HOUR : m[2] ? Date.UTC(y, +m[2], 1) : Date.UTC(y + 1, 0, 1);
      const out: number[] = [];
      for (let t = from; t < to; t += HOUR) out.push(t);
      return out;
    };
    const start = fc.integer({ min: Date.UTC(2019, 0, 1), max: Date.UTC(2031, 0, 1) });
    fc.assert(
      fc.property(start, fc.integer({ min: 1, max: 800 * 24 * HOUR }), (from, length) => {
        const to = from + length;
        const covered = timePartitionPrefixes(from, to).flatMap(hoursOf);
        const expected: number[] = [];
        for (let t = Math.floor(from / HOUR) * HOUR; t < to; t += HOUR) expected.push(t);
        expect(covered).to.deep.equal(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('reads a level value back out of a delimiter listing prefix', () => {
    expect(levelValueOf(`${KEY_ROOT}account=${ACCT}/region=us-south/vpc-id=${enc(VPC)}/`, 'vpc-id')).to.equal(VPC);
    expect(levelValueOf(`${KEY_ROOT}account=${ACCT}/`, 'vpc-id')).to.equal(undefined);
  });
});

describe('flow-log keys: filtering parsed keys by scope', () => {
  const cases: Array<[string, KeyScope, boolean]> = [
    ['an empty scope', {}, true],
    ['its VPC by CRN', { vpc: VPC }, true],
    ['its VPC by id', { vpc: 'r006-4727d842-f94f-4a2d-824a-9bc9b02c523b' }, true],
    ['another VPC id', { vpc: 'r006-other' }, false],
    ['its instance by id', { instance: '0727_0c2b3a4d-aaaa-bbbb-cccc-123456789abc' }, true],
    ['its subnet by id', { subnet: '0727-b2a1bd30-9ad6-4c31-9a0b-1fa1b2c3d4e5' }, true],
    ['another interface', { interfaceId: '0727-other' }, false],
    ['its record type', { recordType: 'egress' }, true],
    ['the other record type', { recordType: 'ingress' }, false],
    ['a range inside its hour', { since: T('2021-11-23T20:10:00Z'), until: T('2021-11-23T20:20:00Z') }, true],
    ['a range ending 10 minutes before its hour (within the slack)', { since: T('2021-11-23T19:00:00Z'), until: T('2021-11-23T19:50:00Z') }, true],
    ['a range ending 20 minutes before its hour', { since: T('2021-11-23T19:00:00Z'), until: T('2021-11-23T19:40:00Z') }, false],
    ['a range starting 20 minutes after its hour', { since: T('2021-11-23T21:20:00Z'), until: T('2021-11-23T22:00:00Z') }, false],
    ['only an until before its hour', { until: T('2021-11-23T19:00:00Z') }, false],
  ];
  for (const [name, scope, inScope] of cases) {
    it(`${inScope ? 'keeps' : 'drops'} the key for ${name}`, () => {
      expect(keyInScope(KEY, scope)).to.equal(inScope);
    });
  }
});
