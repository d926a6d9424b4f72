import { createGzip } from 'node:zlib';
import type { FlowLogDocument } from '../../provider/src/flowlogs';

/**
 * Hostile flow-log objects: a valid header, then a field the format does not have, `"pad":[{},{},…]`, that gzip
 * shrinks about a thousandfold (a 255 KB object inflates to 261 MB), then an empty `flow_logs`. `escaped` writes the
 * version with a JSON escape, so that a decoder's fast path gives up and its slow path meets the padding.
 */
export function padBomb(doc: FlowLogDocument, inflatedBytes: number, options: { escaped?: boolean } = {}): Promise<Buffer> {
  const { flow_logs: _records, ...header } = doc;
  let head = JSON.stringify({ ...header, number_of_flow_logs: 0 }).slice(0, -1);
  if (options.escaped) head = head.replace(`"version":"${doc.version}"`, `"version":"${doc.version.replace('.', '\\u002e')}"`);
  const open = Buffer.from(`${head},"pad":[`);
  const close = Buffer.from('{}],"flow_logs":[]}');
  const chunk = Buffer.from('{},'.repeat(349_525)); // about 1 MiB
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (b: Buffer) => out.push(b));
  return new Promise((resolve, reject) => {
    gzip.on('error', reject);
    gzip.on('end', () => resolve(Buffer.concat(out)));
    void (async () => {
      gzip.write(open);
      for (let written = open.length + close.length; written + chunk.length <= inflatedBytes; written += chunk.length) {
        if (!gzip.write(chunk)) await new Promise((r) => gzip.once('drain', r));
      }
      gzip.end(close);
    })();
  });
}
