/**
 * `plan`'s bucket pre-flight: the same checks preview makes (resources/flowLogCollector/bucketPreflight.ts), for every
 * planned collector, with the provider's own clients. Only with COS access configured (`--cos-endpoint`).
 */
import type { ProviderConfig } from '../../config';
import { ManagedCollectors } from '../../model/managed';
import { bucketPreflight } from '../../resources/flowLogCollector/bucketPreflight';
import type { ProviderContext } from '../../resources/types';
import { connect } from '../../rpc/context';
import type { PlannedCollector } from './inputs';

export const EXIT_BUCKETS = 5;

/** One line per problem (`collector NAME: storageBucket: …`); warnings go to `warn`. */
export async function checkPlannedBuckets(config: ProviderConfig, collectors: readonly PlannedCollector[], warn: (text: string) => void): Promise<string[]> {
  if (!config.cos) return [];
  const context: ProviderContext = {
    configured: connect(config),
    managed: new ManagedCollectors(),
    signal: new AbortController().signal,
    log: async (_severity, message) => warn(`ibm-flowlogs plan: warning: ${message}\n`),
  };
  const problems: string[] = [];
  for (const c of collectors) {
    for (const f of await bucketPreflight(context, c.urn ?? c.key, c.bucket)) problems.push(`collector ${c.name}: ${f.property}: ${f.reason}`);
  }
  return problems;
}
