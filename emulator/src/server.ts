import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EmulatorError, IamError } from './errors';
import { Reply, RequestContext } from './http/context';
import { Router } from './http/router';
import { checkPlatformRequest } from './http/platformRules';
import { admit, normalizeOrigin } from './http/requestGuard';
import { checkTaggingRequest } from './http/taggingRules';
import { checkVpcRequest } from './http/vpcRules';
import { traceId } from './models/ids';
import { StateDirectory } from './models/persistence';
import { EmulatorState } from './models/state';
import { parseTopology } from './models/topologyFile';
import type { Topology } from './models/topologyTypes';
import { ROUTES } from './routes';

export interface EmulatorOptions {
  /** Port for IAM, the VPC API and the control API; 0 picks a free one. @default 0 */
  port?: number;
  /** Port for COS (s3rver); 0 picks a free one. @default 0 */
  cosPort?: number;
  /** Topology: a parsed object, or a file path. @default the bundled use-case-1 topology */
  topology?: unknown;
  /** Directory that keeps state across restarts. @default none: state lives in memory and a temp dir */
  stateDir?: string;
  /** An API key to accept besides the generated one (persisted with the state). */
  apiKey?: string;
  /** Seconds a collector stays `pending` / `deleting` before it lands. @default 1 each */
  pendingSeconds?: number;
  deletingSeconds?: number;
  /**
   * Where the emulator clock starts, e.g. `'2026-01-05T09:00:00Z'`: with it, capture windows, keys, stream ids and
   * every flow-log record are the same on every run. A saved state's clock wins. @default now
   */
  clockStart?: string | number | Date;
  /**
   * Also write flow-log windows as wall time crosses 5-minute boundaries, not only on clock advances and
   * `POST /_emulator/flowlogs/write` (for a long-running emulator). @default false
   */
  realTimeFlowLogs?: boolean;
  /** Where unexpected errors are reported. @default stderr */
  log?: (line: string) => void;
  /**
   * Browser origins allowed to call the emulator's APIs (e.g. `http://localhost:3000`); `*` allows every one. Any
   * other request that carries an `Origin` is refused, as are requests whose `Host` is not the emulator's loopback
   * address (DNS rebinding). @default none
   */
  allowedOrigins?: string[];
}

/** The line `ibm-flowlogs emulator` prints first: the provider's config keys of the same names take these values. */
export interface EmulatorEndpoints {
  vpcEndpoint: string;
  iamEndpoint: string;
  /** Global Tagging (`/v3/tags`), on the same server as the VPC API. */
  taggingEndpoint: string;
  /** Resource Manager (`/v2/resource_groups`), on the same server; IAM Policy Management (`/v1/policies`) is at iamEndpoint. */
  resourceManagerEndpoint: string;
  cosEndpoint: string;
  /** The COS instance's GUID (ibm-cos-sdk's `serviceInstanceId`, IAM policies' `serviceInstance`) and CRN. */
  cosInstanceId: string;
  cosInstanceCrn: string;
  controlEndpoint: string;
  region: string;
  apiKey: string;
  cosAccessKeyId: string;
  cosSecretAccessKey: string;
}

export interface RunningEmulator {
  endpoints: EmulatorEndpoints;
  state: EmulatorState;
  /** Saves state (with a state directory), closes every connection and stops COS. */
  close(): Promise<void>;
}

const BODY_LIMIT = 1024 * 1024;
// Compiled to dist/emulator/src: the topologies stay in the source tree.
export const DEFAULT_TOPOLOGY = resolve(__dirname, '../../../emulator/topologies/use-case-1.json');

