import { expect } from 'chai';
import fc from 'fast-check';
import { decodeJson, FlowLogAnalyzer, type AnalyzerOptions, type FlowLogDocument, type FlowLogReport } from '../../provider/src/flowlogs';
import { COLLECTOR_CRN, documentOf, IFACE, record } from '../support/flowlogDocs';

/**
 * The analyzer on hand-built documents, with exact expected reports: use case 2 (a network ACL drops the replies:
 * an asymmetric finding on the right interface and direction), use case 3 (a port scan from one address), and
 * normal traffic (no finding, exact totals). The report does not depend on the order of the documents.
 */

const DB = IFACE('0727-if-db', 1);
const CLIENT = IFACE('0727-if-client', 2);
const WEB = IFACE('0727-if-web', 3);

function analyze(docs: FlowLogDocument[], options: AnalyzerOptions = {}): FlowLogReport {
  const a = new FlowLogAnalyzer(options);
  docs.forEach((d, i) => a.add({ key: `object-${i}`, size: 1000, jsonBytes: 5000 }, d));
  return a.report();
}

// --- use case 2: the database subnet's network ACL lets requests in and drops the replies -------------------------
const tuple = (port: number) => ({ initiator_ip: '10.240.1.5', initiator_port: port, target_ip: '10.240.0.4', target_port: 5432, transport_protocol: 6 });
const requestsOnly = { bytes_from_initiator: 180, packets_from_initiator: 3, bytes_from_target: 0, packets_from_target: 0 };
const repliesOnly = { bytes_from_initiator: 0, packets_from_initiator: 0, bytes_from_target: 120, packets_from_target: 2 };
const NACL_DROPS_REPLIES = [
  documentOf(DB, [record({ ...tuple(50001), ...requestsOnly }), record({ ...tuple(50002), ...requestsOnly })]),
  documentOf(DB, [record({ ...tuple(50001), ...repliesOnly, action: 'rejected' }), record({ ...tuple(50002), ...repliesOnly, action: 'rejected' })]),
  documentOf(CLIENT, [record({ ...tuple(50001), ...requestsOnly, direction: 'O' }), record({ ...tuple(50002), ...requestsOnly, direction: 'O' })]),
  documentOf(CLIENT, []),
];

// --- use case 3: one address probes 30 ports of the database server within a minute -----------------------------
const at = (seconds: number) => new Date(Date.parse('2025-06-01T10:00:00Z') + seconds * 1000).toISOString().replace('.000Z', 'Z');
const probe = (port: number, seconds: number, target = '10.240.0.4') =>
  record({
    action: 'rejected',
    direction: 'I',
    initiator_ip: '203.0.113.7',
    initiator_port: 61000,
    target_ip: target,
    target_port: port,
    start_time: at(seconds),
    end_time: at(seconds),
    connection_start_time: at(seconds),
    was_terminated: false,
    bytes_from_initiator: 60,
    packets_from_initiator: 1,
    bytes_from_target: 0,
    packets_from_target: 0,
  });
const PORT_SCAN = [documentOf(DB, Array.from({ length: 30 }, (_, k) => probe(k + 1, 2 * k)))];

// --- normal traffic: HTTPS from the client to the web server (logged at both ends), DNS from the web server -------
const web = (port: number, bi: number, pi: number, bt: number, pt: number, direction: 'I' | 'O') =>
  record({ direction, initiator_ip: '10.240.1.5', initiator_port: port, target_ip: '10.240.2.8', target_port: 443, bytes_from_initiator: bi, packets_from_initiator: pi, bytes_from_target: bt, packets_from_target: pt });
const dns = record({ direction: 'O', initiator_ip: '10.240.2.8', initiator_port: 40000, target_ip: '161.26.0.10', target_port: 53, transport_protocol: 17, bytes_from_initiator: 70, packets_from_initiator: 1, bytes_from_target: 130, packets_from_target: 1 });
const NORMAL = [
  documentOf(WEB, [web(50010, 1200, 10, 48000, 40, 'I'), web(50011, 800, 8, 12000, 12, 'I')]),
  documentOf(WEB, [dns]),
  documentOf(CLIENT, [web(50010, 1200, 10, 48000, 40, 'O'), web(50011, 800, 8, 12000, 12, 'O')]),
  documentOf(CLIENT, []),
];

const zero = { objects: 0, emptyObjects: 0, skipDataObjects: 0, flows: 0, accepted: 0, rejected: 0, bytes: 0, packets: 0 };

