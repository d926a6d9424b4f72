import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/src';
import { cosClient, EmulatorClient, rejectionOf } from '../support/emulator';

/**
 * An emulator that only its user can steer. Every API refuses a Host that is not its own loopback
 * address and a browser Origin not on the allowlist; bucket names are checked by COS's rules before they touch
 * storage, and no request — control API, collector create, topology, COS itself — reaches outside the emulator's
 * folder. Real HTTP throughout (node:http, to send the Host and request lines a browser or an attacker would).
 */

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with exactly these headers (Host included), or a raw request line. */
function send(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers, setHost: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function rawRequest(base: string, text: string): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.end(text));
    let out = '';
    socket.setEncoding('utf8').on('data', (c: string) => (out += c));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}

/** Every file under `root` with a hash of its content, except under `skip` (relative paths). */
function tree(root: string, skip: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(root, path);
      if (skip.some((s) => rel === s || rel.startsWith(`${s}/`))) continue;
      if (entry.isDirectory()) walk(path);
      else out[rel] = createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
    }
  };
  walk(root);
  return out;
}

describe('emulator: Host and Origin guards on every API', () => {
  let emulator: RunningEmulator;
  let client: EmulatorClient;
  const logged: string[] = [];
  before(async () => {
    emulator = await startEmulator({ pendingSeconds: 0, deletingSeconds: 0, log: (l) => logged.push(l), allowedOrigins: ['http://localhost:3000'] });
    client = new EmulatorClient(emulator);
  });
  after(() => emulator.close());

  const port = (base: string) => new URL(base).port;
  const APIS: Array<[string, () => string, string, string]> = [
    ['IAM', () => emulator.endpoints.iamEndpoint, 'POST', '/identity/token'],
    ['VPC API', () => emulator.endpoints.vpcEndpoint, 'GET', '/v1/vpcs?version=2025-12-16&generation=2'],
    ['Global Tagging', () => emulator.endpoints.taggingEndpoint, 'GET', '/v3/tags'],
    ['control API', () => emulator.endpoints.controlEndpoint, 'GET', '/_emulator/state'],
    ['COS', () => emulator.endpoints.cosEndpoint, 'GET', '/'],
  ];

  for (const [api, base, method, path] of APIS) {
    it(`${api}: a foreign Host (DNS rebinding), a wrong port or a foreign Origin is refused with 403 before anything runs`, async () => {
      const b = base();
      const p = port(b);
      for (const host of [`attacker.example:${p}`, `127.0.0.1.nip.io:${p}`, `127.0.0.1:${Number(p) + 7}`, '127.0.0.1']) {
        const res = await send(b, method, path, { host });
        expect(res.status, `${api} with Host ${host}`).to.equal(403);
        if (api === 'COS') expect(res.body).to.contain('<Code>AccessDenied</Code>').and.contain(`Host &quot;${host}&quot; is not this emulator&apos;s address`);
        else {
          const body = JSON.parse(res.body);
          expect(body.errors[0].code).to.equal('host_not_allowed');
          expect(body.errors[0].message).to.contain(`Host "${host}" is not this emulator's address; it answers only requests addressed to 127.0.0.1:${p}, localhost:${p}, [::1]:${p}`);
        }
      }
      const page = await send(b, method, path, { host: `127.0.0.1:${p}`, origin: 'https://attacker.example' });
      expect(page.status).to.equal(403);
      expect(page.body).to.match(/Origin (&quot;|\\")https:\/\/attacker\.example(&quot;|\\") is not allowed/);
      expect(page.headers['access-control-allow-origin']).to.equal(undefined);
    });
  }

  it('loopback names at the right port pass; an allowlisted origin passes, with CORS headers and an answered preflight', async () => {
    const b = emulator.endpoints.controlEndpoint;
    const p = port(b);
    for (const host of [`127.0.0.1:${p}`, `localhost:${p}`, `LOCALHOST:${p}`, `[::1]:${p}`]) expect((await send(b, 'GET', '/_emulator/clock', { host })).status, host).to.equal(200);
    const allowed = await send(b, 'GET', '/_emulator/clock', { host: `localhost:${p}`, origin: 'http://localhost:3000' });
    expect(allowed.status).to.equal(200);
    expect(allowed.headers['access-control-allow-origin']).to.equal('http://localhost:3000');
    const preflight = await send(b, 'OPTIONS', '/_emulator/buckets', { host: `localhost:${p}`, origin: 'http://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' });
    expect(preflight.status).to.equal(204);
    expect(preflight.headers).to.deep.include({ 'access-control-allow-origin': 'http://localhost:3000', 'access-control-allow-headers': 'content-type' });
    const cos = await send(emulator.endpoints.cosEndpoint, 'GET', '/', { host: `localhost:${port(emulator.endpoints.cosEndpoint)}`, origin: 'http://localhost:3000' });
    expect(cos.status, 'COS passes the guard and then wants a signature').to.equal(403);
    expect(cos.body).to.contain('not signed with the HMAC credentials');
  });

  it('a request without Host, an absolute-form target naming another host, and a target that is no URL are refused without a stack trace', async () => {
    const b = emulator.endpoints.vpcEndpoint;
    const p = port(b);
    const noHost = await rawRequest(b, 'GET /_emulator/clock HTTP/1.0\r\n\r\n');
    expect(noHost).to.match(/^HTTP\/1\.[01] 403/);
    expect(noHost).to.contain('The request has no Host header');
    const absolute = await rawRequest(b, `GET http://attacker.example/_emulator/clock HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nConnection: close\r\n\r\n`);
    expect(absolute).to.match(/^HTTP\/1\.1 403/);
    expect(absolute).to.contain('Host \\"attacker.example\\" is not this emulator');
    logged.length = 0;
    const broken = await rawRequest(b, `GET http://[::1/v1 HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nConnection: close\r\n\r\n`);
    expect(broken).to.match(/^HTTP\/1\.1 400/);
    const body = JSON.parse(broken.slice(broken.indexOf('\r\n\r\n') + 4));
    expect(body.errors[0]).to.deep.include({ code: 'invalid_request', message: 'The request target "http://[::1/v1" is not a valid URL or path.' });
    expect(broken).not.to.match(/\n\s+at |internal_error/);
    expect(logged, 'nothing unexpected was logged').to.deep.equal([]);
  });

  it('CRN types and href collections named like Object\'s properties get the service\'s own answer', async () => {
    const account = (await client.topology()).account ?? '7c1f0e4b2a9d48e6b3f5a0c2d9e8f716';
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const crn = `crn:v1:bluemix:public:is:us-south:a/${account}::${name}:r006-x`;
      const byCrn = await client.vpc('POST', '/v1/flow_log_collectors', { body: { target: { crn }, storage_bucket: { name: 'bucket-c' } } });
      expect(byCrn.status, name).to.equal(400);
      expect(byCrn.body.errors[0].message).to.equal(`Target not usable: CRN type "${name}" cannot be a flow log collector target; allowed: vpc, subnet, instance, virtual-network-interface (network interfaces and attachments are targeted by id or href).`);
      const href = `${emulator.endpoints.vpcEndpoint}/v1/${name}/r006-x`;
      const byHref = await client.vpc('POST', '/v1/flow_log_collectors', { body: { target: { href }, storage_bucket: { name: 'bucket-c' } } });
      expect(byHref.status, name).to.equal(400);
      expect(byHref.body.errors[0].message).not.to.match(/function|native code/);
    }
  });
});

