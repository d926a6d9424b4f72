/**
 * The provider's configuration keys (README.md, "Configuration"), their environment fallbacks and how to set
 * them. schema.json's `config.variables` and `provider.inputProperties` describe the same keys; a unit test
 * (test/unit/schemaLists.test.ts) holds the two together.
 */
import type { Failure } from '../shared/failures';
import { keyPath } from '../shared/propertyPath';

export const PACKAGE = 'ibmflowlogs';

/**
 * Keys the engine itself puts into a provider's inputs (pulumi/pulumi `pkg/resource/deploy/providers/registry.go`):
 * they are not ours to validate, and the engine needs them back from CheckConfig to load the right plugin.
 */
export const ENGINE_KEYS: ReadonlySet<string> = new Set(['version', 'pluginDownloadURL', 'pluginChecksums', 'parameter']);

export type KeyType = 'string' | 'boolean';

export interface KeySpec {
  /** What the key is, for the protocol's missing-keys detail. */
  description: string;
  type: KeyType;
  /** Always wrapped secret in CheckConfig's result and never echoed in a message. */
  secret: boolean;
  /** Environment variables read when the key is not set, first one set wins. */
  env: readonly string[];
  /**
   * A change replaces the provider, and so every collector it manages. Only the region does: collectors are regional,
   * and the old provider must delete the old region's collectors. Endpoints and `private` are other routes to the same
   * region's API, tags are global, and COS only serves preview's bucket checks: none of them moves a collector.
   */
  replaces: boolean;
}

export const KEY_SPECS = {
  region: { description: 'the IBM Cloud VPC region', type: 'string', secret: false, env: ['IBMCLOUD_REGION', 'IC_REGION'], replaces: true },
  apiKey: { description: 'an IBM Cloud API key', type: 'string', secret: true, env: ['IBMCLOUD_API_KEY', 'IC_API_KEY'], replaces: false },
  vpcEndpoint: { description: 'the VPC API base URL', type: 'string', secret: false, env: ['IBMCLOUD_IS_NG_API_ENDPOINT'], replaces: false },
  iamEndpoint: { description: 'the IAM base URL', type: 'string', secret: false, env: ['IBMCLOUD_IAM_API_ENDPOINT'], replaces: false },
  taggingEndpoint: { description: 'the Global Tagging base URL', type: 'string', secret: false, env: ['IBMCLOUD_GT_API_ENDPOINT'], replaces: false },
  // Terraform's IBM provider reads the same variable for Resource Manager.
  resourceManagerEndpoint: { description: 'the Resource Manager base URL (resource groups by name)', type: 'string', secret: false, env: ['IBMCLOUD_RESOURCE_MANAGEMENT_API_ENDPOINT'], replaces: false },
  private: { description: "whether to use the region's private endpoints", type: 'boolean', secret: false, env: [], replaces: false },
  cosEndpoint: { description: "the Cloud Object Storage endpoint for preview's bucket checks", type: 'string', secret: false, env: [], replaces: false },
  cosAccessKeyId: { description: 'the COS HMAC access key id', type: 'string', secret: false, env: ['AWS_ACCESS_KEY_ID'], replaces: false },
  cosSecretAccessKey: { description: 'the COS HMAC secret access key', type: 'string', secret: true, env: ['AWS_SECRET_ACCESS_KEY'], replaces: false },
  cosInstance: { description: "the GUID or CRN of the COS instance holding the buckets, for preview's authorization check", type: 'string', secret: false, env: [], replaces: false },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof KEY_SPECS;
export const CONFIG_KEYS = Object.keys(KEY_SPECS) as ConfigKey[];

export function isConfigKey(key: string): key is ConfigKey {
  return Object.prototype.hasOwnProperty.call(KEY_SPECS, key);
}

export function specOf(key: ConfigKey): KeySpec {
  return KEY_SPECS[key];
}

/** A key as received, bare: `ibmflowlogs:region` and `ibmflowlogs:config:region` (Configure's `variables`) → `region`. */
export function bareKey(key: string): string {
  for (const prefix of [`${PACKAGE}:config:`, `${PACKAGE}:`]) {
    if (key.startsWith(prefix)) return key.slice(prefix.length);
  }
  return key;
}

/** Whether a key holds a secret by definition (apiKey, cosSecretAccessKey), for callers that print config. */
export function isSecretKey(key: string): boolean {
  const bare = bareKey(key);
  return isConfigKey(bare) && KEY_SPECS[bare].secret;
}

export function configName(key: ConfigKey): string {
  return `${PACKAGE}:${key}`;
}

/** How to set a key, for messages: the config key and, where there are some, the environment variables. */
export function howToSet(key: ConfigKey): string {
  const spec: KeySpec = KEY_SPECS[key];
  const set = `pulumi config set ${spec.secret ? '--secret ' : ''}${configName(key)} <value>`;
  return spec.env.length === 0 ? `set it with \`${set}\`` : `set it with \`${set}\` or the environment variable ${spec.env.join(' or ')}`;
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

export function unknownKeyFailure(key: string): Failure {
  const hint = suggestKey(key);
  return {
    property: keyPath(key),
    reason:
      `unknown configuration key ${JSON.stringify(key.length > 80 ? `${key.slice(0, 77)}...` : key)}` +
      `${hint === undefined ? '' : ` (did you mean ${configName(hint)}?)`}; allowed keys: ${CONFIG_KEYS.join(', ')}`,
  };
}
