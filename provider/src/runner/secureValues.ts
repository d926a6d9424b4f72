/**
 * `secure:` values of a stack file: the Pulumi CLI encrypts them and the runner cannot decrypt them, so each must
 * reach the run another way. An `ibmflowlogs:` key is covered by `--emulator` (the emulator's endpoints and
 * credentials win over the config) or by the environment variable the plugin falls back to; any key by
 * `--config KEY=VALUE` (readProject drops those). Whatever is left is refused, naming the way to give it.
 */
import { PACKAGE } from './providers';

/**
 * The environment variables the plugin reads for a provider config key it was not given (the provider config of
 * the README; test/unit/runnerProject.test.ts checks each against the plugin's own config resolution).
 */
export const PROVIDER_ENV: Readonly<Record<string, readonly string[]>> = {
  region: ['IBMCLOUD_REGION', 'IC_REGION'],
  apiKey: ['IBMCLOUD_API_KEY', 'IC_API_KEY'],
  vpcEndpoint: ['IBMCLOUD_IS_NG_API_ENDPOINT'],
  iamEndpoint: ['IBMCLOUD_IAM_API_ENDPOINT'],
  taggingEndpoint: ['IBMCLOUD_GT_API_ENDPOINT'],
  resourceManagerEndpoint: ['IBMCLOUD_RESOURCE_MANAGEMENT_API_ENDPOINT'],
  cosAccessKeyId: ['AWS_ACCESS_KEY_ID'],
  cosSecretAccessKey: ['AWS_SECRET_ACCESS_KEY'],
};

/** The provider keys the emulator's endpoints line sets when the run has --emulator. */
const EMULATOR_KEYS = new Set(['region', 'apiKey', 'vpcEndpoint', 'iamEndpoint', 'taggingEndpoint', 'resourceManagerEndpoint', 'cosEndpoint', 'cosAccessKeyId', 'cosSecretAccessKey']);

export interface SecureSources {
  /** The provider keys `--emulator` sets (none without it). */
  emulatorKeys: ReadonlySet<string>;
  env: NodeJS.ProcessEnv;
}

/** Why a secure key can be dropped, or how to give it when it cannot. */
function coverage(key: string, sources: SecureSources): { covered: boolean; how: string } {
  const bare = key.startsWith(`${PACKAGE}:`) ? key.slice(PACKAGE.length + 1) : undefined;
  const envVars = bare !== undefined ? PROVIDER_ENV[bare] ?? [] : [];
  if (bare !== undefined && sources.emulatorKeys.has(bare)) return { covered: true, how: '' };
  if (envVars.some((v) => (sources.env[v] ?? '') !== '')) return { covered: true, how: '' };
  const ways = [
    ...(envVars.length > 0 ? [`set the environment variable ${envVars.join(' or ')}`] : []),
    ...(bare !== undefined && EMULATOR_KEYS.has(bare) ? ["pass --emulator FILE to use the emulator's"] : []),
    `pass --config ${key}=<value> (visible to other users of this machine in its process list)`,
  ];
  return { covered: false, how: ways.join(', or ') };
}

/**
 * The secure keys that nothing covers, each with what to do; [] when the run can go on (the covered keys are simply
 * absent from the config, so the plugin takes them from the emulator's overrides or the environment).
 */
export function uncoveredSecureKeys(secureKeys: readonly string[], sources: SecureSources): Array<{ key: string; how: string }> {
  return secureKeys.map((key) => ({ key, ...coverage(key, sources) })).filter((k) => !k.covered).map(({ key, how }) => ({ key, how }));
}

export function secureValuesError(stackFile: string, uncovered: Array<{ key: string; how: string }>): Error {
  const lines = uncovered.map((u) => `  - ${u.key}: ${u.how}`);
  return new Error(`${stackFile} holds ${uncovered.length === 1 ? 'a secure value' : `${uncovered.length} secure values`} that only the Pulumi CLI can decrypt; give ${uncovered.length === 1 ? 'it' : 'each'} to the runner another way:\n${lines.join('\n')}`);
}
