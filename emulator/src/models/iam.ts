import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, randomUUID, sign, verify } from 'node:crypto';
import { IamError } from '../errors';
import { randomSecret } from './ids';

export interface IamSnapshot {
  apiKeys: string[];
  signingKeyPem: string;
  tokenLifetimeSeconds: number;
  instanceId: string;
}

export type TokenCheck = { ok: true; account: string } | { ok: false; reason: 'missing' | 'malformed' | 'signature' | 'expired' };

let processKey: KeyObject | undefined;

/** RSA key generation costs tens of milliseconds; one key serves every emulator of a process unless state holds one. */
function sharedSigningKey(): KeyObject {
  processKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return processKey;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * IAM's token service: API-key grant and refresh-token grant, RS256 JWT access tokens with `iat`/`exp` (IBM's SDK
 * core decodes them to schedule refreshes and refuses a token without them).
 *
 * Token lifetimes run on wall time, not on the emulator's clock: IBM's SDK core judges a token by its `exp` against
 * the machine's clock and does not retry a 401, so a token that the emulator's clock expired while the SDK's clock
 * did not would fail every call. The emulator's clock is service time (lifecycle, flow-log windows); moving it leaves
 * tokens alone. {@link expireIssued} stands in for time passing, for tests of re-authentication.
 */
export class IamModel {
  readonly apiKeys: Set<string>;
  private readonly key: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly refreshTokens = new Map<string, string>();
  /** Tokens issued before this instant (ms, wall time) answer `expired`: set by {@link expireIssued}. */
  private expiredBefore = 0;
  readonly kid: string;
  /** Tells this emulator's tokens from those of another in the same process, which shares the signing key. */
  private readonly instanceId: string;
  tokenLifetimeSeconds: number;

  constructor(private readonly account: string, snapshot?: Partial<IamSnapshot>, apiKey?: string, private readonly wallClock: () => number = Date.now) {
    this.apiKeys = new Set(snapshot?.apiKeys ?? [apiKey ?? randomSecret(32)]);
    if (apiKey) this.apiKeys.add(apiKey);
    this.key = snapshot?.signingKeyPem ? createPrivateKey(snapshot.signingKeyPem) : sharedSigningKey();
    this.publicKey = createPublicKey(this.key);
    this.kid = `emulator-${this.publicKey.export({ format: 'jwk' }).n!.slice(0, 8)}`;
    this.tokenLifetimeSeconds = snapshot?.tokenLifetimeSeconds ?? 3600;
    this.instanceId = snapshot?.instanceId ?? randomSecret(12);
  }

  /** The first API key: the one the emulator prints and tests use. */
  get apiKey(): string {
    return [...this.apiKeys][0];
  }

  snapshot(): IamSnapshot {
    return {
      apiKeys: [...this.apiKeys],
      signingKeyPem: this.key.export({ type: 'pkcs8', format: 'pem' }).toString(),
      tokenLifetimeSeconds: this.tokenLifetimeSeconds,
      instanceId: this.instanceId,
    };
  }

  jwks(): object {
    return { keys: [{ ...this.publicKey.export({ format: 'jwk' }), kid: this.kid, alg: 'RS256', use: 'sig' }] };
  }

  grant(form: URLSearchParams, issuer: string): object {
    const grantType = form.get('grant_type');
    let apiKey: string;
    if (grantType === 'urn:ibm:params:oauth:grant-type:apikey') {
      const given = form.get('apikey');
      if (!given) throw new IamError('propertyMissing', 'Property name: apikey');
      if (!this.apiKeys.has(given)) throw new IamError('apikeyNotFound');
      apiKey = given;
    } else if (grantType === 'refresh_token') {
      const given = form.get('refresh_token');
      if (!given) throw new IamError('propertyMissing', 'Property name: refresh_token');
      const owner = this.refreshTokens.get(given);
      if (!owner || !this.apiKeys.has(owner)) throw new IamError('refreshTokenInvalid');
      apiKey = owner;
    } else if (!grantType) {
      throw new IamError('propertyMissing', 'Property name: grant_type');
    } else {
      throw new IamError('grantTypeInvalid', `Received: ${grantType.slice(0, 80)}`);
    }
    // Never inside the millisecond an expireIssued() call closed.
    const issuedMs = Math.max(this.wallClock(), this.expiredBefore);
    const iat = Math.floor(issuedMs / 1000);
    const exp = iat + this.tokenLifetimeSeconds;
    const serviceId = `ServiceId-${apiKey.length}${this.account.slice(0, 8)}`;
    const header = { kid: this.kid, alg: 'RS256', typ: 'JWT' };
    const payload = {
      iam_id: `iam-${serviceId}`,
      id: `iam-${serviceId}`,
      realmid: `iam-${this.instanceId}`,
      jti: randomUUID(),
      identifier: serviceId,
      sub: serviceId,
      sub_type: 'ServiceId',
      account: { valid: true, bss: this.account },
      iat,
      exp,
      // When in the millisecond it was issued, so that expireIssued() can tell tokens of one second apart.
      issued_ms: issuedMs,
      iss: issuer,
      grant_type: grantType,
      scope: 'ibm openid',
      client_id: 'default',
    };
    const unsigned = `${b64(header)}.${b64(payload)}`;
    const signature = sign('sha256', Buffer.from(unsigned), this.key).toString('base64url');
    const refreshToken = randomSecret(48);
    this.refreshTokens.set(refreshToken, apiKey);
    return {
      access_token: `${unsigned}.${signature}`,
      refresh_token: refreshToken,
      token_type: 'Bearer',
      expires_in: this.tokenLifetimeSeconds,
      expiration: exp,
      scope: 'ibm openid',
    };
  }

  /** Every token issued so far answers `expired` from now on (a fresh token is needed, as after an hour). */
  expireIssued(): void {
    this.expiredBefore = this.wallClock() + 1;
  }

  /** Checks an `Authorization` header value against this emulator's key and wall time. */
  check(authorization: string | undefined): TokenCheck {
    if (!authorization) return { ok: false, reason: 'missing' };
    const m = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(authorization.trim());
    if (!m) return { ok: false, reason: 'malformed' };
    let payload: { exp?: unknown; issued_ms?: unknown; realmid?: unknown; account?: { bss?: unknown } };
    try {
      payload = JSON.parse(Buffer.from(m[2], 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (!verify('sha256', Buffer.from(`${m[1]}.${m[2]}`), this.publicKey, Buffer.from(m[3], 'base64url'))) {
      return { ok: false, reason: 'signature' };
    }
    if (payload.realmid !== `iam-${this.instanceId}` || payload.account?.bss !== this.account) return { ok: false, reason: 'signature' };
    if (typeof payload.exp !== 'number' || payload.exp * 1000 <= this.wallClock()) return { ok: false, reason: 'expired' };
    if (typeof payload.issued_ms !== 'number' || payload.issued_ms < this.expiredBefore) return { ok: false, reason: 'expired' };
    return { ok: true, account: String(payload.account?.bss ?? '') };
  }
}
