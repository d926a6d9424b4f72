import { expect } from 'chai';
import type * as COS from 'ibm-cos-sdk';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  buildKey,
  DEFAULT_FETCH_WORKERS,
  FlowLogAnalyzer,
  FlowLogReadError,
  formatProblem,
  KEY_ROOT,
  localStore,
  readFlowLogs,
  readLocalFlowLogs,
  readObjects,
  type CrnEncoding,
  type FlowLogDocument,
  type FlowLogObject,
  type ObjectStore,
  type ReadOptions,
  type ReadProgress,
} from '../../provider/src/flowlogs';
import { cosConfigOf, createCosClient } from '../../provider/src/ibm/cos';
import { CosFetchPool, getWhole } from '../../provider/src/flowlogs/cosFetchPool';
import { cosClient, rejectionOf, useEmulator } from '../support/emulator';
import { ACCOUNT, documentOf, IFACE, keyOf, record, VPC_CRN, type Iface } from '../support/flowlogDocs';

/**
 * The COS reader against the emulator's COS (s3rver), with objects put by ibm-cos-sdk: every object is read and
 * decoded, a corrupt gzip, a truncated JSON and a wrong-typed field each come back as a per-object error while the
 * rest is analyzed; listing pages (small pages, and more than 1,000 objects); a time range narrows the listed
 * prefixes to hour partitions; an interface alone is filtered by key, or found by delimiter listings (on a local
 * directory store: the emulator's s3rver misses keys more than one level below a delimiter listing's prefix).
 */

const BUCKET = 'flowlogs-reader';
const DB = IFACE('0727-if-db', 1);
const CLIENT = IFACE('0727-if-client', 2);
const HOURS = ['2025-06-01T10:00:00Z', '2025-06-01T11:00:00Z', '2025-06-01T12:00:00Z'];

type Calls = Array<COS.S3.ListObjectsV2Request>;

/** The emulator's COS through ibm-cos-sdk, with every listObjectsV2 call recorded. */
function spiedClient(client: COS.S3): { client: COS.S3; calls: Calls } {
  const calls: Calls = [];
  const original = client.listObjectsV2.bind(client);
  (client as unknown as { listObjectsV2: typeof original }).listObjectsV2 = ((params: COS.S3.ListObjectsV2Request) => {
    calls.push(params);
    return original(params);
  }) as typeof original;
  return { client, calls };
}

async function put(cos: COS.S3, key: string, body: Buffer, doc?: FlowLogDocument): Promise<void> {
  const metadata: Record<string, string> = {};
  if (doc) for (const [k, v] of Object.entries(doc)) if (k !== 'flow_logs') metadata[k] = String(v);
  await cos.putObject({ Bucket: BUCKET, Key: key, Body: body, ContentType: 'application/gzip', Metadata: metadata }).promise();
}

const docFor = (iface: Iface, hour: string) =>
  documentOf(iface, [record({ start_time: hour, end_time: hour, connection_start_time: hour }), record({ initiator_port: 50001, start_time: hour, end_time: hour, connection_start_time: hour })], hour);

/** 12 valid objects (2 interfaces × ingress/egress × 3 hours), and 3 broken ones in the client's 10:00 egress stream. */
async function seed(cos: COS.S3): Promise<{ valid: string[]; corrupt: string; truncated: string; wrongType: string }> {
  const valid: string[] = [];
  for (const iface of [DB, CLIENT]) {
    for (const recordType of ['ingress', 'egress'] as const) {
      for (const hour of HOURS) {
        const key = buildKey(keyOf(iface, recordType, hour, 1));
        const doc = docFor(iface, hour);
        await put(cos, key, gzipSync(JSON.stringify(doc)), doc);
        valid.push(key);
      }
    }
  }
  const text = JSON.stringify(docFor(CLIENT, HOURS[0]));
  const corrupt = buildKey(keyOf(CLIENT, 'egress', HOURS[0], 2));
  const gz = gzipSync(text);
  gz.fill(0x41, 12, 48);
  await put(cos, corrupt, gz);
  const truncated = buildKey(keyOf(CLIENT, 'egress', HOURS[0], 3));
  await put(cos, truncated, gzipSync(text.slice(0, Math.floor(text.length / 2))));
  const wrongType = buildKey(keyOf(CLIENT, 'egress', HOURS[0], 4));
  await put(cos, wrongType, gzipSync(text.replace('"initiator_port":50001', '"initiator_port":"50001"')));
  return { valid: valid.sort(), corrupt, truncated, wrongType };
}

