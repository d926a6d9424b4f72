import { createPrivateKey } from 'node:crypto';
import { bucketNameProblem } from './bucketNames';
import { TARGET_TYPES } from './topologyTypes';

/**
 * Checks a parsed `emulator-state.json` against what the emulator writes, field by field, before any model reads
 * it: a damaged file is refused with every bad field's path (zod-style), never with `Cannot read properties of
 * undefined` from deep inside a model. Fields the emulator does not know are left alone (a newer emulator may add
 * some). A new persisted field gets its line in {@link STATE} below.
 */

export interface StateIssue {
  path: string;
  reason: string;
}

type Check = (value: unknown, path: string, issues: StateIssue[]) => void;

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

const at = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

function rule(what: string, ok: (v: unknown) => boolean): Check {
  return (value, path, issues) => {
    if (!ok(value)) issues.push({ path: path || '(root)', reason: `expected ${what}, received ${describe(value)}` });
  };
}

const str = rule('a string', (v) => typeof v === 'string');
const text = rule('a non-empty string', (v) => typeof v === 'string' && v !== '');
const bool = rule('true or false', (v) => typeof v === 'boolean');
const finite = rule('a number', (v) => typeof v === 'number' && Number.isFinite(v));
const count = rule('a whole number, 0 or more', (v) => Number.isInteger(v) && (v as number) >= 0);
const between = (min: number, max: number) => rule(`a number from ${min} to ${max}`, (v) => typeof v === 'number' && v >= min && v <= max);
const oneOf = (values: readonly string[]) => rule(`one of ${values.join(', ')}`, (v) => values.includes(v as string));
const bucket = rule('a bucket name (3-63 lowercase letters, digits, dots and hyphens)', (v) => typeof v === 'string' && bucketNameProblem(v) === undefined);
const pem = rule('an RSA private key in PEM', (v) => {
  try {
    return typeof v === 'string' && createPrivateKey(v).asymmetricKeyType === 'rsa';
  } catch {
    return false;
  }
});

function optional(check: Check): Check {
  return (value, path, issues) => {
    if (value !== undefined) check(value, path, issues);
  };
}

function object(fields: Record<string, Check>): Check {
  return (value, path, issues) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      issues.push({ path: path || '(root)', reason: `expected an object, received ${describe(value)}` });
      return;
    }
    for (const [key, check] of Object.entries(fields)) check((value as Record<string, unknown>)[key], at(path, key), issues);
  };
}

function listOf(check: Check, atLeastOne = false): Check {
  return (value, path, issues) => {
    if (!Array.isArray(value) || (atLeastOne && value.length === 0)) {
      issues.push({ path, reason: `expected a list${atLeastOne ? ' with at least one entry' : ''}, received ${describe(value)}` });
      return;
    }
    value.forEach((v, i) => check(v, at(path, i), issues));
  };
}

function mapOf(check: Check): Check {
  return (value, path, issues) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      issues.push({ path, reason: `expected an object, received ${describe(value)}` });
      return;
    }
    for (const [key, v] of Object.entries(value)) check(v, `${path}[${JSON.stringify(key)}]`, issues);
  };
}

/** A traffic setting: its scenario decides its fields (trafficSettings.ts). */
const traffic: Check = (value, path, issues) => {
  object({ scenario: oneOf(['normal', 'nacl-drops-replies', 'port-scan', 'none']) })(value, path, issues);
  const s = value as Record<string, unknown> | null;
  if (typeof s !== 'object' || s === null) return;
  const fields: Record<string, Record<string, Check>> = {
    normal: { clients: count },
    'nacl-drops-replies': { port: count, clients: count, connections: count, background: bool },
    'port-scan': { scanner: text, ports: count, background: bool },
  };
  if (Object.hasOwn(fields, String(s.scenario))) object(fields[String(s.scenario)])(value, path, issues);
};

const located = { id: text, name: text, createdAt: text, resourceGroupId: text };
const topology = object({
  region: text,
  account: text,
  resourceGroups: listOf(object({ id: text, name: text, isDefault: bool })),
  vpcs: listOf(object({ ...located, crn: text })),
  subnets: listOf(object({ ...located, crn: text, vpcId: text, zone: text, cidr: text })),
  instances: listOf(object({ ...located, crn: text, vpcId: text, zone: text, profile: text, interfaceModel: oneOf(['network_interface', 'network_attachment']) })),
  networkInterfaces: listOf(object({ id: text, name: text, instanceId: text, subnetId: text, primaryIp: text, primary: bool })),
  networkAttachments: listOf(object({ id: text, name: text, instanceId: text, subnetId: text, vniId: text, primary: bool })),
  virtualNetworkInterfaces: listOf(object({ ...located, crn: text, vpcId: text, subnetId: text, zone: text, primaryIp: text, attachmentId: optional(text) })),
  buckets: listOf(object({ name: bucket, authorized: bool })),
});

const STATE = object({
  seed: topology,
  topology,
  clockOffsetMs: rule('a number of milliseconds', (v) => typeof v === 'number' && Number.isFinite(v)),
  iam: object({ apiKeys: listOf(text, true), signingKeyPem: pem, tokenLifetimeSeconds: between(1, 86400), instanceId: text }),
  hmac: object({ accessKeyId: text, secretAccessKey: text }),
  authorizations: listOf(rule('a bucket name or "*"', (v) => v === '*' || (typeof v === 'string' && bucketNameProblem(v) === undefined))),
  collectors: object({
    seq: count,
    records: listOf(
      object({
        seq: count,
        id: text,
        crn: text,
        name: text,
        active: bool,
        autoDelete: bool,
        createdAt: text,
        resourceGroupId: text,
        bucket,
        target: object({ type: oneOf(TARGET_TYPES), id: text }),
        vpcId: text,
        lifecycleState: oneOf(['deleting', 'failed', 'pending', 'stable', 'suspended', 'updating', 'waiting']),
        transition: optional(object({ to: oneOf(['ready', 'failed', 'gone']), at: finite })),
      }),
    ),
    settings: object({ pendingSeconds: between(0, 3600), deletingSeconds: between(0, 3600) }),
    planned: listOf(oneOf(['failed', 'stuck'])),
  }),
  events: listOf(object({ time: text, action: text, resource: str, detail: optional(str) })),
  tags: optional(mapOf(listOf(str))),
  flowLogs: optional(object({ processedThrough: finite, streams: mapOf(object({ id: count, lastEnd: finite, hour: finite, sequence: count })), written: mapOf(count) })),
  traffic: optional(object({ default: traffic, interfaces: mapOf(traffic) })),
});

/** Every problem of a parsed state file of format 1, with its path; empty when the models can read it. */
export function stateFileIssues(value: unknown): StateIssue[] {
  const issues: StateIssue[] = [];
  STATE(value, '', issues);
  return issues;
}
