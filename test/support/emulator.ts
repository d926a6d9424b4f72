import * as COS from 'ibm-cos-sdk';
import { startEmulator, type EmulatorEndpoints, type EmulatorOptions, type RunningEmulator } from '../../emulator/src';

/** The API version date every test sends (inside the emulator's window). */
export const API_VERSION = '2025-12-16';

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A small client over real HTTP (Node's fetch) for the emulator's three APIs. */
export class EmulatorClient {
  private token?: string;

  constructor(readonly emulator: RunningEmulator) {}

  get endpoints() {
    return this.emulator.endpoints;
  }

  async raw(method: string, url: string, init: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<HttpResult> {
    const res = await fetch(url, { method, headers: init.headers, body: init.body });
    const text = await res.text();
    let body: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
    return { status: res.status, headers: res.headers, body };
  }

  /** POST /identity/token with an API key (the emulator's own unless given). */
  async requestToken(apiKey = this.endpoints.apiKey): Promise<HttpResult> {
    const form = new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: apiKey, response_type: 'cloud_iam' });
    return this.raw('POST', `${this.endpoints.iamEndpoint}/identity/token`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    });
  }

  async accessToken(): Promise<string> {
    if (!this.token) {
      const res = await this.requestToken();
      if (res.status !== 200) throw new Error(`token request failed: ${res.status}`);
      this.token = res.body.access_token as string;
    }
    return this.token;
  }

  forgetToken(): void {
    this.token = undefined;
  }

  /**
   * A VPC API call with a valid token, `version` and `generation=2` unless overridden. `query` values replace the
   * defaults; a value of `null` leaves that parameter out.
   */
  async vpc(
    method: string,
    path: string,
    options: { query?: Record<string, string | null>; body?: unknown; rawBody?: string; contentType?: string; authorization?: string | null } = {},
  ): Promise<HttpResult> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({ version: API_VERSION, generation: '2', ...options.query })) if (v !== null) q.set(k, v);
    const headers: Record<string, string> = { accept: 'application/json' };
    const auth = options.authorization === undefined ? `Bearer ${await this.accessToken()}` : options.authorization;
    if (auth !== null) headers.authorization = auth;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = options.contentType ?? (method === 'PATCH' ? 'application/merge-patch+json' : 'application/json');
    const sep = path.includes('?') ? '&' : '?';
    return this.raw(method, `${this.endpoints.vpcEndpoint}${path}${sep}${q.toString()}`, { headers, body });
  }

  /** A control API call: `path` is relative to /_emulator. */
  async control(method: string, path: string, body?: unknown): Promise<HttpResult> {
    return this.raw(method, `${this.endpoints.controlEndpoint}${path}`, {
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** The seeded topology as the emulator holds it. */
  async topology(): Promise<any> {
    return (await this.control('GET', '/state')).body.topology;
  }

  /** Looks up a topology resource id by kind and name (`subnets`, `subnet-1`). */
  async idOf(kind: 'vpcs' | 'subnets' | 'instances' | 'networkInterfaces' | 'networkAttachments' | 'virtualNetworkInterfaces', name: string, instanceName?: string): Promise<string> {
    const t = await this.topology();
    const owner = instanceName ? t.instances.find((i: any) => i.name === instanceName)?.id : undefined;
    const item = t[kind].find((x: any) => x.name === name && (owner === undefined || x.instanceId === owner));
    if (!item) throw new Error(`no ${kind} named ${name}`);
    return item.id;
  }

  /** Creates a collector and returns its body; fails the test on anything but 201. */
  async createCollector(body: Record<string, unknown>): Promise<any> {
    const res = await this.vpc('POST', '/v1/flow_log_collectors', { body });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
}

/**
 * Registers mocha hooks that start a fresh emulator (port 0, temp COS dir, lifecycle delays 0 unless given) before
 * each test and stop it after, as got's tests start a server per test. Returns a getter for the client.
 */
export function useEmulator(options: EmulatorOptions = {}): () => EmulatorClient {
  let client: EmulatorClient | undefined;
  beforeEach(async () => {
    client = new EmulatorClient(await startEmulator({ pendingSeconds: 0, deletingSeconds: 0, log: () => undefined, ...options }));
  });
  afterEach(async () => {
    await client?.emulator.close();
    client = undefined;
  });
  return () => {
    if (!client) throw new Error('the emulator is not running (useEmulator hooks not registered?)');
    return client;
  };
}

/** The first error of an IBM error body, for assertions. */
export function firstError(body: any): { code: string; message: string; target?: { name: string; type: string; value?: unknown } } {
  return body.errors[0];
}

/** IBM's COS SDK pointed at the emulator's COS (path-style, HMAC, no retries), with its keys unless others are given. */
export function cosClient(endpoints: EmulatorEndpoints, credentials?: { accessKeyId: string; secretAccessKey: string }): COS.S3 {
  return new COS.S3({
    endpoint: endpoints.cosEndpoint,
    accessKeyId: credentials?.accessKeyId ?? endpoints.cosAccessKeyId,
    secretAccessKey: credentials?.secretAccessKey ?? endpoints.cosSecretAccessKey,
    s3ForcePathStyle: true,
    signatureVersion: 'v4',
    region: 'us-south',
    maxRetries: 0,
  });
}

/** The error a promise that must fail rejects with; fails the test when it resolves. */
export async function rejectionOf<E = Error & { code?: string; statusCode?: number; cause?: { code?: string } }>(p: Promise<unknown>): Promise<E> {
  try {
    await p;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected the request to fail, but it succeeded');
}

/** The provider's connection config pointed at an emulator (what Configure resolves from its endpoints line). */
export function ibmConnectionOf(endpoints: EmulatorEndpoints, overrides: Partial<Record<'apiKey' | 'vpcEndpoint' | 'iamEndpoint' | 'taggingEndpoint', string>> = {}) {
  return {
    region: endpoints.region,
    apiKey: endpoints.apiKey,
    vpcEndpoint: endpoints.vpcEndpoint,
    iamEndpoint: endpoints.iamEndpoint,
    taggingEndpoint: endpoints.taggingEndpoint,
    ...overrides,
  };
}

/** Fails when any of `secrets` appears in the error's String() or JSON.stringify() form. */
export function expectNoSecrets(error: unknown, secrets: string[]): void {
  const forms = [String(error), JSON.stringify(error), (error as Error)?.stack ?? ''];
  for (const secret of secrets.filter((s) => s.length >= 8)) {
    for (const form of forms) {
      if (form.includes(secret)) throw new Error(`an error exposes a secret (${secret.slice(0, 4)}…): ${form.slice(0, 300)}`);
    }
  }
}

/** Requests the emulator counted, by "METHOD /route/{template}". */
export async function requestCounts(client: EmulatorClient): Promise<Record<string, number>> {
  return (await client.control('GET', '/requests')).body.byRoute;
}
