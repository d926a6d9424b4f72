import { resolve } from 'node:path';
import { emulatorSession, measureGets, median } from './support/load';
import { startAndReadLine, stop } from './support/processes';

const ROOT = resolve(__dirname, '../..');
const ROUNDS = 3;
const PER_ROUND = 6000;
const CONCURRENCY = 16;
const GOAL = 2000;

/** Collector GETs per second on loopback: the emulator process next to a plain node:http process, same load. */
export async function emulatorGets(): Promise<string[]> {
  const emulator = await startAndReadLine(process.execPath, ['provider/bin/ibm-flowlogs', 'emulator', '--pending-seconds', '0'], ROOT);
  try {
    const endpoints = JSON.parse(emulator.line);
    const { auth, subnetId } = await emulatorSession(endpoints);
    const q = 'version=2025-12-16&generation=2';
    const created = await fetch(`${endpoints.vpcEndpoint}/v1/flow_log_collectors?${q}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ target: { id: subnetId }, storage_bucket: { name: 'bucket-c' }, name: 'bench' }),
    });
    const collector = (await created.json()) as { id: string };
    const url = `${endpoints.vpcEndpoint}/v1/flow_log_collectors/${collector.id}?${q}`;
    const sample = await (await fetch(url, { headers: auth })).text();

    const plain = await startAndReadLine(process.execPath, [resolve(__dirname, 'support/plainServer.js'), sample], ROOT);
    try {
      const plainUrl = `http://127.0.0.1:${plain.line.trim()}/`;
      await measureGets(url, auth, 1000, CONCURRENCY); // warm-up
      await measureGets(plainUrl, {}, 1000, CONCURRENCY);
      const emu: number[] = [];
      const base: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        emu.push(await measureGets(url, auth, PER_ROUND, CONCURRENCY));
        base.push(await measureGets(plainUrl, {}, PER_ROUND, CONCURRENCY));
      }
      const e = median(emu);
      const b = median(base);
      return [
        `emulator  GET /v1/flow_log_collectors/{id}: ${e.toFixed(0)} req/s (median of ${ROUNDS} rounds × ${PER_ROUND}, ${CONCURRENCY} in flight, keep-alive, token checked on every call)`,
        `plain node:http, same ${sample.length}-byte body:  ${b.toFixed(0)} req/s`,
        `ratio emulator / plain: ${(e / b).toFixed(2)}; goal ≥ ${GOAL} req/s: ${e >= GOAL ? 'met' : 'NOT met'}`,
      ];
    } finally {
      await stop(plain.child);
    }
  } finally {
    await stop(emulator.child);
  }
}