describe('flow-log analyzer: use case 2, a network ACL drops the replies', () => {
  it('reports the dropped replies on the database interface, outbound, with the likely cause', () => {
    const report = analyze(NACL_DROPS_REPLIES);
    expect(report.findings.asymmetric).to.deep.equal([
      {
        kind: 'asymmetric',
        interfaceId: '0727-if-db',
        rejectedSide: 'replies',
        dropDirection: 'outbound',
        protocol: 6,
        protocolName: 'tcp',
        initiatorIps: ['10.240.1.5'],
        targetIp: '10.240.0.4',
        targetPort: 5432,
        connections: 2,
        rejectedPackets: 4,
        rejectedBytes: 240,
        acceptedOn: ['0727-if-client', '0727-if-db'],
        likelyCause: 'a network ACL on the subnet of interface 0727-if-db (its outbound rules)',
        message:
          'Replies from 10.240.0.4:5432 (tcp) to 10.240.1.5 are rejected outbound on interface 0727-if-db while the requests are accepted (2 connections): ' +
          'a network ACL on the subnet of interface 0727-if-db (its outbound rules) probably drops the replies. Network ACLs are stateless, so that subnet ' +
          'needs an outbound rule for the replies; security groups let the other direction of an accepted connection through by themselves.',
      },
    ]);
    expect(report.findings.portScans).to.deep.equal([]);
    expect(report.rejected).to.deep.equal({
      totalGroups: 1,
      groups: [{ initiatorIp: '10.240.1.5', targetIp: '10.240.0.4', targetPort: 5432, protocol: 6, protocolName: 'tcp', direction: 'inbound', flows: 2, packets: 4, bytes: 240, interfaces: ['0727-if-db'] }],
    });
  });

  it('when the client subnet drops the replies instead, names the client interface and the inbound direction', () => {
    const report = analyze([
      documentOf(CLIENT, [record({ ...tuple(50001), ...requestsOnly, direction: 'O' })]),
      documentOf(CLIENT, [record({ ...tuple(50001), ...repliesOnly, direction: 'O', action: 'rejected' })]),
    ]);
    const [f] = report.findings.asymmetric;
    expect(report.findings.asymmetric).to.have.length(1);
    expect([f.interfaceId, f.rejectedSide, f.dropDirection, f.connections, f.acceptedOn]).to.deep.equal(['0727-if-client', 'replies', 'inbound', 1, ['0727-if-client']]);
    expect(f.message).to.equal(
      'Replies from 10.240.0.4:5432 (tcp) to 10.240.1.5 are rejected inbound on interface 0727-if-client while the requests are accepted (1 connection): ' +
        'a network ACL on the subnet of interface 0727-if-client (its inbound rules) probably drops the replies. Network ACLs are stateless, so that subnet ' +
        "needs an inbound rule for the replies (to the initiator's ephemeral ports); security groups let the other direction of an accepted connection through by themselves.",
    );
  });

  it('raises nothing for rejected replies whose connection also had replies accepted (no one-way acceptance)', () => {
    const report = analyze([documentOf(DB, [record({ ...tuple(50001) }), record({ ...tuple(50001), ...repliesOnly, action: 'rejected' })])]);
    expect(report.findings.asymmetric).to.deep.equal([]);
  });
});

