/**
 * IBM Cloud's endpoints per region (README.md, "Configuration"): which URL each client talks to by default,
 * and how a URL given in config is normalized.
 */

/** IBM Cloud's VPC regions (the regions with a VPC API endpoint). */
export const VPC_REGIONS = ['au-syd', 'br-sao', 'ca-mon', 'ca-tor', 'eu-de', 'eu-es', 'eu-gb', 'in-che', 'jp-osa', 'jp-tok', 'us-east', 'us-south'] as const;
export const DEFAULT_REGION = 'us-south';

export const PUBLIC_IAM_ENDPOINT = 'https://iam.cloud.ibm.com';
export const PRIVATE_IAM_ENDPOINT = 'https://private.iam.cloud.ibm.com';
export const PUBLIC_TAGGING_ENDPOINT = 'https://tags.global-search-tagging.cloud.ibm.com';
export const PRIVATE_TAGGING_ENDPOINT = 'https://tags.private.global-search-tagging.cloud.ibm.com';
export const PUBLIC_RESOURCE_MANAGER_ENDPOINT = 'https://resource-controller.cloud.ibm.com';
export const PRIVATE_RESOURCE_MANAGER_ENDPOINT = 'https://private.resource-controller.cloud.ibm.com';

export function isVpcRegion(region: string): boolean {
  return (VPC_REGIONS as readonly string[]).includes(region);
}

export function defaultVpcEndpoint(region: string, usePrivate: boolean): string {
  return usePrivate ? `https://${region}.private.iaas.cloud.ibm.com` : `https://${region}.iaas.cloud.ibm.com`;
}

export function defaultIamEndpoint(usePrivate: boolean): string {
  return usePrivate ? PRIVATE_IAM_ENDPOINT : PUBLIC_IAM_ENDPOINT;
}

export function defaultTaggingEndpoint(usePrivate: boolean): string {
  return usePrivate ? PRIVATE_TAGGING_ENDPOINT : PUBLIC_TAGGING_ENDPOINT;
}

export function defaultResourceManagerEndpoint(usePrivate: boolean): string {
  return usePrivate ? PRIVATE_RESOURCE_MANAGER_ENDPOINT : PUBLIC_RESOURCE_MANAGER_ENDPOINT;
}

export type EndpointKey = 'vpcEndpoint' | 'iamEndpoint' | 'taggingEndpoint' | 'resourceManagerEndpoint' | 'cosEndpoint';

/** An example URL for a key's messages. */
export function exampleEndpoint(key: EndpointKey): string {
  switch (key) {
    case 'vpcEndpoint':
      return defaultVpcEndpoint(DEFAULT_REGION, false);
    case 'iamEndpoint':
      return PUBLIC_IAM_ENDPOINT;
    case 'taggingEndpoint':
      return PUBLIC_TAGGING_ENDPOINT;
    case 'resourceManagerEndpoint':
      return PUBLIC_RESOURCE_MANAGER_ENDPOINT;
    default:
      return `https://s3.${DEFAULT_REGION}.cloud-object-storage.appdomain.cloud`;
  }
}

/** Normalizes an endpoint URL: http(s) only, no trailing slash; for the VPC API also no trailing `/v1`. */
export function normalizeEndpoint(text: string, stripV1: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '' || url.search !== '' || url.hash !== '') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  let path = url.pathname.replace(/\/+$/, '');
  if (stripV1) path = path.replace(/\/v1$/, '');
  return `${url.protocol}//${url.host}${path}`;
}
