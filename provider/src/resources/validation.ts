import type { CheckFailure } from './properties';
import { keyPath } from '../rpc/codec';

/** IBM's rules for the collector's inputs, as pure functions that return every problem with its property path. */

export const NAME_RULE = /^([a-z]|[a-z][-a-z0-9]*[a-z0-9])$/;
const ID_RULE = /^[0-9a-z][-_0-9a-z]{2,127}$/;
const CRN_RULE = /^crn:v1:[^:]+:[^:]+:is:[^:]+:a\/[^:]+::([^:]+):([^:]+)$/;
const TAG_RULE = /^[A-Za-z0-9:_ .-]{1,128}$/;
const RESOURCE_GROUP_RULE = /^[0-9a-f]{32}$/;
/** CRN resource types that can be targets; network interfaces and attachments have no CRN and go by id. */
export const TARGET_CRN_TYPES: Record<string, string> = {
  vpc: 'vpc',
  subnet: 'subnet',
  instance: 'instance',
  'virtual-network-interface': 'virtual_network_interface',
};

export const INPUT_KEYS = ['target', 'storageBucket', 'name', 'active', 'resourceGroup', 'tags'] as const;

const show = (value: unknown) => {
  const text = typeof value === 'string' ? JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value) : JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 100 ? `${text.slice(0, 100)}…` : text;
};
const typeOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value);

/** The id inside a target given by id or CRN. */
export function targetId(target: string): string {
  const m = CRN_RULE.exec(target);
  return m ? m[2] : target;
}

export function checkTarget(value: unknown, path = 'target'): CheckFailure[] {
  if (typeof value !== 'string') return [{ property: path, reason: `must be a string (an id or CRN), received ${typeOf(value)}` }];
  const crn = CRN_RULE.exec(value);
  if (value.startsWith('crn:')) {
    if (!crn) return [{ property: path, reason: `${show(value)} is not a VPC infrastructure CRN: expected crn:v1:<cloud>:<type>:is:<location>:a/<account>::<resource type>:<id>` }];
    if (!TARGET_CRN_TYPES[crn[1]]) {
      return [{ property: path, reason: `a CRN of resource type "${crn[1]}" cannot be a flow log collector target; allowed: ${Object.keys(TARGET_CRN_TYPES).join(', ')} (give network interfaces and network attachments by id)` }];
    }
    return [];
  }
  if (!ID_RULE.test(value)) {
    return [{ property: path, reason: `${show(value)} is neither a resource id (lowercase letters, digits, "-" and "_", e.g. r006-…, 0717-…) nor a CRN` }];
  }
  return [];
}

export function checkBucket(value: unknown, path = 'storageBucket'): CheckFailure[] {
  if (typeof value !== 'string') return [{ property: path, reason: `must be a bucket name, received ${typeOf(value)}` }];
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value) || /\.\.|\.-|-\./.test(value) || /^\d+\.\d+\.\d+\.\d+$/.test(value)) {
    return [{ property: path, reason: `${show(value)} is not a valid Cloud Object Storage bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, not an IP address` }];
  }
  return [];
}

export function checkName(value: unknown, path = 'name'): CheckFailure[] {
  if (typeof value !== 'string') return [{ property: path, reason: `must be a string, received ${typeOf(value)}` }];
  if (value.length > 63 || !NAME_RULE.test(value)) {
    return [{ property: path, reason: `${show(value)} is not a valid name: 1-63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen` }];
  }
  return [];
}

export function checkActive(value: unknown, path = 'active'): CheckFailure[] {
  return typeof value === 'boolean' ? [] : [{ property: path, reason: `must be true or false, received ${show(value)}` }];
}

export function checkResourceGroup(value: unknown, path = 'resourceGroup'): CheckFailure[] {
  if (typeof value !== 'string' || !RESOURCE_GROUP_RULE.test(value)) {
    return [{ property: path, reason: `must be a resource group id (32 hexadecimal characters), received ${show(value)}` }];
  }
  return [];
}

export function checkTags(value: unknown, path = 'tags'): CheckFailure[] {
  if (!Array.isArray(value)) return [{ property: path, reason: `must be a list of strings, received ${typeOf(value)}` }];
  const failures: CheckFailure[] = [];
  const seen = new Map<string, number>();
  value.forEach((tag, i) => {
    if (typeof tag !== 'string' || !TAG_RULE.test(tag)) {
      failures.push({ property: `${path}[${i}]`, reason: `${show(tag)} is not a valid tag: 1-128 letters, digits, spaces and ":_.-"` });
      return;
    }
    const key = tag.toLowerCase();
    if (seen.has(key)) failures.push({ property: `${path}[${i}]`, reason: `${show(tag)} repeats ${path}[${seen.get(key)}] (tags are case-insensitive)` });
    else seen.set(key, i);
  });
  return failures;
}

const CHECKS: Record<(typeof INPUT_KEYS)[number], (value: unknown) => CheckFailure[]> = {
  target: checkTarget,
  storageBucket: checkBucket,
  name: checkName,
  active: checkActive,
  resourceGroup: checkResourceGroup,
  tags: checkTags,
};

/** Every problem of a collector's inputs; unknown (preview) values are skipped, missing required ones reported. */
export function validateInputs(values: Record<string, unknown>, unknown: Set<string>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const key of Object.keys(values)) {
    if (!(INPUT_KEYS as readonly string[]).includes(key)) failures.push({ property: keyPath(key), reason: `unknown property; allowed: ${INPUT_KEYS.join(', ')}` });
  }
  for (const key of ['target', 'storageBucket'] as const) {
    if (values[key] === undefined && !unknown.has(key)) failures.push({ property: key, reason: 'is required' });
  }
  for (const key of INPUT_KEYS) {
    if (values[key] !== undefined && values[key] !== null && !unknown.has(key)) failures.push(...CHECKS[key](values[key]));
  }
  return failures;
}
