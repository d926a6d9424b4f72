import { expect } from 'chai';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { cosClient, useEmulator, type EmulatorClient } from '../support/emulator';

/**
 * COS uploads as S3 clients send them: AWS SDK v3 streams bodies `aws-chunked` (STREAMING-UNSIGNED-PAYLOAD-TRAILER
 * with a CRC32 trailer), other clients sign every chunk (STREAMING-AWS4-HMAC-SHA256-PAYLOAD, with or without a
 * signed trailer). The emulator's COS stores the object's own bytes either way (emulator/src/models/awsChunked.ts);
 * AWS SDK v3 and ibm-cos-sdk round-trip streamed and buffered objects byte for byte.
 */

const BUCKET = 'bucket-c';

function awsClient(emu: EmulatorClient): S3Client {
  const e = emu.endpoints;
  return new S3Client({
    endpoint: e.cosEndpoint,
    forcePathStyle: true,
    region: 'us-south',
    credentials: { accessKeyId: e.cosAccessKeyId, secretAccessKey: e.cosSecretAccessKey },
    maxAttempts: 1,
  });
}

/** A stream of `data` in pieces of 16 KiB, as a file or socket would give it (the SDK is told its length). */
const streamOf = (data: Buffer) =>
  Readable.from(
    (function* () {
      for (let at = 0; at < data.length; at += 16_384) yield data.subarray(at, at + 16_384);
    })(),
    { objectMode: false },
  );

async function bytesOf(body: AsyncIterable<Uint8Array> | undefined): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of body!) parts.push(Buffer.from(p));
  return Buffer.concat(parts);
}

