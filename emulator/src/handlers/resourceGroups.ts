import { platformFail } from '../errors';
import { ok, type Handler, type RequestContext } from '../http/context';
import { resourceGroupView } from '../views/resourceGroup';

/**
 * Resource Manager v2, read-only: the topology's resource groups, the same ones collectors default to and are
 * filtered by (`resource_group.id`).
 */

/** Resource groups carry no time of their own in a topology: they are as old as its oldest resource. */
function createdAt(ctx: RequestContext): string {
  const d = ctx.state.topology.data;
  const times = [...d.vpcs, ...d.subnets, ...d.instances, ...d.virtualNetworkInterfaces].map((r) => r.createdAt).sort();
  return times[0] ?? ctx.state.clock.iso();
}

function flag(ctx: RequestContext, name: string): boolean | undefined {
  const value = ctx.query.get(name);
  if (value === null) return undefined;
  if (value !== 'true' && value !== 'false') platformFail('invalid_request', `${name} must be true or false; received "${value.slice(0, 20)}".`);
  return value === 'true';
}

/** GET /v2/resource_groups?account_id=&name=&default=: the account's groups, in topology order. */
export const list: Handler = (ctx) => {
  const account = ctx.state.topology.account;
  const accountId = ctx.query.get('account_id');
  const name = ctx.query.get('name');
  const isDefault = flag(ctx, 'default');
  flag(ctx, 'include_deleted');
  const date = ctx.query.get('date');
  if (date !== null && !/^\d{4}-(0[1-9]|1[0-2])$/.test(date)) platformFail('invalid_request', `date must be YYYY-MM; received "${date.slice(0, 20)}".`);
  // Without account_id, the caller's own account (the token's); another account's groups are not visible.
  const groups = accountId !== null && accountId !== account ? [] : ctx.state.topology.data.resourceGroups;
  const when = createdAt(ctx);
  const resources = groups
    .filter((g) => (name === null || g.name === name) && (isDefault === undefined || g.isDefault === isDefault))
    .map((g) => resourceGroupView(g, account, when, ctx.base));
  return ok({ resources });
};

/** GET /v2/resource_groups/{id}. */
export const get: Handler = (ctx) => {
  const group = ctx.state.topology.resourceGroup(ctx.params.id);
  if (!group) platformFail('resource_group_not_found', `Resource group with id ${ctx.params.id.slice(0, 80)} was not found in account ${ctx.state.topology.account}.`);
  return ok(resourceGroupView(group, ctx.state.topology.account, createdAt(ctx), ctx.base));
};
