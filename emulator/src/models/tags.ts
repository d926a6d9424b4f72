/**
 * Global Tagging's user tags, per resource CRN.
 *
 * IBM's tagging rules (account docs, "Working with tags"): a tag is 1 to 128 characters of A-Z, a-z, 0-9, space,
 * underscore, hyphen, period and colon (a colon makes it `key:value`), and tags are not case-sensitive. The emulator
 * keeps them in lowercase, so `Env:Prod` and `env:prod` are one tag (its choice where IBM does not say how it
 * spells them back; README "Chosen where IBM is silent").
 */

export const TAG_RULE = /^[A-Za-z0-9:_ .-]{1,128}$/;
export const TAG_RULE_TEXT = '1-128 characters: letters, digits, spaces, underscores, hyphens, periods and colons';

/** Why a tag name is refused, or undefined when it is fine. */
export function tagProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return `must be a string; received ${JSON.stringify(name)?.slice(0, 40) ?? 'undefined'}`;
  if (name.length === 0 || name.length > 128) return `"${name.slice(0, 40)}${name.length > 40 ? '…' : ''}" has ${name.length} characters; a tag has ${TAG_RULE_TEXT}`;
  if (!TAG_RULE.test(name)) return `"${name.slice(0, 80)}" is not a valid tag; a tag has ${TAG_RULE_TEXT}`;
  return undefined;
}

export const normalizeTag = (name: string): string => name.toLowerCase();

export type TagsSnapshot = Record<string, string[]>;

export class TagModel {
  private readonly byCrn = new Map<string, Set<string>>();

  constructor(snapshot?: TagsSnapshot) {
    for (const [crn, tags] of Object.entries(snapshot ?? {})) this.byCrn.set(crn, new Set(tags.map(normalizeTag)));
  }

  /** The resource's tags, sorted. */
  of(crn: string): string[] {
    return [...(this.byCrn.get(crn) ?? [])].sort();
  }

  /** Every tag attached to anything, sorted, each once. */
  allNames(): string[] {
    const names = new Set<string>();
    for (const tags of this.byCrn.values()) for (const t of tags) names.add(t);
    return [...names].sort();
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

  clear(): void {
    this.byCrn.clear();
  }

  /** CRN → sorted tags, CRNs sorted: for GET /_emulator/state and persistence. */
  snapshot(): TagsSnapshot {
    const out: TagsSnapshot = {};
    for (const crn of [...this.byCrn.keys()].sort()) out[crn] = this.of(crn);
    return out;
  }
}
