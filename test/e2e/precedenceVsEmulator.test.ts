import { expect } from 'chai';
import fc from 'fast-check';
import { startEmulator, type RunningEmulator } from '../../emulator/src';
import { resolve } from '../../provider/src/precedence';
import type { CollectorSpec, Topology } from '../../provider/src/precedence/types';
import { EmulatorClient } from '../support/emulator';
import { interfaceBuckets } from '../support/flowLogs';

/**
 * The differential test: the precedence simulator (provider/src/precedence) and the emulator (an independent
 * implementation of the service) must agree. For random topologies and collector sets, the buckets the emulator's
 * flow-log writer actually writes each interface's objects to must equal the simulator's prediction, suspended
 * collectors included (a suspended winner: no objects, and no broader collector takes over).
 */

const BUCKETS = ['bucket-a', 'bucket-b', 'bucket-c'];

/** A random VPC: subnets, instances on legacy interfaces or network attachments, one or two interfaces each. */
const topologyArb = fc
  .record({
    subnets: fc.integer({ min: 1, max: 3 }),
    instances: fc.array(fc.record({ subnet: fc.nat(), attachments: fc.boolean(), second: fc.option(fc.nat(), { nil: undefined }) }), { minLength: 1, maxLength: 6 }),
  })
  .map(({ subnets, instances }) => ({
    region: 'us-south',
    vpcs: [
      {
        name: 'vpc-r',
        subnets: Array.from({ length: subnets }, (_, i) => ({ name: `sn-${i}`, zone: 'us-south-1', cidr: `10.250.${i}.0/24` })),
        instances: instances.map((inst, i) => {
          const nics = [inst.subnet % subnets, ...(inst.second === undefined ? [] : [inst.second % subnets])].map((s, n) => ({ name: `eth${n}`, subnet: `sn-${s}` }));
          return inst.attachments
            ? { name: `vm-${i}`, zone: 'us-south-1', networkAttachments: nics.map((n) => ({ ...n, virtualNetworkInterface: `vm-${i}-${n.name}` })) }
            : { name: `vm-${i}`, zone: 'us-south-1', networkInterfaces: nics };
        }),
      },
    ],
    buckets: BUCKETS.map((name) => ({ name, authorized: true })),
  }));

/** Picks for collectors: an index into the list of possible targets, a bucket and whether it is active. */
const picksArb = fc.array(fc.record({ target: fc.nat(), bucket: fc.constantFrom(...BUCKETS), active: fc.boolean() }), { minLength: 0, maxLength: 8 });

/** The emulator's topology (its GET /_emulator/state form) as the simulator's input. */
function simulatorTopology(t: any): Topology {
  const instanceVpc = new Map(t.instances.map((i: any) => [i.id, i.vpcId]));
  const vniOf = new Map(t.networkAttachments.map((a: any) => [a.id, a.vniId]));
  return {
    vpcs: t.vpcs.map((v: any) => ({ id: v.id })),
    subnets: t.subnets.map((s: any) => ({ id: s.id, vpcId: s.vpcId })),
    instances: t.instances.map((i: any) => ({ id: i.id, vpcId: instanceVpc.get(i.id) as string })),
    interfaces: [
      ...t.networkInterfaces.map((n: any) => ({ id: n.id, kind: 'network_interface' as const, instanceId: n.instanceId, subnetId: n.subnetId })),
      ...t.networkAttachments.map((a: any) => ({ id: a.id, kind: 'instance_network_attachment' as const, instanceId: a.instanceId, subnetId: a.subnetId, vniId: vniOf.get(a.id) as string })),
    ],
    virtualNetworkInterfaces: t.virtualNetworkInterfaces.map((v: any) => ({ id: v.id, attachmentId: v.attachmentId })),
  };
}

describe('differential: the simulator predicts the buckets the emulator writes to', function () {
  this.timeout(120_000);
  let emulator: RunningEmulator;
  let client: EmulatorClient;

  before(async () => {
    emulator = await startEmulator({ pendingSeconds: 0, deletingSeconds: 0, clockStart: '2026-01-05T09:00:00Z', log: () => undefined });
    client = new EmulatorClient(emulator);
  });
  after(async () => emulator.close());

  it('agrees interface by interface over 25 random topologies and collector sets', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(topologyArb, picksArb, async (file, picks) => {
        await client.control('POST', '/reset');
        client.forgetToken(); // each run moves the clock 5 minutes: tokens would expire after a dozen runs
        expect((await client.control('POST', '/topology', file)).status).to.equal(200);
        const t = await client.topology();
        const targets: string[] = [
          ...t.vpcs.map((x: any) => x.id),
          ...t.subnets.map((x: any) => x.id),
          ...t.instances.map((x: any) => x.id),
          ...t.networkInterfaces.map((x: any) => x.id),
          ...t.networkAttachments.map((x: any) => x.id),
          ...t.virtualNetworkInterfaces.map((x: any) => x.id),
        ];
        // One collector per target: later picks of a taken target are skipped, as the API would refuse them.
        const specs: CollectorSpec[] = [];
        for (const [i, p] of picks.entries()) {
          const targetId = targets[p.target % targets.length];
          if (specs.some((s) => s.targetId === targetId)) continue;
          const created = await client.createCollector({ name: `c-${i}`, target: { id: targetId }, storage_bucket: { name: p.bucket }, active: p.active });
          specs.push({ id: created.id, name: created.name, targetId, bucket: p.bucket, active: p.active });
        }
        // Let every collector settle, then let one 5-minute window pass: the writer runs for it.
        await client.control('POST', '/clock/advance', { seconds: 1 });
        await client.control('POST', '/clock/advance', { seconds: 300 });

        const written = await interfaceBuckets(client);
        const predicted = resolve(simulatorTopology(t), specs);
        for (const r of predicted.interfaces) {
          const expected = r.winner?.active ? [r.winner.bucket] : [];
          expect([...(written.get(r.interfaceId) ?? [])].sort(), `interface ${r.interfaceId} (winner ${JSON.stringify(r.winner)})`).to.deep.equal(expected);
          compared += 1;
        }
        // Nothing is written for anything the simulator does not know as an interface.
        const known = new Set(predicted.interfaces.map((r) => r.interfaceId));
        expect([...written.keys()].filter((id) => !known.has(id))).to.deep.equal([]);
      }),
      { numRuns: 25 },
    );
    expect(compared).to.be.greaterThan(25);
  });
});
