import { expect } from 'chai';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startEmulator } from '../../emulator/src';
import { FlowLogAnalyzer, readLocalFlowLogs, type FlowLogObject } from '../../provider/src/flowlogs';
import { UNKNOWN_SENTINELS } from '../../provider/src/rpc/codec';
import { CONFIG_KEYS } from '../../provider/src/config';
import { INPUT_KEYS } from '../../provider/src/resources/flowLogCollector/properties';
import { grpc } from '../../provider/src/rpc/stubs';
import { EmulatorClient } from '../support/emulator';
import { documentOf, IFACE, record } from '../support/flowlogDocs';
import { hermeticEnv } from '../rpc/support/fixture';
import { PluginProcess, requests, type RpcError, secret, SECRET_SIG, SIG } from '../rpc/support/plugin';

/**
 * Bad input: fast-check over real gRPC. Check, CheckConfig and Invoke get generated structs — wrong
 * types, every unknown sentinel, secrets wrapped around odd things, 10,000-character, non-ASCII and control-character
 * strings, unknown keys, nulls — and must answer with success or failures that name a property path, never crash the
 * plugin and never with gRPC INTERNAL or UNKNOWN. The flow-log reader gets corrupted objects and must report each one
 * per object while analyzing the valid rest.
 */

const RUNS_PER_BATCH = 100;
const BATCHES = 3; // 300 inputs per RPC
const SENTINELS = Object.values(UNKNOWN_SENTINELS);

/** Odd strings: control characters, non-ASCII, very long, sentinels, near-valid ids and CRNs. */
const oddString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.stringMatching(/^[\x00-\x1f\x7f]{1,10}$/),
  fc.constantFrom(...SENTINELS),
  fc.constantFrom('', ' ', 'crn:v1:bluemix:public:is:us-south:a/x::vpc:', 'r006-', 'team:net', 'a'.repeat(64), '日本語のタグ', 'ünïcödé\u200b', '\u0000', '__proto__', 'constructor'),
  fc.tuple(fc.constantFrom('x', 'ß', '\u0007', '🙂'), fc.constantFrom(10_000, 10_001)).map(([c, n]) => c.repeat(n).slice(0, n)),
);

const oddNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 0.5, NaN, Infinity, -Infinity));

const oddKey: fc.Arbitrary<string> = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'toString', SIG, 'value', '', 'x'.repeat(300)));

/** Any wire value, with secrets and other signatures wrapped in odd places. */
const { value: wireValue } = fc.letrec<{ value: unknown; wrapped: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    oddNumber,
    oddString,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(oddKey, tie('value'), { maxKeys: 4 }),
    tie('wrapped'),
  ),
  wrapped: fc.oneof(
    tie('value').map((v) => secret(v)),
    tie('value').map((v) => secret(secret(v))),
    fc.constant({ [SIG]: SECRET_SIG }), // a secret with no value
    fc.constant({ [SIG]: 'not-a-signature', value: 1 }),
    fc.constant({ [SIG]: 'd0e6a833031e9bbcd3f4e8bde6ca49a4' }), // an output value without value: unknown
    tie('value').map((v) => ({ [SIG]: 'd0e6a833031e9bbcd3f4e8bde6ca49a4', value: v, secret: true })),
    fc.constantFrom({ [SIG]: '5cf8f73096256a8f31e491e813e4eb8e', urn: 'urn:x', id: '' }, { [SIG]: '5cf8f73096256a8f31e491e813e4eb8e', urn: 'urn:x' }),
    fc.constant({ [SIG]: 'c44067f5952c0a294b673a41bacd8c17', text: 'an asset' }),
  ),
}));

/** A struct over these keys (each present or not) plus unknown keys; values of any shape. */
function structOver(keys: readonly string[], special: Record<string, fc.Arbitrary<unknown>> = {}): fc.Arbitrary<Record<string, unknown>> {
  const known = fc.record(Object.fromEntries(keys.map((k) => [k, fc.oneof(special[k] ?? wireValue, wireValue)])) as Record<string, fc.Arbitrary<unknown>>, { requiredKeys: [] });
  return fc.tuple(known, fc.dictionary(oddKey, wireValue, { maxKeys: 2 }), fc.boolean()).map(([k, extra, withExtra]) => (withExtra ? { ...extra, ...k } : k));
}

