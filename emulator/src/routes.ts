import * as control from './handlers/control';
import * as collectors from './handlers/flowLogCollectors';
import * as flowLogs from './handlers/flowLogs';
import * as iam from './handlers/iam';
import * as policies from './handlers/iamPolicies';
import * as resourceGroups from './handlers/resourceGroups';
import * as tagging from './handlers/tagging';
import * as topology from './handlers/topology';
import type { RouteSpec } from './http/router';

/**
 * Every path the emulator answers. IAM (tokens and policies), the VPC API, Global Tagging and Resource Manager mirror
 * IBM's; /_emulator is the control API.
 */
export const ROUTES: RouteSpec[] = [
  { method: 'POST', path: '/identity/token', api: 'iam', handler: iam.token },
  { method: 'GET', path: '/identity/keys', api: 'iam', handler: iam.keys },

  { method: 'GET', path: '/v1/policies', api: 'iamPolicy', handler: policies.list },
  { method: 'POST', path: '/v1/policies', api: 'iamPolicy', handler: policies.create },
  { method: 'GET', path: '/v1/policies/{id}', api: 'iamPolicy', handler: policies.get },
  { method: 'PUT', path: '/v1/policies/{id}', api: 'iamPolicy', handler: policies.replace },
  { method: 'DELETE', path: '/v1/policies/{id}', api: 'iamPolicy', handler: policies.remove },

  { method: 'GET', path: '/v2/resource_groups', api: 'resourceManager', handler: resourceGroups.list },
  { method: 'GET', path: '/v2/resource_groups/{id}', api: 'resourceManager', handler: resourceGroups.get },

  { method: 'GET', path: '/v1/flow_log_collectors', api: 'vpc', handler: collectors.list },
  { method: 'POST', path: '/v1/flow_log_collectors', api: 'vpc', handler: collectors.create },
  { method: 'GET', path: '/v1/flow_log_collectors/{id}', api: 'vpc', handler: collectors.get },
  { method: 'PATCH', path: '/v1/flow_log_collectors/{id}', api: 'vpc', handler: collectors.update },
  { method: 'DELETE', path: '/v1/flow_log_collectors/{id}', api: 'vpc', handler: collectors.remove },

  { method: 'GET', path: '/v1/vpcs', api: 'vpc', handler: topology.listVpcs },
  { method: 'GET', path: '/v1/vpcs/{id}', api: 'vpc', handler: topology.getVpc },
  { method: 'GET', path: '/v1/subnets', api: 'vpc', handler: topology.listSubnets },
  { method: 'GET', path: '/v1/subnets/{id}', api: 'vpc', handler: topology.getSubnet },
  { method: 'GET', path: '/v1/instances', api: 'vpc', handler: topology.listInstances },
  { method: 'GET', path: '/v1/instances/{id}', api: 'vpc', handler: topology.getInstance },
  { method: 'GET', path: '/v1/instances/{instance}/network_interfaces', api: 'vpc', handler: topology.listInstanceNetworkInterfaces },
  { method: 'GET', path: '/v1/instances/{instance}/network_interfaces/{id}', api: 'vpc', handler: topology.getInstanceNetworkInterface },
  { method: 'GET', path: '/v1/instances/{instance}/network_attachments', api: 'vpc', handler: topology.listInstanceNetworkAttachments },
  { method: 'GET', path: '/v1/instances/{instance}/network_attachments/{id}', api: 'vpc', handler: topology.getInstanceNetworkAttachment },
  { method: 'GET', path: '/v1/virtual_network_interfaces', api: 'vpc', handler: topology.listVirtualNetworkInterfaces },
  { method: 'GET', path: '/v1/virtual_network_interfaces/{id}', api: 'vpc', handler: topology.getVirtualNetworkInterface },

  { method: 'GET', path: '/v3/tags', api: 'tagging', handler: tagging.list },
  { method: 'POST', path: '/v3/tags/attach', api: 'tagging', handler: tagging.attach },
  { method: 'POST', path: '/v3/tags/detach', api: 'tagging', handler: tagging.detach },

  { method: 'POST', path: '/_emulator/reset', api: 'control', handler: control.reset },
  { method: 'GET', path: '/_emulator/state', api: 'control', handler: control.state },
  { method: 'GET', path: '/_emulator/clock', api: 'control', handler: control.clock },
  { method: 'POST', path: '/_emulator/clock/advance', api: 'control', handler: control.advanceClock },
  { method: 'GET', path: '/_emulator/faults', api: 'control', handler: control.listFaults },
  { method: 'POST', path: '/_emulator/faults', api: 'control', handler: control.addFault },
  { method: 'DELETE', path: '/_emulator/faults', api: 'control', handler: control.clearFaults },
  { method: 'GET', path: '/_emulator/requests', api: 'control', handler: control.requests },
  { method: 'DELETE', path: '/_emulator/requests', api: 'control', handler: control.clearRequests },
  { method: 'GET', path: '/_emulator/config', api: 'control', handler: control.getConfig },
  { method: 'POST', path: '/_emulator/config', api: 'control', handler: control.setConfig },
  { method: 'POST', path: '/_emulator/lifecycle', api: 'control', handler: control.planLifecycle },
  { method: 'POST', path: '/_emulator/topology', api: 'control', handler: control.replaceTopology },
  { method: 'DELETE', path: '/_emulator/topology/{id}', api: 'control', handler: control.removeResource },
  { method: 'GET', path: '/_emulator/buckets', api: 'control', handler: control.listBuckets },
  { method: 'POST', path: '/_emulator/buckets', api: 'control', handler: control.createBucket },
  { method: 'DELETE', path: '/_emulator/buckets/{name}', api: 'control', handler: control.deleteBucket },
  { method: 'GET', path: '/_emulator/authorizations', api: 'control', handler: control.listAuthorizations },
  { method: 'POST', path: '/_emulator/authorizations', api: 'control', handler: control.addAuthorization },
  { method: 'DELETE', path: '/_emulator/authorizations/{bucket}', api: 'control', handler: control.removeAuthorization },
  { method: 'GET', path: '/_emulator/flowlogs', api: 'control', handler: flowLogs.status },
  { method: 'POST', path: '/_emulator/flowlogs/write', api: 'control', handler: flowLogs.writeNow },
  { method: 'GET', path: '/_emulator/traffic', api: 'control', handler: flowLogs.listTraffic },
  { method: 'POST', path: '/_emulator/traffic', api: 'control', handler: flowLogs.setTraffic },
];
