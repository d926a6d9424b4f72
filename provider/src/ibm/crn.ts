import type { TargetType } from './types';

/**
 * IBM Cloud CRNs: `crn:v1:<cname>:<ctype>:<service>:<location>:<scope>:<service-instance>:<resource-type>:<resource>`.
 * VPC infrastructure resources have service `is`, an empty service instance, and their id as the resource:
 * `crn:v1:bluemix:public:is:us-south-1:a/<account>::instance:0717_…`.
 */
export interface Crn {
  cname: string;
  ctype: string;
  service: string;
  location: string;
  scope: string;
  serviceInstance: string;
  resourceType: string;
  resource: string;
}

export function parseCrn(value: string): Crn | undefined {
  const parts = value.split(':');
  if (parts.length < 10 || parts[0] !== 'crn' || parts[1] !== 'v1') return undefined;
  const [, , cname, ctype, service, location, scope, serviceInstance, resourceType, ...rest] = parts;
  return { cname, ctype, service, location, scope, serviceInstance, resourceType, resource: rest.join(':') };
}

export const isCrn = (value: string): boolean => value.startsWith('crn:');

/** The CRN resource types that can be flow log targets (network interfaces and attachments have no CRN). */
const CRN_TARGET_TYPES: Record<string, TargetType> = {
  vpc: 'vpc',
  subnet: 'subnet',
  instance: 'instance',
  'virtual-network-interface': 'virtual_network_interface',
};

/** The target type a VPC infrastructure CRN names, or undefined when it names none. */
export function targetTypeOfCrn(value: string): TargetType | undefined {
  const crn = parseCrn(value);
  if (!crn || crn.service !== 'is') return undefined;
  // Own keys only: a CRN of type `constructor` must not find Object's constructor.
  return Object.hasOwn(CRN_TARGET_TYPES, crn.resourceType) ? CRN_TARGET_TYPES[crn.resourceType] : undefined;
}

/** The id inside a CRN: the part after the last `:` (the natural key for `target.id` look-ups). */
export function idOfCrn(value: string): string {
  return value.slice(value.lastIndexOf(':') + 1);
}
