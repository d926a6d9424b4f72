import { expect } from 'chai';
import type * as COS from 'ibm-cos-sdk';
import { cosClient, useEmulator, type EmulatorClient } from '../support/emulator';

/**
 * The emulator's fast path for plain object GETs (emulator/src/models/cosObjectGets.ts) answers exactly as s3rver
 * does: every request is made twice, once with the fast path and once with it switched off (`CosModel.directGets`),
 * and the status, the headers (ETag, Content-Length, Last-Modified, Content-Type, the stored `x-amz-meta-*`) and the
 * body must be equal. s3rver's own `store.getObject` is counted, to show which of the two answered. Requests it
 * must not take (a missing key, a bad token or signature, a foreign bucket) still get s3rver's S3 errors.
 */

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Headers that name the moment or the connection, not the object. */
const PER_RESPONSE = new Set(['date', 'connection', 'keep-alive']);

function comparable(headers: Headers | Record<string, string | string[] | undefined>): Record<string, string> {
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers).map(([k, v]) => [k, String(v)]);
  return Object.fromEntries(entries.filter(([k]) => !PER_RESPONSE.has(k.toLowerCase())).map(([k, v]) => [k.toLowerCase(), v]));
}

/** The request path of a key, each segment percent-encoded as ibm-cos-sdk sends it (flow-log keys hold `%3A`). */
const pathOf = (bucket: string, key: string) => `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

async function bearerGet(c: EmulatorClient, path: string, token: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${c.endpoints.cosEndpoint}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  return { status: res.status, headers: comparable(res.headers), body: Buffer.from(await res.arrayBuffer()) };
}

/** A signed (HMAC Signature V4) GET through ibm-cos-sdk, with the raw status and headers it received. */
function signedGet(cos: COS.S3, params: COS.S3.GetObjectRequest): Promise<Answer> {
  return new Promise((resolve) => {
    let status = 0;
    let headers: Record<string, string> = {};
    const request = cos.getObject(params);
    request.on('httpHeaders', (code, raw) => {
      status = code;
      headers = comparable(raw);
    });
    request.send((error, data) => resolve({ status, headers, body: error ? Buffer.alloc(0) : (data.Body as Buffer) }));
  });
}

/** The same request with the fast path and without; counts s3rver's store.getObject calls for each. */
async function bothWays(c: EmulatorClient, request: () => Promise<Answer>): Promise<{ direct: Answer; s3rver: Answer; storeReads: { direct: number; s3rver: number } }> {
  const cosModel = c.emulator.state.cos;
  const store = (cosModel as unknown as { server: { store: { getObject: (...a: unknown[]) => Promise<unknown> } } }).server.store;
  const original = store.getObject;
  let reads = 0;
  store.getObject = function (this: unknown, ...a: unknown[]) {
    reads++;
    return original.apply(this, a);
  };
  try {
    cosModel.directGets = true;
    const direct = await request();
    const directReads = reads;
    cosModel.directGets = false;
    const s3rver = await request();
    return { direct, s3rver, storeReads: { direct: directReads, s3rver: reads - directReads } };
  } finally {
    store.getObject = original;
    cosModel.directGets = true;
  }
}

describe('emulator COS: the fast path for object GETs answers as s3rver does', () => {
  const emu = useEmulator();

  async function flowLogObject(c: EmulatorClient): Promise<string> {
    await c.createCollector({ target: { id: await c.idOf('vpcs', 'vpc-1') }, storage_bucket: { name: 'bucket-c' } });
    const written = (await c.control('POST', '/flowlogs/write')).body.objects;
    expect(written.length).to.be.greaterThan(0);
    return written[0].key as string;
  }

  it('a flow-log object by IAM bearer token: the same status, ETag, Content-Length, Last-Modified, metadata and body', async () => {
    const c = emu();
    const key = await flowLogObject(c);
    const token = await c.accessToken();
    const { direct, s3rver, storeReads } = await bothWays(c, () => bearerGet(c, pathOf('bucket-c', key), token));
    expect(storeReads).to.deep.equal({ direct: 0, s3rver: 1 });
    expect(direct.status).to.equal(200);
    expect(direct.headers).to.deep.equal(s3rver.headers);
    expect(Buffer.compare(direct.body, s3rver.body)).to.equal(0);
    expect(direct.headers['content-type']).to.equal('application/gzip');
    expect(direct.headers['content-length']).to.equal(String(direct.body.length));
    expect(direct.headers.etag).to.match(/^"[0-9a-f]{32}"$/);
    expect(new Date(direct.headers['last-modified']).toUTCString()).to.equal(direct.headers['last-modified']);
    expect(Object.keys(direct.headers).some((h) => h.startsWith('x-amz-meta-'))).to.equal(true);
  });

  it('HMAC-signed GETs through ibm-cos-sdk, whole and by range: the same answers (206 and Content-Range for a range)', async () => {
    const c = emu();
    const key = await flowLogObject(c);
    const cos = cosClient(c.endpoints);
    const whole = await bothWays(c, () => signedGet(cos, { Bucket: 'bucket-c', Key: key }));
    expect(whole.storeReads).to.deep.equal({ direct: 0, s3rver: 1 });
    expect(whole.direct.status).to.equal(200);
    expect(whole.direct.headers).to.deep.equal(whole.s3rver.headers);
    expect(Buffer.compare(whole.direct.body, whole.s3rver.body)).to.equal(0);

    const ranged = await bothWays(c, () => signedGet(cos, { Bucket: 'bucket-c', Key: key, Range: 'bytes=10-99' }));
    expect(ranged.storeReads).to.deep.equal({ direct: 0, s3rver: 1 });
    expect(ranged.direct.status).to.equal(206);
    expect(ranged.direct.headers).to.deep.equal(ranged.s3rver.headers);
    expect(ranged.direct.headers['content-range']).to.equal(`bytes 10-99/${whole.direct.body.length}`);
    expect(Buffer.compare(ranged.direct.body, whole.direct.body.subarray(10, 100))).to.equal(0);
  });

  it("a missing key: 404 with S3's NoSuchKey XML, as s3rver answers it", async () => {
    const c = emu();
    await flowLogObject(c);
    const token = await c.accessToken();
    const { direct, s3rver } = await bothWays(c, () => bearerGet(c, '/bucket-c/no/such/object.gz', token));
    expect(direct.status).to.equal(404);
    expect(direct.headers['content-type']).to.equal('application/xml');
    const code = (a: Answer) => /<Code>([^<]+)<\/Code>/.exec(a.body.toString())?.[1];
    expect(code(direct)).to.equal('NoSuchKey');
    expect(code(s3rver)).to.equal('NoSuchKey');
    expect(direct.body.toString()).to.contain('<Key>no/such/object.gz</Key>');
    expect(code(await bearerGet(c, '/no-such-bucket/x.gz', token))).to.equal('NoSuchBucket');
  });

  it('a bad token, a bad signature, a bad key: refused with 403 before any file is read, nothing of the object sent', async () => {
    const c = emu();
    const key = await flowLogObject(c);
    const token = await c.accessToken();
    const forged = `${token.slice(0, -4)}AAAA`;
    const refused = await bothWays(c, () => bearerGet(c, pathOf('bucket-c', key), forged));
    expect(refused.storeReads).to.deep.equal({ direct: 0, s3rver: 0 });
    for (const answer of [refused.direct, refused.s3rver]) {
      expect(answer.status).to.equal(403);
      expect(answer.body.toString()).to.contain('<Code>AccessDenied</Code>');
      expect(answer.headers.etag).to.equal(undefined);
    }
    const wrongSecret = cosClient(c.endpoints, { accessKeyId: c.endpoints.cosAccessKeyId, secretAccessKey: 'not-the-secret-key-of-this-emulator' });
    const badSignature = await bothWays(c, () => signedGet(wrongSecret, { Bucket: 'bucket-c', Key: key }));
    expect(badSignature.storeReads).to.deep.equal({ direct: 0, s3rver: 0 });
    expect([badSignature.direct.status, badSignature.s3rver.status]).to.deep.equal([403, 403]);
    expect(badSignature.direct.headers.etag).to.equal(undefined);
    const unsigned = await fetch(`${c.endpoints.cosEndpoint}${pathOf('bucket-c', key)}`);
    expect(unsigned.status).to.equal(403);
    // Names are still checked before the store: a `..` segment never becomes a path.
    const escape = await bearerGet(c, '/bucket-c/a%2F..%2F..%2Fbucket-e%2Fx.gz', token);
    expect(escape.status).to.equal(400);
  });
});
