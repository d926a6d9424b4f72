import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { rng } from './random';
import { promisify } from 'node:util';
import { dirname, join } from 'node:path';
import { gzip } from 'node:zlib';
import { buildKey, streamIdOf, type FlowLogKey } from '../../provider/src/flowlogs';

/**
 * Seeded synthetic flow-log objects for the benchmark, written as .gz files in the documented key layout under a
 * directory: 40 interfaces, one ingress and one egress object per interface and 5-minute window, 20-340 records
 * per object (web and DNS traffic, internal database connections, rejected probes from a few scanners, some
 * one-way and some rejected replies), every field of every record. A larger data set is more windows of the same
 * interfaces, as a longer time range is.
 */

const gzipAsync = promisify(gzip);

const ACCOUNT = '4f2b6d0c1e3a5b7c9d8e0f1a2b3c4d5e';
const VPC = `crn:v1:bluemix:public:is:us-south:a/${ACCOUNT}::vpc:r006-6c1f0b4a-2f1e-4d3c-9b8a-7f6e5d4c3b2a`;
const COLLECTORS = [
  `crn:v1:bluemix:public:is:us-south:a/${ACCOUNT}::flow-log-collector:r006-0a1b2c3d-vpc`,
  `crn:v1:bluemix:public:is:us-south:a/${ACCOUNT}::flow-log-collector:r006-4e5f6a7b-instance`,
];
export const INTERFACES = 40;
const T0 = Date.UTC(2025, 5, 1, 0, 0, 0);
const WINDOW_S = 300;

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19) + 'Z';
const ip = (a: number, b: number, c: number, d: number) => `${a}.${b}.${c}.${d}`;

interface Iface {
  id: string;
  ip: string;
  subnetCrn: string;
  instanceCrn: string;
  collector: string;
}

function interfaces(): Iface[] {
  return Array.from({ length: INTERFACES }, (_, i) => {
    const zone = 1 + (i % 3);
    const hex = (i + 1).toString(16).padStart(4, '0');
    return {
      id: `0717-${hex}a1b2-c3d4-4e5f-8a9b-0c1d2e3f${hex}`,
      ip: ip(10, 240, 64 * (zone - 1) + (i % 4), 10 + i),
      subnetCrn: `crn:v1:bluemix:public:is:us-south-${zone}:a/${ACCOUNT}::subnet:0717-subnet-${zone}-${i % 4}`,
      instanceCrn: `crn:v1:bluemix:public:is:us-south-${zone}:a/${ACCOUNT}::instance:0717_${hex}0000-1111-2222-3333-44445555${hex}`,
      collector: i % 10 === 9 ? COLLECTORS[1] : COLLECTORS[0],
    };
  });
}

function recordJson(rand: () => number, nic: Iface, windowStart: number): string {
  const start = windowStart + Math.floor(rand() * (WINDOW_S - 20)) * 1000;
  const end = start + Math.floor(rand() * 20) * 1000;
  const longLived = rand() < 0.2;
  const connStart = longLived ? start - Math.floor(rand() * 3600) * 1000 : start;
  const r = rand();
  let direction = 'I';
  let action = 'accepted';
  let iip: string;
  let tip: string;
  let iport = 32768 + Math.floor(rand() * 28232);
  let tport: number;
  let proto = 6;
  let bi = 200 + Math.floor(rand() * 40000);
  let pi = 2 + Math.floor(bi / 1200);
  let bt = 500 + Math.floor(rand() * 900000);
  let pt = 2 + Math.floor(bt / 1400);
  if (r < 0.55) {
    iip = rand() < 0.5 ? ip(198, 51, 100, Math.floor(rand() * 250)) : ip(10, 240, Math.floor(rand() * 4), 100 + Math.floor(rand() * 120));
    tip = nic.ip;
    tport = rand() < 0.8 ? 443 : 80;
    if (rand() < 0.003) bt = pt = 0; // one-way: no reply within the window
  } else if (r < 0.75) {
    direction = 'O';
    iip = nic.ip;
    tip = rand() < 0.5 ? '161.26.0.10' : '161.26.0.11';
    tport = 53;
    proto = 17;
    bi = 60 + Math.floor(rand() * 40);
    pi = 1;
    bt = 100 + Math.floor(rand() * 300);
    pt = 1;
  } else if (r < 0.9) {
    direction = 'O';
    iip = nic.ip;
    tip = ip(104, 16, Math.floor(rand() * 16), Math.floor(rand() * 250));
    tport = 443;
  } else if (r < 0.99) {
    direction = rand() < 0.5 ? 'I' : 'O';
    iip = direction === 'I' ? ip(10, 240, 1, 20 + Math.floor(rand() * 30)) : nic.ip;
    tip = direction === 'I' ? nic.ip : ip(10, 240, 0, 4);
    tport = 5432;
  } else if (r < 0.997) {
    action = 'rejected';
    iip = ip(203, 0, 113, 1 + Math.floor(rand() * 12));
    iport = 40000 + Math.floor(rand() * 20000);
    tip = nic.ip;
    tport = 1 + Math.floor(rand() * 1024);
    bi = 60;
    pi = 1;
    bt = pt = 0;
  } else {
    action = 'rejected'; // replies dropped on the way out
    iip = ip(10, 240, 1, 20 + Math.floor(rand() * 30));
    tip = nic.ip;
    tport = 5432;
    bi = pi = 0;
    bt = 60 + Math.floor(rand() * 200);
    pt = 1 + Math.floor(rand() * 3);
  }
  const cbi = longLived ? bi + Math.floor(rand() * 1e7) : bi;
  const cpi = longLived ? pi + Math.floor(cbi / 1400) : pi;
  const cbt = longLived ? bt + Math.floor(rand() * 1e8) : bt;
  const cpt = longLived ? pt + Math.floor(cbt / 1400) : pt;
  return (
    `{"start_time":"${iso(start)}","end_time":"${iso(end)}","connection_start_time":"${iso(connStart)}","direction":"${direction}",` +
    `"action":"${action}","initiator_ip":"${iip}","target_ip":"${tip}","initiator_port":${iport},"target_port":${tport},` +
    `"transport_protocol":${proto},"ether_type":"IPv4","was_initiated":${!longLived},"was_terminated":${rand() < 0.7},` +
    `"bytes_from_initiator":${bi},"packets_from_initiator":${pi},"bytes_from_target":${bt},"packets_from_target":${pt},` +
    `"cumulative_bytes_from_initiator":${cbi},"cumulative_packets_from_initiator":${cpi},"cumulative_bytes_from_target":${cbt},` +
    `"cumulative_packets_from_target":${cpt}}`
  );
}

