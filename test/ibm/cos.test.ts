import { expect } from 'chai';
import { createServer, type AddressInfo } from 'node:net';
import { createCosClient, getBucketLocation, headBucket, type CosConfig } from '../../provider/src/ibm/cos';
import { IbmAbortError, IbmCosError, IbmTransportError } from '../../provider/src/ibm';
import { cosClient, expectNoSecrets, rejectionOf, requestCounts, useEmulator, type EmulatorClient } from '../support/emulator';

/** The COS client factory (API key alone, or HMAC) and the bucket helpers, against the emulator's COS over real HTTP. */

const withApiKey = (c: EmulatorClient, over: Partial<CosConfig> = {}): CosConfig => ({
  endpoint: c.endpoints.cosEndpoint,
  apiKey: c.endpoints.apiKey,
  iamEndpoint: c.endpoints.iamEndpoint,
  serviceInstanceId: c.endpoints.cosInstanceCrn,
  maxRetries: 0,
  ...over,
});

describe('createCosClient and the bucket helpers', () => {
  const emu = useEmulator();

  it('with the API key alone (IAM tokens, no HMAC) lists and reads buckets and checks their existence and location', async () => {
    const c = emu();
    await c.createCollector({ target: { id: await c.idOf('instances', 'instance-5') }, storage_bucket: { name: 'bucket-instance-5' } });
    const [object] = (await c.control('POST', '/flowlogs/write')).body.objects;
    expect((await c.control('POST', '/buckets', { name: 'geo-logs', location: 'us-smart' })).status).to.equal(201);

    const cos = createCosClient(withApiKey(c));
    expect((cos.config.credentials as { accessKeyId?: string }).accessKeyId).to.equal(undefined);
    await c.control('DELETE', '/requests');
    expect((await cos.listBuckets().promise()).Buckets!.map((b) => b.Name)).to.deep.equal(['bucket-c', 'bucket-e', 'bucket-instance-5', 'geo-logs']);
    const read = await cos.getObject({ Bucket: 'bucket-instance-5', Key: object.key }).promise();
    expect(read.ContentType).to.equal('application/gzip');
    expect(await headBucket(cos, 'bucket-instance-5')).to.equal(true);
    expect(await headBucket(cos, 'no-such-bucket')).to.equal(false);
    expect(await getBucketLocation(cos, 'bucket-c')).to.deep.equal({ code: 'us-south-standard', kind: 'regional', location: 'us-south', storageClass: 'standard' });
    expect(await getBucketLocation(cos, 'geo-logs')).to.deep.equal({ code: 'us-smart', kind: 'cross-region', location: 'us', storageClass: 'smart' });
    expect((await requestCounts(c))['POST /identity/token']).to.equal(1);

    const missing = await rejectionOf<IbmCosError>(getBucketLocation(cos, 'no-such-bucket'));
    expect(IbmCosError.isInstance(missing)).to.equal(true);
    expect(missing.cosCode).to.equal('NoSuchBucket');
    expect(missing.message).to.match(/^Could not get the location of bucket no-such-bucket: Cloud Object Storage answered 404 Not Found \(NoSuchBucket\): The specified bucket does not exist/);
  });

  it('with HMAC keys as before, and HMAC wins over the API key when both are given', async () => {
    const c = emu();
    const hmac = createCosClient({ endpoint: c.endpoints.cosEndpoint, accessKeyId: c.endpoints.cosAccessKeyId, secretAccessKey: c.endpoints.cosSecretAccessKey, maxRetries: 0 });
    expect(await headBucket(hmac, 'bucket-e')).to.equal(true);
    const both = createCosClient(withApiKey(c, { accessKeyId: c.endpoints.cosAccessKeyId, secretAccessKey: c.endpoints.cosSecretAccessKey }));
    await c.control('DELETE', '/requests');
    expect(await headBucket(both, 'bucket-e')).to.equal(true);
    expect((await requestCounts(c))['POST /identity/token']).to.equal(undefined);
  });

  it('refuses half an HMAC pair and no credential at all, saying what to give', () => {
    const c = emu();
    expect(() => createCosClient({ endpoint: c.endpoints.cosEndpoint, accessKeyId: 'only-the-id' })).to.throw(TypeError, 'COS HMAC keys come in pairs: an access key id was given without its secret access key');
    expect(() => createCosClient({ endpoint: c.endpoints.cosEndpoint })).to.throw(TypeError, 'No COS credentials: give an IBM Cloud API key (COS then uses IAM tokens), or the HMAC keys cosAccessKeyId and cosSecretAccessKey');
  });

  it("COS's refusals in COS's words, a COS that is down as a transport error, a Cancel as an abort; no secret in any", async () => {
    const c = emu();
    const wrongSecret = createCosClient({ endpoint: c.endpoints.cosEndpoint, accessKeyId: c.endpoints.cosAccessKeyId, secretAccessKey: 'not-the-secret-at-all', maxRetries: 0 });
    const refused = await rejectionOf<IbmCosError>(getBucketLocation(wrongSecret, 'bucket-c'));
    expect(refused.cosCode).to.equal('SignatureDoesNotMatch');
    expect(refused.status).to.equal(403);
    const headRefused = await rejectionOf<IbmCosError>(headBucket(wrongSecret, 'bucket-c'));
    expect(headRefused.cosCode).to.equal('AccessDenied');
    expect(headRefused.message).to.equal(`Could not check that bucket bucket-c exists: Cloud Object Storage answered 403 Forbidden (AccessDenied) (HEAD ${c.endpoints.cosEndpoint}/bucket-c)`);

    const down = createCosClient({ endpoint: 'http://127.0.0.1:9', apiKey: c.endpoints.apiKey, iamEndpoint: c.endpoints.iamEndpoint, maxRetries: 0 });
    const hmacDown = createCosClient({ endpoint: 'http://127.0.0.1:9', accessKeyId: 'k', secretAccessKey: 's', maxRetries: 0 });
    const unreachable = await rejectionOf<IbmTransportError>(headBucket(hmacDown, 'bucket-c'));
    expect(IbmTransportError.isInstance(unreachable), String(unreachable)).to.equal(true);
    expect(unreachable.transportCode).to.equal('ECONNREFUSED');
    expect(unreachable.message).to.not.contain('may not be available');
    expect(IbmTransportError.isInstance(await rejectionOf(getBucketLocation(down, 'bucket-c')))).to.equal(true);

    // A COS that takes the connection and never answers: the Cancel cuts the wait short.
    const silent = createServer(() => undefined);
    let aborted: unknown;
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const mute = createCosClient({ endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, accessKeyId: 'k', secretAccessKey: 's', maxRetries: 0 });
      const controller = new AbortController();
      const started = Date.now();
      const pending = getBucketLocation(mute, 'bucket-c', { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      aborted = await rejectionOf(pending);
      expect(IbmAbortError.isInstance(aborted), String(aborted)).to.equal(true);
      expect(Date.now() - started).to.be.lessThan(2000);
    } finally {
      silent.close();
    }
    for (const e of [refused, headRefused, unreachable, aborted]) expectNoSecrets(e, [c.endpoints.apiKey, c.endpoints.cosSecretAccessKey]);
    // The emulator's own SDK client still works: nothing above changed COS.
    expect((await cosClient(c.endpoints).listBuckets().promise()).Buckets).to.have.length(3);
  });
});