describe('flow-log analyzer: use case 3, a port scan', () => {
  it('reports the scanner address with every rejected port', () => {
    const report = analyze(PORT_SCAN);
    expect(report.findings.portScans).to.deep.equal([
      {
        kind: 'port-scan',
        initiatorIp: '203.0.113.7',
        ports: Array.from({ length: 30 }, (_, k) => k + 1),
        targets: ['10.240.0.4'],
        protocols: ['tcp'],
        rejectedFlows: 30,
        maxPortsInWindow: 30,
        maxHostsInWindow: 1,
        windowStart: '2025-06-01T10:00:00Z',
        windowEnd: '2025-06-01T10:00:58Z',
        windowSeconds: 300,
        threshold: 20,
        interfaces: ['0727-if-db'],
        message: '203.0.113.7 was rejected on 30 distinct ports (1-30) of 1 host (30 rejected flows; up to 30 ports and 1 host within 5 min, threshold 20): probably a port scan from 203.0.113.7.',
      },
    ]);
    expect(report.findings.asymmetric).to.deep.equal([]);
    expect(report.rejected.totalGroups).to.equal(30);
    expect(report.rejected.groups[0]).to.deep.equal({
      initiatorIp: '203.0.113.7',
      targetIp: '10.240.0.4',
      targetPort: 1,
      protocol: 6,
      protocolName: 'tcp',
      direction: 'inbound',
      flows: 1,
      packets: 1,
      bytes: 60,
      interfaces: ['0727-if-db'],
    });
  });

  const cases: Array<[string, FlowLogDocument[], AnalyzerOptions, Array<[string, number, number]>]> = [
    ['19 ports (below the default threshold of 20)', [documentOf(DB, Array.from({ length: 19 }, (_, k) => probe(k + 1, k)))], {}, []],
    ['19 ports with the threshold set to 10', [documentOf(DB, Array.from({ length: 19 }, (_, k) => probe(k + 1, k)))], { portScanThreshold: 10 }, [['203.0.113.7', 19, 1]]],
    ['25 hosts on one port (a sweep)', [documentOf(DB, Array.from({ length: 25 }, (_, k) => probe(22, k, `10.240.0.${k + 10}`)))], {}, [['203.0.113.7', 1, 25]]],
    ['30 ports a minute apart (never 20 within 5 minutes)', [documentOf(DB, Array.from({ length: 30 }, (_, k) => probe(k + 1, 60 * k)))], {}, []],
    ['30 ports a minute apart with a one-hour window', [documentOf(DB, Array.from({ length: 30 }, (_, k) => probe(k + 1, 60 * k)))], { portScanWindowSeconds: 3600 }, [['203.0.113.7', 30, 1]]],
    [
      'the same 20 probes logged at both ends (counted once)',
      [documentOf(DB, Array.from({ length: 10 }, (_, k) => probe(k + 1, k))), documentOf(CLIENT, Array.from({ length: 10 }, (_, k) => probe(k + 1, k)))],
      {},
      [],
    ],
  ];
  for (const [name, docs, options, expected] of cases) {
    it(`${expected.length ? 'reports' : 'does not report'} ${name}`, () => {
      const scans = analyze(docs, options).findings.portScans;
      expect(scans.map((s) => [s.initiatorIp, s.maxPortsInWindow, s.maxHostsInWindow])).to.deep.equal(expected);
    });
  }
});

describe('flow-log analyzer: normal traffic', () => {
  it('raises no finding and totals every interface and collector exactly', () => {
    const report = analyze(NORMAL, { expectedInterfaces: ['0727-if-web', '0727-if-client', { id: '0727-if-db', name: 'db-eth0' }] });
    expect(report.findings).to.deep.equal({ asymmetric: [], portScans: [] });
    expect(report.rejected).to.deep.equal({ groups: [], totalGroups: 0 });
    expect(report.objects).to.deep.equal({ analyzed: 4, failed: 0, empty: 1, skipData: 0, records: 5, warned: 0, keyEncodings: { urlEncoded: 0, raw: 0 } });
    expect(report.interfaces).to.deep.equal([
      { interfaceId: '0727-if-client', instanceCrn: CLIENT.instanceCrn, vpcCrn: report.interfaces[0].vpcCrn, collectors: [COLLECTOR_CRN('r006-col-vpc')], ...zero, objects: 2, emptyObjects: 1, flows: 2, accepted: 2, bytes: 62000, packets: 70 },
      { interfaceId: '0727-if-web', instanceCrn: WEB.instanceCrn, vpcCrn: report.interfaces[0].vpcCrn, collectors: [COLLECTOR_CRN('r006-col-vpc')], ...zero, objects: 2, flows: 3, accepted: 3, bytes: 62200, packets: 72 },
    ]);
    expect(report.collectors).to.deep.equal([{ collectorCrn: COLLECTOR_CRN('r006-col-vpc'), interfaces: 2, ...zero, objects: 4, emptyObjects: 1, flows: 5, accepted: 5, bytes: 124200, packets: 142 }]);
    // The client's HTTPS to the web server is logged at both ends: counted once in totals and top talkers.
    expect(report.topTalkers).to.deep.equal([
      { initiatorIp: '10.240.1.5', targetIp: '10.240.2.8', bytes: 62000, packets: 70, flows: 2 },
      { initiatorIp: '10.240.2.8', targetIp: '161.26.0.10', bytes: 200, packets: 2, flows: 1 },
    ]);
    expect(report.totals).to.deep.equal({ flows: 3, accepted: 3, rejected: 0, bytes: 62200, packets: 72, bothEnds: { pairs: 1, flows: 2, bytes: 62000, packets: 70 } });
    expect(report.silentInterfaces).to.deep.equal([{ id: '0727-if-db', name: 'db-eth0' }]);
  });

  it('reports the volume each collector wrote, projected to 30 days over the range, with a cost only when a price is given', () => {
    const since = Date.parse('2025-06-01T10:00:00Z');
    const withPrice = analyze(NORMAL, { since, until: since + 3600_000, pricePerGb: 0.5 }).volume;
    expect({ ...withPrice, basis: undefined }).to.deep.equal({
      periodStart: '2025-06-01T10:00:00Z',
      periodEnd: '2025-06-01T11:00:00Z',
      periodSeconds: 3600,
      periodSource: 'range',
      basis: undefined,
      pricePerGb: 0.5,
      trafficBytes: 62200,
      projected30DayTrafficBytes: 62200 * 720,
      collectors: [
        {
          collectorCrn: COLLECTOR_CRN('r006-col-vpc'),
          objects: 4,
          storedBytes: 4000,
          jsonBytes: 20000,
          projected30DayStoredBytes: 2_880_000,
          projected30DayJsonBytes: 14_400_000,
          projected30DayCost: 0.00144,
        },
      ],
    });
    expect(withPrice.basis).to.match(/^storedBytes: the gzip objects as stored/);
    const noRange = analyze(NORMAL).volume;
    expect([noRange.periodSource, noRange.periodSeconds, noRange.pricePerGb, noRange.collectors[0].projected30DayStoredBytes, noRange.collectors[0].projected30DayCost]).to.deep.equal([
      'capture windows',
      300,
      undefined,
      4000 * 8640,
      undefined,
    ]);
  });

  it('counts objects whose state is "skip data"', () => {
    const report = analyze([{ ...documentOf(WEB, []), state: 'skip data' }]);
    expect(report.objects.skipData).to.equal(1);
    expect(report.interfaces[0].skipDataObjects).to.equal(1);
  });
});

