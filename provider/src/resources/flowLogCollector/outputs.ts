import type { Collector } from '../../ibm/types';
import { targetId } from '../../model/collectorRules';
import type { CoverageEntry } from '../../precedence/types';
import type { Outputs } from '../properties';

/** The outputs of a collector read from the API; `target` as the program gives it when it names the same one. */
export function outputsOf(c: Collector, inputs: { target?: unknown; tags: string[]; accessTags?: string[] }, coverage: CoverageEntry[] = []): Outputs {
  return {
    target: typeof inputs.target === 'string' && targetId(inputs.target) === c.target.id ? inputs.target : c.target.id,
    storageBucket: c.storageBucket,
    name: c.name,
    active: c.active,
    resourceGroup: c.resourceGroup.id,
    resourceGroupName: c.resourceGroup.name,
    tags: inputs.tags,
    accessTags: inputs.accessTags ?? [],
    crn: c.crn,
    href: c.href,
    lifecycleState: c.lifecycleState,
    createdAt: c.createdAt,
    autoDelete: c.autoDelete,
    vpc: c.vpc.id,
    targetType: c.target.type,
    coverage,
  };
}
