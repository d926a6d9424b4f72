/**
 * Provider configuration (design.md §3 "Provider config"): CheckConfig, DiffConfig and Configure as pure functions.
 * The only input from outside is the environment, passed in as a plain object so tests can hold it still.
 *
 * Why the provider reads the environment itself: the engine applies no env-var fallback for a default provider
 * (protocol §1.9). Why the fallbacks land in CheckConfig's result: the engine hands that result to Configure and
 * stores it, so what the provider ran with is visible in the state (secrets stay wrapped there, so they are
 * encrypted).
 */
import type { IbmConnection } from '../ibm/types';
import { PObject, PValue, Secret, UNKNOWN, Unknown, decode, isPObject, keyPath, sameValue, secret } from './codec';

export const PACKAGE = 'ibmflowlogs';

/** IBM Cloud's VPC regions (reference/ibm-flowlogs-api.md §1: the regions with a VPC API endpoint). */
export const VPC_REGIONS = ['au-syd', 'br-sao', 'ca-mon', 'ca-tor', 'eu-de', 'eu-es', 'eu-gb', 'in-che', 'jp-osa', 'jp-tok', 'us-east', 'us-south'] as const;
export const DEFAULT_REGION = 'us-south';

export const PUBLIC_IAM_ENDPOINT = 'https://iam.cloud.ibm.com';
export const PRIVATE_IAM_ENDPOINT = 'https://private.iam.cloud.ibm.com';
export const PUBLIC_TAGGING_ENDPOINT = 'https://tags.global-search-tagging.cloud.ibm.com';
export const PRIVATE_TAGGING_ENDPOINT = 'https://tags.private.global-search-tagging.cloud.ibm.com';

export function defaultVpcEndpoint(region: string, usePrivate: boolean): string {
  return usePrivate ? `https://${region}.private.iaas.cloud.ibm.com` : `https://${region}.iaas.cloud.ibm.com`;
}

/**
 * Keys the engine itself puts into a provider's inputs (pulumi/pulumi `pkg/resource/deploy/providers/registry.go`):
 * they are not ours to validate, and the engine needs them back from CheckConfig to load the right plugin.
 */
export const ENGINE_KEYS: ReadonlySet<string> = new Set(['version', 'pluginDownloadURL', 'pluginChecksums', 'parameter']);

type KeyType = 'string' | 'boolean';

interface KeySpec {
  /** What the key is, for the protocol's missing-keys detail. */
  description: string;
  type: KeyType;
  /** Always wrapped secret in CheckConfig's result and never echoed in a message. */
  secret: boolean;
  /** Environment variables read when the key is not set, first one set wins. */
  env: readonly string[];
  /** A change means another cloud or account: the provider, and so its resources, are replaced. */
  replaces: boolean;
}

