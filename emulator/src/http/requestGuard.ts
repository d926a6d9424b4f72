/**
 * Who may steer the emulator. It has no authentication of its own beyond the test credentials it prints, so a web
 * page must not reach it: through DNS rebinding a page's requests arrive on loopback with the page's own host name
 * in `Host`, and any page's requests carry its `Origin`. Every API (IAM, VPC, Global Tagging, control, COS) answers
 * only requests addressed to the address it listens on, under a loopback name, and refuses a browser `Origin` that
 * is not on an allowlist, empty by default, as LocalStack does (`EXTRA_CORS_ALLOWED_ORIGINS`). Paths are taken as
 * sent: a `.` or `..` segment is refused, never resolved (`/v1/flow_log_collectors/..` must not quietly become
 * `/v1/`). Pure: a request's line and headers in, a verdict out.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** The names a loopback listener is reached by. */
export const LOOPBACK_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

export interface GuardSettings {
  /** The port the server listens on. */
  port: number;
  /** Origins allowed to call (exactly, e.g. `http://localhost:3000`); `*` allows every origin. */
  allowedOrigins: readonly string[];
}

export interface Refusal {
  what: 'host' | 'origin';
  message: string;
}

const shown = (value: string) => JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);

/** `scheme://host[:port]` in lower case without a trailing slash: how origins are compared. */
export function normalizeOrigin(origin: string): string {
  return origin.trim().toLowerCase().replace(/\/+$/, '');
}

/** Why a request must be refused, or undefined when it may proceed. `host` is the Host header (or the authority of an absolute-form target). */
export function refusal(host: string | undefined, origin: string | undefined, settings: GuardSettings): Refusal | undefined {
  const addresses = LOOPBACK_NAMES.map((n) => `${n}:${settings.port}`).join(', ');
  if (host === undefined || host === '') {
    return { what: 'host', message: `The request has no Host header; this emulator answers only requests addressed to ${addresses}.` };
  }
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(host.trim().toLowerCase());
  const name = m?.[1];
  const port = m?.[2] === undefined ? 80 : Number(m[2]);
  if (!m || !LOOPBACK_NAMES.includes(name!) || port !== settings.port) {
    return {
      what: 'host',
      message: `Host ${shown(host)} is not this emulator's address; it answers only requests addressed to ${addresses}, so that a web page cannot reach it through DNS rebinding.`,
    };
  }
  if (origin !== undefined && !originAllowed(origin, settings.allowedOrigins)) {
    return {
      what: 'origin',
      message: `Origin ${shown(origin)} is not allowed: the emulator refuses requests from web pages whose origin is not on its allowlist (empty by default). Start it with --allow-origin ${shown(normalizeOrigin(origin))} (option allowedOrigins) to let that page call it.`,
    };
  }
  return undefined;
}

export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  return allowed.includes('*') || allowed.map(normalizeOrigin).includes(normalizeOrigin(origin));
}

/** What the server does with a request before routing it: refuse it, answer a preflight, or route `url`. */
export type Admission =
  | { ok: false; code: 'invalid_request' | 'host_not_allowed' | 'origin_not_allowed'; message: string }
  | { ok: true; url: URL; cors: Record<string, string>; preflight?: Record<string, string> };

const DOT_SEGMENT = /^(\.|%2e){1,2}$/i;

export function admit(req: { url?: string; method?: string; headers: IncomingHttpHeaders }, base: string, settings: GuardSettings): Admission {
  // An absolute-form target (`GET http://host/path`) names its host itself; it must be this emulator too.
  const target = req.url ?? '/';
  const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(target);
  let url: URL;
  try {
    url = new URL(target, base);
  } catch {
    return { ok: false, code: 'invalid_request', message: `The request target ${shown(target)} is not a valid URL or path.` };
  }
  const path = absolute ? url.pathname : target.split('?')[0];
  if (path.split('/').some((segment) => DOT_SEGMENT.test(segment))) {
    return { ok: false, code: 'invalid_request', message: `The path ${shown(target.split('?')[0])} has a "." or ".." segment; the emulator takes paths as they are sent and does not resolve them.` };
  }
  const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
  const refused = refusal(absolute ? url.host : req.headers.host, origin, settings);
  if (refused) return { ok: false, code: refused.what === 'host' ? 'host_not_allowed' : 'origin_not_allowed', message: refused.message };
  // An allowed page may read the answers (CORS), and its preflights are answered here.
  const cors: Record<string, string> = origin ? { 'access-control-allow-origin': origin, vary: 'Origin', 'access-control-expose-headers': 'x-request-id, retry-after' } : {};
  if (origin && req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
    const preflight = {
      ...cors,
      'access-control-allow-methods': 'GET, POST, PATCH, PUT, DELETE',
      'access-control-allow-headers': String(req.headers['access-control-request-headers'] ?? 'authorization, content-type'),
      'access-control-max-age': '600',
    };
    return { ok: true, url, cors, preflight };
  }
  return { ok: true, url, cors };
}
