import { resolve } from 'node:path';
import { startAndReadLine, stop } from '../bench/support/processes';

/**
 * `make demo`: starts the emulator with the use-case-1 topology and walks through its API the way a client does
 * (IAM token → VPC API → control API), printing each step, then stops it. Exits non-zero if any step fails.
 */
const ROOT = resolve(__dirname, '../..'); // compiled to dist/scripts
const VERSION = 'version=2025-12-16&generation=2';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function call(method: string, url: string, headers: Record<string, string>, body?: unknown): Promise<any> {
  const res = await fetch(url, { method, headers: body === undefined ? headers : { ...headers, 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (res.status >= 400) throw new Error(`${method} ${url} answered ${res.status}: ${text}`);
  return parsed;
}

async function main(): Promise<void> {
  say('1. Starting the local IBM Cloud emulator (emulator/topologies/use-case-1.json)');
  const emulator = await startAndReadLine(process.execPath, ['provider/bin/ibm-flowlogs', 'emulator', '--topology', 'emulator/topologies/use-case-1.json', '--pending-seconds', '5', '--deleting-seconds', '5'], ROOT);
  try {
    const e = JSON.parse(emulator.line);
    say(`   VPC API ${e.vpcEndpoint}   IAM ${e.iamEndpoint}   COS ${e.cosEndpoint}   control ${e.controlEndpoint}`);

    say('2. Getting an IAM access token with the emulator\'s API key');
    const form = new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: e.apiKey });
    const tokenRes = await fetch(`${e.iamEndpoint}/identity/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    const token = (await tokenRes.json()) as { access_token: string; expires_in: number };
    say(`   ${tokenRes.status} Bearer token (JWT, ${token.access_token.split('.').length} parts), expires in ${token.expires_in} s`);
    const auth = { authorization: `Bearer ${token.access_token}` };
    const v1 = (path: string) => `${e.vpcEndpoint}/v1${path}${path.includes('?') ? '&' : '?'}${VERSION}`;

    say('3. Reading the topology');
    const vpc = (await call('GET', v1('/vpcs'), auth)).vpcs[0];
    const subnets = (await call('GET', v1(`/subnets?vpc.id=${vpc.id}`), auth)).subnets;
    const instances = (await call('GET', v1(`/instances?vpc.id=${vpc.id}`), auth)).instances;
    say(`   ${vpc.name} (${vpc.id}): ${subnets.length} subnets, ${instances.length} instances, ${instances.reduce((n: number, i: any) => n + i.network_interfaces.length, 0)} network interfaces`);

    say('4. Creating a flow log collector on the VPC, writing to bucket-e');
    const created = await call('POST', v1('/flow_log_collectors'), auth, { name: 'vpc-umbrella', target: { id: vpc.id }, storage_bucket: { name: 'bucket-e' } });
    say(`   201 ${created.name} ${created.id}: lifecycle_state ${created.lifecycle_state}, active ${created.active}`);

    say('5. Advancing the emulator clock 5 s: the collector becomes stable');
    await call('POST', `${e.controlEndpoint}/clock/advance`, {}, { seconds: 5 });
    const stable = await call('GET', v1(`/flow_log_collectors/${created.id}`), auth);
    say(`   ${stable.name}: lifecycle_state ${stable.lifecycle_state}`);

    say('6. Listing collectors in the VPC');
    const list = await call('GET', v1(`/flow_log_collectors?vpc.id=${vpc.id}`), auth);
    for (const c of list.flow_log_collectors) say(`   ${c.name}  target ${c.target.resource_type}:${c.target.name}  bucket ${c.storage_bucket.name}  ${c.lifecycle_state}`);

    say('7. A second collector on the same VPC is refused (one collector per target)');
    const dup = await fetch(v1('/flow_log_collectors'), { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ target: { id: vpc.id }, storage_bucket: { name: 'bucket-c' } }) });
    const dupBody = (await dup.json()) as { errors: Array<{ code: string; message: string }> };
    say(`   ${dup.status} ${dupBody.errors[0].code}: ${dupBody.errors[0].message}`);

    say('8. Suspending it (PATCH active=false), then deleting it');
    const suspended = await call('PATCH', v1(`/flow_log_collectors/${created.id}`), auth, { active: false });
    say(`   200 active ${suspended.active}, lifecycle_state ${suspended.lifecycle_state}`);
    await fetch(v1(`/flow_log_collectors/${created.id}`), { method: 'DELETE', headers: auth });
    say(`   204 deleted; now ${(await call('GET', v1(`/flow_log_collectors/${created.id}`), auth)).lifecycle_state}`);
    await call('POST', `${e.controlEndpoint}/clock/advance`, {}, { seconds: 5 });
    const gone = await fetch(v1(`/flow_log_collectors/${created.id}`), { headers: auth });
    say(`   after 5 s: GET answers ${gone.status} (${((await gone.json()) as any).errors[0].code})`);

    const counts = (await call('GET', `${e.controlEndpoint}/requests`, {})).byRoute;
    say('9. What the emulator served (GET /_emulator/requests):');
    for (const [route, n] of Object.entries(counts)) say(`   ${String(n).padStart(3)}  ${route}`);
  } finally {
    await stop(emulator.child);
    say('10. Emulator stopped.');
  }
}

main().catch((error) => {
  process.stderr.write(`demo failed: ${(error as Error).message}\n`);
  process.exit(1);
});
