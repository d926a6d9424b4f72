import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildKey, parseKey, type CrnEncoding } from '../../provider/src/flowlogs';
import { cosClient, type EmulatorClient } from './emulator';
import { listKeys } from './flowLogs';

/**
 * Flow logs written by the emulator for the flowlogs tests: collectors on the default topology's subnets, a network
 * ACL dropping replies on one interface and a port scan on another (and normal traffic, between interfaces of the
 * same VPC too, everywhere else), for a few 5-minute windows.
 */
export async function writeScenario(client: EmulatorClient, windows = 2): Promise<{ buckets: string[] }> {
  for (const [subnet, bucket] of [['subnet-1', 'bucket-c'], ['subnet-2', 'bucket-c'], ['subnet-3', 'bucket-e']]) {
    await client.createCollector({ name: `${subnet}-logs`, target: { id: await client.idOf('subnets', subnet) }, storage_bucket: { name: bucket } });
  }
  const nic = async (instance: string) => client.idOf('networkInterfaces', 'eth0', instance);
  await client.control('POST', '/traffic', { interfaceId: await nic('instance-3'), scenario: 'nacl-drops-replies', port: 5432 });
  await client.control('POST', '/traffic', { interfaceId: await nic('instance-6'), scenario: 'port-scan', scanner: '203.0.113.66' });
  await client.control('POST', '/clock/advance', { seconds: 1 });
  for (let i = 0; i < windows; i++) await client.control('POST', '/clock/advance', { seconds: 300 });
  return { buckets: ['bucket-c', 'bucket-e'] };
}

/** Downloads a bucket's flow-log objects into `dir` as a directory tree of their keys (CRNs spelled as asked). */
export async function downloadBucket(client: EmulatorClient, bucket: string, dir: string, encoding: CrnEncoding = 'url-encoded'): Promise<string[]> {
  const cos = cosClient(client.endpoints);
  const keys: string[] = [];
  for (const key of await listKeys(cos, bucket, 'ibm_vpc_flowlogs_v1/')) {
    const parsed = parseKey(key);
    const name = parsed.ok ? buildKey(parsed.key, encoding) : key;
    const body = (await cos.getObject({ Bucket: bucket, Key: key }).promise()).Body as Buffer;
    const path = join(dir, ...name.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, body);
    keys.push(name);
  }
  return keys;
}
