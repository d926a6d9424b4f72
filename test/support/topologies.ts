/**
 * A topology file for load: one VPC with `instances` instances, one interface each, spread over four /20 subnets,
 * and one authorized bucket — a target for each of as many collectors.
 */
export function oneVpcTopology(instances: number, vpc: string, bucket: string) {
  const subnets = [1, 2, 3, 4].map((i) => ({ name: `subnet-${i}`, zone: 'us-south-1', cidr: `10.240.${i * 16}.0/20` }));
  const list = Array.from({ length: instances }, (_, i) => ({ name: `instance-${i}`, zone: 'us-south-1', networkInterfaces: [{ name: 'eth0', subnet: `subnet-${(i % 4) + 1}` }] }));
  return { region: 'us-south', vpcs: [{ name: vpc, subnets, instances: list }], buckets: [{ name: bucket, authorized: true }] };
}
