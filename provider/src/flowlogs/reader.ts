/**
 * Streaming readers of flow-log objects: from a COS bucket (ibm-cos-sdk: listObjectsV2 paging, narrowed prefixes,
 * whole-object gunzip) or from a local directory of .gz files. Objects are fetched with bounded concurrency and yielded
 * in listing order; an object that cannot be read or decoded is yielded with its problems, and every other object
 * is still read. Only listing failures (no such bucket, access denied, network) end the iteration, with an error.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { CosClient, CosConfig } from '../ibm/cos';
import { idOfCrn, isCrn } from '../ibm/crn';
import type { ObjectMeta } from './analyzer';
import { collect, CosFetchPool, getWhole, GET_ONLY } from './cosFetchPool';
import { decodeObject, DEFAULT_LIMITS, tooLarge, type DecodeResult, type ObjectErrorKind, type ObjectLimits } from './decode';
import type { FlowLogDocument, Problem } from './document';
import {
  isPartialCrn,
  KEY_LEVELS,
  keyInScope,
  levelValueInScope,
  levelValueOf,
  parseKey,
  planPrefixesFrom,
  KEY_ROOT,
  type CrnEncoding,
  type KeyScope,
  type NarrowingOptions,
} from './keys';
import { parseRfc3339 } from './time';

/** One object read: its document, or why there is none. */
export interface FlowLogObject extends ObjectMeta {
  lastModified?: Date;
  document?: FlowLogDocument;
  errorKind?: ObjectErrorKind;
  /** Every problem, each with its path in the document (empty for the object as a whole). */
  problems?: Problem[];
}

export interface ListedObject {
  key: string;
  size: number;
  lastModified?: Date;
}

export interface ListPage {
  objects: ListedObject[];
  /** With a delimiter: the "directories" one level down, each ending in the delimiter. */
  commonPrefixes: string[];
  nextToken?: string;
}

/** Where objects come from: a bucket or a directory. */
export interface ObjectStore {
  /** Names the source in messages (`bucket flowlogs`, `directory /tmp/x`). */
  readonly name: string;
  list(prefix: string, options: { delimiter?: string; continuationToken?: string; maxKeys?: number }): Promise<ListPage>;
  /** The stored (gzip) bytes: a stream, or the whole object; undefined when over `max` bytes. */
  get(key: string, max?: number): Promise<Readable | Buffer | undefined>;
  /** Objects worth fetching at once from this store. */
  readonly concurrency?: number;
  /** Called once the read is over (worker threads ended). */
  close?(): Promise<void>;
}

export interface ReadProgress {
  /** Objects finished (yielded, or skipped as outside the time range). */
  done: number;
  /** Objects known so far (listing may still be going on: see `listingComplete`). */
  total: number;
  listingComplete: boolean;
  failed: number;
  /** Objects read whose capture window lies outside the time range (not yielded). */
  skipped: number;
}

export interface ReadOptions {
  /** What to read; keys outside it are not fetched, documents outside its time range are not yielded. */
  scope?: KeyScope;
  narrowing?: NarrowingOptions;
  /** Objects fetched at once. @default the store's (`ObjectStore.concurrency`), else 8 */
  concurrency?: number;
  /** Keys per listing page (MaxKeys). @default 1000 */
  pageSize?: number;
  /**
   * Narrow further than the scope's own values by listing the values of an unpinned level (a delimiter listing)
   * when the scope constrains a later level or gives a time range: an interface alone then costs a few small
   * listings per level instead of listing the whole bucket. Off by default because it relies on the store's
   * delimiter listings being complete (real COS's are; s3rver's FilesystemStore, under the emulator, misses keys
   * more than one level below the prefix). Without it, whatever the scope does not pin is filtered by key.
   * @default false
   */
  discover?: boolean;
  /** The per-object budget (decompressed bytes, records); an object over it is a `too-large` error. @default DEFAULT_LIMITS */
  limits?: Partial<ObjectLimits>;
  /**
   * Decodes one object's stored (gzip) bytes, for callers that decode elsewhere (worker threads: see decodePool.ts).
   * @default decodeObject, on this thread (a streamed body is gunzipped as it arrives)
   */
  decoder?: (gz: Buffer, limits: ObjectLimits) => Promise<DecodeResult>;
  /**
   * `required`: a key not in the documented layout is reported, not fetched. `optional`: every `.gz` object is
   * read, whatever its name (local directories of downloaded objects). @default required
   */
  keyLayout?: 'required' | 'optional';
  onProgress?: (progress: ReadProgress) => void;
  signal?: AbortSignal;
  /**
   * COS only: worker threads that GET the objects, each with its own client (cosFetchPool.ts), for a client made by
   * createCosClient or a config; 0 GETs on this thread. @default DEFAULT_FETCH_WORKERS
   */
  fetchWorkers?: number;
}