const KEY_SPECS = {
  region: { description: 'the IBM Cloud VPC region', type: 'string', secret: false, env: ['IBMCLOUD_REGION', 'IC_REGION'], replaces: true },
  apiKey: { description: 'an IBM Cloud API key', type: 'string', secret: true, env: ['IBMCLOUD_API_KEY', 'IC_API_KEY'], replaces: false },
  vpcEndpoint: { description: 'the VPC API base URL', type: 'string', secret: false, env: ['IBMCLOUD_IS_NG_API_ENDPOINT'], replaces: true },
  iamEndpoint: { description: 'the IAM base URL', type: 'string', secret: false, env: ['IBMCLOUD_IAM_API_ENDPOINT'], replaces: true },
  // Tags are global and the COS endpoint only serves preview's bucket checks: neither moves a collector.
  taggingEndpoint: { description: 'the Global Tagging base URL', type: 'string', secret: false, env: ['IBMCLOUD_GT_API_ENDPOINT'], replaces: false },
  private: { description: "whether to use the region's private endpoints", type: 'boolean', secret: false, env: [], replaces: true },
  cosEndpoint: { description: "the Cloud Object Storage endpoint for preview's bucket checks", type: 'string', secret: false, env: [], replaces: false },
  cosAccessKeyId: { description: 'the COS HMAC access key id', type: 'string', secret: false, env: ['AWS_ACCESS_KEY_ID'], replaces: false },
  cosSecretAccessKey: { description: 'the COS HMAC secret access key', type: 'string', secret: true, env: ['AWS_SECRET_ACCESS_KEY'], replaces: false },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof KEY_SPECS;
export const CONFIG_KEYS = Object.keys(KEY_SPECS) as ConfigKey[];

function isConfigKey(key: string): key is ConfigKey {
  return Object.prototype.hasOwnProperty.call(KEY_SPECS, key);
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface ConfigFailure {
  property: string;
  reason: string;
}

export interface CheckedConfig {
  /** What CheckConfig returns: bare keys, coerced values, defaults and env fallbacks applied, secrets wrapped. */
  inputs: PObject;
  failures: ConfigFailure[];
}

export interface CosAccess {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** The resolved configuration Configure hands to the IBM clients: plain values, no secrets wrapped. */
export interface ProviderConfig extends IbmConnection {
  private: boolean;
  cos?: CosAccess;
}

/** Configure could not resolve the configuration. The message lists every failure and never holds a secret. */
export class ConfigError extends Error {
  constructor(
    readonly failures: ConfigFailure[],
    /** Required keys with no value anywhere, for the protocol's `ConfigureErrorMissingKeys` detail. */
    readonly missingKeys: Array<{ name: string; description: string }>,
  ) {
    super(`invalid ${PACKAGE} provider configuration:\n${failures.map((f) => `  - ${f.property}: ${f.reason}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// One key's value as the evaluation sees it

type Source = { from: 'config' } | { from: 'env'; name: string } | { from: 'default' };

type Field<T> =
  | { kind: 'absent' }
  | { kind: 'unknown'; secret: boolean }
  | { kind: 'known'; value: T; secret: boolean; source: Source };

const ABSENT: Field<never> = { kind: 'absent' };

/** The received value, described for a message: "(secret)" for anything secret, JSON otherwise, kept short. */
function describeReceived(value: PValue, isSecretValue: boolean): string {
  if (isSecretValue) return '(secret)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isPObject(value)) return 'an object';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function describeSource(source: Source): string {
  return source.from === 'env' ? ` (from the environment variable ${source.name})` : '';
}

function configName(key: ConfigKey): string {
  return `${PACKAGE}:${key}`;
}

/** How to set a key, for messages: the config key and, where there are some, the environment variables. */
function howToSet(key: ConfigKey): string {
  const spec: KeySpec = KEY_SPECS[key];
  const set = `pulumi config set ${spec.secret ? '--secret ' : ''}${configName(key)} <value>`;
  return spec.env.length === 0 ? `set it with \`${set}\`` : `set it with \`${set}\` or the environment variable ${spec.env.join(' or ')}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Keys: bare, `ibmflowlogs:key` or `ibmflowlogs:config:key`

function bareKey(key: string): string {
  for (const prefix of [`${PACKAGE}:config:`, `${PACKAGE}:`]) {
    if (key.startsWith(prefix)) return key.slice(prefix.length);
  }
  return key;
}

/** Small edit distance, for "did you mean" on a misspelt key. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** The one key within two edits (case aside) of what was received; none when two keys are as close. */
function suggestKey(key: string): ConfigKey | undefined {
  const lower = bareKey(key).toLowerCase();
  const ranked = CONFIG_KEYS.map((k) => ({ k, d: editDistance(lower, k.toLowerCase()) })).sort((x, y) => x.d - y.d);
  return ranked[0].d <= 2 && ranked[1].d > ranked[0].d ? ranked[0].k : undefined;
}

function unknownKeyFailure(key: string): ConfigFailure {
  const hint = suggestKey(key);
  return {
    property: keyPath(key),
    reason:
      `unknown configuration key ${JSON.stringify(key.length > 80 ? `${key.slice(0, 77)}...` : key)}` +
      `${hint === undefined ? '' : ` (did you mean ${configName(hint)}?)`}; allowed keys: ${CONFIG_KEYS.join(', ')}`,
  };
}

interface SortedKeys {
  /** Our keys, bare, with the raw value received. */
  given: Partial<Record<ConfigKey, PValue>>;
  /** Keys the engine owns, passed back untouched. */
  engine: PObject;
  failures: ConfigFailure[];
}

/** Splits the received keys into ours, the engine's and unknown ones (each a failure). */
function sortKeys(news: PObject): SortedKeys {
  const sorted: SortedKeys = { given: {}, engine: {}, failures: [] };
  const receivedAs: Partial<Record<ConfigKey, string>> = {};
  for (const [received, value] of Object.entries(news)) {
    if (ENGINE_KEYS.has(received)) {
      Object.defineProperty(sorted.engine, received, { value, enumerable: true, writable: true, configurable: true });
      continue;
    }
    const key = bareKey(received);
    if (!isConfigKey(key)) {
      sorted.failures.push(unknownKeyFailure(received));
      continue;
    }
    const earlier = receivedAs[key];
    if (earlier !== undefined && !sameValue(sorted.given[key], value)) {
      sorted.failures.push({ property: key, reason: `set twice with different values, as ${JSON.stringify(earlier)} and ${JSON.stringify(received)}; set it once` });
      continue;
    }
    receivedAs[key] = received;
    sorted.given[key] = value;
  }
  return sorted;
}

// ---------------------------------------------------------------------------------------------------------------
// Coercion: strings, JSON text, booleans, secret-wrapped

/**
 * Not set: absent, null, or an empty string, also as JSON text (`pulumi config set k ""` and `export K=` both mean
 * "not set", and the Node SDK's explicit provider sends an empty string as `""`).
 */
function isUnset(value: PValue | undefined): boolean {
  const inner = value instanceof Secret ? value.value : value;
  return inner === undefined || inner === null || inner === '' || inner === '""';
}

/** Reads a key from config, else from the first environment variable set. */
function readRaw(key: ConfigKey, given: Partial<Record<ConfigKey, PValue>>, env: Env): { value: PValue; source: Source } | undefined {
  const value = given[key];
  if (value !== undefined && !isUnset(value)) return { value, source: { from: 'config' } };
  for (const name of KEY_SPECS[key].env as readonly string[]) {
    const fromEnv = env[name];
    if (typeof fromEnv === 'string' && fromEnv !== '') return { value: fromEnv, source: { from: 'env', name } };
  }
  return undefined;
}

/**
 * A string key takes a string, or JSON text of a string (the Node SDK's explicit provider JSON-stringifies values).
 * Other JSON is deliberately not parsed: an API key of digits must stay a string.
 */
function asString(value: PValue): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (typeof parsed === 'string') return parsed;
    } catch {
      // Not JSON after all: the quotes are part of the value.
    }
  }
  return value;
}

/** A boolean key takes true/false, or the text "true"/"false", JSON-quoted or not (config values arrive as text). */
function asBoolean(value: PValue): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = asString(value)?.trim().toLowerCase();
  return text === 'true' ? true : text === 'false' ? false : undefined;
}

interface Evaluation {
  fields: { [K in ConfigKey]: Field<K extends 'private' ? boolean : string> };
  engine: PObject;
  failures: ConfigFailure[];
  missing: ConfigKey[];
}

/** Reads and coerces one key; a failure is recorded and the key treated as absent, so later checks do not pile on. */
function readField(key: ConfigKey, given: Partial<Record<ConfigKey, PValue>>, env: Env, failures: ConfigFailure[]): Field<string | boolean> {
  const raw = readRaw(key, given, env);
  if (raw === undefined) return ABSENT;
  const spec: KeySpec = KEY_SPECS[key];
  const wrapped = raw.value instanceof Secret;
  const inner = raw.value instanceof Secret ? raw.value.value : raw.value;
  const isSecretValue = spec.secret || wrapped;
  if (inner instanceof Unknown) return { kind: 'unknown', secret: isSecretValue };
  const value = spec.type === 'boolean' ? asBoolean(inner) : asString(inner);
  if (value === undefined) {
    const expected = spec.type === 'boolean' ? 'a boolean (true or false)' : 'a string';
    failures.push({ property: key, reason: `${key} must be ${expected}; received ${describeReceived(inner, isSecretValue)}${describeSource(raw.source)}` });
    return ABSENT;
  }
  return { kind: 'known', value, secret: isSecretValue, source: raw.source };
}

// ---------------------------------------------------------------------------------------------------------------
// Validation of known values

function checkRegion(field: Field<string>, failures: ConfigFailure[]): Field<string> {
  if (field.kind !== 'known' || (VPC_REGIONS as readonly string[]).includes(field.value)) return field;
  failures.push({
    property: 'region',
    reason: `region must be one of IBM Cloud's VPC regions: ${VPC_REGIONS.join(', ')}; received ${describeReceived(field.value, field.secret)}${describeSource(field.source)}`,
  });
  return ABSENT;
}

/** Normalizes an endpoint URL: http(s) only, no trailing slash; for the VPC API also no trailing `/v1`. */
function normalizeEndpoint(text: string, stripV1: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '' || url.search !== '' || url.hash !== '') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  let path = url.pathname.replace(/\/+$/, '');
  if (stripV1) path = path.replace(/\/v1$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

function checkEndpoint(key: ConfigKey, field: Field<string>, failures: ConfigFailure[]): Field<string> {
  if (field.kind !== 'known') return field;
  const normalized = normalizeEndpoint(field.value, key === 'vpcEndpoint');
  if (normalized !== undefined) return { ...field, value: normalized };
  // A URL with user info may carry a password: say so without echoing it.
  const hasCredentials = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(field.value);
  const received = hasCredentials ? 'a URL with credentials in it (not shown)' : describeReceived(field.value, field.secret);
  const schemeHint = !field.secret && field.value.length <= 80 && /^[A-Za-z0-9.-]+(:\d+)?(\/.*)?$/.test(field.value) ? ` (add the scheme: https://${field.value})` : '';
  failures.push({
    property: key,
    reason: `${key} must be an http or https URL without credentials, query or fragment, such as ${exampleEndpoint(key)}; received ${received}${describeSource(field.source)}${schemeHint}`,
  });
  return ABSENT;
}

function exampleEndpoint(key: ConfigKey): string {
  switch (key) {
    case 'vpcEndpoint':
      return defaultVpcEndpoint(DEFAULT_REGION, false);
    case 'iamEndpoint':
      return PUBLIC_IAM_ENDPOINT;
    case 'taggingEndpoint':
      return PUBLIC_TAGGING_ENDPOINT;
    default:
      return `https://s3.${DEFAULT_REGION}.cloud-object-storage.appdomain.cloud`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Defaults derived from other keys

/** A default computed from other fields: unknown if any of them is, secret if any of them is. */
function derive<T>(sources: Array<Field<unknown>>, compute: () => T): Field<T> {
  const secretness = sources.some((f) => f.kind !== 'absent' && f.secret);
  if (sources.some((f) => f.kind === 'unknown')) return { kind: 'unknown', secret: secretness };
  if (sources.some((f) => f.kind === 'absent')) return ABSENT;
  return { kind: 'known', value: compute(), secret: secretness, source: { from: 'default' } };
}

function orDefault<T>(field: Field<T>, fallback: () => Field<T>): Field<T> {
  return field.kind === 'absent' ? fallback() : field;
}

function known<T>(value: T): Field<T> {
  return { kind: 'known', value, secret: false, source: { from: 'default' } };
}

function knownValue<T>(field: Field<T>): T | undefined {
  return field.kind === 'known' ? field.value : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The evaluation shared by checkConfig and resolveConfig

/** COS access is all or nothing, and switched on by `cosEndpoint`: HMAC keys alone have nowhere to go. */
function evaluateCos(given: Partial<Record<ConfigKey, PValue>>, env: Env, failures: ConfigFailure[], missing: ConfigKey[]) {
  const endpoint = checkEndpoint('cosEndpoint', readField('cosEndpoint', given, env, failures) as Field<string>, failures);
  const endpointSet = endpoint.kind !== 'absent' || !isUnset(given.cosEndpoint);
  // Without cosEndpoint, AWS_* variables are most likely someone's AWS credentials: not read, not stored.
  const keyEnv: Env = endpointSet ? env : {};
  const accessKeyId = readField('cosAccessKeyId', given, keyEnv, failures) as Field<string>;
  const secretAccessKey = readField('cosSecretAccessKey', given, keyEnv, failures) as Field<string>;
  if (endpointSet) {
    for (const [key, field] of [['cosAccessKeyId', accessKeyId], ['cosSecretAccessKey', secretAccessKey]] as const) {
      if (field.kind === 'absent' && isUnset(given[key])) {
        missing.push(key);
        failures.push({ property: key, reason: `${key} is required when cosEndpoint is set (COS HMAC credentials for preview's bucket checks); ${howToSet(key)}` });
      }
    }
  } else {
    for (const key of ['cosAccessKeyId', 'cosSecretAccessKey'] as const) {
      if (!isUnset(given[key])) failures.push({ property: key, reason: `${key} is set but cosEndpoint is not; ${howToSet('cosEndpoint')}, or remove ${configName(key)}` });
    }
  }
  return { cosEndpoint: endpoint, cosAccessKeyId: accessKeyId, cosSecretAccessKey: secretAccessKey };
}

function evaluate(news: PObject, env: Env): Evaluation {
  const { given, engine, failures } = sortKeys(news);
  const missing: ConfigKey[] = [];
  const str = (key: ConfigKey) => readField(key, given, env, failures) as Field<string>;

  const region = orDefault(checkRegion(str('region'), failures), () => (isUnset(given.region) && readRaw('region', given, env) === undefined ? known(DEFAULT_REGION) : ABSENT));
  const privateField = orDefault(readField('private', given, env, failures) as Field<boolean>, () => known(false));
  const usePrivate = () => knownValue(privateField) === true;

  const apiKey = str('apiKey');
  if (apiKey.kind === 'absent' && isUnset(given.apiKey)) {
    missing.push('apiKey');
    failures.push({ property: 'apiKey', reason: `no IBM Cloud API key: ${howToSet('apiKey')}` });
  }

  const vpcEndpoint = orDefault(checkEndpoint('vpcEndpoint', str('vpcEndpoint'), failures), () =>
    derive([region, privateField], () => defaultVpcEndpoint(knownValue(region) ?? DEFAULT_REGION, usePrivate())),
  );
  const iamEndpoint = orDefault(checkEndpoint('iamEndpoint', str('iamEndpoint'), failures), () =>
    derive([privateField], () => (usePrivate() ? PRIVATE_IAM_ENDPOINT : PUBLIC_IAM_ENDPOINT)),
  );
  const taggingEndpoint = orDefault(checkEndpoint('taggingEndpoint', str('taggingEndpoint'), failures), () =>
    derive([privateField], () => (usePrivate() ? PRIVATE_TAGGING_ENDPOINT : PUBLIC_TAGGING_ENDPOINT)),
  );
  const cos = evaluateCos(given, env, failures, missing);

  return {
    fields: { region, apiKey, vpcEndpoint, iamEndpoint, taggingEndpoint, private: privateField, ...cos },
    engine,
    failures,
    missing,
  };
}

/** A field as CheckConfig returns it; `secret` is set for secret keys and for values that arrived wrapped. */
function fieldToValue(field: Field<string | boolean>): PValue | undefined {
  if (field.kind === 'absent') return undefined;
  const value: PValue = field.kind === 'unknown' ? UNKNOWN : field.value;
  return field.secret ? secret(value) : value;
}

// ---------------------------------------------------------------------------------------------------------------
// Public API

/**
 * CheckConfig: coerces every value, applies environment fallbacks and defaults, and collects every failure (it never
 * stops at the first, and never throws). `news` is the decoded request (`fromStruct(req.getNews())`). Unknown values
 * (preview) are kept unknown, and so are defaults derived from them.
 */
export function checkConfig(news: PObject, env: Env): CheckedConfig {
  const { fields, engine, failures } = evaluate(isPObject(news) ? news : {}, env);
  const inputs: PObject = { ...engine };
  for (const key of CONFIG_KEYS) {
    const value = fieldToValue(fields[key]);
    if (value !== undefined) inputs[key] = value;
  }
  return { inputs, failures };
}

/**
 * Configure: the typed configuration the IBM clients take. Accepts CheckConfig's result or raw args (secret-wrapped,
 * JSON text, namespaced keys), so pass the real environment when Configure may come without a CheckConfig first.
 * Throws ConfigError listing every failure, or the keys still unknown.
 */
export function resolveConfig(checked: PObject, env: Env = {}): ProviderConfig {
  const { fields, failures, missing } = evaluate(isPObject(checked) ? decodeLoose(checked) : {}, env);
  for (const key of CONFIG_KEYS) {
    if (fields[key].kind === 'unknown') failures.push({ property: key, reason: `${key} is not known yet (it comes from another resource's output); the provider cannot be configured until it is` });
  }
  if (failures.length > 0) throw new ConfigError(failures, missing.map((name) => ({ name, description: `${KEY_SPECS[name].description}; ${howToSet(name)}` })));

  const text = (key: ConfigKey): string => knownValue(fields[key] as Field<string>) as string;
  const config: ProviderConfig = {
    region: text('region'),
    apiKey: text('apiKey'),
    vpcEndpoint: text('vpcEndpoint'),
    iamEndpoint: text('iamEndpoint'),
    taggingEndpoint: text('taggingEndpoint'),
    private: knownValue(fields.private) === true,
  };
  if (fields.cosEndpoint.kind === 'known') {
    config.cos = { endpoint: text('cosEndpoint'), accessKeyId: text('cosAccessKeyId'), secretAccessKey: text('cosSecretAccessKey') };
  }
  return config;
}

/** Accepts wire-form objects too (a caller holding `struct.toJavaScript()`), since decode is idempotent on PValues. */
function decodeLoose(obj: PObject): PObject {
  const decoded = decode(obj);
  return isPObject(decoded) ? decoded : {};
}

export interface ConfigDiff {
  /** Keys whose change replaces the provider (and so its resources): region and endpoints, `private`. */
  replaces: ConfigKey[];
  /** Every changed key, `replaces` included (DiffResponse's `diffs`). */
  changes: ConfigKey[];
}

/**
 * DiffConfig over checked old and new inputs. Both sides are evaluated without the environment, so an old state
 * written before a default existed compares by its effective value. Secretness alone is not a change; a new value
 * that is unknown may differ, so it counts as a change.
 */
export function diffConfig(olds: PObject, news: PObject): ConfigDiff {
  const before = checkConfig(isPObject(olds) ? olds : {}, {}).inputs;
  const after = checkConfig(isPObject(news) ? news : {}, {}).inputs;
  const changes = CONFIG_KEYS.filter((key) => !(before[key] === undefined && after[key] === undefined) && !sameValue(before[key], after[key]));
  return { replaces: changes.filter((key) => KEY_SPECS[key].replaces), changes };
}

/** Whether a key holds a secret by definition (apiKey, cosSecretAccessKey), for callers that print config. */
export function isSecretKey(key: string): boolean {
  const bare = bareKey(key);
  return isConfigKey(bare) && KEY_SPECS[bare].secret;
}
