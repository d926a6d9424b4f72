import { expect } from 'chai';
import { createPublicKey, generateKeyPairSync, sign, verify, type JsonWebKey } from 'node:crypto';
import { IamAuthenticator } from 'ibm-cloud-sdk-core';
import { startEmulator } from '../../emulator/src';
import { API_VERSION, EmulatorClient, useEmulator, type HttpResult } from '../support/emulator';

/**
 * IAM's token service and the request rules every VPC API call goes through (token, `version`/`generation`,
 * bodies, routing), over real HTTP, with IBM's error bodies checked field by field.
 */

const APIKEY_GRANT = 'urn:ibm:params:oauth:grant-type:apikey';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MIN_VERSION = '2022-09-13';
const MORE_INFO = 'https://cloud.ibm.com/docs/vpc?topic=vpc-rias-error-messages';
const AUTH_TARGET = { name: 'Authorization', type: 'header' };

const decodePart = (part: string): any => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
const encodePart = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Replaces the character at `index` with a different base64url character. */
function flipChar(text: string, index: number): string {
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`;
}

/** A form POST to IAM's token endpoint. */
function iamPost(client: EmulatorClient, form: Record<string, string> | string, contentType = 'application/x-www-form-urlencoded'): Promise<HttpResult> {
  const body = typeof form === 'string' ? form : new URLSearchParams(form).toString();
  return client.raw('POST', `${client.endpoints.iamEndpoint}/identity/token`, { headers: { 'content-type': contentType, accept: 'application/json' }, body });
}

/** Asserts IAM's own error shape (not the VPC envelope). */
function expectIamError(res: HttpResult, errorCode: string, messagePart: string): void {
  expect(res.status, JSON.stringify(res.body)).to.equal(400);
  expect(res.headers.get('content-type')).to.match(/^application\/json/);
  expect(res.body).to.have.all.keys('errorCode', 'errorMessage', 'context', 'statusCode');
  expect(res.body.errorCode).to.equal(errorCode);
  expect(res.body.errorMessage).to.be.a('string').and.include(messagePart);
  expect(res.body.statusCode).to.equal(400);
  expect(res.body.context.requestId).to.match(UUID);
  expect(res.body.context.requestType).to.equal('incoming.Identity_Token');
  expect(res.body.context.url).to.include('/identity/token');
  expect(res.body).to.not.have.property('access_token');
}

/** Asserts IBM's VPC error envelope, exactly, and returns its errors. */
function expectVpcError(res: HttpResult, status: number, code: string, target?: Record<string, unknown>): any[] {
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  expectEnvelope(res);
  expect(res.body.errors[0].code).to.equal(code);
  if (target === undefined) expect(res.body.errors[0]).to.not.have.property('target');
  else expect(res.body.errors[0].target).to.deep.equal(target);
  return res.body.errors;
}

/** IBM's error body: JSON, `errors[{code,message,more_info,target?}]`, a UUID `trace`, `status_code` = HTTP status. */
function expectEnvelope(res: HttpResult): void {
  expect(res.headers.get('content-type'), `content-type of a ${res.status}`).to.match(/^application\/json/);
  expect(res.body, JSON.stringify(res.body)).to.be.an('object').that.has.all.keys('errors', 'trace', 'status_code');
  expect(res.body.status_code).to.equal(res.status);
  expect(res.body.trace).to.match(UUID);
  expect(res.headers.get('x-request-id')).to.equal(res.body.trace);
  expect(res.body.errors).to.be.an('array').that.is.not.empty;
  for (const e of res.body.errors) {
    expect(Object.keys(e).every((k) => ['code', 'message', 'more_info', 'target'].includes(k)), JSON.stringify(e)).to.equal(true);
    expect(e.code).to.be.a('string').and.match(/^[a-z_]+$/);
    expect(e.message).to.be.a('string').and.not.equal('');
    // The service names its own page for a bucket flow logs may not write to; every other code has its entry.
    expect(e.more_info).to.equal(e.code === 'flow_log_collector_storage_bucket_not_authorized' ? 'https://cloud.ibm.com/docs/vpc?topic=vpc-ordering-flow-log-collector#fl-before-you-begin' : `${MORE_INFO}#${e.code}`);
    if (e.target !== undefined) {
      expect(e.target.name).to.be.a('string');
      expect(['field', 'parameter', 'header']).to.include(e.target.type);
    }
  }
}

