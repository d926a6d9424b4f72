// Suspend and resume a collector without deleting it: `active` is the one property IBM changes in place (with the
// name), so flipping it keeps the collector's id. The VPC umbrella is there to show what suspension does to the
// subnet's interfaces: a suspended collector keeps its place, so they get no logs rather than falling back to it.
import * as pulumi from '@pulumi/pulumi';
import * as ibmflowlogs from '@ibmflowlogs/pulumi';

const config = new pulumi.Config();

const umbrella = new ibmflowlogs.FlowLogCollector('vpc-umbrella', {
  target: config.require('vpc'),
  storageBucket: config.get('umbrellaBucket') ?? 'bucket-e',
});
const subnet = new ibmflowlogs.FlowLogCollector('subnet-logs', {
  target: config.require('subnet'),
  storageBucket: config.get('subnetBucket') ?? 'bucket-c',
  active: config.getBoolean('active') ?? true,
});

export const subnetCollectorId = subnet.id;
export const subnetActive = subnet.active;
export const subnetLifecycleState = subnet.lifecycleState;
export const subnetCoverage = subnet.coverage;
export const umbrellaCoverage = umbrella.coverage;
