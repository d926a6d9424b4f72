/**
 * IBM Cloud clients: IAM (tokens and policies), the VPC API, Global Tagging, Resource Manager, the topology reader,
 * typed errors and the retry policy. COS (cos.ts) is imported on its own: ibm-cos-sdk takes a while to load.
 */
export * from './types';
export * from './errors';
export * from './retryPolicy';
export * from './iam';
export * from './crn';
export { HttpCore, DEFAULT_USER_AGENT } from './http';
export type { AuthorizationSource, HttpCoreOptions, HttpResponse, RequestSpec, RetryMode } from './http';
export { sleep, raceAbort } from './abort';
export * from './vpcClient';
export * from './topology';
export * from './tagging';
export * from './targetIndex';
export * from './bucketAuthorization';
export * from './iamPolicies';
export * from './resourceManager';
export { TokenSourceAuthenticator } from './platformSdk';