/** Today's date (UTC) on the emulator's clock, and the day after. */
async function emulatorDates(client: EmulatorClient): Promise<{ today: string; tomorrow: string }> {
  const now = Date.parse((await client.control('GET', '/clock')).body.now);
  return { today: new Date(now).toISOString().slice(0, 10), tomorrow: new Date(now + 86_400_000).toISOString().slice(0, 10) };
}

describe('emulator: IAM token service', () => {
  const emu = useEmulator();

  it('answers an API-key grant with a signed JWT whose lifetime, expiration and account are consistent', async () => {
    const state = (await emu().control('GET', '/state')).body;
    expect(state.account).to.be.a('string').and.not.equal('');
    expect(state.config.tokenLifetimeSeconds).to.equal(3600);
    const clockBefore = Math.floor(Date.parse((await emu().control('GET', '/clock')).body.now) / 1000);

    const res = await emu().requestToken();
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^application\/json/);
    const body = res.body;
    expect(body.token_type).to.equal('Bearer');
    expect(body.expires_in).to.equal(3600);
    expect(body.refresh_token).to.be.a('string').with.length.greaterThan(20);
    expect(body.refresh_token).to.not.equal(body.access_token);

    const parts = (body.access_token as string).split('.');
    expect(parts).to.have.length(3);
    const header = decodePart(parts[0]);
    const payload = decodePart(parts[1]);
    expect(header).to.include({ alg: 'RS256', typ: 'JWT' });
    expect(payload.iat).to.be.a('number');
    expect(payload.iat).to.be.within(clockBefore, clockBefore + 5);
    expect(payload.exp - payload.iat).to.equal(body.expires_in);
    expect(body.expiration).to.equal(payload.exp);
    expect(body.expiration - payload.iat).to.equal(3600);
    expect(payload.sub).to.be.a('string').and.not.equal('');
    expect(payload.account.bss).to.equal(state.account);

    // The signature verifies with the key IAM publishes, and only over the exact header.payload it signed.
    const keys = await emu().raw('GET', `${emu().endpoints.iamEndpoint}/identity/keys`);
    expect(keys.status).to.equal(200);
    expect(keys.body.keys).to.have.length(1);
    const jwk = keys.body.keys[0];
    expect(jwk).to.include({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: header.kid });
    const publicKey = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    const signature = Buffer.from(parts[2], 'base64url');
    expect(signature).to.have.length(256);
    expect(verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), publicKey, signature)).to.equal(true);
    const forged = encodePart({ ...payload, exp: payload.exp + 86400 });
    expect(verify('sha256', Buffer.from(`${parts[0]}.${forged}`), publicKey, signature)).to.equal(false);
  });

  it('issues tokens with the configured lifetime, judged on the emulator clock', async () => {
    const set = await emu().control('POST', '/config', { tokenLifetimeSeconds: 120 });
    expect(set.status).to.equal(200);
    expect(set.body.tokenLifetimeSeconds).to.equal(120);
    await emu().control('POST', '/clock/advance', { seconds: 7200 });
    const clockNow = Math.floor(Date.parse((await emu().control('GET', '/clock')).body.now) / 1000);

    const res = await emu().requestToken();
    expect(res.status).to.equal(200);
    const payload = decodePart(res.body.access_token.split('.')[1]);
    expect(res.body.expires_in).to.equal(120);
    expect(payload.exp - payload.iat).to.equal(120);
    expect(res.body.expiration).to.equal(payload.exp);
    // iat follows the advanced clock, not wall time.
    expect(payload.iat).to.be.within(clockNow, clockNow + 5);
    expect(payload.iat - Math.floor(Date.now() / 1000)).to.be.within(7195, 7205);
  });

  it("is accepted by IBM's SDK core: IamAuthenticator gets a token whose header works on the VPC API", async () => {
    const authenticator = new IamAuthenticator({ apikey: emu().endpoints.apiKey, url: emu().endpoints.iamEndpoint });
    const options: { headers: Record<string, string> } = { headers: {} };
    await authenticator.authenticate(options);
    expect(options.headers.Authorization).to.match(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);

    const counters = (await emu().control('GET', '/requests')).body;
    expect(counters.byRoute['POST /identity/token']).to.equal(1);

    const vpcs = await emu().vpc('GET', '/v1/vpcs', { authorization: options.headers.Authorization });
    expect(vpcs.status).to.equal(200);
    const topology = await emu().topology();
    expect(vpcs.body.vpcs.map((v: any) => v.id)).to.deep.equal(topology.vpcs.map((v: any) => v.id));

    // A second authenticate reuses the cached token: the SDK parsed iat/exp and judged it fresh.
    const again: { headers: Record<string, string> } = { headers: {} };
    await authenticator.authenticate(again);
    expect(again.headers.Authorization).to.equal(options.headers.Authorization);
    expect((await emu().control('GET', '/requests')).body.byRoute['POST /identity/token']).to.equal(1);
  });

  it("makes IBM's SDK core fail with IAM's error for a wrong API key", async () => {
    const authenticator = new IamAuthenticator({ apikey: 'not-the-emulators-key', url: emu().endpoints.iamEndpoint });
    let caught: any;
    try {
      await authenticator.authenticate({ headers: {} });
    } catch (e) {
      caught = e;
    }
    expect(caught, 'authenticate should reject').to.not.equal(undefined);
    expect(caught.status).to.equal(400);
    expect(caught.message).to.equal('Provided API key could not be found.');
    expect(JSON.parse(caught.body).errorCode).to.equal('BXNIM0415E');
  });

  it("refuses a wrong API key with IAM's error shape", async () => {
    const res = await emu().requestToken('wrong-key');
    expectIamError(res, 'BXNIM0415E', 'Provided API key could not be found.');
  });

  it('refuses a missing or empty API key', async () => {
    expectIamError(await iamPost(emu(), { grant_type: APIKEY_GRANT }), 'BXNIM0109E', 'apikey');
    expectIamError(await iamPost(emu(), { grant_type: APIKEY_GRANT, apikey: '' }), 'BXNIM0109E', 'apikey');
  });

  it('refuses an unsupported or missing grant_type', async () => {
    const password = await iamPost(emu(), { grant_type: 'password', apikey: emu().endpoints.apiKey });
    expectIamError(password, 'BXNIM0103E', 'Grant type is not supported.');
    expect(password.body.errorMessage).to.include('password');
    expectIamError(await iamPost(emu(), { apikey: emu().endpoints.apiKey }), 'BXNIM0109E', 'grant_type');
  });

  it('refuses a body that is not form-encoded, even with the right key', async () => {
    const json = JSON.stringify({ grant_type: APIKEY_GRANT, apikey: emu().endpoints.apiKey });
    expectIamError(await iamPost(emu(), json, 'application/json'), 'BXNIM0107E', 'application/x-www-form-urlencoded');
    const form = new URLSearchParams({ grant_type: APIKEY_GRANT, apikey: emu().endpoints.apiKey }).toString();
    expectIamError(await iamPost(emu(), form, 'text/plain'), 'BXNIM0107E', 'application/x-www-form-urlencoded');
    // The same form with the right media type (and a charset parameter) is granted.
    expect((await iamPost(emu(), form, 'application/x-www-form-urlencoded; charset=utf-8')).status).to.equal(200);
  });

  it('grants a new token for a refresh token, and refuses a bogus or missing one', async () => {
    const first = await emu().requestToken();
    expect(first.status).to.equal(200);
    const refreshed = await iamPost(emu(), { grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    expect(refreshed.status).to.equal(200);
    expect(refreshed.body.token_type).to.equal('Bearer');
    expect(refreshed.body.access_token).to.not.equal(first.body.access_token);
    const a = decodePart(first.body.access_token.split('.')[1]);
    const b = decodePart(refreshed.body.access_token.split('.')[1]);
    expect(b.sub).to.equal(a.sub);
    expect(b.account.bss).to.equal(a.account.bss);
    expect(b.exp - b.iat).to.equal(refreshed.body.expires_in);
    const vpcs = await emu().vpc('GET', '/v1/vpcs', { authorization: `Bearer ${refreshed.body.access_token}` });
    expect(vpcs.status).to.equal(200);

    const bogus = await iamPost(emu(), { grant_type: 'refresh_token', refresh_token: `${first.body.refresh_token}x` });
    expectIamError(bogus, 'BXNIM0407E', 'Refresh token is not valid.');
    // An access token is not a refresh token.
    expectIamError(await iamPost(emu(), { grant_type: 'refresh_token', refresh_token: first.body.access_token }), 'BXNIM0407E', 'Refresh token is not valid.');
    expectIamError(await iamPost(emu(), { grant_type: 'refresh_token' }), 'BXNIM0109E', 'refresh_token');
  });
});