/** A listing failed: the read cannot go on. */
export class FlowLogReadError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly status?: number,
    /** The store's own error (ibm-cos-sdk's for a bucket), for callers that word it for their users. */
    readonly sdkError?: unknown,
  ) {
    super(message);
    this.name = 'FlowLogReadError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Stores

/** GETs on worker threads by default (ReadOptions.fetchWorkers): see the COS benchmark (bench/flowlogs.ts). */
export const DEFAULT_FETCH_WORKERS = 1;

/** A bucket through ibm-cos-sdk. */
export function cosStore(cos: CosClient | CosConfig, bucket: string, options: { fetchWorkers?: number } = {}): ObjectStore {
  // Loaded here, not at import: ibm-cos-sdk takes a while to load, and local reads do not need it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { cosClientOf, cosConfigOf, createCosClient } = require('../ibm/cos') as typeof import('../ibm/cos');
  const client = cosClientOf(cos);
  const config = cosConfigOf(client);
  const workers = options.fetchWorkers ?? DEFAULT_FETCH_WORKERS;
  // GETs by a client of the same config and connections, with the SDK's per-request work it does not need off (or
  // by the client as given).
  const getter = config ? createCosClient(config, { ...GET_ONLY, httpOptions: client.config.httpOptions }) : undefined;
  let pool: CosFetchPool | undefined;
  /** Started by the first listing (the workers load the SDK meanwhile), ended by close(). */
  const start = () => {
    if (config && workers > 0) pool ??= new CosFetchPool(config, bucket, workers);
  };
  return {
    name: `bucket ${bucket}`,
    // Over kept-alive connections, more requests in flight keep both ends busy (see the COS benchmark).
    concurrency: 32,
    async list(prefix, { delimiter, continuationToken, maxKeys }) {
      start();
      let page;
      try {
        page = await client
          .listObjectsV2({
            Bucket: bucket,
            Prefix: prefix,
            ...(delimiter ? { Delimiter: delimiter } : {}),
            ...(continuationToken ? { ContinuationToken: continuationToken } : {}),
            ...(maxKeys ? { MaxKeys: maxKeys } : {}),
          })
          .promise();
      } catch (error) {
        const e = error as { code?: string; statusCode?: number; message?: string };
        throw new FlowLogReadError(
          `listing bucket ${bucket} under ${JSON.stringify(prefix)} failed: ${e.code ?? 'error'}${e.statusCode ? ` (HTTP ${e.statusCode})` : ''}: ${e.message ?? String(error)}`,
          e.code,
          e.statusCode,
          error,
        );
      }
      return {
        objects: (page.Contents ?? []).map((o) => ({ key: o.Key ?? '', size: o.Size ?? 0, ...(o.LastModified ? { lastModified: o.LastModified } : {}) })),
        commonPrefixes: (page.CommonPrefixes ?? []).map((p) => p.Prefix ?? '').filter((p) => p !== ''),
        ...(page.IsTruncated && page.NextContinuationToken ? { nextToken: page.NextContinuationToken } : {}),
      };
    },
    async get(key, max) {
      start();
      if (pool) return pool.get(key, max ?? Infinity);
      return getter ? getWhole(getter, bucket, key, max ?? Infinity) : client.getObject({ Bucket: bucket, Key: key }).createReadStream();
    },
    async close() {
      const p = pool;
      pool = undefined;
      await p?.close();
    },
  };
}

/**
 * A directory: keys are paths relative to it with `/` separators. Listings walk the tree lazily in key order
 * (siblings sorted by name, a directory's name taken with its `/`), so memory does not grow with the number of
 * files; sizes are those of the files read. Files are read synchronously: for local files (mostly in the page
 * cache) that is the cheapest way on one core, and each read is short.
 */
export function localStore(dir: string): ObjectStore {
  const fail = (error: unknown): never => {
    const e = error as NodeJS.ErrnoException;
    throw new FlowLogReadError(`reading directory ${dir} failed: ${e.code ?? 'error'}: ${e.message}`, e.code);
  };
  /** The entries of a directory (relative, ending in `/` or empty), in key order; none when it does not exist. */
  const entries = (relDir: string): Array<{ name: string; isDir: boolean }> => {
    let list;
    try {
      list = readdirSync(relDir === '' ? dir : `${dir}/${relDir}`, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
      return fail(error);
    }
    const out = list.filter((e) => e.isDirectory() || e.isFile()).map((e) => ({ name: e.name, isDir: e.isDirectory(), sortKey: e.isDirectory() ? `${e.name}/` : e.name }));
    return out.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  };
  function* walk(relDir: string): Generator<ListedObject> {
    for (const e of entries(relDir)) {
      if (e.isDir) yield* walk(`${relDir}${e.name}/`);
      else yield { key: `${relDir}${e.name}`, size: 0 }; // size: known once read
    }
  }
  function* under(prefix: string): Generator<ListedObject> {
    const base = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    for (const o of walk(base)) if (o.key.startsWith(prefix)) yield o;
  }
  const pagers = new Map<string, { items: Generator<ListedObject>; peeked?: ListedObject }>();
  let tokens = 0;
  return {
    name: `directory ${dir}`,
    async list(prefix, { delimiter, continuationToken, maxKeys }) {
      if (delimiter === '/' && (prefix === '' || prefix.endsWith('/'))) {
        const objects: ListedObject[] = [];
        const commonPrefixes: string[] = [];
        for (const e of entries(prefix)) {
          if (e.isDir) commonPrefixes.push(`${prefix}${e.name}/`);
          else objects.push({ key: `${prefix}${e.name}`, size: 0 });
        }
        return { objects, commonPrefixes };
      }
      if (delimiter) {
        const objects: ListedObject[] = [];
        const prefixes = new Set<string>();
        for (const o of under(prefix)) {
          const at = o.key.indexOf(delimiter, prefix.length);
          if (at < 0) objects.push(o);
          else prefixes.add(o.key.slice(0, at + delimiter.length));
        }
        return { objects, commonPrefixes: [...prefixes] };
      }
      const pager = continuationToken !== undefined ? pagers.get(continuationToken) : { items: under(prefix) };
      if (continuationToken !== undefined) pagers.delete(continuationToken);
      if (!pager) throw new FlowLogReadError(`unknown continuation token for directory ${dir}`);
      const objects: ListedObject[] = pager.peeked ? [pager.peeked] : [];
      const limit = maxKeys ?? 1000;
      for (let next = pager.items.next(); !next.done; next = pager.items.next()) {
        if (objects.length === limit) {
          const token = String(++tokens);
          pagers.set(token, { items: pager.items, peeked: next.value });
          return { objects, commonPrefixes: [], nextToken: token };
        }
        objects.push(next.value);
      }
      return { objects, commonPrefixes: [] };
    },
    async get(key) {
      return readFileSync(`${dir}/${key}`);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Listing

async function* pages(store: ObjectStore, prefix: string, delimiter: string | undefined, pageSize: number): AsyncGenerator<ListPage> {
  let token: string | undefined;
  do {
    const page = await store.list(prefix, { delimiter, continuationToken: token, maxKeys: pageSize });
    yield page;
    token = page.nextToken;
  } while (token);
}

/**
 * How the bucket spells CRN levels, from its first key (one small listing), when the scope puts a CRN into a
 * prefix; url-encoded when it holds no key of the layout.
 */
async function crnEncodingOf(store: ObjectStore, scope: KeyScope): Promise<CrnEncoding> {
  if (![scope.vpc, scope.subnet, scope.instance].some((v) => v !== undefined && isCrn(v))) return 'url-encoded';
  const page = await store.list(KEY_ROOT, { maxKeys: 1 });
  const first = page.objects.length > 0 ? parseKey(page.objects[0].key) : undefined;
  return first?.ok ? first.encoding : 'url-encoded';
}

/**
 * The objects under the narrowest prefixes for the scope (discovering unpinned levels with delimiter listings when
 * asked), a page at a time: arrays, so that each key does not cost a trip through async generators.
 */
async function* listScope(store: ObjectStore, scope: KeyScope, options: ReadOptions, prefix = KEY_ROOT, levelsDone = 0): AsyncGenerator<ListedObject[]> {
  const pageSize = options.pageSize ?? 1000;
  if (levelsDone === 0 && options.narrowing?.crnEncoding === undefined) {
    options = { ...options, narrowing: { ...options.narrowing, crnEncoding: await crnEncodingOf(store, scope) } };
  }
  const plan = planPrefixesFrom(prefix, levelsDone, scope, options.narrowing);
  if (plan.openLevel !== undefined && options.discover === true) {
    const level = plan.openLevel;
    const index = KEY_LEVELS.indexOf(level);
    /** The level's values under a prefix; a raw CRN cut at its scope's `/` is listed one level deeper. */
    async function* values(p: string): AsyncGenerator<string> {
      for await (const page of pages(store, p, '/', pageSize)) {
        for (const cp of page.commonPrefixes) {
          const value = levelValueOf(cp, level);
          if (value !== undefined && isPartialCrn(level, value)) yield* values(cp);
          else if (value !== undefined && levelValueInScope(level, value, scope)) yield cp;
        }
      }
    }
    for (const p of plan.prefixes) for await (const cp of values(p)) yield* listScope(store, scope, options, cp, index + 1);
    return;
  }
  for (const p of plan.prefixes) {
    for await (const page of pages(store, p, undefined, pageSize)) yield page.objects;
  }
}

async function* listEverything(store: ObjectStore, options: ReadOptions): AsyncGenerator<ListedObject[]> {
  for await (const page of pages(store, '', undefined, options.pageSize ?? 1000)) yield page.objects;
}

// ---------------------------------------------------------------------------------------------------------------
// Fetching and decoding

const failure = (o: ListedObject, kind: ObjectErrorKind, problems: Problem[], extra: Partial<FlowLogObject> = {}): FlowLogObject => ({
  key: o.key,
  size: o.size,
  ...(o.lastModified ? { lastModified: o.lastModified } : {}),
  ...extra,
  errorKind: kind,
  problems,
});

/** How far a stored (gzip) object may exceed its decompressed budget: gzip of incompressible bytes grows a little. */
const storedLimitOf = (limits: ObjectLimits) => limits.maxJsonBytes + (limits.maxJsonBytes >> 6) + 1024;

const readFailure = (error: unknown): DecodeResult => {
  const e = error as Error & { code?: string; statusCode?: number };
  return { ok: false, kind: 'read', problems: [{ path: '', reason: `could not be read: ${e.code ?? 'error'}${e.statusCode ? ` (HTTP ${e.statusCode})` : ''}: ${e.message}` }] };
};

async function fetchObject(store: ObjectStore, listed: ListedObject, meta: Partial<FlowLogObject>, limits: ObjectLimits, decoder: ReadOptions['decoder']): Promise<FlowLogObject> {
  let result: DecodeResult;
  if (listed.size > storedLimitOf(limits)) {
    result = tooLarge('bytes', limits);
  } else {
    try {
      const body = await store.get(listed.key, storedLimitOf(limits));
      // A stream is read whole first: objects are small (about 100 KB decompressed), and one gunzip of the whole
      // object, sized from its trailer, costs a fraction of a streamed one's many 16 KB chunks.
      const gz = body === undefined || Buffer.isBuffer(body) ? body : await collect(body, storedLimitOf(limits));
      if (gz && listed.size !== gz.length) listed = { ...listed, size: gz.length };
      result = !gz || gz.length > storedLimitOf(limits) ? tooLarge('bytes', limits) : decoder ? await decoder(gz, limits) : decodeObject(gz, limits);
    } catch (error) {
      result = readFailure(error);
    }
  }
  if (!result.ok) return failure(listed, result.kind, result.problems, { ...meta, ...(result.jsonBytes !== undefined ? { jsonBytes: result.jsonBytes } : {}) });
  return {
    key: listed.key,
    size: listed.size,
    ...(listed.lastModified ? { lastModified: listed.lastModified } : {}),
    ...meta,
    jsonBytes: result.jsonBytes,
    document: result.document,
  };
}

const msOf = (t: number | Date | undefined) => (t instanceof Date ? t.getTime() : t);

function matchesResource(filter: string | undefined, crn: string): boolean {
  if (filter === undefined) return true;
  return isCrn(filter) ? filter === crn : idOfCrn(crn) === filter;
}

/**
 * Whether a document belongs to the scope: its capture window overlaps [since, until), and its interface, VPC and
 * instance match (these also hold for keys in the layout; they matter for objects read under other names).
 */
export function documentInScope(doc: FlowLogDocument, scope: KeyScope): boolean {
  const since = msOf(scope.since);
  const until = msOf(scope.until);
  if (since !== undefined || until !== undefined) {
    const start = parseRfc3339(doc.capture_start_time);
    const end = parseRfc3339(doc.capture_end_time);
    if (start !== undefined && end !== undefined) {
      if (until !== undefined && start >= until) return false;
      if (since !== undefined && (end < since || (end === since && start < end))) return false;
    }
  }
  if (scope.interfaceId !== undefined && doc.network_interface_id !== scope.interfaceId) return false;
  if (!matchesResource(scope.vpc, doc.vpc_crn)) return false;
  if (!matchesResource(scope.instance, doc.instance_crn)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// The pipeline

/** Reads the objects of any store; see `readFlowLogs`. */
export async function* readObjects(store: ObjectStore, options: ReadOptions = {}): AsyncGenerator<FlowLogObject> {
  const scope = options.scope ?? {};
  const concurrency = Math.max(1, options.concurrency ?? store.concurrency ?? 8);
  const limits: ObjectLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const layoutRequired = options.keyLayout !== 'optional';
  const progress: ReadProgress = { done: 0, total: 0, listingComplete: false, failed: 0, skipped: 0 };
  const report = () => options.onProgress?.({ ...progress });

  const listing = (layoutRequired ? listScope(store, scope, options) : listEverything(store, options))[Symbol.asyncIterator]();
  const inFlight: Array<Promise<FlowLogObject>> = [];
  /** The current listing page: what to do with each object of it, counted into `total` when the page arrives. */
  let page: Array<() => Promise<FlowLogObject>> = [];
  let inPage = 0;
  let listingDone = false;
  const plan = (listed: ListedObject): (() => Promise<FlowLogObject>) | undefined => {
    const parsed = parseKey(listed.key);
    if (parsed.ok) {
      const meta = { parsedKey: parsed.key, keyEncoding: parsed.encoding };
      return keyInScope(parsed.key, scope, options.narrowing) ? () => fetchObject(store, listed, meta, limits, options.decoder) : undefined;
    }
    if (layoutRequired) return async () => failure(listed, 'key', [{ path: '', reason: parsed.reason }]);
    return listed.key.endsWith('.gz') ? () => fetchObject(store, listed, {}, limits, options.decoder) : undefined;
  };
  try {
    for (;;) {
      while (!listingDone && inFlight.length < concurrency) {
        if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
        if (inPage === page.length) {
          const next = await listing.next();
          if (next.done) {
            listingDone = true;
            progress.listingComplete = true;
          } else {
            page = [];
            for (const listed of next.value) {
              const start = plan(listed);
              if (start) page.push(start);
            }
            inPage = 0;
            progress.total += page.length;
          }
          report();
          continue;
        }
        inFlight.push(page[inPage++]());
      }
      const head = inFlight.shift();
      if (head === undefined) break;
      const item = await head;
      progress.done++;
      if (item.document && !documentInScope(item.document, scope)) {
        progress.skipped++;
        report();
        continue;
      }
      if (!item.document) progress.failed++;
      report();
      yield item;
    }
  } finally {
    if (!listingDone) await listing.return?.(undefined);
    await store.close?.();
  }
}

/** Flow-log objects of a COS bucket, narrowed to the scope; see `ReadOptions`. */
export function readFlowLogs(options: ReadOptions & { cos: CosClient | CosConfig; bucket: string }): AsyncGenerator<FlowLogObject> {
  return readObjects(cosStore(options.cos, options.bucket, options), options);
}

/** Flow-log objects under a local directory (a copy of a bucket, or any `.gz` files with `keyLayout: 'optional'`). */
export function readLocalFlowLogs(options: ReadOptions & { dir: string }): AsyncGenerator<FlowLogObject> {
  return readObjects(localStore(options.dir), options);
}
