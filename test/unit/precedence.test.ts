import { expect } from 'chai';
import fc from 'fast-check';
import {
  ChainIndex,
  CollectorSpec,
  coverageOf,
  diffResolutions,
  InterfaceChange,
  InterfaceResult,
  Level,
  overlay,
  PRECEDENCE,
  resolve,
  Resolution,
  resolveByChain,
  summarizeChanges,
  SUSPENDED_COLLECTOR_HOLDS_ITS_PLACE,
  Topology,
} from '../../provider/src/precedence';
import { IdIndex } from '../../provider/src/precedence/idIndex';
import { sortIds } from '../../provider/src/precedence/sortIds';

/**
 * The precedence simulator (README.md, "What the provider does"). Table tests pin exact results on the seed's first use
 * case (emulator/topologies/use-case-1.json, written out here with readable ids); fast-check properties compare the
 * simulator with a small reference written below, over random topologies and collector sets.
 */

// ---------------------------------------------------------------------------------------------------------------
// The seed's first use case: vpc-1; subnet-1, subnet-2 (us-south-1), subnet-3 (us-south-2); six instances.

const T1: Topology = {
  vpcs: [{ id: 'vpc1', name: 'vpc-1' }],
  subnets: [
    { id: 'sn1', vpcId: 'vpc1', name: 'subnet-1' },
    { id: 'sn2', vpcId: 'vpc1', name: 'subnet-2' },
    { id: 'sn3', vpcId: 'vpc1', name: 'subnet-3' },
  ],
  instances: [1, 2, 3, 4, 5, 6].map((k) => ({ id: `i${k}`, vpcId: 'vpc1', name: `instance-${k}` })),
  interfaces: [
    { id: 'if-i1-eth0', name: 'eth0', kind: 'network_interface', instanceId: 'i1', subnetId: 'sn1' },
    { id: 'if-i2-eth0', name: 'eth0', kind: 'network_interface', instanceId: 'i2', subnetId: 'sn1' },
    { id: 'if-i2-eth1', name: 'eth1', kind: 'network_interface', instanceId: 'i2', subnetId: 'sn2' },
    { id: 'if-i3-eth0', name: 'eth0', kind: 'network_interface', instanceId: 'i3', subnetId: 'sn2' },
    { id: 'if-i4-eth0', name: 'eth0', kind: 'network_interface', instanceId: 'i4', subnetId: 'sn2' },
    { id: 'att-i5-eth0', name: 'eth0', kind: 'instance_network_attachment', instanceId: 'i5', subnetId: 'sn3', vniId: 'vni-i5-eth0' },
    { id: 'if-i6-eth0', name: 'eth0', kind: 'network_interface', instanceId: 'i6', subnetId: 'sn3' },
  ],
  virtualNetworkInterfaces: [
    { id: 'vni-i5-eth0', name: 'instance-5-eth0', attachmentId: 'att-i5-eth0' },
    { id: 'vni-spare', name: 'vni-spare' },
  ],
};

const ALL_T1 = ['att-i5-eth0', 'if-i1-eth0', 'if-i2-eth0', 'if-i2-eth1', 'if-i3-eth0', 'if-i4-eth0', 'if-i6-eth0'];

function collector(id: string, name: string, targetId: string, bucket: string, active = true): CollectorSpec {
  return { id, name, targetId, bucket, active };
}

const VPC = collector('fl-1', 'vpc-umbrella', 'vpc1', 'bucket-e');
const SUBNET2 = collector('fl-2', 'subnet-2-logs', 'sn2', 'bucket-c');
const INST5 = collector('fl-3', 'inst-5', 'i5', 'bucket-instance-5');
const suspended = (c: CollectorSpec): CollectorSpec => ({ ...c, active: false });

/** interfaceId → "collectorId@level" (or "-" when uncovered), for compact tables. */
function winners(r: Resolution): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of r.interfaces) out[i.interfaceId] = i.winner ? `${i.winner.collectorId}@${i.winner.level}` : '-';
  return out;
}

function result(r: Resolution, interfaceId: string): InterfaceResult {
  const found = r.interfaces.find((i) => i.interfaceId === interfaceId);
  if (!found) throw new Error(`no ${interfaceId}`);
  return found;
}