describe('flow-log analyzer: failures, packed documents and order', () => {
  it('lists failed objects with their problems and counts their interface as seen', () => {
    const a = new FlowLogAnalyzer({ expectedInterfaces: ['0727-if-x'] });
    a.addObject({ key: 'b.gz', size: 10, errorKind: 'gzip', problems: [{ path: '', reason: 'not a valid gzip stream (incorrect header check)' }] });
    a.addObject({
      key: 'a.gz',
      size: 10,
      parsedKey: { interfaceId: '0727-if-x' } as never,
      errorKind: 'document',
      problems: [
        { path: 'flow_logs[3].target_port', reason: 'expected an integer 0-65535, received "x"' },
        { path: 'flow_logs[4].target_port', reason: 'expected an integer 0-65535, received "y"' },
      ],
    });
    const report = a.report();
    expect(report.objects).to.deep.equal({ analyzed: 0, failed: 2, empty: 0, skipData: 0, records: 0, warned: 0, keyEncodings: { urlEncoded: 0, raw: 0 } });
    expect(report.failures.map((f) => [f.key, f.kind, f.message])).to.deep.equal([
      ['a.gz', 'document', 'flow_logs[3].target_port: expected an integer 0-65535, received "x" (and 1 more)'],
      ['b.gz', 'gzip', '(document): not a valid gzip stream (incorrect header check)'],
    ]);
    expect(report.silentInterfaces).to.deep.equal([]);
  });

  it('gives the same report for documents from the fast decoder and plain ones', () => {
    const all = [...NACL_DROPS_REPLIES, ...PORT_SCAN, ...NORMAL];
    const packed = all.map((d) => {
      const r = decodeJson(Buffer.from(JSON.stringify(d)));
      if (!r.ok) throw new Error('decode failed');
      return r.document;
    });
    expect(analyze(packed)).to.deep.equal(analyze(all));
  });

  it('gives the same report whatever the order of the documents (fast-check)', () => {
    const all = [...NACL_DROPS_REPLIES, ...PORT_SCAN, ...NORMAL];
    const expected = analyze(all);
    expect(expected.findings.asymmetric).to.have.length(1);
    expect(expected.findings.portScans).to.have.length(1);
    fc.assert(
      fc.property(fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }), (shuffled) => {
        expect(analyze(shuffled)).to.deep.equal(expected);
      }),
      { numRuns: 50 },
    );
  });
});
