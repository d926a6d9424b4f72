import { expect } from 'chai';
import { IamAuthenticator } from 'ibm-cloud-sdk-core';
import { useEmulator, type EmulatorClient } from '../support/emulator';

/**
 * IBM's SDK core (ibm-cloud-sdk-core's IamAuthenticator, which decides by the token's `exp` and the machine's clock
 * when to fetch a new token, and never retries a 401) keeps working while tests move the emulator's clock by an hour
 * and more: token lifetimes run on wall time (emulator/README.md, "Auth"). And the `version` date IBM's VPC SDKs send
 * by default (2026-03-24) is accepted whatever `clockStart` is.
 */

/** The default `version` of IBM's 2026 VPC SDKs (the reference's JAVA SDK: default version=2026-03-24). */
const SDK_DEFAULT_VERSION = '2026-03-24';

async function sdkCall(emu: EmulatorClient, authenticator: IamAuthenticator, path: string, version = SDK_DEFAULT_VERSION) {
  const options: { headers: Record<string, string> } = { headers: {} };
  await authenticator.authenticate(options);
  const res = await emu.vpc('GET', path, { authorization: options.headers.Authorization, query: { version } });
  return { status: res.status, authorization: options.headers.Authorization, body: res.body };
}

async function tokenRequests(emu: EmulatorClient): Promise<number> {
  return (await emu.control('GET', '/requests')).body.byRoute['POST /identity/token'] ?? 0;
}

for (const [title, clockStart] of [
  ['clock at wall time', undefined],
  ['clockStart in the past (2026-01-05)', '2026-01-05T09:00:00Z'],
] as const) {
  describe(`IBM's SDK core across emulator clock advances (${title})`, () => {
    const emu = useEmulator(clockStart ? { clockStart } : {});

    it('the token IamAuthenticator holds keeps working after advances of 1 h 1 min, 1 day and 30 days, with its default version date', async () => {
      const authenticator = new IamAuthenticator({ apikey: emu().endpoints.apiKey, url: emu().endpoints.iamEndpoint });
      const first = await sdkCall(emu(), authenticator, '/v1/vpcs');
      expect(first.status, JSON.stringify(first.body)).to.equal(200);
      for (const seconds of [3700, 86400, 30 * 86400]) {
        expect((await emu().control('POST', '/clock/advance', { seconds })).status).to.equal(200);
        const after = await sdkCall(emu(), authenticator, '/v1/flow_log_collectors');
        expect(after.status, `after +${seconds} s: ${JSON.stringify(after.body).slice(0, 200)}`).to.equal(200);
        // The SDK kept its token (it judged it fresh by wall time) and the emulator took it.
        expect(after.authorization).to.equal(first.authorization);
      }
      expect(await tokenRequests(emu())).to.equal(1);
    });

    it('a collector created through SDK-authenticated calls goes pending → stable on the clock while the token stays good', async () => {
      const authenticator = new IamAuthenticator({ apikey: emu().endpoints.apiKey, url: emu().endpoints.iamEndpoint });
      const options: { headers: Record<string, string> } = { headers: {} };
      await authenticator.authenticate(options);
      await emu().control('POST', '/config', { pendingSeconds: 3600 });
      const vpc = (await emu().topology()).vpcs[0].id;
      const created = await emu().vpc('POST', '/v1/flow_log_collectors', {
        authorization: options.headers.Authorization,
        query: { version: SDK_DEFAULT_VERSION },
        body: { target: { id: vpc }, storage_bucket: { name: 'bucket-c' } },
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body.lifecycle_state).to.equal('pending');
      await emu().control('POST', '/clock/advance', { seconds: 3700 });
      const read = await sdkCall(emu(), authenticator, `/v1/flow_log_collectors/${created.body.id}`);
      expect([read.status, read.body.lifecycle_state]).to.deep.equal([200, 'stable']);
    });

    it('the version window takes the SDK default and today on the wall clock, refuses wall-clock tomorrow', async () => {
      const authenticator = new IamAuthenticator({ apikey: emu().endpoints.apiKey, url: emu().endpoints.iamEndpoint });
      const wallToday = new Date().toISOString().slice(0, 10);
      const wallTomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      for (const version of ['2019-09-30', '2022-09-13', SDK_DEFAULT_VERSION, wallToday]) {
        expect((await sdkCall(emu(), authenticator, '/v1/vpcs', version)).status, version).to.equal(200);
      }
      const refused = await sdkCall(emu(), authenticator, '/v1/vpcs', wallTomorrow);
      expect(refused.status).to.equal(400);
      expect(refused.body.errors[0]).to.deep.include({ code: 'invalid_value', target: { name: 'version', type: 'parameter', value: wallTomorrow } });
      expect(refused.body.errors[0].message).to.equal(`version ${wallTomorrow} is outside the supported range 2019-01-01 to ${wallToday}.`);
    });
  });
}
