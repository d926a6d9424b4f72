/**
 * A target holds one collector at most. When a resource's target already has one, whose is it?
 *
 * - This resource's: the process has seen the resource manage it (Diff, Create, Read, Update, Delete carry its id),
 *   or the resource's recorded inputs name the same target (a Check with olds). The engine replaces a resource with a
 *   Check that has no olds (pulumi/pulumi pkg/resource/deploy/step_generator.go: continueStepsFromDiff after a
 *   provider change or replaceOnChanges; continueStepsFromImport for `pulumi up --replace`), and for a provider change
 *   in a new plugin process that has seen only the first Check; so what the process has seen decides.
 * - Another resource's of the deployment, when the process has seen that one manage it.
 * - Unknown otherwise. A process that has seen nothing of the resource (`pulumi up --replace` sends only a Check
 *   without olds before it replaces) takes a collector named as this resource would name it to be its own; any other
 *   is a collector the stack does not manage.
 */
import type { Collector } from '../../ibm/types';
import { looksLikeOwnName } from './naming';
import { TOKEN } from './properties';
import type { CollectorServices } from './services';

export type Ownership = 'this-resource' | { otherResource: string } | 'not-managed';

/** Whose the collector that holds `targetId` is; `askedName` is the name this resource asks for. */
export function ownershipOf(holder: { id: string; name: string }, targetId: string, services: CollectorServices, askedName: string | undefined): Ownership {
  const known = services.managed.holderOf(services.urn, { id: holder.id, targetId });
  if (known.kind === 'this-resource') return 'this-resource';
  if (known.kind === 'other-resource') return { otherResource: known.urn };
  return looksLikeOwnName(holder.name, services.name, askedName) ? 'this-resource' : 'not-managed';
}

const nameOfUrn = (urn: string) => urn.split('::').pop() ?? urn;

/** `target X already has flow log collector "n" (id, bucket "b")`, naming a secret target without its value. */
function held(target: string, c: Collector): string {
  return `${target} already has flow log collector "${c.name}" (${c.id}, bucket "${c.storageBucket}")`;
}

/** Why Check refuses a target another collector holds, and what to do. */
export function takenReason(target: string, c: Collector, ownership: Exclude<Ownership, 'this-resource'>, services: CollectorServices): string {
  if (ownership !== 'not-managed') {
    return `${held(target, c)}, which resource "${nameOfUrn(ownership.otherResource)}" of this stack manages; a target can have only one collector: give this resource another target, or remove the other resource from the program`;
  }
  return `${held(target, c)}, which this resource does not manage; a target can have only one collector. To manage it with this resource, import it: pulumi import ${TOKEN} ${services.name} ${c.id} (or delete it, or choose another target)`;
}

/**
 * What a failed create adds to IBM's 409 when the collector in the way is this resource's own: the engine is
 * creating the replacement before deleting it, which a target with room for one collector cannot take.
 */
export const CREATE_BEFORE_DELETE_HINT =
  'This resource is being replaced and its current collector still holds the target: the engine creates a replacement before it deletes the old one unless the resource has the deleteBeforeReplace option (`pulumi up --replace` and a change of provider do this), and a target can have only one collector. Set the resource option deleteBeforeReplace: true on this resource and run the update again; nothing was changed.';

/** The same, as a preview warning: said before anything changes, since a preview cannot know the resource's options. */
export function createBeforeDeleteWarning(c: Collector): string {
  return `this replacement must delete collector "${c.name}" (${c.id}) before it creates the new one, since a target can have only one collector: without the resource option deleteBeforeReplace: true, pulumi up fails at this resource (nothing is changed)`;
}
