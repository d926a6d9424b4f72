/**
 * Provider configuration (README.md, "Configuration"): CheckConfig, DiffConfig and Configure as pure functions.
 * The only input from outside is the environment, passed in as a plain object so tests can hold it still.
 *
 * Why the provider reads the environment itself: the engine applies no env-var fallback for a default provider.
 * Why CheckConfig returns only what the configuration sets, and not the environment's values or the
 * defaults: the engine stores that result in the stack's state, and two machines running the same program with
 * different environments (one exports IBMCLOUD_REGION=us-south, the other relies on the default; one holds an API
 * key in IBMCLOUD_API_KEY) must not see a provider diff, nor leave one person's API key in a state others read.
 * Configure resolves the environment and the defaults on the machine that runs, and DiffConfig compares the
 * effective settings there.
 */
import type { IbmConnection } from '../ibm/types';
import type { Failure } from '../shared/failures';
import { type PObject, type PValue, Secret, secret, UNKNOWN, Unknown, isPObject, sameValue, defineKey } from '../shared/values';
import { DEFAULT_REGION, defaultIamEndpoint, defaultResourceManagerEndpoint, defaultTaggingEndpoint, defaultVpcEndpoint, type EndpointKey, exampleEndpoint, isVpcRegion, normalizeEndpoint, VPC_REGIONS } from './endpoints';
import { bareKey, CONFIG_KEYS, type ConfigKey, configName, ENGINE_KEYS, howToSet, isConfigKey, KEY_SPECS, type KeySpec, PACKAGE, unknownKeyFailure } from './keys';

export type Env = Readonly<Record<string, string | undefined>>;

export interface CheckedConfig {
  /** What CheckConfig returns: the keys the configuration sets, bare, coerced and normalized, secrets wrapped. */
  inputs: PObject;
  /** Every problem of the effective configuration (config, then environment, then defaults). */
  failures: Failure[];
}

export interface CosAccess {
  endpoint: string;
  /** HMAC keys, both or neither: without them COS is reached with the API key (IAM bearer tokens). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** The COS instance (GUID or CRN) holding the buckets: what an instance-wide authorization names. */
  instance?: string;
}

/** The resolved configuration Configure hands to the IBM clients: plain values, no secrets wrapped. */
export interface ProviderConfig extends IbmConnection {
  /** Resource Manager base, e.g. `https://resource-controller.cloud.ibm.com` (resource groups by name). */
  resourceManagerEndpoint: string;
  private: boolean;
  cos?: CosAccess;
}

