// Use case 3: spot an attack. Rejected connections are in the flow logs like accepted ones, so a collector on the
// exposed subnet is enough: `ibm-flowlogs logs` reports an address rejected on many ports within 5 minutes.
import * as pulumi from '@pulumi/pulumi';
import * as ibmflowlogs from '@ibmflowlogs/pulumi';

const config = new pulumi.Config();
export const bucket = config.get('bucket') ?? 'bucket-e';

// No `name`: the provider names the collector after the resource with a random suffix, unique in the VPC.
const collector = new ibmflowlogs.FlowLogCollector('edge-logs', { target: config.require('target'), storageBucket: bucket });

export const collectorId = collector.id;
export const coverage = collector.coverage;
