import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildKey } from '../../provider/src/flowlogs';
import { padBomb } from '../support/flowlogBombs';
import { documentOf, IFACE, keyOf, record } from '../support/flowlogDocs';
import { hermeticEnv, runCli, type CommandResult } from '../support/runner';

/**
 * Hostile objects through the real `ibm-flowlogs logs` process: a 255 KB object that inflates to
 * 261 MB (a valid header, then `"pad":[{},{},…]`) is refused as over the per-object budget (64 MiB by default) and
 * the other objects are analyzed; a 62 KB one that inflates to 64 MB, under the budget, is analyzed as what it is (a
 * valid header, no records), its padding skipped without being built, on the fast path and on the slow one. The
 * whole run stays under a stated memory bound (the process's peak RSS, written by a preloaded hook): before the
 * budget and the skipping parser, the first object ended in "Reached heap limit" after 9 minutes at 6.8 GB.
 */

/** The bound this test states for the whole CLI process's peak RSS (Node itself takes about 50 MB). */
const PEAK_RSS_BOUND_MB = 400;
const PEAK_RSS_HOOK = resolve(__dirname, '../support/peakRss.js');

const WEB = IFACE('0727-if-web', 1);
const DB = IFACE('0727-if-db', 2);

describe('reliability: hostile flow-log objects through the ibm-flowlogs process', function () {
  this.timeout(120_000);
  let dir: string;
  const files: Record<string, number> = {};

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flowlogs-hostile-'));
    const put = (name: string, body: Buffer) => {
      const path = join(dir, ...name.split('/'));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, body);
      files[name] = body.length;
    };
    const start = '2025-06-01T10:00:00Z';
    put(buildKey(keyOf(WEB, 'ingress', start, 1)), gzipSync(JSON.stringify(documentOf(WEB, [record(), record({ initiator_port: 50001 })], start))));
    put(buildKey(keyOf(DB, 'ingress', start, 1)), gzipSync(JSON.stringify(documentOf(DB, [record({ target_ip: '10.240.0.9' })], start))));
    put('bomb-261mb.gz', await padBomb(documentOf(WEB, [], start), 261_000_000));
    put('bomb-64mb.gz', await padBomb(documentOf(DB, [], start), 64_000_000));
    put('bomb-64mb-escaped.gz', await padBomb(documentOf(DB, [], start), 64_000_000, { escaped: true }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function logs(extra: string[]): Promise<CommandResult & { peakRssMb: number; seconds: number }> {
    const rssFile = join(dir, `rss-${Date.now()}`);
    const started = Date.now();
    const r = await runCli(['logs', '--dir', dir, '--format', 'json', ...extra], hermeticEnv({ NODE_OPTIONS: `--require ${PEAK_RSS_HOOK}`, PEAK_RSS_FILE: rssFile }));
    const peakRssMb = Number(readFileSync(rssFile, 'utf8')) / 1024;
    return { ...r, peakRssMb, seconds: (Date.now() - started) / 1000 };
  }

  it('the objects are what the issue describes: 255 KB inflating to 261 MB, 62 KB to 64 MB', () => {
    expect(files['bomb-261mb.gz']).to.be.within(240_000, 270_000);
    expect(files['bomb-64mb.gz']).to.be.within(58_000, 66_000);
  });

  it('refuses the 261 MB object as over budget, analyzes the rest, and stays under the memory bound', async () => {
    const r = await logs([]);
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(0);
    const report = JSON.parse(r.stdout);
    expect(report.failures.map((f: { key: string; kind: string; message: string }) => [f.key, f.kind, f.message])).to.deep.equal([
      ['bomb-261mb.gz', 'too-large', '(document): the decompressed document is larger than the per-object budget of 64 MiB'],
    ]);
    expect(report.objects).to.deep.include({ analyzed: 4, failed: 1, records: 3 });
    expect(report.interfaces.map((i: { interfaceId: string; objects: number; flows: number }) => [i.interfaceId, i.objects, i.flows])).to.deep.equal([
      [DB.id, 3, 1], // its object, and the two 64 MB ones: a valid header and no records
      [WEB.id, 1, 2],
    ]);
    expect(r.peakRssMb, `peak RSS ${r.peakRssMb.toFixed(0)} MB in ${r.seconds.toFixed(1)} s`).to.be.below(PEAK_RSS_BOUND_MB);
  });

  it('with a smaller budget, refuses every padded object and still analyzes the rest', async () => {
    const r = await logs(['--max-object-bytes', '1MiB']);
    expect(r.code).to.equal(0);
    const report = JSON.parse(r.stdout);
    expect(report.failures.map((f: { key: string; kind: string }) => [f.key, f.kind])).to.deep.equal([
      ['bomb-261mb.gz', 'too-large'],
      ['bomb-64mb-escaped.gz', 'too-large'],
      ['bomb-64mb.gz', 'too-large'],
    ]);
    expect(report.failures[0].message).to.equal('(document): the decompressed document is larger than the per-object budget of 1 MiB');
    expect(report.objects).to.deep.include({ analyzed: 2, records: 3 });
    expect(r.peakRssMb).to.be.below(PEAK_RSS_BOUND_MB);
  });

  it('refuses an object with more records than the record budget', async () => {
    const r = await logs(['--max-object-records', '1']);
    const report = JSON.parse(r.stdout);
    expect(report.failures.filter((f: { message: string }) => f.message.includes('records')).map((f: { key: string; message: string }) => [f.key.split('/').pop(), f.message])).to.deep.equal([
      ['00000001.gz', '(document): flow_logs holds more than the per-object budget of 1 records'],
    ]);
  });

  it('refuses budgets that are not positive whole numbers, naming the flag', async () => {
    const r = await runCli(['logs', '--dir', dir, '--max-object-bytes', '64MB'], hermeticEnv());
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal('ibm-flowlogs logs: --max-object-bytes must be a positive whole number of bytes, optionally with KiB, MiB or GiB (e.g. 64MiB); received "64MB"\n');
  });
});
