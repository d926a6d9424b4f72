import { createHash } from 'node:crypto';
import { isValidName, NAME_MAX_LENGTH } from '../../model/collectorRules';
import type { NameRule } from '../autonaming';

/** A name under IBM's rule, from any text: lowercase letters, digits and hyphens, starting with a letter. */
function fitToRule(text: string, maxLength: number): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, maxLength)
    .replace(/-+$/, '');
}

/**
 * Collector names: the resource name made valid under IBM's name rule and a 7-hex suffix from Check's random seed
 * (deterministic for one seed, so previews and updates agree), at most 63 characters.
 */
export const COLLECTOR_NAMES: NameRule = {
  generate(resourceName, randomSeed) {
    const suffix = createHash('sha256').update(Buffer.from(randomSeed)).update(resourceName).digest('hex').slice(0, 7);
    const base = fitToRule(resourceName, NAME_MAX_LENGTH - 8) || 'flow-log';
    const name = `${base}-${suffix}`;
    return isValidName(name) ? name : `flow-log-${suffix}`;
  },
  fit(proposed) {
    const fitted = fitToRule(proposed, NAME_MAX_LENGTH);
    return fitted !== '' && isValidName(fitted) ? fitted : undefined;
  },
  isValid: isValidName,
  describe: '1-63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen',
};

/**
 * Whether a live collector's name is this resource's: the name it asks for, or the provider's own autoname of the
 * resource name (`<name>-<7 hex>`). How a process that has seen nothing of a resource (the Check and Create of
 * `pulumi up --replace`) tells its collector from a stranger's.
 */
export function looksLikeOwnName(collectorName: string, resourceName: string, askedFor: string | undefined): boolean {
  if (askedFor !== undefined && collectorName === askedFor) return true;
  const base = fitToRule(resourceName, NAME_MAX_LENGTH - 8) || 'flow-log';
  return new RegExp(`^(${base.replace(/[-]/g, '\\-')}|flow-log)-[0-9a-f]{7}$`).test(collectorName);
}
