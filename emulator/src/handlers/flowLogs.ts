import { fail } from '../errors';
import { ok, type Handler } from '../http/context';
import { loggedInterfaces } from '../models/flowLogRouting';
import { parseTrafficBody } from '../models/trafficSettings';

/** Control API for the flow-log writer: write a window now, and choose each interface's traffic. */

/** `POST /_emulator/flowlogs/write`: one window ending now; answers what was written, and what was not and why. */
export const writeNow: Handler = async (ctx) => {
  const body = ctx.controlBody();
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length > 0) {
    fail('invalid_value', 'POST /_emulator/flowlogs/write takes no options: send no body or {}.');
  }
  const result = await ctx.state.flowLogs.writeNow();
  return ok(result);
};

/** `GET /_emulator/flowlogs`: the writer's window, cap and objects written per bucket. */
export const status: Handler = (ctx) => ok(ctx.state.flowLogs.status());

/** `GET /_emulator/traffic`: every interface flow logs are written for, with its scenario. */
export const listTraffic: Handler = (ctx) => {
  const t = ctx.state.traffic;
  return ok({
    default: t.defaultSetting,
    interfaces: loggedInterfaces(ctx.state.topology).map((i) => ({
      interfaceId: i.id,
      name: i.name,
      resourceType: i.kind,
      instanceId: i.instance.id,
      instanceName: i.instance.name,
      ip: i.ip,
      ...t.get(i.id),
      default: !t.isSet(i.id),
    })),
  });
};

/** `POST /_emulator/traffic {"interfaceId", "scenario", ...options}`; `interfaceId: "*"` sets the default. */
export const setTraffic: Handler = (ctx) => {
  const { interfaceId, setting } = parseTrafficBody(ctx.controlBody());
  if (interfaceId !== '*' && !loggedInterfaces(ctx.state.topology).some((i) => i.id === interfaceId)) {
    fail('not_found', `No network interface or instance network attachment has id "${interfaceId}" (flow logs are written per interface; an unattached virtual network interface carries no traffic).`, { name: 'interfaceId', type: 'field', value: interfaceId });
  }
  ctx.state.traffic.set(interfaceId, setting);
  ctx.state.onChange();
  return ok({ interfaceId, ...setting });
};