describe('emulator: access tokens on the VPC API', () => {
  const emu = useEmulator();

  it('answers 401 not_authorized to a request without Authorization', async () => {
    const res = await emu().vpc('GET', '/v1/flow_log_collectors', { authorization: null });
    const [e] = expectVpcError(res, 401, 'not_authorized', AUTH_TARGET);
    expect(e.message).to.include('no Authorization header');
  });

  it('answers 401 to an Authorization header that is not "Bearer <JWT>"', async () => {
    const token = await emu().accessToken();
    for (const authorization of [token, `Basic ${token}`, 'Bearer', 'Bearer not-a-jwt', 'Bearer a.b', `Bearer ${token}.extra`, `Bearer ${token.replace('.', '.!')}`]) {
      const res = await emu().vpc('GET', '/v1/vpcs', { authorization });
      const [e] = expectVpcError(res, 401, 'not_authorized', AUTH_TARGET);
      expect(e.message, authorization.slice(0, 20)).to.include('is not "Bearer <JWT>"');
    }
    // Three parts but a payload that is not JSON.
    const [h, , s] = token.split('.');
    const res = await emu().vpc('GET', '/v1/vpcs', { authorization: `Bearer ${h}.${Buffer.from('not json').toString('base64url')}.${s}` });
    expect(expectVpcError(res, 401, 'not_authorized', AUTH_TARGET)[0].message).to.include('is not "Bearer <JWT>"');
  });

  it('answers 401 to a token issued by another emulator in the same process (same key, same account)', async () => {
    const other = new EmulatorClient(await startEmulator({ log: () => undefined }));
    try {
      const foreign = await other.accessToken();
      expect((await other.vpc('GET', '/v1/vpcs')).status).to.equal(200);
      const res = await emu().vpc('GET', '/v1/vpcs', { authorization: `Bearer ${foreign}` });
      expect(expectVpcError(res, 401, 'not_authorized', AUTH_TARGET)[0].message).to.include('not issued by this IAM');
    } finally {
      await other.emulator.close();
    }
  });

  it('answers 401 to a token whose signature or payload was tampered with', async () => {
    const token = await emu().accessToken();
    expect((await emu().vpc('GET', '/v1/vpcs')).status).to.equal(200);
    const [h, p, s] = token.split('.');
    const payload = decodePart(p);
    const tampered = [
      `${h}.${p}.${flipChar(s, 40)}`,
      `${h}.${p}.${flipChar(s, 0)}`,
      `${h}.${encodePart({ ...payload, exp: payload.exp + 365 * 86400 })}.${s}`,
      `${h}.${encodePart({ ...payload, account: { valid: true, bss: 'someone-else' } })}.${s}`,
    ];
    // A token of the right shape, signed by a key that is not IAM's.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    tampered.push(`${h}.${p}.${sign('sha256', Buffer.from(`${h}.${p}`), privateKey).toString('base64url')}`);
    for (const t of tampered) {
      const res = await emu().vpc('GET', '/v1/vpcs', { authorization: `Bearer ${t}` });
      const [e] = expectVpcError(res, 401, 'not_authorized', AUTH_TARGET);
      expect(e.message).to.include('signature does not verify');
    }
    // The untouched token still works.
    expect((await emu().vpc('GET', '/v1/vpcs', { authorization: `Bearer ${token}` })).status).to.equal(200);
  });

  it('answers 401 to an expired token on the emulator clock; a fresh token then works', async () => {
    expect((await emu().control('POST', '/config', { tokenLifetimeSeconds: 60 })).status).to.equal(200);
    const res = await emu().requestToken();
    expect(res.body.expires_in).to.equal(60);
    const authorization = `Bearer ${res.body.access_token}`;
    expect((await emu().vpc('GET', '/v1/vpcs', { authorization })).status).to.equal(200);

    // iat is rounded down to the second, so 58 s on the token still has at least a second left.
    await emu().control('POST', '/clock/advance', { seconds: 58 });
    expect((await emu().vpc('GET', '/v1/vpcs', { authorization })).status).to.equal(200);

    await emu().control('POST', '/clock/advance', { seconds: 3 });
    const expired = await emu().vpc('GET', '/v1/flow_log_collectors', { authorization });
    const [e] = expectVpcError(expired, 401, 'not_authorized', AUTH_TARGET);
    expect(e.message).to.equal('The access token has expired. Request a new one from IAM.');

    const fresh = await emu().requestToken();
    expect(fresh.status).to.equal(200);
    expect((await emu().vpc('GET', '/v1/flow_log_collectors', { authorization: `Bearer ${fresh.body.access_token}` })).status).to.equal(200);
  });
});

