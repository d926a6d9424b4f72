import type { IncomingHttpHeaders } from 'node:http';
import { fail } from '../errors';
import type { EmulatorState } from '../models/state';
import { References } from '../views/references';

export type ApiKind = 'iam' | 'vpc' | 'tagging' | 'iamPolicy' | 'resourceManager' | 'control';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** What a handler sees of one request: parsed path parameters and query, the raw body, and the emulator's state. */
export class RequestContext {
  private cachedRefs?: References;

  constructor(
    readonly method: string,
    readonly path: string,
    readonly params: Record<string, string>,
    readonly query: URLSearchParams,
    readonly headers: IncomingHttpHeaders,
    readonly rawBody: Buffer,
    readonly state: EmulatorState,
    /** This server's own base URL: hrefs point back at it. */
    readonly base: string,
  ) {}

  get refs(): References {
    this.cachedRefs ??= new References(this.base, this.state.topology);
    return this.cachedRefs;
  }

  private mediaType(): string {
    return String(this.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  }

  /** The JSON body, after checking its media type (POST: application/json; PATCH: application/merge-patch+json). */
  json(mediaType: string): unknown {
    if (this.mediaType() !== mediaType) {
      fail('unsupported_media_type', `Content-Type must be ${mediaType}; received "${this.mediaType() || 'none'}".`, { name: 'Content-Type', type: 'header', value: this.mediaType() });
    }
    const text = this.rawBody.toString('utf8');
    if (text.trim() === '') fail('invalid_request', 'The request body is empty; a JSON object is required.');
    try {
      return JSON.parse(text);
    } catch (e) {
      fail('invalid_request', `The request body is not valid JSON: ${(e as Error).message}.`);
    }
  }

  /** Control API bodies: JSON when present, `{}` when empty; no media-type ceremony. */
  controlBody(): unknown {
    const text = this.rawBody.toString('utf8');
    if (text.trim() === '') return {};
    try {
      return JSON.parse(text);
    } catch (e) {
      fail('invalid_request', `The request body is not valid JSON: ${(e as Error).message}.`);
    }
  }

  /** Query values for the given names, leaving out the absent ones. */
  pick<K extends string>(names: readonly K[]): Partial<Record<K, string>> {
    const out: Partial<Record<K, string>> = {};
    for (const name of names) {
      const value = this.query.get(name);
      if (value !== null) out[name] = value;
    }
    return out;
  }
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

export const ok = (body: unknown, status = 200): Reply => ({ status, body });
export const noContent = (): Reply => ({ status: 204 });
