import { fail, type ErrorCode } from '../errors';
import { ok, type Handler, type RequestContext } from '../http/context';
import { listingScope, paginate, parsePaging } from '../models/paging';
import { collectionView } from '../views/collection';
import { TopologyViews } from '../views/topology';

const views = (ctx: RequestContext) => new TopologyViews(ctx.refs, ctx.state.topology);

function collection<T>(ctx: RequestContext, key: string, items: readonly T[], render: (item: T) => unknown, filters: Record<string, string> = {}) {
  const page = paginate(items, parsePaging(ctx.query, listingScope(ctx.path, filters)));
  return ok(collectionView(ctx.base, ctx.path, key, page, filters, page.items.map(render)));
}

function found<T>(item: T | undefined, code: ErrorCode, what: string, id: string): T {
  if (item === undefined) fail(code, `${what} "${id}" was not found.`, { name: 'id', type: 'parameter', value: id });
  return item;
}

const vpcFilter = (ctx: RequestContext) => ctx.pick(['vpc.id'] as const);

export const listVpcs: Handler = (ctx) => collection(ctx, 'vpcs', ctx.state.topology.data.vpcs, (v) => views(ctx).vpc(v));
export const getVpc: Handler = (ctx) => ok(views(ctx).vpc(found(ctx.state.topology.vpc(ctx.params.id), 'vpc_not_found', 'VPC', ctx.params.id)));

export const listSubnets: Handler = (ctx) => {
  const f = vpcFilter(ctx);
  const items = ctx.state.topology.subnetsIn(f['vpc.id']);
  return collection(ctx, 'subnets', items, (s) => views(ctx).subnet(s), f);
};
export const getSubnet: Handler = (ctx) => ok(views(ctx).subnet(found(ctx.state.topology.subnet(ctx.params.id), 'subnet_not_found', 'Subnet', ctx.params.id)));

export const listInstances: Handler = (ctx) => {
  const f = vpcFilter(ctx);
  const items = ctx.state.topology.instancesIn(f['vpc.id']);
  return collection(ctx, 'instances', items, (i) => views(ctx).instance(i), f);
};
export const getInstance: Handler = (ctx) => ok(views(ctx).instance(found(ctx.state.topology.instance(ctx.params.id), 'instance_not_found', 'Instance', ctx.params.id)));

const instanceOf = (ctx: RequestContext) => found(ctx.state.topology.instance(ctx.params.instance), 'instance_not_found', 'Instance', ctx.params.instance);

/** Not paged by the API: an instance's interfaces come as one list. */
export const listInstanceNetworkInterfaces: Handler = (ctx) => ok({ network_interfaces: views(ctx).networkInterfacesOf(instanceOf(ctx).id) });
export const getInstanceNetworkInterface: Handler = (ctx) => {
  const nic = views(ctx).networkInterfacesOf(instanceOf(ctx).id).find((n) => n.id === ctx.params.id);
  return ok(found(nic, 'network_interface_not_found', 'Network interface', ctx.params.id));
};

export const listInstanceNetworkAttachments: Handler = (ctx) =>
  ok({ network_attachments: ctx.state.topology.attachmentsOf(instanceOf(ctx).id).map((a) => views(ctx).attachment(a)) });
export const getInstanceNetworkAttachment: Handler = (ctx) => {
  const att = ctx.state.topology.attachmentsOf(instanceOf(ctx).id).find((a) => a.id === ctx.params.id);
  return ok(views(ctx).attachment(found(att, 'instance_network_attachment_not_found', 'Network attachment', ctx.params.id)));
};

export const listVirtualNetworkInterfaces: Handler = (ctx) =>
  collection(ctx, 'virtual_network_interfaces', ctx.state.topology.data.virtualNetworkInterfaces, (v) => views(ctx).vni(v));
export const getVirtualNetworkInterface: Handler = (ctx) =>
  ok(views(ctx).vni(found(ctx.state.topology.vni(ctx.params.id), 'virtual_network_interface_not_found', 'Virtual network interface', ctx.params.id)));
