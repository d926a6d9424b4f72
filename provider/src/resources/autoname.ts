import { createHash } from 'node:crypto';
import { NAME_RULE } from './validation';

/**
 * A collector name from the Pulumi resource name and Check's `randomSeed`: deterministic for the same seed (the
 * engine keeps it stable across previews and updates), valid under IBM's name rule, at most 63 characters.
 */
export function autoname(resourceName: string, randomSeed: Uint8Array | string): string {
  const seed = typeof randomSeed === 'string' ? Buffer.from(randomSeed, 'base64') : Buffer.from(randomSeed);
  const suffix = createHash('sha256').update(seed).update(resourceName).digest('hex').slice(0, 7);
  let base = resourceName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '');
  if (base === '') base = 'flow-log';
  base = base.slice(0, 63 - 8).replace(/-+$/, '');
  const name = `${base}-${suffix}`;
  return NAME_RULE.test(name) ? name : `flow-log-${suffix}`;
}
