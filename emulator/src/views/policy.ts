import { ROLES, type StoredPolicy } from '../models/iamPolicies';

/** A v1 policy as IAM Policy Management answers it; roles carry their display names (Terraform reads them). */
export function policyView(p: StoredPolicy, base: string) {
  return {
    id: p.id,
    type: p.type,
    ...(p.description !== undefined ? { description: p.description } : {}),
    subjects: p.subjects,
    roles: p.roles.map((r) => {
      const known = ROLES[r.role_id];
      const name = r.role_id.slice(r.role_id.lastIndexOf(':') + 1);
      return { role_id: r.role_id, display_name: known?.displayName ?? name, ...(known ? { description: known.description } : {}) };
    }),
    resources: p.resources,
    href: `${base}/v1/policies/${p.id}`,
    created_at: p.createdAt,
    created_by_id: p.createdById,
    last_modified_at: p.lastModifiedAt,
    last_modified_by_id: p.lastModifiedById,
    state: p.state,
  };
}
