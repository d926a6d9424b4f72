/**
 * Reads what the plan is laid over: every VPC's topology and every collector of the region, from IBM Cloud or the
 * emulator, through the provider's own clients.
 */
import { TopologyReader, VpcClient, type Collector, type VpcInfo } from '../../ibm';
import type { ProviderConfig } from '../../config';
import { UsageError } from '../configFlags';
import type { LiveData } from './model';

export interface LoadedLive extends LiveData {
  /** The VPC --vpc named, resolved to its id. */
  vpcId?: string;
}

/** The VPC named by id or name; a UsageError listing the region's VPCs when there is none, or two share the name. */
export function findVpc(vpcs: VpcInfo[], idOrName: string, region: string): VpcInfo {
  const byId = vpcs.find((v) => v.id === idOrName || v.crn === idOrName);
  if (byId) return byId;
  const byName = vpcs.filter((v) => v.name === idOrName);
  if (byName.length === 1) return byName[0];
  const known = vpcs.map((v) => `${v.name} (${v.id})`).join(', ') || 'none';
  if (byName.length > 1) throw new UsageError(`--vpc "${idOrName}" names ${byName.length} VPCs in ${region}; give the id instead: ${byName.map((v) => v.id).join(', ')}`);
  throw new UsageError(`--vpc "${idOrName}": no VPC with this id or name in region ${region}; VPCs there: ${known}`);
}

export async function loadLive(config: ProviderConfig, vpc: string | undefined): Promise<LoadedLive> {
  const client = new VpcClient(config, { userAgent: 'ibm-flowlogs-plan' });
  try {
    const vpcs = await client.listVpcs();
    const vpcId = vpc === undefined ? undefined : findVpc(vpcs, vpc, config.region).id;
    const reader = new TopologyReader(client);
    const collect = async (): Promise<Collector[]> => {
      const all: Collector[] = [];
      for await (const c of client.listCollectors()) all.push(c);
      return all;
    };
    // Every VPC's topology, since a planned target may be in any of them; one listing of all collectors.
    const [topologies, collectors] = await Promise.all([Promise.all(vpcs.map((v) => reader.read(v.id))), collect()]);
    return { topologies, collectors, ...(vpcId !== undefined ? { vpcId } : {}) };
  } finally {
    client.destroy();
  }
}
