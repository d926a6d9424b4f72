/**
 * FlowLogCollector's properties, as schema.json declares them (test/unit/schemaLists.test.ts holds the two together).
 */
export const TOKEN = 'ibmflowlogs:index:FlowLogCollector';

export const INPUT_KEYS = ['target', 'storageBucket', 'name', 'active', 'resourceGroup', 'tags', 'accessTags'] as const;
export type InputKey = (typeof INPUT_KEYS)[number];

/** `requiredInputs`. */
export const REQUIRED_KEYS = ['target', 'storageBucket'] as const;

/** Properties that replace the collector when they change (IBM cannot change them in place): `replaceOnChanges`. */
export const REPLACE_KEYS = ['target', 'storageBucket', 'resourceGroup'] as const;
/** Properties that PATCH or Global Tagging change in place. */
export const UPDATE_KEYS = ['name', 'active', 'tags', 'accessTags'] as const;

/** The outputs, in the order outputsOf writes them: the schema's `properties`. */
export const OUTPUT_KEYS = [
  'target',
  'storageBucket',
  'name',
  'active',
  'resourceGroup',
  'resourceGroupName',
  'tags',
  'accessTags',
  'crn',
  'href',
  'lifecycleState',
  'createdAt',
  'autoDelete',
  'vpc',
  'targetType',
  'coverage',
] as const;

/**
 * Outputs derived from an input: when the input is secret, they are secret too (targetType, vpc and coverage reveal
 * what the target is; the resource group's name reveals its id; the lifecycle state whether it is active).
 */
export const SECRET_DERIVATIONS: Readonly<Record<InputKey, readonly string[]>> = {
  target: ['target', 'targetType', 'vpc', 'coverage'],
  storageBucket: ['storageBucket'],
  name: ['name'],
  active: ['active', 'lifecycleState'],
  resourceGroup: ['resourceGroup', 'resourceGroupName'],
  tags: ['tags'],
  accessTags: ['accessTags'],
};

/** Defaults when the program sets no customTimeouts. */
export const DEFAULT_TIMEOUT_SECONDS = { create: 600, update: 600, delete: 600 };