/** Tags in odd shapes: secrets inside, around the list, long and non-ASCII tags, wrong element types. */
const oddTags = fc.oneof(
  fc.array(fc.oneof(oddString, wireValue, oddString.map((s) => secret(s))), { maxLength: 6 }),
  fc.array(oddString, { maxLength: 4 }).map((list) => secret(list)),
  fc.array(fc.constantFrom('team:net', 'env:prod', 'ok'), { maxLength: 3 }).map((list) => secret(list)),
  fc.constantFrom(...SENTINELS),
  fc.array(fc.constantFrom(...SENTINELS), { maxLength: 3 }),
);

const resourceInputs = structOver(INPUT_KEYS, {
  tags: oddTags,
  active: fc.oneof(fc.boolean(), fc.constantFrom('true', 1, UNKNOWN_SENTINELS.bool)),
  target: fc.oneof(oddString, fc.constantFrom('r006-0000', 'crn:v1:bluemix:public:is:us-south-1:a/abc::subnet:0717-x')),
});
const configInputs = structOver(CONFIG_KEYS, { apiKey: oddString.map((s) => secret(s)), private: fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', 'yes')) });

const FUNCTIONS: Record<string, readonly string[]> = {
  'ibmflowlogs:index:getFlowLogCollector': ['id', 'name', 'vpc'],
  'ibmflowlogs:index:getFlowLogCollectors': ['resourceGroup', 'name', 'vpc', 'vpcCrn', 'vpcName', 'target', 'targetType'],
  'ibmflowlogs:index:getCoverage': ['vpc', 'collectors'],
};
const coverageCollectors = fc.oneof(
  wireValue,
  fc.array(fc.oneof(wireValue, structOver(['name', 'target', 'storageBucket', 'active'])), { maxLength: 4 }),
  fc.array(structOver(['name', 'target', 'storageBucket', 'active']), { maxLength: 3 }).map((l) => secret(l)),
);
const invokeInputs = fc.constantFrom(...Object.keys(FUNCTIONS)).chain((tok) => structOver(FUNCTIONS[tok], { collectors: coverageCollectors }).map((args) => ({ tok, args })));

/** The root key a failure path names: `tags[3]` → tags, `collectors[0].name` → collectors, `["a.b"]` → a.b. */
const rootOf = (path: string) => {
  const quoted = /^\[("(?:[^"\\]|\\.)*")\]/.exec(path);
  return quoted ? (JSON.parse(quoted[1]) as string) : path.split(/[.[]/)[0];
};

describe('reliability: bad input never crashes the plugin', function () {
  this.timeout(120_000);
  let emulator: EmulatorClient;
  let plugin: PluginProcess;
  const tried: Record<string, number> = { check: 0, checkConfig: 0, invoke: 0, readerObjects: 0 };
  const outcomes: Record<string, Record<string, number>> = {};
  let crashes = 0;
  const count = (rpc: string, outcome: string) => {
    tried[rpc]++;
    outcomes[rpc] ??= {};
    outcomes[rpc][outcome] = (outcomes[rpc][outcome] ?? 0) + 1;
  };

  before(async () => {
    emulator = new EmulatorClient(await startEmulator({ pendingSeconds: 0, deletingSeconds: 0, log: () => undefined }));
    plugin = await PluginProcess.launch(undefined, hermeticEnv());
    const e = emulator.endpoints;
    const checked = await plugin.call('checkConfig', requests.checkConfig({ apiKey: secret(e.apiKey), vpcEndpoint: e.vpcEndpoint, iamEndpoint: e.iamEndpoint, taggingEndpoint: e.taggingEndpoint, resourceManagerEndpoint: e.resourceManagerEndpoint }));
    await plugin.call('configure', requests.configure(checked.getInputs().toJavaScript()));
  });

  after(async () => {
    await plugin?.stop();
    await emulator?.emulator.close();
    const total = tried.check + tried.checkConfig + tried.invoke;
    console.log(`      bad inputs tried: ${total} over gRPC (Check ${tried.check}, CheckConfig ${tried.checkConfig}, Invoke ${tried.invoke}) + ${tried.readerObjects} corrupted flow-log objects; crashes = ${crashes}`);
    console.log(`      outcomes: ${JSON.stringify(outcomes)}`);
  });

  /** The process is alive and still answers GetPluginInfo. */
  async function expectAlive(): Promise<void> {
    if (plugin.child.exitCode !== null || plugin.child.signalCode !== null) crashes++;
    expect(plugin.child.exitCode, `plugin exited; stderr: ${plugin.stderr}`).to.equal(null);
    const info = await plugin.call('getPluginInfo', requests.empty());
    expect(info.getVersion()).to.be.a('string').and.not.equal('');
  }

  /** A gRPC error for bad input must be a deliberate status, never INTERNAL or UNKNOWN. */
  function expectDeliberate(error: RpcError, input: unknown): string {
    expect(error.code, `gRPC ${error.code} ${error.details} for ${JSON.stringify(input)?.slice(0, 500)}`).to.not.be.oneOf([grpc.status.INTERNAL, grpc.status.UNKNOWN, undefined]);
    return `grpc-${grpc.status[error.code]}`;
  }

  function expectPaths(failures: Array<{ getProperty(): string; getReason(): string }>, allowedRoots: Set<string>, input: unknown): void {
    for (const f of failures) {
      const property = f.getProperty();
      expect(property, `failure without a path (${f.getReason()}) for ${JSON.stringify(input)?.slice(0, 500)}`).to.be.a('string').and.not.equal('');
      expect(allowedRoots.has(rootOf(property)), `failure path "${property}" names no key of the input ${JSON.stringify(input)?.slice(0, 300)}`).to.equal(true);
      expect(f.getReason()).to.be.a('string').and.not.equal('');
    }
  }

  async function fuzz<T>(arbitrary: fc.Arbitrary<T>, one: (input: T) => Promise<void>): Promise<void> {
    for (let batch = 0; batch < BATCHES; batch++) {
      await fc.assert(fc.asyncProperty(arbitrary, one), { numRuns: RUNS_PER_BATCH, seed: 7000 + batch, endOnFailure: true });
      await expectAlive();
    }
  }

  // Check and CheckConfig take the same kind of request and must answer the same way: inputs back, or failures.
  const checks: Array<[string, 'check' | 'checkConfig', fc.Arbitrary<[object, object]>, readonly string[]]> = [
    ['Check', 'check', fc.tuple(resourceInputs, fc.oneof(fc.constant({}), resourceInputs)), INPUT_KEYS],
    ['CheckConfig', 'checkConfig', configInputs.map((news) => [news, {}] as [object, object]), CONFIG_KEYS],
  ];
  for (const [title, method, inputs, keys] of checks) {
    it(`${title}: success or failures with property paths, 300 generated inputs`, async () => {
      await fuzz(inputs, async ([news, olds]) => {
        try {
          const request = method === 'check' ? requests.check('fuzz', news, olds) : requests.checkConfig(news);
          const failures = (await plugin.call(method, request)).getFailuresList();
          expectPaths(failures, new Set([...Object.keys(news), ...keys]), news);
          count(method, failures.length ? 'failures' : 'ok');
        } catch (error) {
          if (typeof (error as RpcError).code !== 'number') throw error;
          count(method, expectDeliberate(error as RpcError, news));
        }
        expect(plugin.child.exitCode).to.equal(null);
      });
    });
  }

  it('Invoke (getFlowLogCollector, getFlowLogCollectors, getCoverage): success or failures with paths, 300 inputs', async () => {
    await fuzz(invokeInputs, async ({ tok, args }) => {
      try {
        const res = await plugin.call('invoke', requests.invoke(tok, args));
        const failures = res.getFailuresList();
        expectPaths(failures, new Set([...Object.keys(args), ...FUNCTIONS[tok]]), { tok, args });
        count('invoke', failures.length ? 'failures' : 'ok');
      } catch (error) {
        if (typeof (error as RpcError).code !== "number") throw error;
        count('invoke', expectDeliberate(error as RpcError, { tok, args }));
      }
      expect(plugin.child.exitCode).to.equal(null);
    });
  });

  describe('the flow-log reader and analyzer over corrupted objects', () => {
    let root: string;
    before(() => (root = mkdtempSync(join(tmpdir(), 'ibmflowlogs-fuzz-'))));
    after(() => rmSync(root, { recursive: true, force: true }));

    const validDoc = (n: number) => documentOf(IFACE(`0727-fuzz-${n}`, n), [record(), record({ initiator_port: 50001 + n, action: n % 2 ? 'rejected' : 'accepted' })]);
    const FIELDS = Object.keys(validDoc(0));
    const RECORD_FIELDS = Object.keys(record());

    type Corrupt = { kind: 'valid' } | { kind: 'bytes'; bytes: Uint8Array } | { kind: 'truncated'; at: number } | { kind: 'randomJson'; json: unknown } | { kind: 'mutated'; field: string; inRecord: boolean; value: unknown } | { kind: 'garbledGzip'; at: number; byte: number };
    const jsonValue = fc.jsonValue({ maxDepth: 3 });
    const corrupt: fc.Arbitrary<Corrupt> = fc.oneof(
      fc.constant({ kind: 'valid' as const }),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ kind: 'bytes' as const, bytes })),
      fc.double({ min: 0, max: 0.99, noNaN: true }).map((at) => ({ kind: 'truncated' as const, at })),
      jsonValue.map((json) => ({ kind: 'randomJson' as const, json })),
      fc.tuple(fc.boolean(), fc.nat(), jsonValue).map(([inRecord, i, value]) => ({ kind: 'mutated' as const, inRecord, field: (inRecord ? RECORD_FIELDS : FIELDS)[i % (inRecord ? RECORD_FIELDS : FIELDS).length], value })),
      fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => ({ kind: 'garbledGzip' as const, at, byte })),
    );

    function bytesOf(c: Corrupt, n: number): Buffer {
      const doc = validDoc(n);
      const gz = gzipSync(JSON.stringify(doc));
      switch (c.kind) {
        case 'valid':
          return gz;
        case 'bytes':
          return Buffer.from(c.bytes);
        case 'truncated':
          return gz.subarray(0, Math.floor(gz.length * c.at));
        case 'randomJson':
          return gzipSync(JSON.stringify(c.json));
        case 'mutated': {
          const target: Record<string, unknown> = c.inRecord ? (doc.flow_logs[0] as unknown as Record<string, unknown>) : (doc as unknown as Record<string, unknown>);
          if (c.value === null && c.field.length % 2) delete target[c.field];
          else target[c.field] = c.value;
          return gzipSync(JSON.stringify(doc));
        }
        case 'garbledGzip': {
          const copy = Buffer.from(gz);
          copy[10 + (c.at % (copy.length - 10))] ^= c.byte || 1;
          return copy;
        }
      }
    }

    it('every object yields a document or a per-object error with a kind; the run never throws; valid objects are all analyzed', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(corrupt, { minLength: 1, maxLength: 12 }), async (objects) => {
          const dir = join(root, `run-${run++}`);
          const { mkdirSync } = await import('node:fs');
          mkdirSync(join(dir, 'nested'), { recursive: true });
          const valid = new Set<string>();
          objects.forEach((c, n) => {
            const key = `${n % 3 === 0 ? 'nested/' : ''}object-${String(n).padStart(2, '0')}.gz`;
            writeFileSync(join(dir, key), bytesOf(c, n));
            if (c.kind === 'valid') valid.add(key);
          });
          const analyzer = new FlowLogAnalyzer();
          const seen: FlowLogObject[] = [];
          for await (const o of readLocalFlowLogs({ dir, keyLayout: 'optional' })) {
            seen.push(o);
            analyzer.addObject(o);
            tried.readerObjects++;
            if (o.document) expect(o.errorKind, o.key).to.equal(undefined);
            else {
              expect(o.errorKind, `${o.key} has neither a document nor an error kind`).to.be.oneOf(['gzip', 'json', 'document', 'too-large', 'key', 'read']);
              expect(o.problems, o.key).to.be.an('array').that.is.not.empty;
            }
          }
          expect(seen.map((o) => o.key).sort(), 'every object is yielded once').to.deep.equal(objects.map((_, n) => `${n % 3 === 0 ? 'nested/' : ''}object-${String(n).padStart(2, '0')}.gz`).sort());
          for (const key of valid) expect(seen.find((o) => o.key === key)?.document, `valid ${key} was not decoded`).to.not.equal(undefined);
          const report = analyzer.report();
          const withDocument = seen.filter((o) => o.document).length;
          expect(report.objects.analyzed).to.equal(withDocument);
          expect(report.objects.failed).to.equal(seen.length - withDocument);
          expect(report.failures.map((f) => f.key).sort()).to.deep.equal(seen.filter((o) => !o.document).map((o) => o.key).sort());
        }),
        { numRuns: 60, seed: 7100, endOnFailure: true },
      );
      expect(tried.readerObjects).to.be.at.least(200);
    });
  });
});