describe('emulator: version and generation query rules', () => {
  const emu = useEmulator();

  it('requires version: 400 missing_field naming the window', async () => {
    const { today } = await emulatorDates(emu());
    const res = await emu().vpc('GET', '/v1/flow_log_collectors', { query: { version: null } });
    const [e] = expectVpcError(res, 400, 'missing_field', { name: 'version', type: 'parameter' });
    expect(e.message).to.include(MIN_VERSION).and.include(today);
  });

  it('answers 400 invalid_value to a version that is not a real YYYY-MM-DD date', async () => {
    for (const version of ['2025-13-01', 'yesterday', '2025-02-30', '2025-2-01', '2025-01-01T00:00:00Z', '']) {
      const res = await emu().vpc('GET', '/v1/vpcs', { query: { version } });
      const [e] = expectVpcError(res, 400, 'invalid_value', { name: 'version', type: 'parameter', value: version });
      expect(e.message, version).to.include('is not a date in the form YYYY-MM-DD');
    }
  });

  it('accepts versions from 2022-09-13 to today on the emulator clock, and nothing outside', async () => {
    const { today, tomorrow } = await emulatorDates(emu());
    for (const version of [MIN_VERSION, API_VERSION, today]) {
      expect((await emu().vpc('GET', '/v1/vpcs', { query: { version } })).status, version).to.equal(200);
    }
    for (const version of ['2022-09-12', '2019-01-01', tomorrow]) {
      const res = await emu().vpc('GET', '/v1/vpcs', { query: { version } });
      const [e] = expectVpcError(res, 400, 'invalid_value', { name: 'version', type: 'parameter', value: version });
      expect(e.message).to.include(`outside the supported range ${MIN_VERSION} to ${today}`);
    }
    // A day later on the emulator clock, tomorrow is today (the old token has expired meanwhile).
    await emu().control('POST', '/clock/advance', { seconds: 86400 });
    emu().forgetToken();
    expect((await emu().vpc('GET', '/v1/vpcs', { query: { version: tomorrow } })).status).to.equal(200);
  });

  it('accepts generation=2 or no generation, and refuses any other', async () => {
    expect((await emu().vpc('GET', '/v1/vpcs', { query: { generation: null } })).status).to.equal(200);
    expect((await emu().vpc('GET', '/v1/vpcs', { query: { generation: '2' } })).status).to.equal(200);
    for (const generation of ['1', '3', 'two', '']) {
      const res = await emu().vpc('GET', '/v1/vpcs', { query: { generation } });
      const [e] = expectVpcError(res, 400, 'invalid_value', { name: 'generation', type: 'parameter', value: generation });
      expect(e.message).to.include('only generation=2');
    }
  });

  it('checks the token before version and generation', async () => {
    const none = await emu().vpc('GET', '/v1/flow_log_collectors', { authorization: null, query: { version: null, generation: '1' } });
    expectVpcError(none, 401, 'not_authorized', AUTH_TARGET);
    const bad = await emu().vpc('GET', '/v1/flow_log_collectors', { authorization: 'Bearer x.y.z', query: { version: 'yesterday' } });
    expectVpcError(bad, 401, 'not_authorized', AUTH_TARGET);
    // With a token, the version problem is what is reported.
    expectVpcError(await emu().vpc('GET', '/v1/flow_log_collectors', { query: { version: null, generation: '1' } }), 400, 'missing_field', { name: 'version', type: 'parameter' });
  });
});

