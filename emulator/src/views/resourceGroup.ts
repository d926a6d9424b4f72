import type { ResourceGroup } from '../models/topologyTypes';

/** A resource group as Resource Manager v2 answers it (`@ibm-cloud/platform-services` ResourceManagerV2.ResourceGroup). */
export function resourceGroupView(g: ResourceGroup, account: string, createdAt: string, base: string) {
  const quotaId = 'a3d7b8d01e261c24677937c29ab33f3c';
  return {
    id: g.id,
    crn: `crn:v1:bluemix:public:resource-controller::a/${account}::resource-group:${g.id}`,
    account_id: account,
    name: g.name,
    state: 'ACTIVE',
    default: g.isDefault,
    quota_id: quotaId,
    quota_url: `${base}/v2/quota_definitions/${quotaId}`,
    payment_methods_url: `${base}/v2/resource_groups/${g.id}/payment_methods`,
    resource_linkages: [],
    teams_url: `${base}/v2/resource_groups/${g.id}/teams`,
    created_at: createdAt,
    updated_at: createdAt,
  };
}
