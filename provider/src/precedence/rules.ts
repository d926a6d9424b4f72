/**
 * The rules of README.md, "What the provider does" as constants: the precedence order and the suspended-collector rule.
 */
import type { Level } from './types';

/**
 * The precedence order (README.md, "What the provider does"), most specific first. A collector on an earlier level
 * wins.
 */
export const PRECEDENCE: readonly Level[] = Object.freeze([
  'interface',
  'virtual_network_interface',
  'instance',
  'subnet',
  'vpc',
] as Level[]);

/**
 * README.md, "What the provider does": a suspended collector (`active: false`) still holds its place in the precedence
 * order, so the interfaces it wins get no flow logs while it is suspended (rather than falling through to a less
 * specific collector). This is our reading of the service; every report that depends on it says so. `resolve` reads it.
 */
export const SUSPENDED_COLLECTOR_HOLDS_ITS_PLACE: boolean = true;
