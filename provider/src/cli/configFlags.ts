/**
 * The provider's configuration as command-line flags (every command takes them; README.md, "Configuration"), with the
 * same environment fallbacks and defaults as the provider, since both go through config/'s resolveConfig.
 *
 * Flags win over the environment; the environment wins over defaults. No message ever holds a secret value.
 */
import { CONFIG_KEYS, ConfigError, resolveConfig, type ConfigKey, type Env, type ProviderConfig } from '../config';
import type { PObject } from '../rpc/codec';

/** parseArgs option specs, to spread into a command's own options. */
export const CONFIG_FLAG_OPTIONS = {
  region: { type: 'string' },
  'api-key': { type: 'string' },
  'vpc-endpoint': { type: 'string' },
  'iam-endpoint': { type: 'string' },
  'tagging-endpoint': { type: 'string' },
  'resource-manager-endpoint': { type: 'string' },
  private: { type: 'boolean' },
  'cos-endpoint': { type: 'string' },
  'cos-access-key-id': { type: 'string' },
  'cos-secret-access-key': { type: 'string' },
  'cos-instance': { type: 'string' },
} as const;

export type ConfigFlag = keyof typeof CONFIG_FLAG_OPTIONS;

/** Flag → provider config key. */
export const FLAG_TO_KEY: Readonly<Record<ConfigFlag, ConfigKey>> = {
  region: 'region',
  'api-key': 'apiKey',
  'vpc-endpoint': 'vpcEndpoint',
  'iam-endpoint': 'iamEndpoint',
  'tagging-endpoint': 'taggingEndpoint',
  'resource-manager-endpoint': 'resourceManagerEndpoint',
  private: 'private',
  'cos-endpoint': 'cosEndpoint',
  'cos-access-key-id': 'cosAccessKeyId',
  'cos-secret-access-key': 'cosSecretAccessKey',
  'cos-instance': 'cosInstance',
};

const KEY_TO_FLAG = Object.fromEntries(Object.entries(FLAG_TO_KEY).map(([flag, key]) => [key, flag])) as Record<ConfigKey, ConfigFlag>;

/** Help text for the config flags, shared by every command. */
export const CONFIG_FLAGS_HELP = `Connection (the provider's config; each flag falls back to the same environment variables):
  --region R                 IBM Cloud VPC region (IBMCLOUD_REGION, IC_REGION; default us-south)
  --api-key KEY              IBM Cloud API key (IBMCLOUD_API_KEY, IC_API_KEY); prefer the environment variable,
                             since a flag is visible to other users of the machine
  --vpc-endpoint URL         VPC API base URL (IBMCLOUD_IS_NG_API_ENDPOINT; default the region's public endpoint)
  --iam-endpoint URL         IAM base URL (IBMCLOUD_IAM_API_ENDPOINT; default https://iam.cloud.ibm.com)
  --tagging-endpoint URL     Global Tagging base URL (IBMCLOUD_GT_API_ENDPOINT)
  --resource-manager-endpoint URL
                             Resource Manager base URL (IBMCLOUD_RESOURCE_MANAGEMENT_API_ENDPOINT; default
                             https://resource-controller.cloud.ibm.com)
  --private                  use the region's private endpoints
  --cos-endpoint URL         Cloud Object Storage endpoint
  --cos-access-key-id ID     COS HMAC access key id (AWS_ACCESS_KEY_ID, read only with --cos-endpoint)
  --cos-secret-access-key K  COS HMAC secret access key (AWS_SECRET_ACCESS_KEY, read only with --cos-endpoint);
                             prefer the environment variable, as for --api-key; without the HMAC keys,
                             COS is reached with the API key (IAM tokens)
  --cos-instance GUID|CRN    the COS instance holding the buckets (for the bucket authorization check)
  With the emulator, give the endpoints and apiKey it prints on its first line (the key in IBMCLOUD_API_KEY).
`;

/** A usage or configuration problem: the command exits 2 with this message. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The flag that sets a config key, for messages. */
export function flagOf(key: ConfigKey): string {
  return `--${KEY_TO_FLAG[key]}`;
}

/**
 * The resolved provider configuration from parsed flags and the environment. Throws UsageError listing every problem,
 * told in terms of flags; the API key and the COS secret are never echoed.
 */
export function configFromFlags(values: Partial<Record<ConfigFlag, string | boolean | undefined>>, env: Env): ProviderConfig {
  const raw: PObject = {};
  for (const [flag, key] of Object.entries(FLAG_TO_KEY) as Array<[ConfigFlag, ConfigKey]>) {
    const value = values[flag];
    if (value !== undefined) raw[key] = value;
  }
  try {
    return resolveConfig(raw, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const lines = error.failures.map((f) => {
      const key = (CONFIG_KEYS as string[]).includes(f.property) ? (f.property as ConfigKey) : undefined;
      return `  - ${key ? flagOf(key) : f.property}: ${cliReason(f.reason)}`;
    });
    throw new UsageError(`invalid connection configuration:\n${lines.join('\n')}`);
  }
}

/** The provider's advice (`pulumi config set ibmflowlogs:key`) re-told for the command line. */
function cliReason(reason: string): string {
  return reason
    .replace(/set it with `pulumi config set (?:--secret )?ibmflowlogs:(\w+) <value>`/g, (_m, key: ConfigKey) => `pass ${KEY_TO_FLAG[key] ? flagOf(key) : key}`)
    .replace(/ibmflowlogs:(\w+)/g, (m, key: ConfigKey) => (KEY_TO_FLAG[key] ? flagOf(key) : m))
    .replace(/\b(apiKey|vpcEndpoint|iamEndpoint|taggingEndpoint|resourceManagerEndpoint|cosEndpoint|cosAccessKeyId|cosSecretAccessKey|cosInstance|region)\b(?= (?:must|is))/g, (key: string) => flagOf(key as ConfigKey));
}