describe('emulator: request bodies, paths and methods', () => {
  const emu = useEmulator();
  const collectorsCount = async () => (await emu().vpc('GET', '/v1/flow_log_collectors')).body.total_count as number;

  async function validCreateBody(): Promise<Record<string, unknown>> {
    return { target: { id: await emu().idOf('subnets', 'subnet-1') }, storage_bucket: { name: 'bucket-c' }, name: 'subnet-1-logs' };
  }

  it('answers 400 invalid_request to malformed JSON on POST and PATCH', async () => {
    const res = await emu().vpc('POST', '/v1/flow_log_collectors', { rawBody: '{"name": "x", ' });
    const [e] = expectVpcError(res, 400, 'invalid_request');
    expect(e.message).to.include('not valid JSON');

    const created = await emu().createCollector(await validCreateBody());
    const patch = await emu().vpc('PATCH', `/v1/flow_log_collectors/${created.id}`, { rawBody: "{'active': false}" });
    expect(expectVpcError(patch, 400, 'invalid_request')[0].message).to.include('not valid JSON');
    expect((await emu().vpc('GET', `/v1/flow_log_collectors/${created.id}`)).body.active).to.equal(true);
    expect(await collectorsCount()).to.equal(1);
  });

  it('answers 400 invalid_request to an empty POST body', async () => {
    for (const rawBody of ['', '  \n']) {
      const res = await emu().vpc('POST', '/v1/flow_log_collectors', { rawBody });
      expect(expectVpcError(res, 400, 'invalid_request')[0].message).to.include('body is empty');
    }
    expect(await collectorsCount()).to.equal(0);
  });

  it('answers 415 unsupported_media_type to a POST that is not application/json', async () => {
    const body = JSON.stringify(await validCreateBody());
    const res = await emu().vpc('POST', '/v1/flow_log_collectors', { rawBody: body, contentType: 'text/plain' });
    const [e] = expectVpcError(res, 415, 'unsupported_media_type', { name: 'Content-Type', type: 'header', value: 'text/plain' });
    expect(e.message).to.include('application/json');
    expect(await collectorsCount()).to.equal(0);
    // The same body as application/json (with a charset parameter) is created.
    expect((await emu().vpc('POST', '/v1/flow_log_collectors', { rawBody: body, contentType: 'application/json; charset=utf-8' })).status).to.equal(201);
  });

  it('answers 415 to a PATCH sent as application/json instead of application/merge-patch+json', async () => {
    const created = await emu().createCollector(await validCreateBody());
    const res = await emu().vpc('PATCH', `/v1/flow_log_collectors/${created.id}`, { body: { active: false }, contentType: 'application/json' });
    const [e] = expectVpcError(res, 415, 'unsupported_media_type', { name: 'Content-Type', type: 'header', value: 'application/json' });
    expect(e.message).to.include('application/merge-patch+json');
    expect((await emu().vpc('GET', `/v1/flow_log_collectors/${created.id}`)).body.active).to.equal(true);
    const ok = await emu().vpc('PATCH', `/v1/flow_log_collectors/${created.id}`, { body: { active: false } });
    expect(ok.status).to.equal(200);
    expect(ok.body.active).to.equal(false);
  });

  it('reports every unknown and wrongly typed field of a create in one response', async () => {
    const res = await emu().vpc('POST', '/v1/flow_log_collectors', {
      body: { target: 'subnet-1', storage_bucket: { name: 42, region: 'us-south' }, name: 'Not_Valid', active: 'yes', colour: 'red' },
    });
    expect(res.status).to.equal(400);
    expectEnvelope(res);
    const errors = res.body.errors;
    const summary = errors.map((e: any) => ({ code: e.code, target: e.target.name, type: e.target.type }));
    expect(summary).to.have.deep.members([
      { code: 'invalid_field', target: 'colour', type: 'field' },
      { code: 'invalid_value', target: 'name', type: 'field' },
      { code: 'invalid_value', target: 'active', type: 'field' },
      { code: 'invalid_field', target: 'storage_bucket.region', type: 'field' },
      { code: 'invalid_value', target: 'storage_bucket.name', type: 'field' },
      { code: 'invalid_value', target: 'target', type: 'field' },
    ]);
    expect(errors).to.have.length(6);
    const by = (name: string) => errors.find((e: any) => e.target.name === name);
    expect(by('colour').message).to.include('Unknown field "colour"');
    expect(by('storage_bucket.region').message).to.include('Unknown field "storage_bucket.region"');
    expect(by('storage_bucket.name').message).to.include('must be a non-empty string; received number');
    expect(by('active').message).to.include('must be a boolean; received string');
    expect(by('name').message).to.include('"Not_Valid" is not valid');
    expect(by('target').message).to.include('must be a JSON object; received string');
    expect(await collectorsCount()).to.equal(0);

    // Missing required fields are all reported as well.
    const empty = await emu().vpc('POST', '/v1/flow_log_collectors', { body: {} });
    expect(empty.status).to.equal(400);
    expectEnvelope(empty);
    expect(empty.body.errors.map((e: any) => [e.code, e.target.name])).to.have.deep.members([
      ['missing_field', 'storage_bucket'],
      ['missing_field', 'target'],
    ]);
  });

  it('reports every immutable, unknown and wrongly typed field of a PATCH in one response, changing nothing', async () => {
    const created = await emu().createCollector(await validCreateBody());
    const res = await emu().vpc('PATCH', `/v1/flow_log_collectors/${created.id}`, {
      body: { name: 'renamed', target: { id: 'x' }, storage_bucket: { name: 'bucket-e' }, shiny: true, active: 'no' },
    });
    expect(res.status).to.equal(400);
    expectEnvelope(res);
    const summary = res.body.errors.map((e: any) => [e.code, e.target.name]);
    expect(summary).to.have.deep.members([
      ['invalid_field', 'target'],
      ['invalid_field', 'storage_bucket'],
      ['invalid_field', 'shiny'],
      ['invalid_value', 'active'],
    ]);
    expect(res.body.errors).to.have.length(4);
    const by = (name: string) => res.body.errors.find((e: any) => e.target.name === name);
    expect(by('target').message).to.include('cannot be changed');
    expect(by('storage_bucket').message).to.include('cannot be changed');
    expect(by('shiny').message).to.include('Unknown field "shiny"');
    const read = await emu().vpc('GET', `/v1/flow_log_collectors/${created.id}`);
    expect(read.body).to.include({ name: 'subnet-1-logs', active: true });
  });

  it('answers 413 request_too_large to a body over 1 MiB, and reads one of exactly 1 MiB', async () => {
    const limit = 1024 * 1024;
    const shell = '{"name":""}';
    const exact = `{"name":"${'a'.repeat(limit - shell.length)}"}`;
    expect(Buffer.byteLength(exact)).to.equal(limit);
    const atLimit = await emu().vpc('POST', '/v1/flow_log_collectors', { rawBody: exact });
    expect(atLimit.status).to.equal(400);
    expectEnvelope(atLimit);
    expect(atLimit.body.errors.map((e: any) => e.target.name)).to.include('name');

    const over = await emu().vpc('POST', '/v1/flow_log_collectors', { rawBody: `${exact} ` });
    const [e] = expectVpcError(over, 413, 'request_too_large');
    expect(e.message).to.include(`${limit} bytes`);
    expect(await collectorsCount()).to.equal(0);
  });

  it('answers 404 not_found to an unknown path', async () => {
    for (const path of ['/v1/nothing_here', '/v2/vpcs', '/v1/flow_log_collectors/a/b', '/']) {
      const res = await emu().vpc('GET', path);
      const [e] = expectVpcError(res, 404, 'not_found');
      expect(e.message).to.include(`No API at GET ${path}`);
    }
  });

  it('answers 400 invalid_request, not 500, to a path parameter with malformed percent-encoding', async () => {
    const res = await emu().vpc('GET', '/v1/flow_log_collectors/%E0%A4%A');
    const [e] = expectVpcError(res, 400, 'invalid_request', { name: 'id', type: 'parameter', value: '%E0%A4%A' });
    expect(e.message).to.include('not valid percent-encoding');
    // A well-formed escape decodes and reaches the handler: an unknown collector id, echoed decoded.
    const decoded = await emu().vpc('GET', '/v1/flow_log_collectors/a%20b');
    expectVpcError(decoded, 404, 'flow_log_collector_not_found', { name: 'id', type: 'parameter', value: 'a b' });
  });

  it('answers 405 method_not_allowed with an Allow header to a wrong method on a known path', async () => {
    const put = await emu().vpc('PUT', '/v1/flow_log_collectors', { body: await validCreateBody() });
    const [e] = expectVpcError(put, 405, 'method_not_allowed');
    expect(put.headers.get('allow')).to.equal('GET, POST');
    expect(e.message).to.include('PUT is not allowed on /v1/flow_log_collectors');
    expect(await collectorsCount()).to.equal(0);

    const onItem = await emu().vpc('POST', '/v1/flow_log_collectors/some-id', { body: {} });
    expectVpcError(onItem, 405, 'method_not_allowed');
    expect(onItem.headers.get('allow')).to.equal('GET, PATCH, DELETE');

    const readOnly = await emu().vpc('DELETE', '/v1/vpcs');
    expectVpcError(readOnly, 405, 'method_not_allowed');
    expect(readOnly.headers.get('allow')).to.equal('GET');
  });
});

