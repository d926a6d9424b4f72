// Use case 1: one collector for the whole VPC (the umbrella), and two exceptions whose flow logs go elsewhere.
// Finest granularity wins (interface › instance › subnet › VPC), so the subnet and instance collectors take
// their interfaces away from the umbrella: each collector's `coverage` output lists what it really receives.
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import * as ibmflowlogs from '@ibmflowlogs/pulumi';

const config = new pulumi.Config();

// A suffix kept in the stack's state, so collector names stay unique per stack and stable across updates.
const suffix = new random.RandomId('suffix', { byteLength: 2 });

// The IAM authorization every collector needs: flow log collectors may write to the COS instance's buckets. The
// collectors depend on it, so it exists before them and goes after them; preview counts it, so a bucket it covers
// previews clean even before it exists.
const writer = new ibmflowlogs.BucketAuthorization('flow-logs-writer', { cosInstance: config.require('cosInstance') });
const afterWriter = { dependsOn: [writer] };

const umbrella = new ibmflowlogs.FlowLogCollector('vpc-umbrella', {
  target: config.require('vpc'),
  storageBucket: config.get('umbrellaBucket') ?? 'bucket-e',
  name: pulumi.interpolate`vpc-umbrella-${suffix.hex}`,
}, afterWriter);
export const umbrellaCoverage = umbrella.coverage;

if (config.getBoolean('exceptions') ?? true) {
  const subnet = new ibmflowlogs.FlowLogCollector('subnet-exception', {
    target: config.require('exceptionSubnet'),
    storageBucket: config.get('exceptionBucket') ?? 'bucket-c',
    name: pulumi.interpolate`subnet-exception-${suffix.hex}`,
  }, afterWriter);
  const instance = new ibmflowlogs.FlowLogCollector('instance-exception', {
    target: config.require('instance'),
    storageBucket: config.get('instanceBucket') ?? 'bucket-instance-5',
    name: pulumi.interpolate`instance-exception-${suffix.hex}`,
  }, afterWriter);
  exports.subnetCoverage = subnet.coverage;
  exports.instanceCoverage = instance.coverage;
}
export const writerPolicyId = writer.policyId;
