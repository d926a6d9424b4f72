/**
 * `ibmflowlogs:index:FlowLogCollector`: one flow log collector (docs/reference/FlowLogCollector.md). Each operation
 * also tells the process's registry (model/managed.ts) which collector the resource manages, which is how a later Check
 * or Create of the same resource recognizes it.
 */
import type { ResourceType } from '../types';
import { check } from './check';
import { diff } from './diff';
import { create, read, remove, update } from './lifecycle';
import { withCoverageDrift } from './planned';
import { SECRET_DERIVATIONS, TOKEN } from './properties';
import { servicesOf } from './services';

export const FlowLogCollector: ResourceType = {
  token: TOKEN,
  secretDerivations: SECRET_DERIVATIONS,
  async check(args, call) {
    // Predictions wait for the program's registrations to pause (model/deployment.ts QUIET_MS).
    const deployment = call.context.configured?.deployment;
    deployment?.checkStarted();
    try {
      return await check(args, call);
    } finally {
      deployment?.checkEnded();
    }
  },
  diff(args, call) {
    const d = diff(args);
    call.context.managed.noteDiff(call.urn, args.id, args.olds.values, d.replaces.length > 0);
    return withCoverageDrift(d, args.id, args.olds.values, servicesOf(call));
  },
  async create(args, call) {
    const created = await create(args, call);
    if (!args.preview) call.context.managed.noteState(call.urn, created.id, created.outputs);
    return created;
  },
  async read(args, call) {
    const found = await read(args, call);
    if (found) call.context.managed.noteState(call.urn, found.id, found.outputs);
    else call.context.managed.noteDeleted(call.urn, args.id);
    return found;
  },
  async update(args, call) {
    const outputs = await update(args, call);
    if (!args.preview) call.context.managed.noteState(call.urn, args.id, outputs);
    return outputs;
  },
  async delete(args, call) {
    await remove(args, call);
    call.context.managed.noteDeleted(call.urn, args.id, args.state.values);
  },
};
