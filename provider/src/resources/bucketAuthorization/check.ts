import { COS_ROLES, cosRoleId, parseCosInstance } from '../../ibm/bucketAuthorization';
import { checkBucket } from '../../model/collectorRules';
import type { Failure } from '../../shared/failures';
import { keyPath } from '../../shared/propertyPath';
import { notePlannedAuthorization } from '../flowLogCollector/bucketPreflight';
import type { CheckArgs, CheckResult, ResourceCall } from '../types';
import { DEFAULT_ROLES, INPUT_KEYS } from './properties';

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value.length > 120 ? `${value.slice(0, 117)}...` : value) : JSON.stringify(value) ?? String(value));

/** Every problem of the inputs, each with its path and the value received. */
export function validateInputs(values: Record<string, unknown>, unknown: Set<string>): Failure[] {
  const failures: Failure[] = [];
  for (const key of Object.keys(values)) {
    if (!(INPUT_KEYS as readonly string[]).includes(key)) failures.push({ property: keyPath(key), reason: `unknown property; allowed: ${INPUT_KEYS.join(', ')}` });
  }
  const instance = values.cosInstance;
  if (instance === undefined || instance === null) {
    if (!unknown.has('cosInstance')) failures.push({ property: 'cosInstance', reason: 'is required: the GUID or CRN of the COS instance flow log collectors write to' });
  } else if (typeof instance !== 'string' || !parseCosInstance(instance)) {
    failures.push({ property: 'cosInstance', reason: `${show(instance)} is neither a COS instance GUID (8-4-4-4-12 hexadecimal digits) nor a cloud-object-storage CRN` });
  }
  if (values.bucket !== undefined && values.bucket !== null && !unknown.has('bucket')) failures.push(...checkBucket(values.bucket, 'bucket'));
  const roles = values.roles;
  if (roles !== undefined && roles !== null && !unknown.has('roles')) {
    if (!Array.isArray(roles) || roles.length === 0) failures.push({ property: 'roles', reason: `must be a non-empty list of role names, received ${show(roles)}` });
    else {
      roles.forEach((role, i) => {
        if (typeof role !== 'string' || !cosRoleId(role)) failures.push({ property: `roles[${i}]`, reason: `${show(role)} is not a Cloud Object Storage role; allowed: ${Object.keys(COS_ROLES).join(', ')}` });
      });
    }
  }
  return failures;
}

/**
 * Validates, defaults `roles` to ["Writer"], and tells the bucket pre-flight that this deployment plans the
 * authorization, so that collectors checked after it in this process preview clean (bucketPreflight.ts).
 */
export async function check(args: CheckArgs, call: ResourceCall): Promise<CheckResult> {
  const { news } = args;
  const values = { ...news.values };
  const failures = validateInputs(values, news.unknown);
  if ((values.roles === undefined || values.roles === null) && !news.unknown.has('roles')) values.roles = [...DEFAULT_ROLES];
  const known = failures.length === 0 && !news.unknown.has('cosInstance') && !news.unknown.has('bucket') && !news.unknown.has('roles');
  notePlannedAuthorization(
    call.context,
    call.urn,
    known ? { cosInstance: String(values.cosInstance), ...(typeof values.bucket === 'string' ? { bucket: values.bucket } : {}), roles: values.roles as string[] } : undefined,
  );
  return { inputs: { values, unknown: new Set(news.unknown), secret: new Set(news.secret) }, failures };
}
