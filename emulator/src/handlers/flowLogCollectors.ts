import { noContent, ok, type Handler } from '../http/context';
import { COLLECTOR_FILTERS } from '../models/collectors';
import { listingScope, paginate, parsePaging } from '../models/paging';
import { collectionView } from '../views/collection';
import { collectorView } from '../views/collector';

export const list: Handler = (ctx) => {
  const filters = ctx.pick(COLLECTOR_FILTERS);
  const page = paginate(ctx.state.collectors.list(filters), parsePaging(ctx.query, listingScope('/v1/flow_log_collectors', filters)));
  const items = page.items.map((r) => collectorView(r, ctx.refs));
  return ok(collectionView(ctx.base, '/v1/flow_log_collectors', 'flow_log_collectors', page, filters, items));
};

export const create: Handler = async (ctx) => {
  const record = await ctx.state.collectors.create(ctx.json('application/json'));
  ctx.state.onChange();
  return ok(collectorView(record, ctx.refs), 201);
};

export const get: Handler = (ctx) => ok(collectorView(ctx.state.collectors.get(ctx.params.id), ctx.refs));

export const update: Handler = (ctx) => {
  ctx.state.collectors.get(ctx.params.id); // an unknown id answers 404 before the body is looked at
  const record = ctx.state.collectors.update(ctx.params.id, ctx.json('application/merge-patch+json'));
  ctx.state.onChange();
  return ok(collectorView(record, ctx.refs));
};

export const remove: Handler = (ctx) => {
  ctx.state.collectors.delete(ctx.params.id);
  ctx.state.onChange();
  return noContent();
};
