import { expect } from 'chai';
import fc from 'fast-check';
import { CancelledError } from '../../provider/src/resources/errors';
import { POLL, pollDelay, waitUntil, WaitTimeoutError } from '../../provider/src/resources/waiter';

/** Waits on lifecycle_state (resources/waiter.ts): the poll delay is a pure function; the wait asks at once first. */
describe('waits: the poll delay and the wait', () => {
  it('doubles from 100 ms up to 5 s, half of it fixed and half scaled by the random draw (table)', () => {
    const cases: Array<[number, number, number]> = [
      // attempt, random, delay
      [0, 0, 50],
      [0, 1, 100],
      [1, 0, 100],
      [1, 0.5, 150],
      [2, 1, 400],
      [3, 0, 400],
      [5, 1, 3200],
      [6, 0, 2500],
      [6, 1, 5000],
      [20, 1, 5000],
      [20, 0.5, 3750],
    ];
    for (const [attempt, random, delay] of cases) expect(pollDelay(attempt, random), `attempt ${attempt}, random ${random}`).to.equal(delay);
  });

  it('never waits past the time left, and never a negative time', () => {
    expect(pollDelay(6, 1, 1200)).to.equal(1200);
    expect(pollDelay(6, 1, -5)).to.equal(0);
  });

  it('is within [exp/2, exp] for every attempt and draw, and never shrinks as attempts go on (for one draw)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const exp = Math.min(POLL.maxMs, POLL.firstMs * POLL.factor ** attempt);
        const d = pollDelay(attempt, r);
        expect(d).to.be.within(Math.floor(exp / 2), exp);
        expect(pollDelay(attempt + 1, r)).to.be.at.least(d);
      }),
    );
  });

  it('a probe that is done at once ends the wait at once: no sleep, one call', async () => {
    let calls = 0;
    const started = Date.now();
    const value = await waitUntil(async () => (calls++, { done: true, value: 'stable' }), { what: 'x', timeoutMs: 60_000, signal: new AbortController().signal });
    expect([value, calls]).to.deep.equal(['stable', 1]);
    expect(Date.now() - started).to.be.below(50);
  });

  it('polls with the delays of pollDelay until done, then times out naming the last state; a Cancel ends it', async () => {
    const seen: number[] = [];
    let last = Date.now();
    let calls = 0;
    await waitUntil(
      async () => {
        const now = Date.now();
        if (calls++ > 0) seen.push(now - last);
        last = now;
        return calls < 4 ? { done: false, state: 'pending' } : { done: true, value: undefined };
      },
      { what: 'x', timeoutMs: 60_000, signal: new AbortController().signal, random: () => 0 },
    );
    // pollDelay(0..2, 0) = 50, 100, 200 ms (timers fire late, never early).
    seen.forEach((ms, k) => expect(ms, `poll ${k + 1}`).to.be.at.least(pollDelay(k, 0) - 2));
    expect(seen).to.have.length(3);

    const timedOut = await waitUntil(async () => ({ done: false, state: 'pending' }), { what: 'collector x to become stable', timeoutMs: 150, signal: new AbortController().signal }).catch((e) => e);
    expect(timedOut).to.be.instanceOf(WaitTimeoutError);
    expect((timedOut as Error).message).to.match(/^timed out after 0 s waiting for collector x to become stable; it is still pending$/);

    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 20);
    const cancelled = await waitUntil(async () => ({ done: false, state: 'pending' }), { what: 'x', timeoutMs: 60_000, signal: cancel.signal, random: () => 1 }).catch((e) => e);
    expect(cancelled).to.be.instanceOf(CancelledError);
  });
});