async function readAll(options: ReadOptions & { cos: COS.S3; bucket: string }): Promise<{ items: FlowLogObject[]; progress: ReadProgress[] }> {
  const items: FlowLogObject[] = [];
  const progress: ReadProgress[] = [];
  for await (const o of readFlowLogs({ ...options, onProgress: (p) => progress.push(p) })) items.push(o);
  return { items, progress };
}

describe('flow-log reader over the emulator COS', () => {
  const emu = useEmulator();
  let cos: COS.S3;

  beforeEach(async () => {
    cos = cosClient(emu().endpoints);
    await cos.createBucket({ Bucket: BUCKET }).promise();
  });

  it('reads every object in key order; corrupt gzip, truncated JSON and a wrong type are per-object errors, the rest is analyzed', async () => {
    const seeded = await seed(cos);
    const { items, progress } = await readAll({ cos, bucket: BUCKET });

    expect(items.map((o) => o.key)).to.deep.equal([...seeded.valid, seeded.corrupt, seeded.truncated, seeded.wrongType].sort());
    const byKey = new Map(items.map((o) => [o.key, o]));
    for (const key of seeded.valid) {
      const o = byKey.get(key)!;
      expect(o.problems, key).to.equal(undefined);
      expect(o.document!.flow_logs).to.have.length(2);
      expect(o.parsedKey!.interfaceId).to.equal(o.document!.network_interface_id);
    }
    const corrupt = byKey.get(seeded.corrupt)!;
    expect([corrupt.errorKind, corrupt.document, corrupt.problems!.length]).to.deep.equal(['gzip', undefined, 1]);
    expect(formatProblem(corrupt.problems![0])).to.match(/^\(document\): not a valid gzip stream \(.+\)/);
    const truncated = byKey.get(seeded.truncated)!;
    expect(truncated.errorKind).to.equal('json');
    expect(formatProblem(truncated.problems![0])).to.match(/^\(document\): not valid JSON \(.+\): the document ends early, so the object is probably truncated$/);
    const wrongType = byKey.get(seeded.wrongType)!;
    expect(wrongType.errorKind).to.equal('document');
    expect(wrongType.problems!.map(formatProblem)).to.deep.equal(['flow_logs[1].initiator_port: expected an integer 0-65535, received "50001"']);

    const analyzer = new FlowLogAnalyzer({ expectedInterfaces: [DB.id, CLIENT.id, '0727-if-silent'] });
    for (const o of items) analyzer.addObject(o);
    const report = analyzer.report();
    expect(report.objects).to.deep.equal({ analyzed: 12, failed: 3, empty: 0, skipData: 0, records: 24, warned: 0, keyEncodings: { urlEncoded: 15, raw: 0 } });
    expect(report.failures.map((f) => [f.key, f.kind])).to.deep.equal([
      [seeded.corrupt, 'gzip'],
      [seeded.truncated, 'json'],
      [seeded.wrongType, 'document'],
    ]);
    expect(report.interfaces.map((i) => [i.interfaceId, i.objects, i.flows])).to.deep.equal([
      [CLIENT.id, 6, 12],
      [DB.id, 6, 12],
    ]);
    expect(report.silentInterfaces).to.deep.equal([{ id: '0727-if-silent' }]);
    expect(report.volume.collectors[0].storedBytes).to.equal(items.filter((o) => o.document).reduce((n, o) => n + o.size, 0));

    const last = progress[progress.length - 1];
    expect(last).to.deep.equal({ done: 15, total: 15, listingComplete: true, failed: 3, skipped: 0 });
    expect(progress.every((p, i) => i === 0 || (p.done >= progress[i - 1].done && p.total >= progress[i - 1].total))).to.equal(true);
  });

  it('pages the listing with ContinuationToken (page size 4) and reads the same objects', async () => {
    const seeded = await seed(cos);
    const { client, calls } = spiedClient(cos);
    const { items } = await readAll({ cos: client, bucket: BUCKET, pageSize: 4, concurrency: 3 });
    expect(items).to.have.length(15);
    expect(items.filter((o) => o.document)).to.have.length(seeded.valid.length);
    expect(calls.map((c) => [c.Prefix, c.MaxKeys, c.ContinuationToken !== undefined])).to.deep.equal([
      [KEY_ROOT, 4, false],
      [KEY_ROOT, 4, true],
      [KEY_ROOT, 4, true],
      [KEY_ROOT, 4, true],
    ]);
  });

  it('reads more than 1,000 objects across listing pages of 1,000', async function () {
    this.timeout(120_000);
    const keys: string[] = [];
    for (let i = 0; i < 1005; i++) keys.push(buildKey(keyOf(DB, 'ingress', HOURS[0], i)));
    const body = gzipSync(JSON.stringify(documentOf(DB, [])));
    for (let i = 0; i < keys.length; i += 25) await Promise.all(keys.slice(i, i + 25).map((k) => put(cos, k, body)));
    const { client, calls } = spiedClient(cos);
    const { items } = await readAll({ cos: client, bucket: BUCKET, concurrency: 16 });
    expect(items.map((o) => o.key)).to.deep.equal(keys);
    expect(items.every((o) => o.document?.number_of_flow_logs === 0)).to.equal(true);
    expect(calls.map((c) => c.ContinuationToken !== undefined)).to.deep.equal([false, true]);
  });

  it('narrows a time range to hour partitions when every level is known, and keeps only objects whose capture window overlaps', async () => {
    await seed(cos);
    const { client, calls } = spiedClient(cos);
    const scope = { account: ACCOUNT, region: 'us-south', vpc: VPC_CRN, subnet: DB.subnetCrn, instance: DB.instanceCrn, interfaceId: DB.id, since: Date.parse(HOURS[1]), until: Date.parse(HOURS[2]) };
    const { items, progress } = await readAll({ cos: client, bucket: BUCKET, scope });
    expect(items.map((o) => [o.parsedKey!.recordType, o.parsedKey!.hour, o.document!.network_interface_id])).to.deep.equal([
      ['ingress', 11, DB.id],
      ['egress', 11, DB.id],
    ]);
    // One key tells how the bucket spells CRNs (the scope puts CRNs into prefixes); then the 15-minute slack lists
    // hours 10 to 12; the 10:00 and 12:00 objects are read and dropped by capture window.
    const [probe, ...listings] = calls;
    expect([probe.Prefix, probe.MaxKeys]).to.deep.equal([KEY_ROOT, 1]);
    const prefixes = listings.map((c) => c.Prefix!.slice(buildKey(keyOf(DB, 'ingress', HOURS[0], 1)).indexOf('record-type=')));
    expect(prefixes).to.deep.equal([
      'record-type=ingress/year=2025/month=06/day=01/hour=10/',
      'record-type=ingress/year=2025/month=06/day=01/hour=11/',
      'record-type=ingress/year=2025/month=06/day=01/hour=12/',
      'record-type=egress/year=2025/month=06/day=01/hour=10/',
      'record-type=egress/year=2025/month=06/day=01/hour=11/',
      'record-type=egress/year=2025/month=06/day=01/hour=12/',
    ]);
    expect(progress[progress.length - 1]).to.deep.equal({ done: 6, total: 6, listingComplete: true, failed: 0, skipped: 4 });

    // Without the slack, only the two hour-11 partitions are listed.
    calls.length = 0;
    const tight = await readAll({ cos: client, bucket: BUCKET, scope, narrowing: { partitionSlackMs: 0 } });
    expect(tight.items).to.have.length(2);
    expect(calls).to.have.length(3); // the probe, then two partitions
  });

  it('filters an interface given alone by parsed key (vpc, subnet and instance precede it), listing the root once', async () => {
    await seed(cos);
    const { client, calls } = spiedClient(cos);
    const { items } = await readAll({ cos: client, bucket: BUCKET, scope: { interfaceId: DB.id, since: Date.parse(HOURS[1]), until: Date.parse(HOURS[2]) } });
    expect(items.map((o) => [o.parsedKey!.interfaceId, o.parsedKey!.recordType, o.parsedKey!.hour])).to.deep.equal([
      [DB.id, 'egress', 11],
      [DB.id, 'ingress', 11],
    ]);
    expect(calls.map((c) => [c.Prefix, c.Delimiter])).to.deep.equal([[KEY_ROOT, undefined]]);
  });

  it('takes a {endpoint, accessKeyId, secretAccessKey} config, and reports a key outside the layout without fetching it', async () => {
    const { cosEndpoint, cosAccessKeyId, cosSecretAccessKey } = emu().endpoints;
    await put(cos, `${KEY_ROOT}README.txt`, Buffer.from('not a flow log'));
    const items: FlowLogObject[] = [];
    for await (const o of readFlowLogs({ cos: { endpoint: cosEndpoint, accessKeyId: cosAccessKeyId, secretAccessKey: cosSecretAccessKey }, bucket: BUCKET })) items.push(o);
    expect(items).to.have.length(1);
    expect([items[0].key, items[0].errorKind]).to.deep.equal([`${KEY_ROOT}README.txt`, 'key']);
    expect(items[0].problems![0].reason).to.equal(`key "${KEY_ROOT}README.txt" is not a flow-log object key: expected 14 segments after ${KEY_ROOT}, found 1`);
  });

  it('gives the same objects and report from COS, GETs on fetch workers or not, as from a local copy of the objects', async () => {
    const seeded = await seed(cos);
    const dir = mkdtempSync(join(tmpdir(), 'reader-copy-'));
    try {
      for (const key of [...seeded.valid, seeded.corrupt, seeded.truncated, seeded.wrongType]) {
        const body = (await cos.getObject({ Bucket: BUCKET, Key: key }).promise()).Body as Buffer;
        mkdirSync(dirname(join(dir, key)), { recursive: true });
        writeFileSync(join(dir, key), body);
      }
      const { cosEndpoint, cosAccessKeyId, cosSecretAccessKey } = emu().endpoints;
      const made = createCosClient({ endpoint: cosEndpoint, accessKeyId: cosAccessKeyId, secretAccessKey: cosSecretAccessKey });
      const reportOf = (items: FlowLogObject[]) => {
        const analyzer = new FlowLogAnalyzer({});
        for (const o of items) analyzer.addObject(o);
        return JSON.stringify(analyzer.report());
      };
      const summary = (items: FlowLogObject[]) => items.map((o) => [o.key, o.size, o.errorKind ?? 'ok', o.document?.flow_logs.length ?? 0]);
      const local: FlowLogObject[] = [];
      for await (const o of readLocalFlowLogs({ dir })) local.push(o);
      expect(DEFAULT_FETCH_WORKERS).to.be.greaterThan(0);
      for (const fetchWorkers of [undefined, 0, 2]) {
        const { items } = await readAll({ cos: made, bucket: BUCKET, ...(fetchWorkers !== undefined ? { fetchWorkers } : {}) });
        expect(summary(items), `fetchWorkers ${fetchWorkers}`).to.deep.equal(summary(local));
        expect(reportOf(items), `fetchWorkers ${fetchWorkers}`).to.equal(reportOf(local));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a GET of the fetch workers stops at its byte limit, and a failed GET is a per-object read error', async () => {
    const key = buildKey(keyOf(DB, 'ingress', HOURS[0], 1));
    await put(cos, key, Buffer.alloc(200_000, 7));
    const { cosEndpoint, cosAccessKeyId, cosSecretAccessKey } = emu().endpoints;
    const made = createCosClient({ endpoint: cosEndpoint, accessKeyId: cosAccessKeyId, secretAccessKey: cosSecretAccessKey, maxRetries: 0 });
    expect(await getWhole(made, BUCKET, key, 1000)).to.equal(undefined);
    expect((await getWhole(made, BUCKET, key, 200_000))!.length).to.equal(200_000);
    const pool = new CosFetchPool(cosConfigOf(made)!, BUCKET, 1);
    try {
      expect(await pool.get(key, 1000)).to.equal(undefined);
      expect((await pool.get(key, 200_000))!.equals(Buffer.alloc(200_000, 7))).to.equal(true);
      const error = (await rejectionOf(pool.get(`${key}.missing`, 1000))) as Error & { code?: string; statusCode?: number };
      expect([error.code, error.statusCode]).to.deep.equal(['NoSuchKey', 404]);
    } finally {
      await pool.close();
    }
  });

  it('ends with a FlowLogReadError when the bucket cannot be listed', async () => {
    const error = await rejectionOf(readAll({ cos, bucket: 'no-such-bucket' }));
    expect(error).to.be.instanceOf(FlowLogReadError);
    expect(error.message).to.match(/^listing bucket no-such-bucket under "ibm_vpc_flowlogs_v1\/" failed: NoSuchBucket \(HTTP 404\): /);
  });
});

describe('flow-log reader: discovery by delimiter listings (local directory store)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowlogs-reader-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A directory store that records its listings. */
  function recorded(): { store: ObjectStore; calls: Array<[string, string]> } {
    const inner = localStore(dir);
    const calls: Array<[string, string]> = [];
    return {
      calls,
      store: {
        name: inner.name,
        list: (prefix, options) => {
          calls.push([options.delimiter ?? '', prefix]);
          return inner.list(prefix, options);
        },
        get: (key) => inner.get(key),
      },
    };
  }

  /** Objects of both interfaces for every hour, under keys that spell CRNs as asked. */
  function writeObjects(recordTypes: ReadonlyArray<'ingress' | 'egress'>, encoding: CrnEncoding = 'url-encoded'): void {
    for (const iface of [DB, CLIENT]) {
      for (const recordType of recordTypes) {
        for (const hour of HOURS) {
          const path = join(dir, ...buildKey(keyOf(iface, recordType, hour, 1), encoding).split('/'));
          mkdirSync(dirname(path), { recursive: true });
          writeFileSync(path, gzipSync(JSON.stringify(docFor(iface, hour))));
        }
      }
    }
  }

  /** Reads DB's objects of hour 11 by discovery, recording the listings. */
  async function discoverDb(): Promise<{ items: FlowLogObject[]; calls: Array<[string, string]> }> {
    const { store, calls } = recorded();
    const items: FlowLogObject[] = [];
    const scope = { interfaceId: DB.id, since: Date.parse(HOURS[1]), until: Date.parse(HOURS[2]) };
    for await (const o of readObjects(store, { scope, discover: true, narrowing: { partitionSlackMs: 0 } })) items.push(o);
    return { items, calls };
  }

  it('finds an interface given alone through delimiter listings of the levels before it, then lists its hour partitions', async () => {
    writeObjects(['ingress', 'egress']);
    const { items, calls } = await discoverDb();
    expect(items.map((o) => [o.parsedKey!.interfaceId, o.parsedKey!.recordType, o.parsedKey!.hour])).to.deep.equal([
      [DB.id, 'ingress', 11],
      [DB.id, 'egress', 11],
    ]);
    const level = (prefix: string) => {
      const segments = prefix.split('/');
      const last = segments[segments.length - 2];
      return last.includes('=') ? last.split('=')[0] : 'root';
    };
    expect(calls.map(([delimiter, prefix]) => [delimiter, level(prefix)])).to.deep.equal([
      ['/', 'root'], // accounts
      ['/', 'account'], // regions
      ['/', 'region'], // VPCs
      ['/', 'vpc-id'], // subnets: two, since only the key of an object tells which subnet an interface is in
      ['/', 'endpoint-type'], // instances of the first subnet; the interface id then pins vnic-id, and the range the hours
      ['', 'hour'],
      ['', 'hour'],
      ['/', 'endpoint-type'], // instances of the second subnet: their hour partitions of that interface are empty
      ['', 'hour'],
      ['', 'hour'],
    ]);
  });

  it('discovers keys whose CRNs are raw (a path level more at each `a/<account>`), listing one level deeper there', async () => {
    writeObjects(['egress'], 'raw');
    const { items, calls } = await discoverDb();
    expect(items.map((o) => [o.parsedKey!.interfaceId, o.parsedKey!.hour, o.keyEncoding])).to.deep.equal([[DB.id, 11, 'raw']]);
    // vpc-id=crn:v1:…:a/ is the CRN cut at its scope: listed again for the whole CRN.
    expect(calls.filter(([delimiter, prefix]) => delimiter === '/' && prefix.endsWith(':a/')).length).to.be.greaterThan(0);
  });

  it('reads any .gz files of a directory with keyLayout "optional", filtering by document', async () => {
    writeFileSync(join(dir, 'db.gz'), gzipSync(JSON.stringify(docFor(DB, HOURS[0]))));
    writeFileSync(join(dir, 'client.gz'), gzipSync(JSON.stringify(docFor(CLIENT, HOURS[0]))));
    writeFileSync(join(dir, 'notes.txt'), 'skipped');
    const items: FlowLogObject[] = [];
    for await (const o of readLocalFlowLogs({ dir, keyLayout: 'optional', scope: { interfaceId: CLIENT.id } })) items.push(o);
    expect(items.map((o) => [o.key, o.document?.network_interface_id, o.parsedKey])).to.deep.equal([['client.gz', CLIENT.id, undefined]]);
  });
});
