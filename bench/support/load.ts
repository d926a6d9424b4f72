import { Agent, request } from 'node:http';

/** Sends `total` GETs with `concurrency` in flight over keep-alive connections; returns requests per second. */
export async function measureGets(url: string, headers: Record<string, string>, total: number, concurrency: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  let sent = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = request({ agent, host: target.hostname, port: target.port, path: target.pathname + target.search, headers }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end();
    });
  const worker = async () => {
    while (sent < total) {
      sent += 1;
      await one();
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return total / seconds;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The emulator's Authorization header and first subnet, from the endpoints line it prints (for requests by hand). */
export async function emulatorSession(endpoints: { iamEndpoint: string; controlEndpoint: string; apiKey: string }): Promise<{ auth: Record<string, string>; subnetId: string }> {
  const tokenRes = await fetch(`${endpoints.iamEndpoint}/identity/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: endpoints.apiKey }).toString(),
  });
  const auth = { authorization: `Bearer ${((await tokenRes.json()) as { access_token: string }).access_token}` };
  const state = (await (await fetch(`${endpoints.controlEndpoint}/state`)).json()) as { topology: { subnets: Array<{ id: string }> } };
  return { auth, subnetId: state.topology.subnets[0].id };
}
