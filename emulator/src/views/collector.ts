import type { CollectorRecord } from '../models/collectors';
import type { References } from './references';

/** A flow log collector as the API returns it: every field of the SDK's FlowLogCollector model. */
export function collectorView(r: CollectorRecord, refs: References) {
  return {
    active: r.active,
    auto_delete: r.autoDelete,
    created_at: r.createdAt,
    crn: r.crn,
    href: `${refs.base}/v1/flow_log_collectors/${r.id}`,
    id: r.id,
    lifecycle_state: r.lifecycleState,
    name: r.name,
    resource_group: refs.resourceGroup(r.resourceGroupId),
    storage_bucket: { name: r.bucket },
    target: refs.target(r.target),
    vpc: refs.vpc(r.vpcId),
  };
}