export function loadTopology(source: unknown): Topology {
  let raw = source;
  if (typeof source === 'string') {
    let text: string;
    try {
      text = readFileSync(source, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not a file' : (error as Error).message;
      throw new Error(`topology ${resolve(source)}: ${why}; give a topology JSON file, e.g. ${DEFAULT_TOPOLOGY} (the default), or leave out --topology`);
    }
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new Error(`${source} is not valid JSON: ${(error as Error).message}`);
    }
  }
  const parsed = parseTopology(raw);
  if (!parsed.ok) {
    const where = typeof source === 'string' ? source : 'topology';
    throw new Error(`${where} is not a valid topology:\n${parsed.issues.map((i) => `  ${i.path || '(root)'}: ${i.reason}`).join('\n')}`);
  }
  return parsed.topology;
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > BODY_LIMIT ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload: Buffer | undefined;
  if (reply.body !== undefined) {
    // Encoded once: measuring the string's UTF-8 length and then writing it encodes a page of 500 instances twice.
    payload = Buffer.from(JSON.stringify(reply.body));
    headers['content-type'] = 'application/json; charset=utf-8';
    headers['content-length'] = String(payload.length);
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}

function errorReply(error: unknown, trace: string, url: string, log: (line: string) => void): Reply {
  if (error instanceof EmulatorError) return { status: error.status, body: error.body(trace), headers: { 'x-request-id': trace, ...error.headers } };
  if (error instanceof IamError) return { status: error.status, body: error.body(trace, url) };
  log(`emulator: unexpected error (trace ${trace}): ${(error as Error)?.stack ?? String(error)}`);
  const internal = new EmulatorError({ code: 'internal_error', message: `The emulator failed unexpectedly; trace ${trace}.` });
  return { status: 500, body: internal.body(trace) };
}

const FAULT_ERRORS = {
  '429': { code: 'too_many_requests', message: 'Rate limit exceeded. Retry after the time given in Retry-After.' },
  '500': { code: 'internal_error', message: 'Internal error (injected by the emulator).' },
  '503': { code: 'service_unavailable', message: 'The service is temporarily unavailable (injected by the emulator).' },
} as const;

/**
 * Starts the local IBM Cloud: IAM (tokens, policies) + VPC API + Global Tagging + Resource Manager + control API on one
 * port, COS on another.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const dir = options.stateDir ? new StateDirectory(options.stateDir) : undefined;
  dir?.lock();
  try {
    return await start(options, dir);
  } catch (error) {
    dir?.unlock();
    throw error;
  }
}

async function start(options: EmulatorOptions, dir: StateDirectory | undefined): Promise<RunningEmulator> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const allowedOrigins = (options.allowedOrigins ?? []).map(normalizeOrigin);
  const saved = dir?.load();
  const seed = saved ? saved.seed : loadTopology(options.topology ?? DEFAULT_TOPOLOGY);
  const clockStartMs = options.clockStart === undefined ? undefined : new Date(options.clockStart).getTime();
  if (clockStartMs !== undefined && !Number.isFinite(clockStartMs)) throw new Error(`clockStart ${JSON.stringify(options.clockStart)} is not a date`);
  const state = new EmulatorState(seed, { cosDirectory: dir?.cosDirectory, apiKey: options.apiKey, saved, clockStartMs });
  if (options.pendingSeconds !== undefined) state.collectors.settings.pendingSeconds = options.pendingSeconds;
  if (options.deletingSeconds !== undefined) state.collectors.settings.deletingSeconds = options.deletingSeconds;
  await state.cos.start(options.cosPort ?? 0, allowedOrigins);
  if (!saved) await state.seedBuckets(seed);
  if (options.realTimeFlowLogs) state.flowLogs.startRealTime();

  // A request's change is on disk before it is answered (see handle). Changes no request made (flow-log windows
  // written as time passes) are saved 25 ms later, coalesced: a burst of them costs one write.
  let saveTimer: NodeJS.Timeout | undefined;
  let dirty = false;
  const saveNow = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = undefined;
    dirty = false;
    dir?.save(state.persisted());
  };
  if (dir) {
    state.onChange = () => {
      dirty = true;
      saveTimer ??= setTimeout(() => {
        try {
          saveNow();
        } catch (error) {
          log(`emulator: could not save the state to ${dir.file}: ${(error as Error).message}`);
        }
      }, 25);
    };
    saveNow();
  }

  const router = new Router(ROUTES);
  let base = '';

  let port = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const trace = traceId();
    const method = req.method ?? 'GET';
    const admission = admit(req, base, { port, allowedOrigins });
    if (!admission.ok) {
      const error = new EmulatorError({ code: admission.code, message: admission.message });
      send(res, { status: error.status, body: error.body(trace), headers: { 'x-request-id': trace } });
      return;
    }
    if (admission.preflight) {
      send(res, { status: 204, headers: admission.preflight });
      return;
    }
    const { url, cors } = admission;
    const match = router.match(method, url.pathname);
    // Any /_emulator path is a control call (even a mistyped one): never counted, never faulted.
    const isControl = url.pathname === '/_emulator' || url.pathname.startsWith('/_emulator/');
    const api = match.kind === 'found' ? match.route.api : isControl ? 'control' : undefined;
    if (api !== 'control') state.counters.count(method, match.kind === 'found' ? match.route.path : '(no route)');

    const fault = api === 'control' ? undefined : state.faults.take(method, url.pathname);
    if (fault) state.counters.faultsFired += 1;
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'latency') await new Promise((r) => setTimeout(r, fault.latencyMs ?? 0));
    if (fault && (fault.kind === '429' || fault.kind === '500' || fault.kind === '503')) {
      const error = new EmulatorError(FAULT_ERRORS[fault.kind], fault.kind === '429' ? { 'retry-after': String(fault.retryAfter ?? 1) } : {});
      send(res, { status: error.status, body: error.body(trace), headers: { 'x-request-id': trace, ...error.headers } });
      return;
    }

    let reply: Reply;
    try {
      const body = await readBody(req);
      if (body === 'too-large') throw new EmulatorError({ code: 'request_too_large', message: `The request body is larger than ${BODY_LIMIT} bytes.` });
      if (match.kind === 'none') throw new EmulatorError({ code: 'not_found', message: `No API at ${method} ${url.pathname}.` });
      if (match.kind === 'method') {
        throw new EmulatorError({ code: 'method_not_allowed', message: `${method} is not allowed on ${url.pathname}; allowed: ${match.allowed.join(', ')}.` }, { allow: match.allowed.join(', ') });
      }
      const ctx = new RequestContext(method, url.pathname, match.params, url.searchParams, req.headers, body, state, base);
      if (api === 'vpc') checkVpcRequest(ctx);
      if (api === 'tagging') checkTaggingRequest(ctx);
      if (api === 'iamPolicy' || api === 'resourceManager') checkPlatformRequest(ctx);
      reply = await match.route.handler(ctx);
    } catch (error) {
      reply = errorReply(error, trace, url.toString(), log);
    }
    // Durable before it is acknowledged: a kill -9 right after the answer keeps what the answer reports.
    if (dirty) {
      try {
        saveNow();
      } catch (error) {
        log(`emulator: could not save the state to ${dir?.file}: ${(error as Error).message}`);
        reply = errorReply(new EmulatorError({ code: 'internal_error', message: `The change was made but could not be saved to ${dir?.dir}: ${(error as Error).message}.` }), trace, url.toString(), log);
      }
    }
    // A create that succeeded but whose answer never arrives: the client cannot tell it from a dropped request.
    if (fault?.kind === 'lost-response') {
      req.socket.destroy();
      return;
    }
    send(res, { ...reply, headers: { ...cors, ...reply.headers } });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) send(res, errorReply(error, traceId(), req.url ?? '', log));
    });
  });
  server.keepAliveTimeout = 30_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    if (saveTimer) clearTimeout(saveTimer);
    await state.flowLogs.stop();
    await state.cos.stop();
    throw new Error(`cannot listen on 127.0.0.1:${options.port ?? 0}: ${(error as Error).message}`);
  }
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;

  const endpoints: EmulatorEndpoints = {
    vpcEndpoint: base,
    iamEndpoint: base,
    taggingEndpoint: base,
    resourceManagerEndpoint: base,
    cosEndpoint: state.cos.endpoint,
    cosInstanceId: state.cosInstance.guid,
    cosInstanceCrn: state.cosInstance.crn,
    controlEndpoint: `${base}/_emulator`,
    region: state.topology.region,
    apiKey: state.iam.apiKey,
    cosAccessKeyId: state.cos.hmac.accessKeyId,
    cosSecretAccessKey: state.cos.hmac.secretAccessKey,
  };

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await state.flowLogs.stop();
      if (dir) saveNow();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await state.cos.stop();
      dir?.unlock();
    })();
    return closing;
  };
  return { endpoints, state, close };
}