describe("emulator: every failure answers IBM's error body", () => {
  const emu = useEmulator();

  it('answers JSON with errors, a UUID trace and status_code for each kind of failure, never a bare 500', async () => {
    const subnetId = await emu().idOf('subnets', 'subnet-1');
    await emu().createCollector({ target: { id: subnetId }, storage_bucket: { name: 'bucket-c' }, name: 'first' });
    await emu().control('DELETE', '/authorizations/bucket-e');
    const subnet2 = await emu().idOf('subnets', 'subnet-2');

    const vpc = emu().endpoints.vpcEndpoint;
    const cases: Array<[string, () => Promise<HttpResult>, number, string]> = [
      ['no token', () => emu().vpc('GET', '/v1/subnets', { authorization: null }), 401, 'not_authorized'],
      ['missing version', () => emu().vpc('GET', '/v1/subnets', { query: { version: null } }), 400, 'missing_field'],
      ['bad generation', () => emu().vpc('GET', '/v1/instances', { query: { generation: '1' } }), 400, 'invalid_value'],
      ['malformed JSON', () => emu().vpc('POST', '/v1/flow_log_collectors', { rawBody: '[' }), 400, 'invalid_request'],
      ['not an object', () => emu().vpc('POST', '/v1/flow_log_collectors', { rawBody: 'null' }), 400, 'invalid_value'],
      ['text/plain', () => emu().vpc('POST', '/v1/flow_log_collectors', { rawBody: '{}', contentType: 'text/plain' }), 415, 'unsupported_media_type'],
      ['too large', () => emu().vpc('POST', '/v1/flow_log_collectors', { rawBody: 'x'.repeat(1024 * 1024 + 1) }), 413, 'request_too_large'],
      ['unknown path', () => emu().vpc('GET', '/v1/load_balancers'), 404, 'not_found'],
      ['wrong method', () => emu().vpc('PUT', '/v1/flow_log_collectors'), 405, 'method_not_allowed'],
      ['unknown collector', () => emu().vpc('GET', '/v1/flow_log_collectors/r006-00000000-0000-4000-a000-000000000000'), 404, 'flow_log_collector_not_found'],
      ['unknown vpc', () => emu().vpc('GET', '/v1/vpcs/nope'), 404, 'vpc_not_found'],
      ['bad filter', () => emu().vpc('GET', '/v1/flow_log_collectors', { query: { 'target.resource_type': 'router' } }), 400, 'invalid_value'],
      ['duplicate target', () => emu().vpc('POST', '/v1/flow_log_collectors', { body: { target: { id: subnetId }, storage_bucket: { name: 'bucket-c' } } }), 409, 'flow_log_collector_target_conflict'],
      ['unauthorized bucket', () => emu().vpc('POST', '/v1/flow_log_collectors', { body: { target: { id: subnet2 }, storage_bucket: { name: 'bucket-e' } } }), 403, 'flow_log_collector_storage_bucket_not_authorized'],
      ['bad percent-encoding', () => emu().raw('GET', `${vpc}/v1/flow_log_collectors/%E0%A4%A?version=${API_VERSION}&generation=2`), 400, 'invalid_request'],
    ];
    const traces = new Set<string>();
    for (const [label, call, status, code] of cases) {
      const res = await call();
      expect(res.status, `${label}: ${JSON.stringify(res.body)}`).to.equal(status);
      expect(res.headers.get('content-type'), label).to.match(/^application\/json/);
      expectEnvelope(res);
      expect(res.body.errors[0].code, label).to.equal(code);
      traces.add(res.body.trace);
    }
    expect(traces.size).to.equal(cases.length);
  });
});
