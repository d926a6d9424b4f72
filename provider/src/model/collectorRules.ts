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

/** A resource group id; anything else is a name, looked up through Resource Manager (model/resourceGroups.ts). */
export function isResourceGroupId(value: string): boolean {
  return RESOURCE_GROUP_RULE.test(value);
}

export function checkResourceGroup(value: unknown, path = 'resourceGroup'): Failure[] {
  if (typeof value !== 'string' || value.trim() === '') {
    return [{ property: path, reason: `must be a resource group id (32 lowercase hexadecimal characters) or name, received ${show(value)}` }];
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

/**
 * The rule of each FlowLogCollector input, by input key: what its Check applies (resources/flowLogCollector/check.ts)
 * and what `ibm-flowlogs plan` applies to planned collectors (cli/plan/inputs.ts). Each takes the value and its path.
 */
export const COLLECTOR_VALUE_CHECKS = {
  target: checkTarget,
  storageBucket: checkBucket,
  name: checkName,
  active: checkActive,
  resourceGroup: checkResourceGroup,
  tags: checkTags,
  accessTags: checkAccessTags,
} as const satisfies Record<string, (value: unknown, path?: string) => Failure[]>;

/** Tags compare case-insensitively and in any order (Global Tagging's rule). */
export function sameTags(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (Array.isArray(v) ? v.map((t) => String(t).toLowerCase()).sort().join('\u0000') : '');
  return norm(a) === norm(b);
}

/** Each target type in words. */
export const TARGET_WORDS: Record<string, string> = {
  vpc: 'VPC',
  subnet: 'subnet',
  instance: 'instance',
  network_interface: 'network interface',
  virtual_network_interface: 'virtual network interface',
  instance_network_attachment: 'network attachment',
};

/** How many same-named targets a "did you mean" lists (every instance has an eth0). */
const MAX_SUGGESTIONS = 3;

/**
 * Why a target is refused when nothing in the provider's region has its id or CRN. `named`: the region's targets
 * whose name is the value received, since a name given where an id belongs is the likeliest cause.
 */
export function targetNotFound(target: string, region: string, named: ReadonlyArray<{ id: string; type: string; name: string }> = []): string {
  const head =
    `no VPC, subnet, instance, network interface, virtual network interface or network attachment has the id or CRN "${target}" in region ${region}, the provider's region; ` +
    'a target takes an id or a CRN, not a name';
  if (named.length === 0) return `${head}: check the value, or set ibmflowlogs:region to the region the target is in`;
  const shown = named.slice(0, MAX_SUGGESTIONS).map((t) => `${t.id} (the ${TARGET_WORDS[t.type] ?? t.type} named "${t.name}")`);
  const list = shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
  const more = named.length > MAX_SUGGESTIONS ? ` (${named.length} targets have this name)` : '';
  return `${head}: did you mean ${list}?${more}`;
}
