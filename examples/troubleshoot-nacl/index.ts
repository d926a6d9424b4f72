// Use case 2: "why does traffic not arrive?" Collect flow logs on both subnets of the failing connection into one
// bucket; `ibm-flowlogs logs` then pairs each connection's records and names the interface where replies are rejected.
import * as pulumi from '@pulumi/pulumi';
import * as ibmflowlogs from '@ibmflowlogs/pulumi';

const config = new pulumi.Config();
export const bucket = config.get('bucket') ?? 'bucket-c';

// No `name`: the provider names each collector after the resource with a random suffix, unique in the VPC.
const a = new ibmflowlogs.FlowLogCollector('subnet-a-logs', { target: config.require('subnetA'), storageBucket: bucket });
const b = new ibmflowlogs.FlowLogCollector('subnet-b-logs', { target: config.require('subnetB'), storageBucket: bucket });

export const subnetACollectorId = a.id;
export const subnetACoverage = a.coverage;
export const subnetBCollectorId = b.id;
export const subnetBCoverage = b.coverage;