describe('COS: uploads through AWS SDK v3 (aws-chunked with trailers) and ibm-cos-sdk round-trip byte for byte', () => {
  const emu = useEmulator();

  it('AWS SDK v3: a streamed 200,000-byte body (sent aws-chunked) comes back exactly, with its length and no aws-chunked encoding', async () => {
    const s3 = awsClient(emu());
    const data = randomBytes(200_000);
    const sent: Record<string, string>[] = [];
    s3.middlewareStack.add((next) => async (args: any) => {
      sent.push({ ...args.request.headers });
      return next(args);
    }, { step: 'finalizeRequest', name: 'recordHeaders', priority: 'low' });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'streamed.bin', Body: streamOf(data), ContentLength: data.length }));
    // The SDK did send the body aws-chunked with a trailer (else this test would prove nothing).
    expect(sent[0]['x-amz-content-sha256']).to.equal('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    expect(sent[0]['content-encoding']).to.contain('aws-chunked');
    expect(sent[0]['x-amz-trailer']).to.equal('x-amz-checksum-crc32');
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'streamed.bin' }));
    const back = await bytesOf(got.Body as AsyncIterable<Uint8Array>);
    expect(back.length).to.equal(200_000);
    expect(back.equals(data)).to.equal(true);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'streamed.bin' }));
    expect([head.ContentLength, head.ContentEncoding]).to.deep.equal([200_000, undefined]);
    s3.destroy();
  });

  it('AWS SDK v3: buffered bodies, an empty one, and a streamed one with its own Content-Encoding (kept, aws-chunked dropped)', async () => {
    const s3 = awsClient(emu());
    const cases: Array<[string, Buffer]> = [['buffered.bin', randomBytes(70_001)], ['empty.bin', Buffer.alloc(0)], ['text.txt', Buffer.from('hello world\n')]];
    for (const [key, data] of cases) {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: data }));
      const back = await bytesOf((await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body as AsyncIterable<Uint8Array>);
      expect(back.equals(data), key).to.equal(true);
    }
    const gz = randomBytes(33_333);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'logs.json.gz', Body: streamOf(gz), ContentLength: gz.length, ContentEncoding: 'gzip', ContentType: 'application/json' }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'logs.json.gz' }));
    expect([head.ContentLength, head.ContentEncoding, head.ContentType]).to.deep.equal([33_333, 'gzip', 'application/json']);
    s3.destroy();
  });

  it('AWS SDK v3: a multipart upload of streamed parts (5 MiB + 1,234 bytes) assembles the exact bytes', async () => {
    const s3 = awsClient(emu());
    const data = randomBytes(5 * 1024 * 1024 + 1234);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'multi.bin' }));
    const pieces = [data.subarray(0, 5 * 1024 * 1024), data.subarray(5 * 1024 * 1024)];
    const parts = [];
    for (let i = 0; i < pieces.length; i++) {
      const res = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'multi.bin', UploadId, PartNumber: i + 1, Body: streamOf(pieces[i]), ContentLength: pieces[i].length }));
      parts.push({ ETag: res.ETag, PartNumber: i + 1 });
      // The part's ETag is the MD5 of its own bytes, not of their chunk framing.
      expect(res.ETag).to.equal(`"${createHash('md5').update(pieces[i]).digest('hex')}"`);
    }
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'multi.bin', UploadId, MultipartUpload: { Parts: parts } }));
    const back = await bytesOf((await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'multi.bin' }))).Body as AsyncIterable<Uint8Array>);
    expect(back.equals(data)).to.equal(true);
    s3.destroy();
  });

  it('ibm-cos-sdk: putObject of a Buffer and of a file stream, and the managed upload() of any stream, round-trip', async () => {
    const cos = cosClient(emu().endpoints);
    const buffered = randomBytes(123_457);
    await cos.putObject({ Bucket: BUCKET, Key: 'ibm-buffered.bin', Body: buffered }).promise();
    // ibm-cos-sdk signs a putObject stream only when it is a file's (it hashes the file); others go through upload().
    const streamed = randomBytes(200_000);
    const dir = mkdtempSync(join(tmpdir(), 'ibmflowlogs-cos-upload-'));
    writeFileSync(join(dir, 'streamed.bin'), streamed);
    try {
      await cos.putObject({ Bucket: BUCKET, Key: 'ibm-streamed.bin', Body: createReadStream(join(dir, 'streamed.bin')) }).promise();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const managed = randomBytes(300_001);
    await cos.upload({ Bucket: BUCKET, Key: 'ibm-managed.bin', Body: streamOf(managed) }).promise();
    for (const [key, data] of [['ibm-buffered.bin', buffered], ['ibm-streamed.bin', streamed], ['ibm-managed.bin', managed]] as const) {
      const got = await cos.getObject({ Bucket: BUCKET, Key: key }).promise();
      expect((got.Body as Buffer).equals(data), key).to.equal(true);
    }
    // And what AWS SDK v3 streamed, ibm-cos-sdk reads back the same.
    const s3 = awsClient(emu());
    const cross = randomBytes(99_999);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cross.bin', Body: streamOf(cross), ContentLength: cross.length }));
    expect(((await cos.getObject({ Bucket: BUCKET, Key: 'cross.bin' }).promise()).Body as Buffer).equals(cross)).to.equal(true);
    s3.destroy();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Signed chunks, built as AWS's "Signature Version 4: chunked upload" describes them
// ---------------------------------------------------------------------------------------------------------------

const sha256 = (d: Buffer | string) => createHash('sha256').update(d).digest('hex');
const hmac = (k: Buffer | string, d: string) => createHmac('sha256', k).update(d, 'utf8').digest();

interface ChunkedPut {
  mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' | 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' | 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
  chunks: Buffer[];
  /** Change the body after signing (index of the chunk whose first byte flips). */
  tamper?: number;
  trailer?: string;
  decodedLength?: number;
}

/** A PUT of `chunks` aws-chunked, signed with the emulator's HMAC key: headers, then chunks chained by signature. */
async function chunkedPut(emu: EmulatorClient, key: string, put: ChunkedPut): Promise<{ status: number; body: string }> {
  const e = emu.endpoints;
  const url = new URL(`${e.cosEndpoint}/${BUCKET}/${key}`);
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const scope = `${amzDate.slice(0, 8)}/us-south/s3/aws4_request`;
  const data = Buffer.concat(put.chunks);
  const headers: Record<string, string> = {
    host: url.host,
    'content-encoding': 'aws-chunked',
    'x-amz-content-sha256': put.mode,
    'x-amz-date': amzDate,
    'x-amz-decoded-content-length': String(put.decodedLength ?? data.length),
    ...(put.trailer ? { 'x-amz-trailer': put.trailer.split(':')[0] } : {}),
  };
  const names = Object.keys(headers).sort();
  const canonical = ['PUT', url.pathname, '', names.map((n) => `${n}:${headers[n]}\n`).join(''), names.join(';'), put.mode].join('\n');
  const signingKey = ['us-south', 's3', 'aws4_request'].reduce<Buffer>((k, p) => hmac(k, p), hmac(`AWS4${e.cosSecretAccessKey}`, amzDate.slice(0, 8)));
  let previous = hmac(signingKey, ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n')).toString('hex');
  const authorization = `AWS4-HMAC-SHA256 Credential=${e.cosAccessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${previous}`;
  const signed = put.mode !== 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
  const parts: Buffer[] = [];
  for (const [i, chunk] of [...put.chunks, Buffer.alloc(0)].entries()) {
    let sig = '';
    if (signed) {
      previous = hmac(signingKey, ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, previous, sha256(''), sha256(chunk)].join('\n')).toString('hex');
      sig = `;chunk-signature=${previous}`;
    }
    const body = put.tamper === i ? Buffer.concat([Buffer.from([chunk[0] ^ 0xff]), chunk.subarray(1)]) : chunk;
    parts.push(Buffer.from(`${chunk.length.toString(16)}${sig}\r\n`), body, Buffer.from(chunk.length > 0 ? '\r\n' : ''));
  }
  if (put.trailer) {
    parts.push(Buffer.from(`${put.trailer}\r\n`));
    if (put.mode === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER') {
      const trailerSig = hmac(signingKey, ['AWS4-HMAC-SHA256-TRAILER', amzDate, scope, previous, sha256(`${put.trailer}\n`)].join('\n')).toString('hex');
      parts.push(Buffer.from(`x-amz-trailer-signature:${trailerSig}\r\n`));
    }
  }
  parts.push(Buffer.from('\r\n'));
  const res = await fetch(url, { method: 'PUT', headers: { ...headers, authorization }, body: Buffer.concat(parts) });
  return { status: res.status, body: await res.text() };
}

const crc32Of = (d: Buffer) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(crc32(d) >>> 0);
  return b.toString('base64');
};

describe('COS: signed aws-chunked uploads (chunk signatures chained from the request\'s, signed trailers)', () => {
  const emu = useEmulator();
  const chunks = [randomBytes(65_536), randomBytes(65_536), randomBytes(1_000)];
  const whole = Buffer.concat(chunks);

  async function stored(key: string): Promise<Buffer | undefined> {
    try {
      return (await cosClient(emu().endpoints).getObject({ Bucket: BUCKET, Key: key }).promise()).Body as Buffer;
    } catch (error) {
      if ((error as { code?: string }).code === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  it('STREAMING-AWS4-HMAC-SHA256-PAYLOAD: stored as the chunks\' own bytes', async () => {
    const res = await chunkedPut(emu(), 'signed.bin', { mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', chunks });
    expect(res.status, res.body).to.equal(200);
    expect((await stored('signed.bin'))!.equals(whole)).to.equal(true);
  });

  it('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER with a CRC32 trailer, and the unsigned trailer form: stored decoded', async () => {
    const trailer = `x-amz-checksum-crc32:${crc32Of(whole)}`;
    const signed = await chunkedPut(emu(), 'signed-trailer.bin', { mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', chunks, trailer });
    expect(signed.status, signed.body).to.equal(200);
    expect((await stored('signed-trailer.bin'))!.equals(whole)).to.equal(true);
    const unsigned = await chunkedPut(emu(), 'unsigned-trailer.bin', { mode: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', chunks, trailer });
    expect(unsigned.status, unsigned.body).to.equal(200);
    expect((await stored('unsigned-trailer.bin'))!.equals(whole)).to.equal(true);
  });

  it('refuses, storing nothing: a tampered chunk (SignatureDoesNotMatch), a wrong checksum (BadDigest), a length that does not add up (IncompleteBody)', async () => {
    const cases: Array<[string, ChunkedPut, number, string]> = [
      ['tampered.bin', { mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', chunks, tamper: 1 }, 403, 'SignatureDoesNotMatch'],
      ['bad-trailer-sig.bin', { mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', chunks, trailer: `x-amz-checksum-crc32:${crc32Of(whole)}`, tamper: 3 }, 403, 'SignatureDoesNotMatch'],
      ['bad-crc.bin', { mode: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', chunks, trailer: `x-amz-checksum-crc32:${crc32Of(Buffer.from('other'))}` }, 400, 'BadDigest'],
      ['short.bin', { mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', chunks, decodedLength: whole.length + 1 }, 400, 'IncompleteBody'],
    ];
    for (const [key, put, status, code] of cases) {
      const res = await chunkedPut(emu(), key, put);
      expect(res.status, `${key}: ${res.body}`).to.equal(status);
      expect(res.body, key).to.contain(`<Code>${code}</Code>`);
      expect(await stored(key), key).to.equal(undefined);
    }
  });
});
