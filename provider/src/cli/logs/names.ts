/**
 * Names for the ids a report holds (object keys carry ids and CRNs only): interfaces and collectors, read from the
 * VPC API through the provider's own clients (ibm/vpcClient.ts, ibm/topology.ts). Only when the VPC API is configured.
 */
import type { ProviderConfig } from '../../config';
import { TopologyReader, VpcClient } from '../../ibm';

export interface LogNames {
  /** Interface id → `eth0 of instance-3`. */
  interfaces: Record<string, string>;
  /** Collector CRN (as the keys hold it) → collector name. */
  collectors: Record<string, string>;
}

/**
 * Names are a decoration of a report already made: one retry, not the provider's five, so that a VPC API that does
 * not answer costs a warning at once rather than the seconds of the provider's backoff.
 */
export const NAMES_RETRY = { maxAttempts: 2 };

export async function readNames(config: ProviderConfig): Promise<LogNames> {
  const client = new VpcClient(config, { userAgent: 'ibm-flowlogs-logs', retryPolicy: NAMES_RETRY });
  try {
    const vpcs = await client.listVpcs();
    const reader = new TopologyReader(client);
    const names: LogNames = { interfaces: {}, collectors: {} };
    const [topologies] = await Promise.all([
      Promise.all(vpcs.map((v) => reader.read(v.id))),
      (async () => {
        for await (const c of client.listCollectors()) names.collectors[c.crn] = c.name;
      })(),
    ]);
    for (const t of topologies) {
      const instances = new Map(t.instances.map((i) => [i.id, i.name]));
      for (const i of t.interfaces) names.interfaces[i.id] = instances.has(i.instanceId) ? `${i.name} of ${instances.get(i.instanceId)}` : i.name;
    }
    return names;
  } finally {
    client.destroy();
  }
}
