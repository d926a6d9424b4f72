import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  buildKey,
  decodeObject,
  FlowLogAnalyzer,
  isPartialCrn,
  KEY_ROOT,
  levelValueOf,
  parseKey,
  planPrefixes,
  streamIdOf,
  type FlowLogKey,
} from '../../provider/src/flowlogs';

/**
 * IBM's own samples (the IBM-Cloud/vpc-flowlogs repository on GitHub): the object key of a real COS notification
 * (URL-encoded CRNs) and the same key with raw CRNs (whose `a/<account>` adds a path level: a 2026 guide reports such
 * keys in real buckets) parse to the same parts, and the parse says which spelling it met; prefix narrowing spells
 * CRNs as the bucket does. IBM's sample object parses and is analyzed: its header says 1 record but it holds 2, the
 * second with empty start and end times (IBM's own reader then takes the capture window); its pre-GA object (an
 * extra `key` field, pretty-printed) decodes with the unknown field skipped.
 */

const SAMPLES = join(__dirname, '../../../test/fixtures/flowlogs/ibm-samples');
const ACCT = '713c783d9a507a53135fe6793c37cc74';
const VPC = `crn:v1:bluemix:public:is:us-south:a/${ACCT}::vpc:r006-f6045065-8a82-44fc-ae1e-4817f499c9c6`;
const SUBNET = `crn:v1:bluemix:public:is:us-south-2:a/${ACCT}::subnet:0727-b3eda4c5-63a5-430e-a2e0-26f22e0d1fdb`;
const INSTANCE = `crn:v1:bluemix:public:is:us-south-2:a/${ACCT}::instance:0727_8a0f4f09-7b4a-4399-b7af-e96225f6ad4a`;
const enc = encodeURIComponent;

/** The `object_name` of the COS notification in IBM's sample (job/test_flowlog_to_logdna.py). */
const IBM_KEY =
  `ibm_vpc_flowlogs_v1/account=${ACCT}/region=us-south/vpc-id=crn%3Av1%3Abluemix%3Apublic%3Ais%3Aus-south%3Aa%2F${ACCT}%3A%3Avpc%3Ar006-f6045065-8a82-44fc-ae1e-4817f499c9c6` +
  `/subnet-id=crn%3Av1%3Abluemix%3Apublic%3Ais%3Aus-south-2%3Aa%2F${ACCT}%3A%3Asubnet%3A0727-b3eda4c5-63a5-430e-a2e0-26f22e0d1fdb/endpoint-type=vnics` +
  `/instance-id=crn%3Av1%3Abluemix%3Apublic%3Ais%3Aus-south-2%3Aa%2F${ACCT}%3A%3Ainstance%3A0727_8a0f4f09-7b4a-4399-b7af-e96225f6ad4a` +
  '/vnic-id=0727-c9ce1904-48ef-4c94-b41f-51c48ccfbee4/record-type=egress/year=2021/month=11/day=23/hour=20/stream-id=20211119T222459Z/00000006.gz';
const RAW_KEY =
  `ibm_vpc_flowlogs_v1/account=${ACCT}/region=us-south/vpc-id=${VPC}/subnet-id=${SUBNET}/endpoint-type=vnics/instance-id=${INSTANCE}` +
  '/vnic-id=0727-c9ce1904-48ef-4c94-b41f-51c48ccfbee4/record-type=egress/year=2021/month=11/day=23/hour=20/stream-id=20211119T222459Z/00000006.gz';
const PARTS: FlowLogKey = {
  account: ACCT,
  region: 'us-south',
  vpcCrn: VPC,
  subnetCrn: SUBNET,
  endpointType: 'vnics',
  instanceCrn: INSTANCE,
  interfaceId: '0727-c9ce1904-48ef-4c94-b41f-51c48ccfbee4',
  recordType: 'egress',
  year: 2021,
  month: 11,
  day: 23,
  hour: 20,
  streamId: '20211119T222459Z',
  sequence: 6,
};

