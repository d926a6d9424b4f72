/**
 * BucketAuthorization's properties, as schema.json declares them.
 */
export const TOKEN = 'ibmflowlogs:index:BucketAuthorization';

export const INPUT_KEYS = ['cosInstance', 'bucket', 'roles'] as const;
export type InputKey = (typeof INPUT_KEYS)[number];

/** The outputs: the inputs, the IAM policy's id, its scope and account. */
export const OUTPUT_KEYS = ['cosInstance', 'bucket', 'roles', 'policyId', 'scope', 'accountId'] as const;

/** `roles` when the program gives none: what flow log collectors need. */
export const DEFAULT_ROLES: readonly string[] = ['Writer'];