/** Configure could not resolve the configuration. The message lists every failure and never holds a secret. */
export class ConfigError extends Error {
  constructor(
    readonly failures: Failure[],
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
  | { kind: 'unknown'; secret: boolean; source: Source }
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

// ---------------------------------------------------------------------------------------------------------------
// Keys: bare, `ibmflowlogs:key` or `ibmflowlogs:config:key`

interface SortedKeys {
  /** Our keys, bare, with the raw value received. */
  given: Partial<Record<ConfigKey, PValue>>;
  /** Keys the engine owns, passed back untouched. */
  engine: PObject;
  failures: Failure[];
}

/** Splits the received keys into ours, the engine's and unknown ones (each a failure). */
function sortKeys(news: PObject): SortedKeys {
  const sorted: SortedKeys = { given: {}, engine: {}, failures: [] };
  const receivedAs: Partial<Record<ConfigKey, string>> = {};
  for (const [received, value] of Object.entries(news)) {
    if (ENGINE_KEYS.has(received)) {
      defineKey(sorted.engine, received, value);
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
  failures: Failure[];
  missing: ConfigKey[];
}

/** Reads and coerces one key; a failure is recorded and the key treated as absent, so later checks do not pile on. */
function readField(key: ConfigKey, given: Partial<Record<ConfigKey, PValue>>, env: Env, failures: Failure[]): Field<string | boolean> {
  const raw = readRaw(key, given, env);
  if (raw === undefined) return ABSENT;
  const spec: KeySpec = KEY_SPECS[key];
  const wrapped = raw.value instanceof Secret;
  const inner = raw.value instanceof Secret ? raw.value.value : raw.value;
  const isSecretValue = spec.secret || wrapped;
  if (inner instanceof Unknown) return { kind: 'unknown', secret: isSecretValue, source: raw.source };
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

function checkRegion(field: Field<string>, failures: Failure[]): Field<string> {
  if (field.kind !== 'known' || isVpcRegion(field.value)) return field;
  failures.push({
    property: 'region',
    reason: `region must be one of IBM Cloud's VPC regions: ${VPC_REGIONS.join(', ')}; received ${describeReceived(field.value, field.secret)}${describeSource(field.source)}`,
  });
  return ABSENT;
}

function checkEndpoint(key: EndpointKey, field: Field<string>, failures: Failure[]): Field<string> {
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

// ---------------------------------------------------------------------------------------------------------------
// Defaults derived from other keys

/** A default computed from other fields: unknown if any of them is, secret if any of them is. */
function derive<T>(sources: Array<Field<unknown>>, compute: () => T): Field<T> {
  const secretness = sources.some((f) => f.kind !== 'absent' && f.secret);
  if (sources.some((f) => f.kind === 'unknown')) return { kind: 'unknown', secret: secretness, source: { from: 'default' } };
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
// The evaluation shared by checkConfig, resolveConfig and diffConfig

/** A COS instance GUID, or its CRN (ibm/bucketAuthorization.ts parseCosInstance reads it). */
const COS_INSTANCE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|crn:v1:[^:]*:[^:]*:cloud-object-storage:[^:]*:[^:]*:[^:]+::?)$/i;

/** COS access is switched on by `cosEndpoint`: HMAC keys (optional, in pairs) and the instance alone have nowhere to go. */
function evaluateCos(given: Partial<Record<ConfigKey, PValue>>, env: Env, failures: Failure[], missing: ConfigKey[]) {
  const endpoint = checkEndpoint('cosEndpoint', readField('cosEndpoint', given, env, failures) as Field<string>, failures);
  const endpointSet = endpoint.kind !== 'absent' || !isUnset(given.cosEndpoint);
  // Without cosEndpoint, AWS_* variables are most likely someone's AWS credentials: not read, not stored.
  const keyEnv: Env = endpointSet ? env : {};
  const accessKeyId = readField('cosAccessKeyId', given, keyEnv, failures) as Field<string>;
  const secretAccessKey = readField('cosSecretAccessKey', given, keyEnv, failures) as Field<string>;
  const instance = readField('cosInstance', given, env, failures) as Field<string>;
  if (instance.kind === 'known' && !COS_INSTANCE.test(instance.value)) {
    failures.push({ property: 'cosInstance', reason: `cosInstance must be a COS instance GUID or a cloud-object-storage CRN; received ${describeReceived(instance.value, instance.secret)}${describeSource(instance.source)}` });
  }
  if (endpointSet) {
    // HMAC keys are optional (the API key reaches COS through IAM tokens), but come in pairs.
    const given1 = accessKeyId.kind !== 'absent' || !isUnset(given.cosAccessKeyId);
    const given2 = secretAccessKey.kind !== 'absent' || !isUnset(given.cosSecretAccessKey);
    if (given1 !== given2) {
      const key = given1 ? 'cosSecretAccessKey' : 'cosAccessKeyId';
      missing.push(key);
      failures.push({ property: key, reason: `${key} is required when ${given1 ? 'cosAccessKeyId' : 'cosSecretAccessKey'} is set (COS HMAC keys come in pairs; give both, or neither to reach COS with the API key); ${howToSet(key)}` });
    }
  } else {
    for (const key of ['cosAccessKeyId', 'cosSecretAccessKey', 'cosInstance'] as const) {
      if (!isUnset(given[key])) failures.push({ property: key, reason: `${key} is set but cosEndpoint is not; ${howToSet('cosEndpoint')}, or remove ${configName(key)}` });
    }
  }
  return { cosEndpoint: endpoint, cosAccessKeyId: accessKeyId, cosSecretAccessKey: secretAccessKey, cosInstance: instance };
}

function evaluate(news: PObject, env: Env): Evaluation {
  const { given, engine, failures } = sortKeys(isPObject(news) ? news : {});
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
  const iamEndpoint = orDefault(checkEndpoint('iamEndpoint', str('iamEndpoint'), failures), () => derive([privateField], () => defaultIamEndpoint(usePrivate())));
  const taggingEndpoint = orDefault(checkEndpoint('taggingEndpoint', str('taggingEndpoint'), failures), () => derive([privateField], () => defaultTaggingEndpoint(usePrivate())));
  const resourceManagerEndpoint = orDefault(checkEndpoint('resourceManagerEndpoint', str('resourceManagerEndpoint'), failures), () =>
    derive([privateField], () => defaultResourceManagerEndpoint(usePrivate())),
  );
  const cos = evaluateCos(given, env, failures, missing);

  return {
    fields: { region, apiKey, vpcEndpoint, iamEndpoint, taggingEndpoint, resourceManagerEndpoint, private: privateField, ...cos },
    engine,
    failures,
    missing,
  };
}

/** A field as the model holds it; `secret` for secret keys and for values that arrived wrapped. */
function fieldToValue(field: Field<string | boolean>): PValue | undefined {
  if (field.kind === 'absent') return undefined;
  const value: PValue = field.kind === 'unknown' ? UNKNOWN : field.value;
  return field.secret ? secret(value) : value;
}

// ---------------------------------------------------------------------------------------------------------------
// Public API

/**
 * CheckConfig: validates the effective configuration (config, then the environment, then defaults) and collects every
 * failure (it never stops at the first, and never throws), and returns the keys the configuration itself sets,
 * coerced and normalized (`"true"` → true, a trailing `/v1` dropped), secret ones wrapped, with the engine's own keys.
 * `news` is the decoded request (`fromStruct(req.getNews())`). Unknown values (preview) stay unknown.
 */
export function checkConfig(news: PObject, env: Env): CheckedConfig {
  const { fields, engine, failures } = evaluate(news, env);
  const inputs: PObject = { ...engine };
  for (const key of CONFIG_KEYS) {
    const field = fields[key];
    if (field.kind === 'absent' || field.source.from !== 'config') continue;
    const value = fieldToValue(field);
    if (value !== undefined) defineKey(inputs, key, value);
  }
  return { inputs, failures };
}

/**
 * Configure: the typed configuration the IBM clients take, from CheckConfig's result or raw args (secret-wrapped,
 * JSON text, namespaced keys, or Configure's `variables` map), with the environment of the machine that runs.
 * Throws ConfigError listing every failure, or the keys still unknown.
 */
export function resolveConfig(checked: PObject, env: Env = {}): ProviderConfig {
  const { fields, failures, missing } = evaluate(checked, env);
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
    resourceManagerEndpoint: text('resourceManagerEndpoint'),
    private: knownValue(fields.private) === true,
  };
  if (fields.cosEndpoint.kind === 'known') {
    const cos: CosAccess = { endpoint: text('cosEndpoint') };
    if (fields.cosAccessKeyId.kind === 'known') Object.assign(cos, { accessKeyId: text('cosAccessKeyId'), secretAccessKey: text('cosSecretAccessKey') });
    if (fields.cosInstance.kind === 'known') cos.instance = text('cosInstance');
    config.cos = cos;
  }
  return config;
}

export interface ConfigDiff {
  /** Keys whose change replaces the provider, and so its resources: the region only (see KeySpec.replaces). */
  replaces: ConfigKey[];
  /** Every key whose effective value changes, `replaces` included (DiffResponse's `diffs`). */
  changes: ConfigKey[];
}

/**
 * DiffConfig: the effective settings of the old and new configuration, both evaluated with this machine's
 * environment and defaults, key by key. So a value that moves between config and environment, an old state written
 * with its defaults spelled out, or secretness alone, is no change; a new value that is unknown may differ, so it is.
 */
export function diffConfig(olds: PObject, news: PObject, env: Env = {}): ConfigDiff {
  const before = evaluate(olds, env).fields;
  const after = evaluate(news, env).fields;
  const changes = CONFIG_KEYS.filter((key) => {
    const a = fieldToValue(before[key]);
    const b = fieldToValue(after[key]);
    return !(a === undefined && b === undefined) && !sameValue(a, b);
  });
  return { replaces: changes.filter((key) => KEY_SPECS[key].replaces), changes };
}
