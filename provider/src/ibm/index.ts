/** IBM Cloud clients: IAM, the VPC API, Global Tagging, the topology reader, typed errors and the retry policy. */
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
