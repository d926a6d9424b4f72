/**
 * `ibmflowlogs:index:BucketAuthorization`: the IAM service-to-service authorization that lets flow log collectors
 * (service `is`, resource type `flow-log-collector`) write to a COS instance, or one of its buckets. Every change
 * replaces it (an IAM authorization's subject, resource and roles are what it is); import by policy id.
 */
import type { DiffKind, ResourceType } from '../types';
import { notePlannedAuthorization } from '../flowLogCollector/bucketPreflight';
import { check } from './check';
import { create, read, remove } from './lifecycle';
import { INPUT_KEYS, TOKEN } from './properties';

export const BucketAuthorization: ResourceType = {
  token: TOKEN,
  secretDerivations: {},
  check,
  diff({ olds, news }) {
    const detailed: Record<string, DiffKind> = {};
    for (const key of INPUT_KEYS) {
      const o = olds.values[key];
      const n = news.values[key];
      if (news.unknown.has(key)) detailed[key] = 'update-replace';
      else if (JSON.stringify(o) !== JSON.stringify(n)) detailed[key] = o === undefined ? 'add-replace' : n === undefined ? 'delete-replace' : 'update-replace';
    }
    const replaces = Object.keys(detailed);
    return { changes: replaces.length > 0, replaces, detailed, deleteBeforeReplace: false };
  },
  create,
  read,
  update() {
    return Promise.reject(new Error('a BucketAuthorization is never updated in place: every change replaces it'));
  },
  async delete(args, call) {
    await remove(args, call);
    // Destroyed: no longer an authorization this deployment plans.
    notePlannedAuthorization(call.context, call.urn, undefined);
  },
};