describe('emulator: bucket names and storage paths stay inside the emulator\'s folder', () => {
  let root: string;
  let stateDir: string;
  let emulator: RunningEmulator;
  let client: EmulatorClient;
  beforeEach(async () => {
    // root/outside and root/state/outside.txt are what a traversal would reach; root/state/cos is COS's folder.
    root = mkdtempSync(join(tmpdir(), 'ibmflowlogs-guard-'));
    stateDir = join(root, 'state');
    mkdirSync(join(root, 'outside', 'deeper'), { recursive: true });
    writeFileSync(join(root, 'outside', 'deeper', 'keep.txt'), 'must survive');
    writeFileSync(join(root, 'sibling.txt'), 'must survive');
    emulator = await startEmulator({ stateDir, pendingSeconds: 0, deletingSeconds: 0, log: () => undefined, clockStart: '2026-01-05T09:00:00Z' });
    client = new EmulatorClient(emulator);
    writeFileSync(join(stateDir, 'outside.txt'), 'must survive');
  });
  afterEach(async () => {
    await emulator.close();
    rmSync(root, { recursive: true, force: true });
  });

  const TRAVERSALS = ['..', '..%2F..', '..%2F..%2F..', '.', '%2e%2e', 'bucket-c%2F..%2F..', '..%2Fstate', 'a..b', 'UPPER'];

  it(`the control API refuses bucket names COS would refuse (${TRAVERSALS.join(', ')}) and nothing outside COS's folder changes`, async () => {
    const before = tree(root, ['state/cos', 'state/emulator-state.json', 'state/emulator.lock']);
    // As sent on the wire: fetch would normalize a `..` segment away before sending it; an attacker does not.
    const raw = (method: string, path: string) => send(emulator.endpoints.controlEndpoint, method, `/_emulator${path}`, { host: new URL(emulator.endpoints.controlEndpoint).host });
    for (const name of TRAVERSALS) {
      const del = await raw('DELETE', `/buckets/${name}`);
      expect(del.status, `DELETE /buckets/${name}`).to.equal(400);
      const error = JSON.parse(del.body).errors[0];
      // A `.` or `..` segment is refused as a path; a name that decodes to one is refused as a bucket name.
      if (/^(\.|%2e){1,2}$/i.test(name)) expect(error.message).to.contain('has a "." or ".." segment; the emulator takes paths as they are sent');
      else {
        expect(error).to.deep.include({ code: 'invalid_value', target: { name: 'name', type: 'parameter', value: decodeURIComponent(name) } });
        expect(error.message).to.contain('is not a valid bucket name');
      }
      expect((await raw('DELETE', `/authorizations/${name}`)).status, `DELETE /authorizations/${name}`).to.equal(400);
      const decoded = decodeURIComponent(name);
      expect((await client.control('POST', '/buckets', { name: decoded })).status, `POST /buckets ${decoded}`).to.equal(400);
      expect((await client.control('POST', '/authorizations', { bucket: decoded })).status, `POST /authorizations ${decoded}`).to.equal(400);
    }
    const topology = await client.control('POST', '/topology', { vpcs: [], buckets: [{ name: '../../outside' }] });
    expect(topology.status).to.equal(400);
    expect(topology.body.errors[0].message).to.contain('buckets[0].name: "../../outside" is not a valid bucket name');
    expect(tree(root, ['state/cos', 'state/emulator-state.json', 'state/emulator.lock'])).to.deep.equal(before);
    expect((await client.control('GET', '/buckets')).body.buckets.map((b: any) => b.name)).to.deep.equal(['bucket-c', 'bucket-e', 'bucket-instance-5']);
  });

  it('a collector whose storage bucket is "../../../../outside" is refused even with every bucket authorized, and the writer writes nothing outside', async () => {
    const before = tree(root, ['state/cos', 'state/emulator-state.json', 'state/emulator.lock']);
    await client.control('POST', '/authorizations', { bucket: '*' });
    const subnet = await client.idOf('subnets', 'subnet-1');
    for (const name of ['../../../../outside', '..', 'bucket-c/../..']) {
      const res = await client.vpc('POST', '/v1/flow_log_collectors', { body: { target: { id: subnet }, storage_bucket: { name } } });
      expect(res.status, name).to.equal(400);
      expect(res.body.errors[0]).to.deep.include({ code: 'invalid_value', target: { name: 'storage_bucket.name', type: 'field', value: name } });
    }
    await client.createCollector({ target: { id: subnet }, storage_bucket: { name: 'bucket-c' } });
    await client.control('POST', '/clock/advance', { seconds: 600 });
    expect(tree(root, ['state/cos', 'state/emulator-state.json', 'state/emulator.lock'])).to.deep.equal(before);
    expect(Object.keys(tree(join(stateDir, 'cos'))).some((k) => k.startsWith('bucket-c/ibm_vpc_flowlogs_v1/')), 'the collector\'s logs are in its bucket').to.equal(true);
  });

  it('COS refuses bucket names, keys and upload ids that would leave its folder, before s3rver sees them', async () => {
    const before = tree(root, ['state/cos', 'state/emulator-state.json', 'state/emulator.lock']);
    const s3 = cosClient(emulator.endpoints);
    const refusals: Array<[string, () => Promise<unknown>, string]> = [
      ['a key with ../ segments', () => s3.putObject({ Bucket: 'bucket-c', Key: '../../../outside/escaped.txt', Body: 'x' }).promise(), 'InvalidArgument'],
      ['a key with a ./ segment', () => s3.putObject({ Bucket: 'bucket-c', Key: 'a/./b', Body: 'x' }).promise(), 'InvalidArgument'],
      ['deleting a key outside', () => s3.deleteObject({ Bucket: 'bucket-c', Key: '../../outside.txt' }).promise(), 'InvalidArgument'],
      ['an upload id with ../', () => s3.uploadPart({ Bucket: 'bucket-c', Key: 'k', UploadId: '../../../../outside/part', PartNumber: 1, Body: 'x' }).promise(), 'NoSuchUpload'],
    ];
    for (const [what, call, code] of refusals) {
      const error = await rejectionOf<{ code: string; statusCode: number }>(call());
      expect(error.code, what).to.equal(code);
    }
    // Bucket names that break COS's rules, sent as raw signed-or-not requests: refused before the signature check.
    const p = new URL(emulator.endpoints.cosEndpoint).port;
    for (const path of ['/..%2F..', '/%2e%2e/state', '/UPPER', '/a..b/key']) {
      const res = await send(emulator.endpoints.cosEndpoint, 'DELETE', path, { host: `127.0.0.1:${p}` });
      expect(res.status, path).to.equal(400);
      expect(res.body, path).to.contain('<Code>InvalidBucketName</Code>');
    }
    expect(tree(root, ['state/cos', 'state/emulator-state.json', 'state/emulator.lock'])).to.deep.equal(before);
    expect(statSync(join(stateDir, 'outside.txt')).size).to.equal('must survive'.length);
  });
});
