import { expect } from 'chai';
import type { Collector } from '../../provider/src/ibm/types';
import { Deployment } from '../../provider/src/model/deployment';
import type { CollectorSpec } from '../../provider/src/precedence/types';

const spec = (id: string, targetId: string, bucket = 'b'): CollectorSpec => ({ id, name: id, targetId, bucket, active: true });

/** A listing that yields `collectors` and counts how often it was called (the deployment must call it once per VPC). */
function lister(collectors: Array<{ id: string; targetId: string }>) {
  const calls: string[] = [];
  const list = async function* (filters: { 'vpc.id'?: string }) {
    calls.push(String(filters['vpc.id']));
    for (const c of collectors) yield { id: c.id, name: c.id, target: { id: c.targetId }, vpc: { id: 'vpc' }, storageBucket: 'b', active: true } as unknown as Collector;
  };
  return { list, calls };
}

describe('unit: the deployment view (model/deployment.ts)', () => {
  it('reads a VPC once, keeps the baseline while its own writes keep the live set true, and re-reads on demand', async () => {
    const { list, calls } = lister([{ id: 'c1', targetId: 't1' }]);
    const d = new Deployment(list, 0);
    await Promise.all([d.collectors('vpc'), d.collectors('vpc'), d.baseline('vpc')]);
    expect(calls).to.deep.equal(['vpc']);
    d.noteWritten({ id: 'c2', target: { id: 't2' }, vpc: { id: 'vpc' } } as unknown as Collector);
    d.noteGone('c1');
    await new Promise((r) => setImmediate(r));
    expect([...(await d.collectors('vpc')).keys()]).to.deep.equal(['c2']);
    expect((await d.holderOf('vpc', 't2'))?.id).to.equal('c2');
    expect((await d.baseline('vpc')).map((c) => c.id), 'the baseline is what was live at the start').to.deep.equal(['c1']);
    await d.reread('vpc');
    expect(calls).to.deep.equal(['vpc', 'vpc']);
    expect([...(await d.collectors('vpc')).keys()]).to.deep.equal(['c1']);
  });

  const cases: Array<{ what: string; baseline: CollectorSpec[]; planned: Array<{ urn: string; target: string; old?: string }>; world: string[]; keys: Record<string, string> }> = [
    { what: 'a new collector joins under its URN', baseline: [spec('c1', 't1')], planned: [{ urn: 'u2', target: 't2' }], world: ['c1', 'u2'], keys: { u2: 'u2' } },
    { what: 'a planned collector on a live one’s target is that collector changed', baseline: [spec('c1', 't1')], planned: [{ urn: 'u1', target: 't1', old: 't1' }], world: ['c1'], keys: { u1: 'c1' } },
    { what: 'a collector that moves to another target leaves its old one', baseline: [spec('c1', 't1')], planned: [{ urn: 'u1', target: 't3', old: 't1' }], world: ['u1'], keys: { u1: 'u1' } },
    { what: 'collectors of another VPC are not placed', baseline: [], planned: [{ urn: 'u9', target: 't9' }], world: [], keys: {} },
  ];
  for (const c of cases) {
    it(`worldOf: ${c.what}`, () => {
      const d = new Deployment(lister([]).list, 0);
      for (const p of c.planned) {
        const vpcId = p.urn === 'u9' ? 'other' : 'vpc';
        expect(d.plan({ urn: p.urn, vpcId, spec: spec(p.urn, p.target), oldTargetId: p.old, known: true })).to.equal(undefined);
      }
      const { world, keys } = d.worldOf('vpc', c.baseline);
      expect(world.map((w) => w.id).sort()).to.deep.equal(c.world);
      expect(Object.fromEntries(keys)).to.deep.equal(c.keys);
    });
  }

  it('plan answers the other resource already planned on the target, and registers nothing then', () => {
    const d = new Deployment(lister([]).list, 0);
    d.plan({ urn: 'a', vpcId: 'vpc', spec: spec('a', 't'), known: true });
    expect(d.plan({ urn: 'a', vpcId: 'vpc', spec: spec('a', 't', 'b2'), known: true }), 'the same resource again').to.equal(undefined);
    expect(d.plan({ urn: 'b', vpcId: 'vpc', spec: spec('b', 't'), known: true })?.urn).to.equal('a');
    expect([...d.plannedUrns()]).to.deep.equal(['a']);
  });

  it('quiescent waits while a Check runs and for the quiet spell after the last one', async () => {
    const d = new Deployment(lister([]).list, 50);
    d.checkStarted();
    let settled = false;
    const waiting = d.quiescent().then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 80));
    expect(settled, 'a Check is still running').to.equal(false);
    const ended = Date.now();
    d.checkEnded();
    await waiting;
    expect(Date.now() - ended).to.be.at.least(45);
  });
});
