import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IbmEndpointError, IbmInvalidIdError, VpcClient } from '../../provider/src/ibm';
import { ibmConnectionOf, rejectionOf, requestCounts, useEmulator } from '../support/emulator';

/**
 * A 404 means "gone" only when IBM says so: IBM's VPC error body with `not_found` or the resource's own
 * `<resource>_not_found`, from a base URL that serves the VPC API. Every other 404 — a bare one, an HTML page,
 * another service's body, or IBM's body from a path that is not the VPC API — is a wrong endpoint, and the client
 * rejects with IbmEndpointError instead of answering "gone". Ids are checked before they go into a path. Each case
 * runs against a real HTTP server of its own (tokens come from the emulator's IAM).
 */

interface Recorded {
  server: Server;
  base: string;
  paths: string[];
}

/** A server that answers every request with `status`, `body` and `contentType`, and records the paths asked for. */
async function answering(status: number, body: string, contentType: string): Promise<Recorded> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths };
}

const ID = 'r006-00000000-0000-4000-a000-000000000000';
const VPC_BODY = (code: string) => JSON.stringify({ errors: [{ code, message: 'Not found.' }], trace: '7d1e2f6a-0000-4000-a000-000000000000', status_code: 404 });

describe('VpcClient: a 404 is gone only when IBM says so', () => {
  const emu = useEmulator();
  let servers: Server[] = [];
  let clients: VpcClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });
  const clientAt = (vpcEndpoint: string) => {
    const client = new VpcClient(ibmConnectionOf(emu().endpoints, { vpcEndpoint }));
    clients.push(client);
    return client;
  };

  const WRONG: Array<[string, number, string, string, RegExp]> = [
    ['a bare 404', 404, 'Not Found', 'text/plain', /answered 404 without IBM's error body/],
    ['an HTML page', 404, '<html><body><h1>404 Not Found</h1></body></html>', 'text/html', /answered 404 without IBM's error body/],
    ['IAM\'s error shape', 404, JSON.stringify({ errorCode: 'BXNIM0000E', errorMessage: 'Not found' }), 'application/json', /answered 404 without IBM's error body/],
    ['IBM\'s body with another code', 404, VPC_BODY('route_missing'), 'application/json', /answered 404 with error code "route_missing" where IBM's not-found answer has not_found or flow_log_collector_not_found/],
    ['IBM\'s not-found body from a base that is not the VPC API', 404, VPC_BODY('not_found'), 'application/json', /answered 404 with IBM's not-found code, but GET http:\/\/127\.0\.0\.1:\d+\/v1\/flow_log_collectors answered 404 \(not_found\), which the VPC API never does/],
  ];
  for (const [what, status, body, type, message] of WRONG) {
    it(`${what}: get and delete reject with IbmEndpointError naming vpcEndpoint, never "gone"`, async () => {
      const wrong = await answering(status, body, type);
      servers.push(wrong.server);
      const client = clientAt(wrong.base);
      const get = await rejectionOf<IbmEndpointError>(client.getCollector(ID));
      const del = await rejectionOf<IbmEndpointError>(client.deleteCollector(ID));
      for (const error of [get, del]) {
        expect(IbmEndpointError.isInstance(error), String(error)).to.equal(true);
        expect(error.code).to.equal('ERR_IBM_ENDPOINT');
        expect(error.message).to.match(message);
        expect(error.message).to.contain(`check vpcEndpoint (now ${wrong.base}/)`);
      }
      expect(get.message).to.match(new RegExp(`^Could not get flow log collector ${ID}: `));
      expect(del.message).to.match(new RegExp(`^Could not delete flow log collector ${ID}: `));
    });
  }

  it('the emulator\'s control API as vpcEndpoint (IBM\'s body, `not_found`, wrong path) is a wrong endpoint too', async () => {
    const client = clientAt(emu().endpoints.controlEndpoint);
    const error = await rejectionOf<IbmEndpointError>(client.getCollector(ID));
    expect(IbmEndpointError.isInstance(error)).to.equal(true);
    expect(error.message).to.contain('/_emulator/v1/flow_log_collectors answered 404 (not_found)');
  });

  it('the VPC API\'s own not-found answer is gone: one collection request proves the endpoint, once per client', async () => {
    const client = clientAt(emu().endpoints.vpcEndpoint);
    expect(await client.getCollector(ID)).to.equal(undefined);
    expect(await client.deleteCollector(ID)).to.equal('gone');
    expect(await client.getCollector(ID)).to.equal(undefined);
    const counts = await requestCounts(emu());
    expect(counts['GET /v1/flow_log_collectors/{id}']).to.equal(2);
    expect(counts['DELETE /v1/flow_log_collectors/{id}']).to.equal(1);
    expect(counts['GET /v1/flow_log_collectors'], 'the probe runs once').to.equal(1);
  });

  it('a client that has had a VPC API answer needs no probe', async () => {
    const client = clientAt(emu().endpoints.vpcEndpoint);
    await client.listVpcs();
    expect(await client.getCollector(ID)).to.equal(undefined);
    expect((await requestCounts(emu()))['GET /v1/flow_log_collectors']).to.equal(undefined);
  });

  const BAD_IDS = ['..', '.', '', 'a/b', '../../v1/vpcs', 'R006-UPPER', 'id with space', 'x'.repeat(65), 'r006-%2e%2e'];
  it(`ids IBM cannot have given are refused before any request: ${BAD_IDS.map((i) => JSON.stringify(i.length > 12 ? `${i.slice(0, 12)}…` : i)).join(', ')}`, async () => {
    const recorder = await answering(500, '', 'text/plain');
    servers.push(recorder.server);
    const client = clientAt(recorder.base);
    for (const id of BAD_IDS) {
      for (const call of [client.getCollector(id), client.deleteCollector(id), client.updateCollector(id, { active: false })]) {
        const error = await rejectionOf<IbmInvalidIdError>(call);
        expect(IbmInvalidIdError.isInstance(error), `${JSON.stringify(id)}: ${error}`).to.equal(true);
        expect(error.code).to.equal('ERR_IBM_INVALID_ID');
        expect(error.message).to.contain('is not a valid flow log collector id; IBM Cloud ids are 1-64 characters of lowercase letters, digits, "-" and "_"');
      }
      expect(await client.getVpc(id), 'no VPC has an impossible id').to.equal(undefined);
      expect(await client.resolveTarget(id), 'nor any target').to.equal(undefined);
    }
    expect(recorder.paths, 'no request reached the server').to.deep.equal([]);
  });
});
