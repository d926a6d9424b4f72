/**
 * IBM's rules for a flow log collector's values, as pure functions that return every
 * problem with its property path. FlowLogCollector's Check and getCoverage's planned collectors both use them.
 */
import { type Failure, kindOf, show } from '../shared/failures';

export const NAME_RULE = /^([a-z]|[a-z][-a-z0-9]*[a-z0-9])$/;
export const NAME_MAX_LENGTH = 63;
const ID_RULE = /^[0-9a-z][-_0-9a-z]{2,127}$/;
const CRN_RULE = /^crn:v1:[^:]+:[^:]+:is:[^:]+:a\/[^:]+::([^:]+):([^:]+)$/;
const TAG_RULE = /^[A-Za-z0-9:_ .-]{1,128}$/;
const ACCESS_TAG_RULE = /^[^:]+:[^:].*$/;
const RESOURCE_GROUP_RULE = /^[0-9a-f]{32}$/;
/** CRN resource types that can be targets; network interfaces and attachments have no CRN and go by id. */
export const TARGET_CRN_TYPES: Record<string, string> = {
  vpc: 'vpc',
  subnet: 'subnet',
  instance: 'instance',
  'virtual-network-interface': 'virtual_network_interface',
};

/** The id inside a target given by id or CRN. */
export function targetId(target: string): string {
  const m = CRN_RULE.exec(target);
  return m ? m[2] : target;
}

export function isValidName(value: string): boolean {
  return value.length <= NAME_MAX_LENGTH && NAME_RULE.test(value);
}

export function checkTarget(value: unknown, path = 'target'): Failure[] {
  if (typeof value !== 'string') return [{ property: path, reason: `must be a string (an id or CRN), received ${kindOf(value)}` }];
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

export function checkBucket(value: unknown, path = 'storageBucket'): Failure[] {
  if (typeof value !== 'string') return [{ property: path, reason: `must be a bucket name, received ${kindOf(value)}` }];
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value) || /\.\.|\.-|-\./.test(value) || /^\d+\.\d+\.\d+\.\d+$/.test(value)) {
    return [{ property: path, reason: `${show(value)} is not a valid Cloud Object Storage bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, not an IP address` }];
  }
  return [];
}

export function checkName(value: unknown, path = 'name'): Failure[] {
  if (typeof value !== 'string') return [{ property: path, reason: `must be a string, received ${kindOf(value)}` }];
  if (!isValidName(value)) {
    return [{ property: path, reason: `${show(value)} is not a valid name: 1-63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen` }];
  }
  return [];
}

export function checkActive(value: unknown, path = 'active'): Failure[] {
  return typeof value === 'boolean' ? [] : [{ property: path, reason: `must be true or false, received ${show(value)}` }];
}

export function checkResourceGroup(value: unknown, path = 'resourceGroup'): Failure[] {
  if (typeof value !== 'string' || !RESOURCE_GROUP_RULE.test(value)) {
    return [{ property: path, reason: `must be a resource group id (32 hexadecimal characters), received ${show(value)}` }];
  }
  return [];
}

export function checkTags(value: unknown, path = 'tags'): Failure[] {
  if (!Array.isArray(value)) return [{ property: path, reason: `must be a list of strings, received ${kindOf(value)}` }];
  const failures: Failure[] = [];
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

/**
 * Access management tags (IBM's account docs, "access management tags"): tags by the same rule, each `key:value`
 * with neither side empty. An access tag must also exist in the account before it can be attached; that is known
 * only at create or update, whose error says how to create it.
 */
export function checkAccessTags(value: unknown, path = 'accessTags'): Failure[] {
  const failures = checkTags(value, path);
  if (!Array.isArray(value)) return failures;
  value.forEach((tag, i) => {
    if (typeof tag === 'string' && TAG_RULE.test(tag) && !ACCESS_TAG_RULE.test(tag.trim())) {
      failures.push({ property: `${path}[${i}]`, reason: `${show(tag)} is not an access management tag: access tags are key:value, e.g. "env:prod"` });
    }
  });
  return failures;
}

/** Tags compare case-insensitively and in any order (Global Tagging's rule). */
export function sameTags(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (Array.isArray(v) ? v.map((t) => String(t).toLowerCase()).sort().join('\u0000') : '');
  return norm(a) === norm(b);
}

/** Why a target is refused when nothing in the provider's region has its id or CRN. */
export function targetNotFound(target: string, region: string): string {
  return `no VPC, subnet, instance, network interface, virtual network interface or network attachment "${target}" exists in region ${region}, the provider's region`;
}
