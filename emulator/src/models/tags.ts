/**
 * Global Tagging's tags, per resource CRN: user tags, and access management tags.
 *
 * IBM's tagging rules (account docs, "Working with tags"): a tag is 1 to 128 characters of A-Z, a-z, 0-9, space,
 * underscore, hyphen, period and colon (a colon makes it `key:value`), and tags are not case-sensitive. The emulator
 * keeps them in lowercase, so `Env:Prod` and `env:prod` are one tag (its choice where IBM does not say how it
 * spells them back; README "Chosen where IBM is silent").
 *
 * Access management tags (same docs, "access management tags"): always `key:value`; created in the account first
 * (`POST /v3/tags?tag_type=access`), and only an existing one can be attached; one that is still attached cannot be
 * deleted. User tags come into being when first attached and go when nothing holds them.
 */

export const TAG_RULE = /^[A-Za-z0-9:_ .-]{1,128}$/;
export const TAG_RULE_TEXT = '1-128 characters: letters, digits, spaces, underscores, hyphens, periods and colons';
const ACCESS_RULE = /^[^:]+:.+$/;

export type TagType = 'user' | 'access';

/** Why a tag name is refused, or undefined when it is fine. */
export function tagProblem(name: unknown, type: TagType = 'user'): string | undefined {
  if (typeof name !== 'string') return `must be a string; received ${JSON.stringify(name)?.slice(0, 40) ?? 'undefined'}`;
  if (name.length === 0 || name.length > 128) return `"${name.slice(0, 40)}${name.length > 40 ? '…' : ''}" has ${name.length} characters; a tag has ${TAG_RULE_TEXT}`;
  if (!TAG_RULE.test(name)) return `"${name.slice(0, 80)}" is not a valid tag; a tag has ${TAG_RULE_TEXT}`;
  if (type === 'access' && (!ACCESS_RULE.test(name) || name.trim().startsWith(':') || name.trim().endsWith(':'))) {
    return `"${name.slice(0, 80)}" is not an access management tag; access tags are key:value (e.g. "env:prod")`;
  }
  return undefined;
}

export const normalizeTag = (name: string): string => name.toLowerCase();

export type TagsSnapshot = Record<string, string[]>;

/** Access management tags: the ones created in the account, and which CRNs hold which. */
export interface AccessTagsSnapshot {
  defined: string[];
  attached: TagsSnapshot;
}

/** Tags of one type by CRN. */
class TagSet {
  readonly byCrn = new Map<string, Set<string>>();

  constructor(snapshot?: TagsSnapshot) {
    for (const [crn, tags] of Object.entries(snapshot ?? {})) this.byCrn.set(crn, new Set(tags.map(normalizeTag)));
  }

  of(crn: string): string[] {
    return [...(this.byCrn.get(crn) ?? [])].sort();
  }

  inUse(): Set<string> {
    const names = new Set<string>();
    for (const tags of this.byCrn.values()) for (const t of tags) names.add(t);
    return names;
  }

  attach(crn: string, names: string[]): void {
    let tags = this.byCrn.get(crn);
    if (!tags) this.byCrn.set(crn, (tags = new Set()));
    for (const name of names) tags.add(normalizeTag(name));
  }

  detach(crn: string, names: string[]): void {
    const tags = this.byCrn.get(crn);
    if (!tags) return;
    for (const name of names) tags.delete(normalizeTag(name));
    if (tags.size === 0) this.byCrn.delete(crn);
  }

  snapshot(): TagsSnapshot {
    const out: TagsSnapshot = {};
    for (const crn of [...this.byCrn.keys()].sort()) out[crn] = this.of(crn);
    return out;
  }
}

export class TagModel {
  private readonly user: TagSet;
  private readonly access: TagSet;
  private readonly definedAccess: Set<string>;

  constructor(snapshot?: TagsSnapshot, access?: AccessTagsSnapshot) {
    this.user = new TagSet(snapshot);
    this.access = new TagSet(access?.attached);
    this.definedAccess = new Set((access?.defined ?? []).map(normalizeTag));
  }

  private set(type: TagType): TagSet {
    return type === 'user' ? this.user : this.access;
  }

  /** The resource's tags of that type, sorted. */
  of(crn: string, type: TagType = 'user'): string[] {
    return this.set(type).of(crn);
  }

  /** Every tag of that type, sorted, each once: user tags in use; access tags created in the account. */
  allNames(type: TagType = 'user', attachedOnly = false): string[] {
    const names = type === 'user' || attachedOnly ? this.set(type).inUse() : this.definedAccess;
    return [...names].sort();
  }

  /** Access tags among `names` that were never created (attaching them fails). */
  undefinedAccessTags(names: string[]): string[] {
    return names.filter((n) => !this.definedAccess.has(normalizeTag(n)));
  }

  /** Creates access tags; true for each that is new. */
  createAccess(names: string[]): boolean[] {
    return names.map((n) => {
      const key = normalizeTag(n);
      const fresh = !this.definedAccess.has(key);
      this.definedAccess.add(key);
      return fresh;
    });
  }

  /** Deletes an unattached tag: `attached` while something holds it, `not_found` when there is no such tag. */
  deleteTag(name: string, type: TagType): 'deleted' | 'attached' | 'not_found' {
    const key = normalizeTag(name);
    if (this.set(type).inUse().has(key)) return 'attached';
    if (type === 'access') return this.definedAccess.delete(key) ? 'deleted' : 'not_found';
    return 'not_found';
  }

  attach(crn: string, names: string[], type: TagType = 'user'): void {
    this.set(type).attach(crn, names);
  }

  detach(crn: string, names: string[], type: TagType = 'user'): void {
    this.set(type).detach(crn, names);
  }

  clear(): void {
    this.user.byCrn.clear();
    this.access.byCrn.clear();
    this.definedAccess.clear();
  }

  /** CRN → sorted user tags, CRNs sorted: for GET /_emulator/state and persistence. */
  snapshot(): TagsSnapshot {
    return this.user.snapshot();
  }

  accessSnapshot(): AccessTagsSnapshot {
    return { defined: [...this.definedAccess].sort(), attached: this.access.snapshot() };
  }
}
