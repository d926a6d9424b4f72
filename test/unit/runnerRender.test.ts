import { expect } from 'chai';
import fc from 'fast-check';
import { SECRET_SIG, SIG_KEY, UNKNOWN_SENTINEL, type WireValue } from '../../provider/src/rpc/codec';
import type { RunReport } from '../../provider/src/runner/deployment';
import { formatValue, renderReport } from '../../provider/src/runner/render';
import { timeoutSeconds } from '../../provider/src/runner/resourceCalls';
import { isSecretWrapper, redactSecrets } from '../../provider/src/runner/stackState';
import { changedKeys } from '../../provider/src/runner/steps';

const secret = (value: WireValue) => ({ [SIG_KEY]: SECRET_SIG, value });
const URN = (name: string) => `urn:pulumi:dev::p::ibmflowlogs:index:FlowLogCollector::${name}`;

describe('runner: rendering, timeouts and state redaction', () => {
  it('formats values the way Pulumi prints them', () => {
    const cases: Array<[WireValue, string]> = [
      ['bucket-c', '"bucket-c"'],
      [true, 'true'],
      [UNKNOWN_SENTINEL, 'output<unknown>'],
      [secret('k'), '[secret]'],
      [{ a: [1, UNKNOWN_SENTINEL] }, '{"a":[1,output<unknown>]}'],
      [['x'.repeat(50), 'y'.repeat(50)], `[\n    "${'x'.repeat(50)}",\n    "${'y'.repeat(50)}"\n]`],
    ];
    for (const [value, text] of cases) expect(formatValue(value), JSON.stringify(value)).to.equal(text);
  });

  it('renders the plan table, property diffs, diagnostics by resource and the summary', () => {
    const report: RunReport = {
      kind: 'preview',
      project: 'p',
      stack: 'dev',
      ok: true,
      outputs: { name: UNKNOWN_SENTINEL },
      steps: [
        { op: 'create', urn: URN('new'), type: 'ibmflowlogs:index:FlowLogCollector', name: 'new', changes: [], inputs: { target: 's-1', storageBucket: 'bucket-c' } },
        { op: 'update', urn: URN('web'), type: 'ibmflowlogs:index:FlowLogCollector', name: 'web', changes: [{ path: 'active', kind: 'update', replace: false, old: true, new: false }] },
        { op: 'replace', urn: URN('db'), type: 'ibmflowlogs:index:FlowLogCollector', name: 'db', changes: [{ path: 'storageBucket', kind: 'update', replace: true, old: 'a', new: 'b' }] },
        { op: 'delete', urn: URN('old'), type: 'ibmflowlogs:index:FlowLogCollector', name: 'old', changes: [] },
        { op: 'same', urn: URN('kept'), type: 'ibmflowlogs:index:FlowLogCollector', name: 'kept', changes: [] },
      ],
      diagnostics: [
        { urn: URN('new'), severity: 'warning', message: '2 interfaces of subnet-1 move from bucket-e to bucket-c' },
        { urn: URN('new'), severity: 'debug', message: 'hidden unless verbose' },
      ],
    };
    const text = renderReport(report);
    expect(text).to.contain(' +   ibmflowlogs:index:FlowLogCollector  new   create');
    expect(text).to.contain(' ~   ibmflowlogs:index:FlowLogCollector  web   update   [diff: ~active]');
    expect(text).to.contain(' +-  ibmflowlogs:index:FlowLogCollector  db    replace  [diff: ~storageBucket]');
    expect(text).to.contain(' -   ibmflowlogs:index:FlowLogCollector  old   delete');
    expect(text).to.contain('    ~ active: true => false\n');
    expect(text).to.contain('    ~ storageBucket: "a" => "b"   [forces replacement]');
    expect(text).to.contain('      storageBucket: "bucket-c"');
    expect(text).to.contain('  ibmflowlogs:index:FlowLogCollector (new):\n    warning: 2 interfaces of subnet-1 move from bucket-e to bucket-c\n');
    expect(text).not.to.contain('hidden unless verbose');
    expect(renderReport(report, { verbose: true })).to.contain('debug: hidden unless verbose');
    expect(text).to.contain('    name: output<unknown>');
    expect(text).to.contain('Resources:\n    + 1 to create\n    ~ 1 to update\n    +- 1 to replace\n    - 1 to delete\n    1 unchanged');
  });

  it('reads customTimeouts durations and refuses what is not one', () => {
    const cases: Array<[string, number]> = [['', 0], ['30m', 1800], ['1h30m', 5400], ['90s', 90], ['1500ms', 1.5]];
    for (const [text, seconds] of cases) expect(timeoutSeconds(text), text).to.equal(seconds);
    expect(() => timeoutSeconds('10 minutes')).to.throw('customTimeouts value "10 minutes" is not a duration');
  });

  it('redacts every secret value before the state is written, and nothing else (property)', () => {
    const leaf = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 6 }));
    const value = fc.letrec<{ v: WireValue }>((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }).filter((k) => k !== SIG_KEY && k !== '__proto__'), tie('v'), { maxKeys: 3 }), tie('v').map((v) => secret(v) as WireValue)),
    })).v;
    const secretValues = (v: WireValue): WireValue[] => (isSecretWrapper(v) ? [(v as { value: WireValue }).value] : Array.isArray(v) ? v.flatMap(secretValues) : v && typeof v === 'object' ? Object.values(v as Record<string, WireValue>).flatMap(secretValues) : []);
    fc.assert(
      fc.property(value, (v) => {
        const redacted = redactSecrets(v);
        expect(secretValues(redacted).every((x) => x === undefined)).to.equal(true);
        expect(redactSecrets(redacted)).to.deep.equal(redacted);
        if (secretValues(v).length === 0) expect(redacted).to.deep.equal(v);
      }),
    );
  });

  it('changedKeys lists the top-level keys that differ, with their kind', () => {
    expect(changedKeys({ a: 1, b: 2, c: 3 }, { a: 1, b: 5, d: 4 })).to.deep.equal([
      { path: 'b', kind: 'update', replace: false, old: 2, new: 5 },
      { path: 'c', kind: 'delete', replace: false, old: 3, new: undefined },
      { path: 'd', kind: 'add', replace: false, old: undefined, new: 4 },
    ]);
  });
});
