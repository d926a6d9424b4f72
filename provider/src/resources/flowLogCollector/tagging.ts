/**
 * A collector's two kinds of Global Tagging tags: user tags (`tags`) and access management tags (`accessTags`, as
 * Terraform's `access_tags`). Both compare case-insensitively and change in place.
 */
import type { TagType } from '../../ibm/tagging';
import type { CollectorServices } from './services';

export interface CollectorTags {
  tags: string[];
  accessTags: string[];
}

const KINDS: ReadonlyArray<[keyof CollectorTags, TagType]> = [
  ['tags', 'user'],
  ['accessTags', 'access'],
];

export const NO_TAGS: CollectorTags = { tags: [], accessTags: [] };

export function tagsOf(values: Record<string, unknown>): CollectorTags {
  return { tags: (values.tags as string[] | undefined) ?? [], accessTags: (values.accessTags as string[] | undefined) ?? [] };
}

/** Why attaching access tags failed, with the fix: an access tag must be created in the account first. */
function accessTagHint(tags: readonly string[]): string {
  return ` Access management tags must exist in the account before they can be attached: create them with \`ibmcloud resource tag-create --tag-names ${tags.join(',')} --tag-type access\` (or in the console, Manage > Account > Tags > Access management tags), then run again.`;
}

async function change(action: 'attach' | 'detach', crn: string, key: keyof CollectorTags, type: TagType, list: readonly string[], services: CollectorServices): Promise<void> {
  if (list.length === 0) return;
  try {
    if (action === 'attach') await services.tags.attachTags(crn, list, { tagType: type, signal: services.signal });
    else await services.tags.detachTags(crn, list, { tagType: type, signal: services.signal });
  } catch (error) {
    if (action === 'attach' && key === 'accessTags') (error as Error).message += accessTagHint(list);
    throw error;
  }
}

/** A tag change that failed part-way: `attached` is what the collector carries now. */
export class TagSyncError extends Error {
  constructor(override readonly cause: Error, readonly attached: CollectorTags) {
    super(cause.message);
    this.name = 'TagSyncError';
  }
}

/** Brings the collector's tags from `had` to `wanted`: detaches what goes, then attaches what comes. */
export async function syncTags(crn: string, had: CollectorTags, wanted: CollectorTags, services: CollectorServices): Promise<CollectorTags> {
  const now = { tags: [...had.tags], accessTags: [...had.accessTags] };
  const lower = (list: string[]) => new Set(list.map((t) => t.toLowerCase()));
  try {
    for (const [key, type] of KINDS) {
      const detach = had[key].filter((t) => !lower(wanted[key]).has(t.toLowerCase()));
      const attach = wanted[key].filter((t) => !lower(had[key]).has(t.toLowerCase()));
      await change('detach', crn, key, type, detach, services);
      now[key] = now[key].filter((t) => !lower(detach).has(t.toLowerCase()));
      await change('attach', crn, key, type, attach, services);
      now[key] = wanted[key];
    }
  } catch (error) {
    throw new TagSyncError(error as Error, now);
  }
  return now;
}

/** The tags of both kinds attached to the collector now. */
export async function readTags(crn: string, services: CollectorServices): Promise<CollectorTags> {
  const [tags, accessTags] = await Promise.all(KINDS.map(([, type]) => services.tags.listTags(crn, { tagType: type, signal: services.signal })));
  return { tags, accessTags };
}