describe('flow-log keys: IBM\'s sample key in both spellings', () => {
  it('parses IBM\'s sample key (URL-encoded CRNs) and says so', () => {
    expect(parseKey(IBM_KEY)).to.deep.equal({ ok: true, key: PARTS, encoding: 'url-encoded' });
  });

  it('parses the same key with raw CRNs (three more path levels) to the same parts, and says so', () => {
    expect(RAW_KEY.split('/').length).to.equal(IBM_KEY.split('/').length + 3);
    expect(parseKey(RAW_KEY)).to.deep.equal({ ok: true, key: PARTS, encoding: 'raw' });
  });

  it('builds either spelling', () => {
    expect(buildKey(PARTS)).to.equal(IBM_KEY);
    expect(buildKey(PARTS, 'raw')).to.equal(RAW_KEY);
  });

  it('round-trips CRN-shaped parts through either spelling (fast-check)', () => {
    const id = fc.stringMatching(/^[0-9a-z_-]{1,40}$/);
    const account = fc.stringMatching(/^[0-9a-f]{32}$/);
    const crn = (type: string) => fc.tuple(account, fc.constantFrom('us-south', 'us-south-1', 'eu-de-2'), id).map(([a, zone, r]) => `crn:v1:bluemix:public:is:${zone}:a/${a}::${type}:${r}`);
    fc.assert(
      fc.property(crn('vpc'), crn('subnet'), crn('instance'), id, fc.date({ min: new Date(Date.UTC(2020, 0, 1)), max: new Date(Date.UTC(2030, 0, 1)), noInvalidDate: true }), (vpcCrn, subnetCrn, instanceCrn, interfaceId, d) => {
        const k: FlowLogKey = { ...PARTS, vpcCrn, subnetCrn, instanceCrn, interfaceId, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), streamId: streamIdOf(d.getTime()) };
        expect(parseKey(buildKey(k, 'raw'))).to.deep.equal({ ok: true, key: k, encoding: 'raw' });
        expect(parseKey(buildKey(k))).to.deep.equal({ ok: true, key: k, encoding: 'url-encoded' });
      }),
      { numRuns: 200 },
    );
  });

  it('still refuses a raw key with a level missing, saying which', () => {
    const r = parseKey(RAW_KEY.replace('/endpoint-type=vnics', ''));
    expect(r).to.deep.equal({ ok: false, reason: `key ${JSON.stringify(RAW_KEY.replace('/endpoint-type=vnics', ''))} is not a flow-log object key: expected 14 segments after ${KEY_ROOT}, found 13` });
  });

  it('narrows prefixes with CRNs spelled as the bucket does', () => {
    const scope = { account: ACCT, region: 'us-south', vpc: VPC };
    expect(planPrefixes(scope).prefixes).to.deep.equal([`${KEY_ROOT}account=${ACCT}/region=us-south/vpc-id=${enc(VPC)}/`]);
    expect(planPrefixes(scope, { crnEncoding: 'raw' }).prefixes).to.deep.equal([`${KEY_ROOT}account=${ACCT}/region=us-south/vpc-id=${VPC}/`]);
  });

  it('takes the account and region of the key from a VPC, subnet or instance CRN', () => {
    const full = (crn: string, level: string) => `${KEY_ROOT}account=${ACCT}/region=us-south/${level}=${crn}/`;
    expect(planPrefixes({ vpc: VPC }, { crnEncoding: 'raw' }).prefixes).to.deep.equal([full(VPC, 'vpc-id')]);
    expect(planPrefixes({ subnet: SUBNET }).prefixes).to.deep.equal([`${KEY_ROOT}account=${ACCT}/region=us-south/`]);
    expect(planPrefixes({ vpc: 'r006-f6045065-8a82-44fc-ae1e-4817f499c9c6' }).prefixes).to.deep.equal([KEY_ROOT]);
  });

  it('reads a raw CRN back out of delimiter listings: cut at its scope (list deeper), then whole', () => {
    const cut = `${KEY_ROOT}account=${ACCT}/region=us-south/vpc-id=crn:v1:bluemix:public:is:us-south:a/`;
    expect(levelValueOf(cut, 'vpc-id')).to.equal('crn:v1:bluemix:public:is:us-south:a');
    expect(isPartialCrn('vpc-id', 'crn:v1:bluemix:public:is:us-south:a')).to.equal(true);
    expect(levelValueOf(`${cut}${ACCT}::vpc:r006-f6045065-8a82-44fc-ae1e-4817f499c9c6/`, 'vpc-id')).to.equal(VPC);
    expect(isPartialCrn('vpc-id', VPC)).to.equal(false);
  });
});

describe('flow-log documents: IBM\'s sample objects', () => {
  const sample = readFileSync(join(SAMPLES, '00000911.json'));

  it('decodes IBM\'s sample object (2 records, the second with empty start and end times)', () => {
    const r = decodeObject(gzipSync(sample));
    expect(r.ok).to.equal(true);
    if (!r.ok) return;
    expect(r.document.number_of_flow_logs).to.equal(1);
    expect(r.document.flow_logs.map((f) => [f.start_time, f.end_time, f.initiator_port, f.target_port])).to.deep.equal([
      ['2020-06-04T13:43:10Z', '2020-06-04T13:45:20Z', 68, 67],
      ['', '', 68, 67],
    ]);
  });

  it('analyzes both records and warns of the miscount; the empty start time takes the capture start', () => {
    const r = decodeObject(gzipSync(sample));
    if (!r.ok) throw new Error('sample did not decode');
    const a = new FlowLogAnalyzer({ portScanThreshold: 1 });
    a.addObject({ key: '00000911.gz', size: 585, jsonBytes: r.jsonBytes, document: r.document });
    // Reported as a scan when rejected: its window starts at the capture start. Accepted here, so no scan.
    const report = a.report();
    expect(report.objects).to.deep.include({ analyzed: 1, failed: 0, records: 2, warned: 1 });
    expect(report.warnings).to.deep.equal([{ key: '00000911.gz', message: 'number_of_flow_logs is 1 but flow_logs has 2 records; the 2 records were analyzed' }]);
    expect(report.interfaces.map((i) => [i.interfaceId, i.flows, i.bytes, i.packets])).to.deep.equal([['0717-83c09614-8ba2-4911-bada-66cb04f004f5', 2, 2 * (1358 + 1280), 16]]);

    const rejected = JSON.parse(sample.toString('utf8'));
    for (const f of rejected.flow_logs) f.action = 'rejected';
    const scan = decodeObject(gzipSync(JSON.stringify(rejected)));
    if (!scan.ok) throw new Error('variant did not decode');
    const b = new FlowLogAnalyzer({ portScanThreshold: 1 });
    b.addObject({ key: 'x.gz', size: 1, document: scan.document });
    expect(b.report().findings.portScans.map((s) => [s.initiatorIp, s.windowStart, s.windowEnd])).to.deep.equal([['10.240.0.5', '2020-06-04T13:42:39Z', '2020-06-04T13:42:39Z']]);
  });

  it('decodes IBM\'s pre-GA sample document (pretty-printed, an extra "key" field skipped)', () => {
    const r = decodeObject(gzipSync(readFileSync(join(SAMPLES, '00002630.json'))));
    expect(r.ok).to.equal(true);
    if (!r.ok) return;
    expect([r.document.network_interface_id, r.document.flow_logs.length, 'key' in r.document]).to.deep.equal(['0727-c88727bc-345d-4ef0-b7a7-a3ae23ffdaeb', 0, false]);
  });
});