export interface DataSet {
  dir: string;
  objects: number;
  records: number;
  gzipBytes: number;
  jsonBytes: number;
  /** Seconds spent generating now (0 when the set was already on disk). */
  generatedSeconds: number;
}

/**
 * The data set of `objects` objects for `seed` under `root`, generated unless a complete one is there (a manifest beside
 * it is written last). Gzip runs on the thread pool, a few objects at a time.
 */
export async function flowLogDataSet(root: string, objects: number, seed: number): Promise<DataSet> {
  const dir = join(root, `flowlogs-${objects}-${seed}`);
  const manifest = `${dir}.json`;
  if (existsSync(manifest)) return { ...(JSON.parse(readFileSync(manifest, 'utf8')) as DataSet), dir, generatedSeconds: 0 };
  rmSync(dir, { recursive: true, force: true });
  const started = process.hrtime.bigint();
  const rand = rng(seed);
  const nics = interfaces();
  let records = 0;
  let gzipBytes = 0;
  let jsonBytes = 0;
  const pending: Array<Promise<void>> = [];
  const streamStart = streamIdOf(T0);
  for (let j = 0; j < objects; j++) {
    const nic = nics[j % INTERFACES];
    const recordType = Math.floor(j / INTERFACES) % 2 === 0 ? 'ingress' : 'egress';
    const windowStart = T0 + Math.floor(j / (2 * INTERFACES)) * WINDOW_S * 1000;
    const n = 20 + Math.floor(rand() * 321);
    const parts: string[] = new Array(n);
    for (let k = 0; k < n; k++) parts[k] = recordJson(rand, nic, windowStart);
    const json =
      `{"version":"0.0.1","collector_crn":"${nic.collector}","attached_endpoint_type":"vnic","network_interface_id":"${nic.id}",` +
      `"instance_crn":"${nic.instanceCrn}","vpc_crn":"${VPC}","capture_start_time":"${iso(windowStart)}",` +
      `"capture_end_time":"${iso(windowStart + WINDOW_S * 1000)}","state":"ok","number_of_flow_logs":${n},"flow_logs":[${parts.join(',')}]}`;
    records += n;
    jsonBytes += json.length;
    const d = new Date(windowStart);
    const key: FlowLogKey = {
      account: ACCOUNT,
      region: 'us-south',
      vpcCrn: VPC,
      subnetCrn: nic.subnetCrn,
      endpointType: 'vnics',
      instanceCrn: nic.instanceCrn,
      interfaceId: nic.id,
      recordType,
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      streamId: streamStart,
      sequence: Math.floor(j / (2 * INTERFACES)) + 1,
    };
    const path = join(dir, ...buildKey(key).split('/'));
    pending.push(
      gzipAsync(json).then((gz) => {
        gzipBytes += gz.length;
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, gz);
      }),
    );
    if (pending.length >= 16) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  const set = { dir, objects, records, gzipBytes, jsonBytes, generatedSeconds: Number(process.hrtime.bigint() - started) / 1e9 };
  writeFileSync(`${manifest}.tmp`, JSON.stringify(set));
  renameSync(`${manifest}.tmp`, manifest);
  return set;
}