describe('precedence simulator', () => {
  describe('the order and the suspended-collector rule', () => {
    it('orders the levels most specific first, as the service does (interface › instance › subnet › VPC)', () => {
      expect(PRECEDENCE).to.deep.equal(['interface', 'virtual_network_interface', 'instance', 'subnet', 'vpc']);
    });

    it('keeps the suspended-collector rule in one named constant: a suspended collector holds its place', () => {
      expect(SUSPENDED_COLLECTOR_HOLDS_ITS_PLACE).to.equal(true);
    });

    it('reads the constant: by default the suspended instance collector wins and the VPC collector does not take over', () => {
      const collectors = [VPC, suspended(INST5)];
      const byDefault = resolve(T1, collectors);
      expect(result(byDefault, 'att-i5-eth0')).to.deep.equal({
        interfaceId: 'att-i5-eth0',
        winner: { collectorId: 'fl-3', bucket: 'bucket-instance-5', level: 'instance', active: false },
        shadowed: ['fl-1'],
      });
      expect(byDefault.receivedBy['fl-3']).to.deep.equal(['att-i5-eth0']);
      expect(byDefault.uncovered).to.deep.equal([]);
      // The default is exactly what the constant says; the other reading lets the VPC collector take over.
      expect(winners(byDefault)).to.deep.equal(winners(resolve(T1, collectors, { suspendedCollectorHoldsItsPlace: SUSPENDED_COLLECTOR_HOLDS_ITS_PLACE })));
      const otherReading = resolve(T1, collectors, { suspendedCollectorHoldsItsPlace: !SUSPENDED_COLLECTOR_HOLDS_ITS_PLACE });
      expect(result(otherReading, 'att-i5-eth0')).to.deep.equal({
        interfaceId: 'att-i5-eth0',
        winner: { collectorId: 'fl-1', bucket: 'bucket-e', level: 'vpc', active: true },
        shadowed: [],
      });
      expect(otherReading.receivedBy['fl-3']).to.deep.equal([]);
    });

    it('under the other reading, an interface whose only collectors are suspended is uncovered', () => {
      const r = resolve(T1, [suspended(INST5)], { suspendedCollectorHoldsItsPlace: false });
      expect(r.uncovered).to.deep.equal(ALL_T1);
      expect(resolve(T1, [suspended(INST5)]).uncovered).to.deep.equal(ALL_T1.filter((id) => id !== 'att-i5-eth0'));
    });
  });

  describe('use case 1: a VPC collector to bucket-e, a subnet collector to bucket-c, an instance collector for instance-5', () => {
    const r = resolve(T1, [VPC, SUBNET2, INST5]);

    it('gives every interface its exact winner, bucket, level and shadowed collectors', () => {
      const vpcWin = { collectorId: 'fl-1', bucket: 'bucket-e', level: 'vpc', active: true };
      const subnetWin = { collectorId: 'fl-2', bucket: 'bucket-c', level: 'subnet', active: true };
      expect(r.interfaces).to.deep.equal([
        { interfaceId: 'if-i1-eth0', winner: vpcWin, shadowed: [] },
        { interfaceId: 'if-i2-eth0', winner: vpcWin, shadowed: [] },
        { interfaceId: 'if-i2-eth1', winner: subnetWin, shadowed: ['fl-1'] },
        { interfaceId: 'if-i3-eth0', winner: subnetWin, shadowed: ['fl-1'] },
        { interfaceId: 'if-i4-eth0', winner: subnetWin, shadowed: ['fl-1'] },
        {
          interfaceId: 'att-i5-eth0',
          winner: { collectorId: 'fl-3', bucket: 'bucket-instance-5', level: 'instance', active: true },
          shadowed: ['fl-1'],
        },
        { interfaceId: 'if-i6-eth0', winner: vpcWin, shadowed: [] },
      ]);
    });

    it('lists what each collector receives, sorted, and nothing uncovered or in conflict', () => {
      expect(r.receivedBy).to.deep.equal({
        'fl-1': ['if-i1-eth0', 'if-i2-eth0', 'if-i6-eth0'],
        'fl-2': ['if-i2-eth1', 'if-i3-eth0', 'if-i4-eth0'],
        'fl-3': ['att-i5-eth0'],
      });
      expect(r.uncovered).to.deep.equal([]);
      expect(r.conflicts).to.deep.equal([]);
    });

    it('gives the coverage output of each collector', () => {
      expect(coverageOf(r, 'fl-2', T1)).to.deep.equal([
        { interfaceId: 'if-i2-eth1', interfaceName: 'eth1', instanceId: 'i2', subnetId: 'sn2' },
        { interfaceId: 'if-i3-eth0', interfaceName: 'eth0', instanceId: 'i3', subnetId: 'sn2' },
        { interfaceId: 'if-i4-eth0', interfaceName: 'eth0', instanceId: 'i4', subnetId: 'sn2' },
      ]);
      expect(coverageOf(r, 'fl-3', T1)).to.deep.equal([{ interfaceId: 'att-i5-eth0', interfaceName: 'eth0', instanceId: 'i5', subnetId: 'sn3' }]);
      expect(coverageOf(r, 'no-such-collector', T1)).to.deep.equal([]);
      // The same from a resolution that went through JSON (object form only).
      const plain = JSON.parse(JSON.stringify(r)) as Resolution;
      expect(coverageOf(plain, 'fl-2', T1)).to.deep.equal(coverageOf(r, 'fl-2', T1));
    });

    it('shows, adding the subnet and instance collectors under the VPC one, which interfaces move', () => {
      const changes = diffResolutions(resolve(T1, [VPC]), r);
      const fromE = { collectorId: 'fl-1', bucket: 'bucket-e', active: true };
      const toC = { collectorId: 'fl-2', bucket: 'bucket-c', active: true };
      expect(changes).to.deep.equal([
        { interfaceId: 'att-i5-eth0', before: fromE, after: { collectorId: 'fl-3', bucket: 'bucket-instance-5', active: true }, kind: 'moved' },
        { interfaceId: 'if-i2-eth1', before: fromE, after: toC, kind: 'moved' },
        { interfaceId: 'if-i3-eth0', before: fromE, after: toC, kind: 'moved' },
        { interfaceId: 'if-i4-eth0', before: fromE, after: toC, kind: 'moved' },
      ]);
      expect(summarizeChanges(changes, T1, [VPC, SUBNET2, INST5])).to.deep.equal([
        '3 interfaces of subnet-2 move from bucket-e to bucket-c: collector "subnet-2-logs" now wins over "vpc-umbrella"',
        'interface eth0 of instance-5 moves from bucket-e to bucket-instance-5: collector "inst-5" now wins over "vpc-umbrella"',
      ]);
    });
  });

  describe('every level of the order', () => {
    const NIC = collector('fl-nic', 'nic-logs', 'if-i2-eth1', 'bucket-nic');
    const ATT = collector('fl-att', 'att-logs', 'att-i5-eth0', 'bucket-att');
    const VNI = collector('fl-vni', 'vni-logs', 'vni-i5-eth0', 'bucket-vni');
    const INST2 = collector('fl-i2', 'inst-2', 'i2', 'bucket-i2');
    const SUBNET3 = collector('fl-s3', 'subnet-3-logs', 'sn3', 'bucket-s3');

    const cases: Array<{ level: string; collectors: CollectorSpec[]; topology?: Topology; expected: Record<string, string>; shadowed?: Record<string, string[]> }> = [
      {
        level: 'vpc',
        collectors: [VPC],
        expected: Object.fromEntries(ALL_T1.map((id) => [id, 'fl-1@vpc'])),
      },
      {
        level: 'subnet (over the VPC)',
        collectors: [VPC, SUBNET2],
        expected: {
          'if-i1-eth0': 'fl-1@vpc',
          'if-i2-eth0': 'fl-1@vpc',
          'if-i2-eth1': 'fl-2@subnet',
          'if-i3-eth0': 'fl-2@subnet',
          'if-i4-eth0': 'fl-2@subnet',
          'att-i5-eth0': 'fl-1@vpc',
          'if-i6-eth0': 'fl-1@vpc',
        },
      },
      {
        level: 'instance (over its subnet and VPC, on both of its interfaces)',
        collectors: [VPC, SUBNET2, INST2],
        expected: {
          'if-i1-eth0': 'fl-1@vpc',
          'if-i2-eth0': 'fl-i2@instance',
          'if-i2-eth1': 'fl-i2@instance',
          'if-i3-eth0': 'fl-2@subnet',
          'if-i4-eth0': 'fl-2@subnet',
          'att-i5-eth0': 'fl-1@vpc',
          'if-i6-eth0': 'fl-1@vpc',
        },
        shadowed: { 'if-i2-eth0': ['fl-1'], 'if-i2-eth1': ['fl-2', 'fl-1'] },
      },
      {
        level: 'virtual network interface (over its instance and VPC)',
        collectors: [VPC, INST5, VNI],
        expected: {
          'if-i1-eth0': 'fl-1@vpc',
          'if-i2-eth0': 'fl-1@vpc',
          'if-i2-eth1': 'fl-1@vpc',
          'if-i3-eth0': 'fl-1@vpc',
          'if-i4-eth0': 'fl-1@vpc',
          'att-i5-eth0': 'fl-vni@virtual_network_interface',
          'if-i6-eth0': 'fl-1@vpc',
        },
        shadowed: { 'att-i5-eth0': ['fl-3', 'fl-1'] },
      },
      {
        level: 'virtual network interface known only from the VNI list (attachmentId)',
        collectors: [VNI],
        topology: { ...T1, interfaces: T1.interfaces.map((i) => (i.id === 'att-i5-eth0' ? { ...i, vniId: undefined } : i)) },
        expected: { ...Object.fromEntries(ALL_T1.map((id) => [id, '-'])), 'att-i5-eth0': 'fl-vni@virtual_network_interface' },
      },
      {
        level: 'instance network attachment (over its VNI and instance)',
        collectors: [INST5, VNI, ATT],
        expected: { ...Object.fromEntries(ALL_T1.map((id) => [id, '-'])), 'att-i5-eth0': 'fl-att@interface' },
        shadowed: { 'att-i5-eth0': ['fl-vni', 'fl-3'] },
      },
      {
        level: 'legacy network interface (over its instance, subnet and VPC)',
        collectors: [VPC, SUBNET2, INST2, NIC],
        expected: {
          'if-i1-eth0': 'fl-1@vpc',
          'if-i2-eth0': 'fl-i2@instance',
          'if-i2-eth1': 'fl-nic@interface',
          'if-i3-eth0': 'fl-2@subnet',
          'if-i4-eth0': 'fl-2@subnet',
          'att-i5-eth0': 'fl-1@vpc',
          'if-i6-eth0': 'fl-1@vpc',
        },
        shadowed: { 'if-i2-eth1': ['fl-i2', 'fl-2', 'fl-1'] },
      },
    ];
    for (const c of cases) {
      it(`${c.level}: ${c.collectors.map((x) => x.id).join(', ')}`, () => {
        const r = resolve(c.topology ?? T1, c.collectors);
        expect(winners(r)).to.deep.equal(c.expected);
        for (const [id, shadowed] of Object.entries(c.shadowed ?? {})) expect(result(r, id).shadowed, id).to.deep.equal(shadowed);
      });
    }

    it('with a collector on every level of one chain, taking the most specific away hands it down the order', () => {
      // Input order is least specific first, so that input order is not what decides.
      let collectors = [VPC, SUBNET3, INST5, VNI, ATT];
      const expectedLevels: Level[] = [...PRECEDENCE];
      const ids = ['fl-att', 'fl-vni', 'fl-3', 'fl-s3', 'fl-1'];
      for (let k = 0; k < PRECEDENCE.length; k++) {
        const r = result(resolve(T1, collectors), 'att-i5-eth0');
        expect(r.winner?.collectorId).to.equal(ids[k]);
        expect(r.winner?.level).to.equal(expectedLevels[k]);
        expect(r.shadowed).to.deep.equal(ids.slice(k + 1));
        collectors = collectors.filter((c) => c.id !== ids[k]);
      }
      expect(resolve(T1, collectors).uncovered).to.deep.equal(ALL_T1);
    });

    it('lists uncovered interfaces, sorted, when no level has a collector', () => {
      const r = resolve(T1, [SUBNET2]);
      expect(r.uncovered).to.deep.equal(['att-i5-eth0', 'if-i1-eth0', 'if-i2-eth0', 'if-i6-eth0']);
      expect(result(r, 'if-i1-eth0')).to.deep.equal({ interfaceId: 'if-i1-eth0', shadowed: [] });
      expect(resolve(T1, []).uncovered).to.deep.equal(ALL_T1);
      expect(resolve(T1, []).receivedBy).to.deep.equal({});
    });
  });

  describe('conflicts', () => {
    const SUBNET2_AGAIN = collector('fl-2b', 'subnet-2-again', 'sn2', 'bucket-x');
    const ELSEWHERE = collector('fl-x', 'elsewhere', 'vpc-other', 'bucket-e');
    const SPARE = collector('fl-spare', 'spare-vni', 'vni-spare', 'bucket-e');

    it('reports two collectors on one target and a target outside the topology; the first on a target wins', () => {
      const r = resolve(T1, [VPC, SUBNET2, SUBNET2_AGAIN, ELSEWHERE, SPARE]);
      expect(r.conflicts).to.deep.equal([
        { kind: 'duplicate-target', targetId: 'sn2', collectorIds: ['fl-2', 'fl-2b'] },
        { kind: 'unknown-target', collectorId: 'fl-x', targetId: 'vpc-other' },
      ]);
      expect(r.receivedBy).to.deep.equal({
        'fl-1': ['att-i5-eth0', 'if-i1-eth0', 'if-i2-eth0', 'if-i6-eth0'],
        'fl-2': ['if-i2-eth1', 'if-i3-eth0', 'if-i4-eth0'],
        'fl-2b': [],
        'fl-x': [],
        'fl-spare': [],
      });
    });

    it('picks the winner of a duplicate target by input order, deterministically', () => {
      const r = resolve(T1, [SUBNET2_AGAIN, VPC, SUBNET2]);
      expect(result(r, 'if-i3-eth0').winner).to.deep.equal({ collectorId: 'fl-2b', bucket: 'bucket-x', level: 'subnet', active: true });
      expect(r.conflicts).to.deep.equal([{ kind: 'duplicate-target', targetId: 'sn2', collectorIds: ['fl-2b', 'fl-2'] }]);
    });

    it('knows instances without interfaces and unattached VNIs (no conflict), and reports every collector on an unknown target', () => {
      const t: Topology = { ...T1, instances: [...T1.instances, { id: 'i7', vpcId: 'vpc1', name: 'instance-7' }] };
      const r = resolve(t, [collector('a', 'a', 'i7', 'b'), collector('b', 'b', 'vni-spare', 'b'), collector('c', 'c', 'gone', 'b'), collector('d', 'd', 'gone', 'b')]);
      expect(r.conflicts).to.deep.equal([
        { kind: 'duplicate-target', targetId: 'gone', collectorIds: ['c', 'd'] },
        { kind: 'unknown-target', collectorId: 'c', targetId: 'gone' },
        { kind: 'unknown-target', collectorId: 'd', targetId: 'gone' },
      ]);
      expect(r.uncovered).to.deep.equal(ALL_T1);
    });
  });

  describe('overlay', () => {
    const live = [VPC, SUBNET2, INST5];

    it('replaces a live collector with the same id in its place', () => {
      const moved = { ...SUBNET2, bucket: 'bucket-z' };
      expect(overlay(live, { upsert: [moved], remove: [] })).to.deep.equal([VPC, moved, INST5]);
    });

    it('replaces a live collector on the same target (a planned collector with another id)', () => {
      const planned = collector('urn:pulumi:dev::p::ibmflowlogs:index:FlowLogCollector::s2', 'subnet-2-new', 'sn2', 'bucket-c');
      expect(overlay(live, { upsert: [planned], remove: [] })).to.deep.equal([VPC, planned, INST5]);
    });

    it('drops removed ids, appends new collectors, and leaves its inputs alone', () => {
      const added = collector('new', 'inst-2', 'i2', 'bucket-i2');
      const before = JSON.stringify(live);
      expect(overlay(live, { upsert: [added], remove: ['fl-3'] })).to.deep.equal([VPC, SUBNET2, added]);
      expect(JSON.stringify(live)).to.equal(before);
    });

    it('puts one upsert that matches two live collectors (one by id, one by target) in place of both', () => {
      const both = collector('fl-1', 'vpc-now-on-subnet-2', 'sn2', 'bucket-e');
      expect(overlay(live, { upsert: [both], remove: [] })).to.deep.equal([both, INST5]);
    });

    it('keeps an upsert whose id is also removed (removals apply to live collectors)', () => {
      const again = { ...VPC, bucket: 'bucket-z' };
      expect(overlay(live, { upsert: [again], remove: ['fl-1'] })).to.deep.equal([SUBNET2, INST5, again]);
    });
  });

  describe('diffResolutions and summarizeChanges', () => {
    const E = (active = true) => ({ collectorId: 'fl-1', bucket: 'bucket-e', active });

    it('moved: removing the subnet collector hands its interfaces back to the VPC collector', () => {
      const changes = diffResolutions(resolve(T1, [VPC, SUBNET2]), resolve(T1, [VPC]));
      expect(changes.map((c) => [c.interfaceId, c.kind])).to.deep.equal([
        ['if-i2-eth1', 'moved'],
        ['if-i3-eth0', 'moved'],
        ['if-i4-eth0', 'moved'],
      ]);
      expect(summarizeChanges(changes, T1, [VPC], [VPC, SUBNET2])).to.deep.equal([
        '3 interfaces of subnet-2 move from bucket-c to bucket-e: collector "vpc-umbrella" takes over from "subnet-2-logs"',
      ]);
    });

    it('moved: one collector pointed at another bucket', () => {
      const z = { ...VPC, bucket: 'bucket-z' };
      const changes = diffResolutions(resolve(T1, [VPC, SUBNET2]), resolve(T1, [z, SUBNET2]));
      expect(changes).to.have.length(4);
      expect(changes[0]).to.deep.equal({ interfaceId: 'att-i5-eth0', before: E(), after: { collectorId: 'fl-1', bucket: 'bucket-z', active: true }, kind: 'moved' });
      expect(summarizeChanges(changes, T1, [z, SUBNET2])).to.deep.equal([
        '4 interfaces of vpc-1 move from bucket-e to bucket-z: collector "vpc-umbrella" now writes to bucket-z',
      ]);
    });

    it('stopped: a suspended collector holds its place, and the line says so', () => {
      const INST2 = collector('fl-i2', 'inst-2', 'i2', 'bucket-i2');
      const after = [VPC, SUBNET2, suspended(INST2)];
      const changes = diffResolutions(resolve(T1, [VPC, SUBNET2, INST2]), resolve(T1, after));
      expect(changes).to.deep.equal([
        { interfaceId: 'if-i2-eth0', before: { collectorId: 'fl-i2', bucket: 'bucket-i2', active: true }, after: { collectorId: 'fl-i2', bucket: 'bucket-i2', active: false }, kind: 'stopped' },
        { interfaceId: 'if-i2-eth1', before: { collectorId: 'fl-i2', bucket: 'bucket-i2', active: true }, after: { collectorId: 'fl-i2', bucket: 'bucket-i2', active: false }, kind: 'stopped' },
      ]);
      expect(summarizeChanges(changes, T1, after)).to.deep.equal([
        '2 interfaces of instance-2 stop receiving flow logs: collector "inst-2" is suspended and still holds its place over "vpc-umbrella" and "subnet-2-logs"',
      ]);
      // With nothing further down the chain, the stop is the suspension itself, not the rule.
      const alone = diffResolutions(resolve(T1, [INST2]), resolve(T1, [suspended(INST2)]));
      expect(summarizeChanges(alone, T1, [suspended(INST2)])).to.deep.equal([
        '2 interfaces of instance-2 stop receiving flow logs: collector "inst-2" is suspended',
      ]);
    });

    it('stopped: a new suspended collector wins over an active one', () => {
      const after = [VPC, suspended(INST5)];
      const changes = diffResolutions(resolve(T1, [VPC]), resolve(T1, after));
      expect(changes).to.deep.equal([
        { interfaceId: 'att-i5-eth0', before: E(), after: { collectorId: 'fl-3', bucket: 'bucket-instance-5', active: false }, kind: 'stopped' },
      ]);
      expect(summarizeChanges(changes, T1, after)).to.deep.equal([
        'interface eth0 of instance-5 stops receiving flow logs: collector "inst-5" is suspended and still holds its place over "vpc-umbrella"',
      ]);
    });

    it('stopped: deleting a collector hands its interfaces to a suspended one', () => {
      const after = [suspended(VPC)];
      const changes = diffResolutions(resolve(T1, [suspended(VPC), INST5]), resolve(T1, after));
      expect(changes).to.deep.equal([
        { interfaceId: 'att-i5-eth0', before: { collectorId: 'fl-3', bucket: 'bucket-instance-5', active: true }, after: E(false), kind: 'stopped' },
      ]);
      expect(summarizeChanges(changes, T1, after, [suspended(VPC), INST5])).to.deep.equal([
        'interface eth0 of instance-5 stops receiving flow logs: collector "vpc-umbrella" takes over from "inst-5" and is suspended',
      ]);
    });

    it('stopped: deleting the only collector leaves every interface uncovered', () => {
      const changes = diffResolutions(resolve(T1, [VPC]), resolve(T1, []));
      expect(changes).to.deep.equal(ALL_T1.map((interfaceId) => ({ interfaceId, before: E(), kind: 'stopped' })));
      expect(summarizeChanges(changes, T1, [], [VPC])).to.deep.equal(['7 interfaces of vpc-1 are no longer covered by any collector']);
    });

    it('started: resuming a collector, and covering uncovered interfaces', () => {
      const resumed = diffResolutions(resolve(T1, [VPC, suspended(INST5)]), resolve(T1, [VPC, INST5]));
      expect(resumed).to.deep.equal([
        { interfaceId: 'att-i5-eth0', before: { collectorId: 'fl-3', bucket: 'bucket-instance-5', active: false }, after: { collectorId: 'fl-3', bucket: 'bucket-instance-5', active: true }, kind: 'started' },
      ]);
      expect(summarizeChanges(resumed, T1, [VPC, INST5])).to.deep.equal([
        'interface eth0 of instance-5 starts receiving flow logs in bucket-instance-5: collector "inst-5" is resumed',
      ]);
      const covered = diffResolutions(resolve(T1, []), resolve(T1, [SUBNET2]));
      expect(covered.map((c) => c.kind)).to.deep.equal(['started', 'started', 'started']);
      expect(summarizeChanges(covered, T1, [SUBNET2])).to.deep.equal([
        '3 interfaces of subnet-2 start receiving flow logs in bucket-c: collector "subnet-2-logs" now covers them',
      ]);
    });

    it('rewon: another collector wins and the logs land in the same bucket', () => {
      const replacement = collector('fl-9', 'vpc-umbrella-2', 'vpc1', 'bucket-e');
      const changes = diffResolutions(resolve(T1, [VPC, SUBNET2, INST5]), resolve(T1, [replacement, SUBNET2, INST5]));
      expect(changes).to.deep.equal(
        ['if-i1-eth0', 'if-i2-eth0', 'if-i6-eth0'].map((interfaceId) => ({ interfaceId, before: E(), after: { collectorId: 'fl-9', bucket: 'bucket-e', active: true }, kind: 'rewon' })),
      );
      expect(summarizeChanges(changes, T1, [replacement, SUBNET2, INST5], [VPC, SUBNET2, INST5])).to.deep.equal([
        '3 interfaces of vpc-1 keep going to bucket-e: collector "vpc-umbrella-2" takes over from "vpc-umbrella"',
      ]);
    });

    it('rewon: no delivery before or after, but the winner changes (a suspended winner gives way to none)', () => {
      const changes = diffResolutions(resolve(T1, [suspended(INST5)]), resolve(T1, []));
      expect(changes).to.deep.equal([{ interfaceId: 'att-i5-eth0', before: { collectorId: 'fl-3', bucket: 'bucket-instance-5', active: false }, kind: 'rewon' }]);
      expect(summarizeChanges(changes, T1, [], [suspended(INST5)])).to.deep.equal(['interface eth0 of instance-5 is no longer covered by any collector']);
    });

    it('orders lines stops first, then moves, starts and the rest, and names the narrowest shared scope', () => {
      const before = resolve(T1, [VPC, SUBNET2, INST5]);
      const afterSet = [suspended(SUBNET2), collector('fl-i1', 'inst-1', 'i1', 'bucket-e'), { ...INST5, bucket: 'bucket-z' }];
      expect(summarizeChanges(diffResolutions(before, resolve(T1, afterSet)), T1, afterSet, [VPC, SUBNET2, INST5])).to.deep.equal([
        '3 interfaces of subnet-2 stop receiving flow logs: collector "subnet-2-logs" is suspended',
        '2 interfaces of vpc-1 are no longer covered by any collector',
        'interface eth0 of instance-5 moves from bucket-instance-5 to bucket-z: collector "inst-5" now writes to bucket-z',
        'interface eth0 of instance-1 keeps going to bucket-e: collector "inst-1" now wins over "vpc-umbrella"',
      ]);
      expect(summarizeChanges([], T1, [])).to.deep.equal([]);
    });

    it('gives the same changes from resolutions that went through JSON (object form only)', () => {
      const a = resolve(T1, [VPC, SUBNET2]);
      const b = resolve(T1, [VPC, suspended(INST5)]);
      const plain = (r: Resolution) => JSON.parse(JSON.stringify(r)) as Resolution;
      expect(diffResolutions(plain(a), plain(b))).to.deep.equal(diffResolutions(a, b));
    });
  });

  // -------------------------------------------------------------------------------------------------------------
  // Properties

  describe('properties over random topologies and collector sets', () => {
    const runs = { numRuns: 300 };

    it('agrees with the reference (per interface, walk the chain in order and take the first collector found)', () => {
      fc.assert(
        fc.property(worldArb, fc.boolean(), ({ topology, collectors }, holds) => {
          const actual = resolve(topology, collectors, { suspendedCollectorHoldsItsPlace: holds });
          const expected = reference(topology, collectors, holds);
          expect(actual.interfaces).to.deep.equal(expected.interfaces);
          expect(actual.receivedBy).to.deep.equal(expected.receivedBy);
          expect(actual.uncovered).to.deep.equal(expected.uncovered);
          expect(actual.conflicts).to.deep.equal(expected.conflicts);
          for (const c of collectors) {
            expect(coverageOf(actual, c.id, topology).map((e) => e.interfaceId)).to.deep.equal(expected.receivedBy[c.id]);
          }
        }),
        runs,
      );
    });

    it('gives each interface at most one winner: receivedBy and uncovered split the interfaces exactly once', () => {
      fc.assert(
        fc.property(worldArb, ({ topology, collectors }) => {
          const r = resolve(topology, collectors);
          const seen = [...Object.values(r.receivedBy).flat(), ...r.uncovered].sort();
          expect(seen).to.deep.equal(topology.interfaces.map((i) => i.id).sort());
          for (const i of r.interfaces) {
            if (i.winner) expect(r.receivedBy[i.winner.collectorId]).to.include(i.interfaceId);
            else expect(r.uncovered).to.include(i.interfaceId);
          }
        }),
        runs,
      );
    });

    it('diffResolutions(A, A) is empty, and so is the diff of two resolutions of the same collectors', () => {
      fc.assert(
        fc.property(worldArb, ({ topology, collectors }) => {
          const a = resolve(topology, collectors);
          expect(diffResolutions(a, a)).to.deep.equal([]);
          expect(diffResolutions(a, resolve(topology, [...collectors]))).to.deep.equal([]);
        }),
        runs,
      );
    });

    it('diffResolutions agrees with the reference diff, and with itself on object-form-only resolutions', () => {
      fc.assert(
        fc.property(worldArb, choicesArb, ({ topology, collectors }, choices) => {
          const other = collectorsFrom(topology, choices);
          const actual = diffResolutions(resolve(topology, collectors), resolve(topology, other));
          expect(actual).to.deep.equal(referenceDiff(reference(topology, collectors, true), reference(topology, other, true)));
          const plain = (r: Resolution) => JSON.parse(JSON.stringify(r)) as Resolution;
          expect(diffResolutions(plain(resolve(topology, collectors)), plain(resolve(topology, other)))).to.deep.equal(actual);
          // Every change makes one line's worth of sense: one line per distinct (kind, before, after).
          const groups = new Set(actual.map((c) => JSON.stringify([c.kind, c.before, c.after])));
          expect(summarizeChanges(actual, topology, other, collectors)).to.have.length(groups.size);
        }),
        runs,
      );
    });

    it('adding a collector never changes interfaces outside its target’s scope', () => {
      fc.assert(
        fc.property(worldArb, fc.nat(), fc.boolean(), ({ topology, collectors }, k, active) => {
          const targets = knownIds(topology);
          const targetId = targets[k % targets.length];
          const added = collector('added', 'added', targetId, 'bucket-new', active);
          const before = resolve(topology, collectors);
          const after = resolve(topology, [...collectors, added]);
          const scope = new Set(topology.interfaces.filter((i) => chainOf(topology, i).includes(targetId)).map((i) => i.id));
          for (const change of diffResolutions(before, after)) expect(scope.has(change.interfaceId), change.interfaceId).to.equal(true);
          before.interfaces.forEach((r, k2) => {
            if (!scope.has(r.interfaceId)) expect(after.interfaces[k2]).to.deep.equal(r);
          });
        }),
        runs,
      );
    });

    it('removing a suspended winner changes nothing outside its scope', () => {
      fc.assert(
        fc.property(worldArb, fc.nat(), ({ topology, collectors }, k) => {
          const before = resolve(topology, collectors);
          const suspendedWinners = [...new Set(before.interfaces.filter((i) => i.winner && !i.winner.active).map((i) => i.winner!.collectorId))];
          fc.pre(suspendedWinners.length > 0);
          const gone = suspendedWinners[k % suspendedWinners.length];
          const targetId = collectors.find((c) => c.id === gone)!.targetId;
          const after = resolve(topology, collectors.filter((c) => c.id !== gone));
          const scope = new Set(topology.interfaces.filter((i) => chainOf(topology, i).includes(targetId)).map((i) => i.id));
          const changes = diffResolutions(before, after);
          for (const change of changes) {
            expect(scope.has(change.interfaceId)).to.equal(true);
            // It delivered nothing, so its interfaces can only start receiving logs, or stay without.
            expect(change.kind).to.be.oneOf(['started', 'rewon']);
          }
          expect(changes.map((c) => c.interfaceId)).to.include.members(before.receivedBy[gone]);
        }),
        runs,
      );
    });

    it('overlay with an empty plan is the live set; with a plan, no live collector shares an id or target with an upsert', () => {
      fc.assert(
        fc.property(worldArb, choicesArb, fc.array(fc.nat(), { maxLength: 3 }), ({ topology, collectors }, choices, removeAt) => {
          expect(overlay(collectors, { upsert: [], remove: [] })).to.deep.equal(collectors);
          const upsert = collectorsFrom(topology, choices).map((c) => ({ ...c, id: `p-${c.id}` }));
          const remove = collectors.length === 0 ? [] : removeAt.map((k) => collectors[k % collectors.length].id);
          const out = overlay(collectors, { upsert, remove });
          for (const u of upsert) expect(out).to.include(u);
          for (const c of out) {
            if (upsert.includes(c)) continue;
            expect(remove).to.not.include(c.id);
            expect(upsert.some((u) => u.id === c.id || u.targetId === c.targetId)).to.equal(false);
          }
        }),
        runs,
      );
    });
  });

  describe('internals: the id index and the id sort', () => {
    it('IdIndex behaves like a Map, also when every key ends the same way (it rehashes every character)', () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.string({ maxLength: 6 }), fc.nat()), { maxLength: 300 }), fc.constantFrom('', '-0123456789abcdef'), (pairs, tail) => {
          const index = new IdIndex(Math.max(1, pairs.length >> 3));
          const map = new Map<string, number>();
          for (const [key, value] of pairs) {
            const k = key + tail;
            expect(index.add(k, value)).to.equal(map.has(k) ? map.get(k) : -1);
            if (!map.has(k)) map.set(k, value);
          }
          expect(index.size).to.equal(map.size);
          for (const [key] of pairs) expect(index.get(key + tail)).to.equal(map.get(key + tail));
          expect(index.get('not-there' + tail)).to.equal(map.get('not-there' + tail) ?? -1);
        }),
        { numRuns: 200 },
      );
    });

    it('sortIds sorts as Array.prototype.sort does (UTF-16 code units), for ASCII and other strings', () => {
      fc.assert(
        fc.property(fc.array(fc.oneof(fc.string({ unit: fc.constantFrom('0', '7', '1', '-', 'a', 'f') }), fc.string({ unit: 'binary' })), { maxLength: 3000 }), (ids) => {
          expect(sortIds([...ids])).to.deep.equal([...ids].sort());
        }),
        { numRuns: 200 },
      );
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Random worlds and the reference

interface World {
  topology: Topology;
  collectors: CollectorSpec[];
}

const shapeArb = fc.record({
  vpcs: fc.integer({ min: 1, max: 2 }),
  subnets: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
  instances: fc.array(
    fc.record({
      vpc: fc.nat(),
      nics: fc.array(
        fc.record({
          subnet: fc.integer({ min: -1, max: 9 }),
          kind: fc.constantFrom<'network_interface' | 'instance_network_attachment'>('network_interface', 'instance_network_attachment'),
          vni: fc.constantFrom('field', 'list', 'none'),
        }),
        { maxLength: 3 },
      ),
    }),
    { maxLength: 5 },
  ),
  spareVnis: fc.nat({ max: 2 }),
});

type Shape = typeof shapeArb extends fc.Arbitrary<infer S> ? S : never;

function buildTopology(shape: Shape): Topology {
  const vpcs = Array.from({ length: shape.vpcs }, (_, v) => ({ id: `vpc${v}`, name: `vpc-${v}` }));
  const subnets = shape.subnets.map((v, s) => ({ id: `sn${s}`, vpcId: vpcs[v % vpcs.length].id, name: `subnet-${s}` }));
  const t: Topology = { vpcs, subnets, instances: [], interfaces: [], virtualNetworkInterfaces: [] };
  shape.instances.forEach((h, k) => {
    const vpcId = vpcs[h.vpc % vpcs.length].id;
    const instance = { id: `i${k}`, vpcId, name: `instance-${k}` };
    t.instances.push(instance);
    const ownSubnets = subnets.filter((s) => s.vpcId === vpcId);
    h.nics.forEach((nic, e) => {
      // -1: a subnet the topology does not list (the VPC then comes from the instance).
      const subnetId = nic.subnet < 0 ? 'sn-missing' : (ownSubnets.length > 0 ? ownSubnets : subnets)[nic.subnet % (ownSubnets.length || subnets.length)].id;
      const id = nic.kind === 'network_interface' ? `if-i${k}-eth${e}` : `att-i${k}-eth${e}`;
      const iface: Topology['interfaces'][number] = { id, name: `eth${e}`, kind: nic.kind, instanceId: instance.id, subnetId };
      if (nic.kind === 'instance_network_attachment' && nic.vni !== 'none') {
        const vniId = `vni-i${k}-eth${e}`;
        if (nic.vni === 'field') iface.vniId = vniId;
        t.virtualNetworkInterfaces!.push({ id: vniId, attachmentId: id });
      }
      t.interfaces.push(iface);
    });
  });
  for (let k = 0; k < shape.spareVnis; k++) t.virtualNetworkInterfaces!.push({ id: `vni-spare-${k}` });
  return t;
}

/** Every id a collector may target in this topology. */
function knownIds(t: Topology): string[] {
  return [
    ...t.vpcs.map((v) => v.id),
    ...t.subnets.map((s) => s.id),
    ...t.instances.map((h) => h.id),
    ...t.interfaces.map((i) => i.id),
    ...t.interfaces.flatMap((i) => (i.vniId ? [i.vniId] : [])),
    ...(t.virtualNetworkInterfaces ?? []).map((v) => v.id),
  ].filter((id, k, all) => all.indexOf(id) === k);
}

/** Collectors on random targets: known ones, and now and then one outside the topology; duplicates happen. */
const choicesArb = fc.array(fc.record({ target: fc.nat(), unknown: fc.nat({ max: 9 }), bucket: fc.nat({ max: 2 }), active: fc.nat({ max: 3 }) }), { maxLength: 8 });
type Choices = typeof choicesArb extends fc.Arbitrary<infer C> ? C : never;

function collectorsFrom(t: Topology, choices: Choices): CollectorSpec[] {
  const targets = knownIds(t);
  return choices.map((c, k) => ({
    id: `c${k}`,
    name: `collector-${k}`,
    // Now and then a target outside the topology, or the subnet id of an interface whose subnet it does not list.
    targetId: c.unknown === 0 ? 'elsewhere' : c.unknown === 1 ? 'sn-missing' : targets[c.target % targets.length],
    bucket: `bucket-${c.bucket}`,
    active: c.active !== 0,
  }));
}

const worldArb: fc.Arbitrary<World> = fc.tuple(shapeArb, choicesArb).map(([shape, choices]) => {
  const topology = buildTopology(shape);
  return { topology, collectors: collectorsFrom(topology, choices) };
});

/** An interface's chain, most specific first, by the readable rule (precedence/chain.ts). */
function chainOf(t: Topology, i: Topology['interfaces'][number]): Array<string | undefined> {
  return new ChainIndex(t).chainOf(i);
}

/** The obviously correct simulator (precedence/chain.ts): for each interface, walk its chain and take the first collector found. */
function reference(t: Topology, collectors: CollectorSpec[], holds: boolean): Resolution {
  return resolveByChain(t, collectors, { suspendedCollectorHoldsItsPlace: holds });
}

/** The reference diff: per interface, compare (collector, bucket, active) and name the kind by delivery. */
function referenceDiff(a: Resolution, b: Resolution): InterfaceChange[] {
  const out: InterfaceChange[] = [];
  a.interfaces.forEach((x, k) => {
    const y = b.interfaces[k];
    const before = x.winner && { collectorId: x.winner.collectorId, bucket: x.winner.bucket, active: x.winner.active };
    const after = y.winner && { collectorId: y.winner.collectorId, bucket: y.winner.bucket, active: y.winner.active };
    if (JSON.stringify(before) === JSON.stringify(after)) return;
    const was = !!before?.active;
    const is = !!after?.active;
    const kind = was && is ? (before!.bucket === after!.bucket ? 'rewon' : 'moved') : was ? 'stopped' : is ? 'started' : 'rewon';
    out.push({ interfaceId: x.interfaceId, ...(before && { before }), ...(after && { after }), kind });
  });
  return out.sort((p, q) => (p.interfaceId < q.interfaceId ? -1 : 1));
}
