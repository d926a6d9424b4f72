import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as COS from 'ibm-cos-sdk';
import { DEFAULT_TOPOLOGY, startEmulator } from '../../emulator/src';
import { cosClient, firstError, rejectionOf, requestCounts, useEmulator, type EmulatorClient } from '../support/emulator';

/**
 * The emulator's COS with the API key alone: ibm-cos-sdk configured with `apiKeyId`, `serviceInstanceId` and
 * `ibmAuthEndpoint` (no HMAC keys) gets IAM tokens from the emulator's IAM and sends them as bearer tokens; and bucket
 * locations (LocationConstraint, GetBucketLocation) with the rule that flow logs need a regional bucket in their region.
 */

type S3Error = Error & { code?: string; statusCode?: number };

function iamCos(c: EmulatorClient, serviceInstanceId = c.endpoints.cosInstanceId): COS.S3 {
  return new COS.S3({
    endpoint: c.endpoints.cosEndpoint,
    apiKeyId: c.endpoints.apiKey,
    serviceInstanceId,
    ibmAuthEndpoint: `${c.endpoints.iamEndpoint}/identity/token`,
    s3ForcePathStyle: true,
    region: 'us-south',
    maxRetries: 0,
  });
}

describe('emulator COS with IAM tokens (ibm-cos-sdk apiKeyId, no HMAC)', () => {
  const emu = useEmulator();

  it("lists and reads the emulator's buckets, and the flow-log objects the service wrote, with the API key alone", async () => {
    const c = emu();
    await c.createCollector({ target: { id: await c.idOf('vpcs', 'vpc-1') }, storage_bucket: { name: 'bucket-c' } });
    const written = (await c.control('POST', '/flowlogs/write')).body.objects;
    expect(written.length).to.be.greaterThan(0);

    const cos = iamCos(c);
    expect((cos.config.credentials as { accessKeyId?: string }).accessKeyId).to.equal(undefined);
    await c.control('DELETE', '/requests');
    const buckets = await cos.listBuckets().promise();
    expect(buckets.Buckets!.map((b) => b.Name)).to.deep.equal(['bucket-c', 'bucket-e', 'bucket-instance-5']);
    expect((await requestCounts(c))['POST /identity/token']).to.equal(1);

    const listed = await cos.listObjectsV2({ Bucket: 'bucket-c' }).promise();
    expect(listed.Contents!.map((o) => o.Key).sort()).to.deep.equal(written.map((o: any) => o.key).sort());
    const key = written[0].key as string;
    const head = await cos.headObject({ Bucket: 'bucket-c', Key: key }).promise();
    expect(head.ContentType).to.equal('application/gzip');
    const viaHmac = await cosClient(c.endpoints).getObject({ Bucket: 'bucket-c', Key: key }).promise();
    const viaIam = await cos.getObject({ Bucket: 'bucket-c', Key: key }).promise();
    expect(Buffer.compare(viaIam.Body as Buffer, viaHmac.Body as Buffer)).to.equal(0);
    expect((await cos.getBucketLocation({ Bucket: 'bucket-c' }).promise()).LocationConstraint).to.equal('us-south-standard');
    await cos.headBucket({ Bucket: 'bucket-e' }).promise();
    // One token served every call.
    expect((await requestCounts(c))['POST /identity/token']).to.equal(1);
  });

  it('creates buckets in the LocationConstraint given (default: the region, standard class) and GetBucketLocation answers it', async () => {
    const c = emu();
    const cos = iamCos(c);
    await cos.createBucket({ Bucket: 'smart-logs', CreateBucketConfiguration: { LocationConstraint: 'us-south-smart' } }).promise();
    await cos.createBucket({ Bucket: 'geo-logs', CreateBucketConfiguration: { LocationConstraint: 'us-standard' } }).promise();
    await cos.createBucket({ Bucket: 'plain-logs' }).promise();
    for (const [bucket, code] of [['smart-logs', 'us-south-smart'], ['geo-logs', 'us-standard'], ['plain-logs', 'us-south-standard']]) {
      expect((await cos.getBucketLocation({ Bucket: bucket }).promise()).LocationConstraint, bucket).to.equal(code);
      expect((await cosClient(c.endpoints).getBucketLocation({ Bucket: bucket }).promise()).LocationConstraint, bucket).to.equal(code);
    }
    expect((await c.control('GET', '/buckets')).body.buckets.find((b: any) => b.name === 'geo-logs')).to.deep.equal({ name: 'geo-logs', location: 'us-standard', authorized: false });

    const bad = await rejectionOf<S3Error>(cos.createBucket({ Bucket: 'nowhere-logs', CreateBucketConfiguration: { LocationConstraint: 'mars-north-smart' } }).promise());
    expect(bad.statusCode).to.equal(400);
    expect(bad.code).to.equal('InvalidLocationConstraint');
    expect(bad.message).to.contain('"mars-north-smart" is not a COS provisioning code');
    expect((await c.control('GET', '/buckets')).body.buckets.map((b: any) => b.name)).to.not.include('nowhere-logs');

    // Deleted and made again elsewhere: the new location holds.
    await cos.deleteBucket({ Bucket: 'geo-logs' }).promise();
    await cos.createBucket({ Bucket: 'geo-logs', CreateBucketConfiguration: { LocationConstraint: 'eu-de-vault' } }).promise();
    expect((await cos.getBucketLocation({ Bucket: 'geo-logs' }).promise()).LocationConstraint).to.equal('eu-de-vault');
  });

  it('refuses another COS instance, a token of another IAM and an expired token with AccessDenied', async () => {
    const c = emu();
    const other = await rejectionOf<S3Error>(iamCos(c, '11111111-2222-4333-8444-555555555555').listBuckets().promise());
    expect(other.statusCode).to.equal(403);
    expect(other.code).to.equal('AccessDenied');
    expect(other.message).to.contain('is not this COS instance');
    // The instance may be named by its CRN as well.
    expect((await iamCos(c, c.endpoints.cosInstanceCrn).listBuckets().promise()).Buckets).to.have.length(3);

    const foreign = await startEmulator({ log: () => undefined });
    try {
      const res = await fetch(`${foreign.endpoints.iamEndpoint}/identity/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: foreign.endpoints.apiKey }).toString(),
      });
      const token = ((await res.json()) as { access_token: string }).access_token;
      const refused = await fetch(`${c.endpoints.cosEndpoint}/bucket-c`, { headers: { authorization: `Bearer ${token}` } });
      expect(refused.status).to.equal(403);
      expect(await refused.text()).to.contain('<Code>AccessDenied</Code>').and.contain('was not issued by this IAM');
    } finally {
      await foreign.close();
    }

    const token = await c.accessToken();
    expect((await fetch(`${c.endpoints.cosEndpoint}/bucket-c?location`, { headers: { authorization: `Bearer ${token}` } })).status).to.equal(200);
    await c.control('POST', '/clock/advance', { seconds: 3601 });
    const expired = await fetch(`${c.endpoints.cosEndpoint}/bucket-c`, { headers: { authorization: `Bearer ${token}` } });
    expect(expired.status).to.equal(403);
    expect(await expired.text()).to.contain('The IAM access token has expired');
  });
});

describe('emulator bucket locations and flow log collectors', () => {
  const emu = useEmulator();

  it('a collector needs a single-region bucket in its region: cross-region, single-site and other regions are refused', async () => {
    const c = emu();
    const subnet = await c.idOf('subnets', 'subnet-1');
    for (const [name, location] of [['geo-bucket', 'us-standard'], ['site-bucket', 'ams03-smart'], ['frankfurt-bucket', 'eu-de-smart'], ['legacy-geo', 'us-geo'], ['smart-bucket', 'us-south-smart']]) {
      expect((await c.control('POST', '/buckets', { name, location })).status, name).to.equal(201);
    }
    const refused = async (bucket: string) => {
      const res = await c.vpc('POST', '/v1/flow_log_collectors', { body: { target: { id: subnet }, storage_bucket: { name: bucket } } });
      expect(res.status, bucket).to.equal(400);
      expect(firstError(res.body)).to.deep.include({ code: 'flow_log_collector_storage_bucket_location_invalid', target: { name: 'storage_bucket.name', type: 'field', value: bucket } });
      return firstError(res.body).message;
    };
    expect(await refused('geo-bucket')).to.equal('Cloud Object Storage bucket "geo-bucket" is in cross-region location us; flow logs need a single-region bucket in us-south, the region of the target.');
    expect(await refused('site-bucket')).to.contain('is in single-site location ams03');
    expect(await refused('frankfurt-bucket')).to.contain('is in regional location eu-de');
    expect(await refused('legacy-geo')).to.contain('is in cross-region location us');
    const ok = await c.createCollector({ target: { id: subnet }, storage_bucket: { name: 'smart-bucket' } });
    expect(ok.storage_bucket).to.deep.equal({ name: 'smart-bucket' });
  });

  it('the control API and topology files take a location; a bad one is refused with its path', async () => {
    const c = emu();
    const bad = await c.control('POST', '/buckets', { name: 'odd-bucket', location: 'us-south-hot' });
    expect(bad.status).to.equal(400);
    expect(firstError(bad.body)).to.deep.include({ code: 'invalid_value', target: { name: 'location', type: 'field', value: 'us-south-hot' } });
    expect((await c.control('POST', '/buckets', { name: 'odd-bucket', location: 7 })).status).to.equal(400);
    // A bare location is its standard class.
    expect((await c.control('POST', '/buckets', { name: 'bare-bucket', location: 'us-south' })).body.location).to.equal('us-south-standard');

    const topology = JSON.parse(readFileSync(DEFAULT_TOPOLOGY, 'utf8'));
    topology.buckets = [{ name: 'seeded-geo', location: 'eu-smart' }, { name: 'seeded-bad', location: 'moon' }];
    const refused = await c.control('POST', '/topology', topology);
    expect(refused.status).to.equal(400);
    expect(refused.body.errors.map((e: any) => e.target.name)).to.deep.equal(['buckets[1].location']);
    topology.buckets = [{ name: 'seeded-geo', location: 'eu-smart' }];
    expect((await c.control('POST', '/topology', topology)).status).to.equal(200);
    expect((await c.control('GET', '/buckets')).body.buckets.find((b: any) => b.name === 'seeded-geo')).to.deep.equal({ name: 'seeded-geo', location: 'eu-smart', authorized: true });
    // Reset brings the seeded location back.
    await c.control('POST', '/reset');
    expect((await cosClient(c.endpoints).getBucketLocation({ Bucket: 'seeded-geo' }).promise()).LocationConstraint).to.equal('eu-smart');
  });
});
