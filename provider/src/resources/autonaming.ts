/**
 * A resource's name when the program gives none, with Pulumi's autonaming configuration (`pulumi:autonaming` in the
 * stack config reaches Check as `autonaming`, pulumi/pulumi sdk/go/common/resource/plugin/provider_plugin.go, only
 * because Configure answered supportsAutonamingConfiguration):
 *
 * - no configuration: the provider's own name, from the resource name and Check's random seed;
 * - PROPOSE: the proposed name (made valid where it can be);
 * - ENFORCE: exactly the proposed name; a different explicit name is refused;
 * - DISABLE: no name is made up; the program must give one.
 *
 * A resource that already has a name (the recorded inputs hold one) keeps it, so that an update never renames by
 * accident and a random pattern does not rename on every deployment; a replacement's Check has no olds, so a
 * replacement gets a new name, as with every Pulumi autonamed resource.
 */
import type { Failure } from '../shared/failures';
import type { Autonaming } from './types';

export interface NameRule {
  /** The provider's own name for a resource: deterministic for one random seed. */
  generate(resourceName: string, randomSeed: Uint8Array): string;
  /** A proposed name made valid (case, characters, length), or undefined when it cannot be. */
  fit(proposed: string): string | undefined;
  isValid(name: string): boolean;
  /** The rule in words, for failures. */
  describe: string;
}

export interface NameInput {
  /** The name the program gives: a string, something invalid (Check reports it), or undefined. */
  given: unknown;
  /** The program's name is not known yet (preview). */
  givenUnknown: boolean;
  /** The name the recorded inputs hold. */
  old: unknown;
  resourceName: string;
  randomSeed: Uint8Array;
  autonaming?: Autonaming;
}

/** The name Check records (undefined: leave it as given, or unknown), and the failures autonaming calls for. */
export function chooseName(input: NameInput, rule: NameRule, path = 'name'): { name?: string; failures: Failure[] } {
  const { given, autonaming } = input;
  if (input.givenUnknown) return { failures: [] };
  if (given !== undefined && given !== null) {
    if (autonaming?.mode === 'enforce' && typeof given === 'string' && given !== autonaming.proposedName) {
      return {
        failures: [
          {
            property: path,
            reason: `"${given}" is not the name the autonaming configuration enforces ("${autonaming.proposedName}"); remove ${path} to take that name, or change pulumi:autonaming`,
          },
        ],
      };
    }
    return { failures: [] };
  }
  if (autonaming?.mode === 'disable') {
    return { failures: [{ property: path, reason: `is required: autonaming is disabled for this resource (pulumi:autonaming), so give ${path} in the program` }] };
  }
  if (typeof input.old === 'string') return { name: input.old, failures: [] };
  if (autonaming && autonaming.proposedName !== '') {
    const proposed = autonaming.proposedName;
    if (rule.isValid(proposed)) return { name: proposed, failures: [] };
    const fitted = autonaming.mode === 'propose' ? rule.fit(proposed) : undefined;
    if (fitted !== undefined) return { name: fitted, failures: [] };
    return {
      failures: [
        {
          property: path,
          reason: `the autonaming configuration proposes "${proposed}", which is not a valid name (${rule.describe}); change pulumi:autonaming, or give ${path} in the program`,
        },
      ],
    };
  }
  return { name: rule.generate(input.resourceName, input.randomSeed), failures: [] };
}
