/**
 * The plugin's messages are written for the Pulumi CLI (`pulumi config set`, `pulumi import`); under the offline
 * runner the same fix takes another command, and a missing API key most often means a forgotten `--emulator`.
 * These functions re-tell them for the runner. Pure.
 */
import { CheckFailedError, PACKAGE, PROVIDER_TYPE, type CheckFailure } from './providers';

export interface AdviceContext {
  /** The run has --emulator. */
  emulator: boolean;
  /** The stack's config file, where config belongs. */
  stackFile: string;
  /** The run's --cwd/--stack/--emulator flags, to repeat in a command the message suggests ('' when none). */
  runFlags: string;
}

const isProviderUrn = (urn: string) => urn.includes(`::${PROVIDER_TYPE}::`);

/** A provider's CheckConfig failure, re-told; other failures as they are. */
function adviseFailure(f: CheckFailure, ctx: AdviceContext): CheckFailure {
  if (f.property === 'apiKey' && /no IBM Cloud API key/.test(f.reason) && !ctx.emulator) {
    return {
      property: f.property,
      reason:
        `no IBM Cloud API key for the ${PACKAGE} provider, and this run has no --emulator. ` +
        'To run against the local emulator, start `ibm-flowlogs emulator > endpoints.json` and add --emulator endpoints.json; ' +
        `to run against IBM Cloud, set IBMCLOUD_API_KEY (or IC_API_KEY) in the environment, or pass --config ${PACKAGE}:apiKey=<value> for one run (visible to other users of this machine in its process list)`,
    };
  }
  return { property: f.property, reason: adviseText(f.reason, ctx) };
}

/** `pulumi config set K <value>` and `pulumi import T N ID` in any message, as the runner takes them. */
export function adviseText(message: string, ctx: AdviceContext): string {
  const flags = ctx.runFlags ? ` ${ctx.runFlags}` : '';
  return message
    .replace(/`pulumi config set (?:--secret )?([^ `]+) <value>`/g, (_m, key: string) => `config: in ${ctx.stackFile} (\`${key}: <value>\`), or --config ${key}=<value> for one run`)
    .replace(/pulumi import (\S+) (\S+) (\S+?)(?=[\s,;)]|$)/g, (_m, type: string, name: string, id: string) => `ibm-flowlogs run import ${type} ${name} ${id}${flags} (or the resource option import: "${id}")`);
}

/** An error of a run, re-told: a CheckFailedError keeps its type with each failure re-told. */
export function advise(error: unknown, ctx: AdviceContext): unknown {
  if (error instanceof CheckFailedError) {
    const failures = isProviderUrn(error.urn) ? error.failures.map((f) => adviseFailure(f, ctx)) : error.failures.map((f) => ({ ...f, reason: adviseText(f.reason, ctx) }));
    return new CheckFailedError(error.urn, failures);
  }
  return error;
}
