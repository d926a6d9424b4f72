import { expect } from 'chai';
import fc from 'fast-check';
import {
  cosRoleId,
  findBucketAuthorization,
  flowLogsAuthorizationBody,
  parseCosInstance,
  policyAuthorizes,
  type AuthorizationPolicy,
  type BucketWriteTarget,
  type PolicyAttribute,
} from '../../provider/src/ibm/bucketAuthorization';
import { cosAuthMode, isRegionalBucketIn, parseBucketLocation } from '../../provider/src/ibm/cos';

/**
 * The pure rule behind the bucket pre-flight: is bucket B of COS instance I authorized for flow-log-collector writes,
 * and by which policy? Table tests pin each case IAM's matching decides (every subject and resource attribute must
 * match; a role must grant Writer); properties pin what holds for any policy list.
 */

const ACCOUNT = '7c1f0e4b2a9d48e6b3f5a0c2d9e8f716';
const GUID = '1a2b3c4d-0000-4000-a000-00000000cafe';
const CRN = `crn:v1:bluemix:public:cloud-object-storage:global:a/${ACCOUNT}:${GUID}::`;
const WRITER = 'crn:v1:bluemix:public:iam::::serviceRole:Writer';
const TARGET: BucketWriteTarget = { accountId: ACCOUNT, cosInstance: GUID, bucket: 'flow-logs-a', region: 'us-south', collectorResourceGroupId: 'rg-network', cosResourceGroupId: 'rg-default' };

const SUBJECT: PolicyAttribute[] = [
  { name: 'serviceName', value: 'is' },
  { name: 'resourceType', value: 'flow-log-collector' },
  { name: 'accountId', value: ACCOUNT },
];

let seq = 0;
function policy(over: { subject?: PolicyAttribute[]; resource?: PolicyAttribute[]; roles?: string[]; state?: string; type?: string; tags?: PolicyAttribute[] } = {}): AuthorizationPolicy {
  return {
    id: `p-${++seq}`,
    type: over.type ?? 'authorization',
    subjects: [{ attributes: over.subject ?? SUBJECT }],
    roles: (over.roles ?? [WRITER]).map((roleId) => ({ roleId })),
    resources: [{ attributes: over.resource ?? [{ name: 'serviceName', value: 'cloud-object-storage' }, { name: 'accountId', value: ACCOUNT }, { name: 'serviceInstance', value: GUID }], ...(over.tags ? { tags: over.tags } : {}) }],
    state: over.state ?? 'active',
  };
}

const cosResource = (...extra: PolicyAttribute[]): PolicyAttribute[] => [{ name: 'serviceName', value: 'cloud-object-storage' }, { name: 'accountId', value: ACCOUNT }, ...extra];
const instance = { name: 'serviceInstance', value: GUID };
const bucket = (value: string, operator?: string): PolicyAttribute[] => [{ name: 'resourceType', value: 'bucket' }, { name: 'resource', value, ...(operator ? { operator } : {}) }];

describe('bucketAuthorization: policyAuthorizes, one policy against one write', () => {
  const table: Array<{ name: string; policy: AuthorizationPolicy; target?: Partial<BucketWriteTarget>; expected: 'yes' | 'no' | 'unknown' }> = [
    { name: 'the COS instance, Writer', policy: policy(), expected: 'yes' },
    { name: 'the account (no serviceInstance)', policy: policy({ resource: cosResource() }), expected: 'yes' },
    { name: 'the bucket', policy: policy({ resource: cosResource(instance, ...bucket('flow-logs-a')) }), expected: 'yes' },
    { name: 'another bucket', policy: policy({ resource: cosResource(instance, ...bucket('flow-logs-b')) }), expected: 'no' },
    { name: 'a bucket pattern that matches (stringMatch)', policy: policy({ resource: cosResource(instance, ...bucket('flow-logs-*', 'stringMatch')) }), expected: 'yes' },
    { name: 'a one-character wildcard', policy: policy({ resource: cosResource(instance, ...bucket('flow-logs-?', 'stringMatch')) }), expected: 'yes' },
    { name: 'a pattern that does not match', policy: policy({ resource: cosResource(instance, ...bucket('audit-*', 'stringMatch')) }), expected: 'no' },
    { name: 'a pattern given as stringEquals is taken literally', policy: policy({ resource: cosResource(instance, ...bucket('flow-logs-*')) }), expected: 'no' },
    { name: 'a CRN where IAM keeps the GUID', policy: policy({ resource: cosResource({ name: 'serviceInstance', value: CRN }) }), expected: 'no' },
    { name: 'another COS instance', policy: policy({ resource: cosResource({ name: 'serviceInstance', value: '00000000-0000-4000-a000-000000000000' }) }), expected: 'no' },
    { name: 'another service as resource', policy: policy({ resource: [{ name: 'serviceName', value: 'kms' }, { name: 'accountId', value: ACCOUNT }] }), expected: 'no' },
    { name: 'another account as resource', policy: policy({ resource: [{ name: 'serviceName', value: 'cloud-object-storage' }, { name: 'accountId', value: 'f'.repeat(32) }] }), expected: 'no' },
    { name: 'an object prefix, which the write does not carry', policy: policy({ resource: cosResource(instance, { name: 'prefix', value: 'ibm_vpc_flowlogs_v1/' }) }), expected: 'no' },
    { name: 'Manager holds Writer', policy: policy({ roles: ['crn:v1:bluemix:public:iam::::serviceRole:Manager'] }), expected: 'yes' },
    { name: 'Reader only', policy: policy({ roles: ['crn:v1:bluemix:public:iam::::serviceRole:Reader'] }), expected: 'no' },
    { name: 'Object Writer only', policy: policy({ roles: ['crn:v1:bluemix:public:cloud-object-storage::::serviceRole:ObjectWriter'] }), expected: 'no' },
    { name: 'Reader and Writer', policy: policy({ roles: ['crn:v1:bluemix:public:iam::::serviceRole:Reader', WRITER] }), expected: 'yes' },
    { name: 'a deleted policy', policy: policy({ state: 'deleted' }), expected: 'no' },
    { name: 'an access policy', policy: policy({ type: 'access' }), expected: 'no' },
    { name: 'source service is, every resource type', policy: policy({ subject: [{ name: 'serviceName', value: 'is' }, { name: 'accountId', value: ACCOUNT }] }), expected: 'yes' },
    { name: 'source is, resource type instance', policy: policy({ subject: [{ name: 'serviceName', value: 'is' }, { name: 'resourceType', value: 'instance' }, { name: 'accountId', value: ACCOUNT }] }), expected: 'no' },
    { name: 'another source service', policy: policy({ subject: [{ name: 'serviceName', value: 'logs' }, { name: 'accountId', value: ACCOUNT }] }), expected: 'no' },
    { name: 'another source account', policy: policy({ subject: [{ name: 'serviceName', value: 'is' }, { name: 'accountId', value: 'e'.repeat(32) }] }), expected: 'no' },
    { name: 'one collector (subject serviceInstance)', policy: policy({ subject: [...SUBJECT, { name: 'serviceInstance', value: 'r006-1' }] }), expected: 'no' },
    { name: "the collector's region", policy: policy({ subject: [...SUBJECT, { name: 'region', value: 'us-south' }] }), expected: 'yes' },
    { name: 'another region', policy: policy({ subject: [...SUBJECT, { name: 'region', value: 'eu-de' }] }), expected: 'no' },
    { name: "the collector's resource group", policy: policy({ subject: [...SUBJECT, { name: 'resourceGroupId', value: 'rg-network' }] }), expected: 'yes' },
    { name: 'a resource group, the collector’s unknown', policy: policy({ subject: [...SUBJECT, { name: 'resourceGroupId', value: 'rg-network' }] }), target: { collectorResourceGroupId: undefined }, expected: 'unknown' },
    { name: "the COS instance's resource group, unknown", policy: policy({ resource: cosResource({ name: 'resourceGroupId', value: 'rg-default' }) }), target: { cosResourceGroupId: undefined }, expected: 'unknown' },
    { name: 'an operator IAM may add later', policy: policy({ resource: cosResource({ name: 'serviceInstance', value: GUID, operator: 'stringExists' }) }), expected: 'unknown' },
    { name: 'access tags on the resource', policy: policy({ tags: [{ name: 'env', value: 'prod' }] }), expected: 'unknown' },
    { name: 'a known mismatch beats an unknown', policy: policy({ subject: [...SUBJECT, { name: 'resourceGroupId', value: 'rg-x' }, { name: 'region', value: 'eu-de' }] }), target: { collectorResourceGroupId: undefined }, expected: 'no' },
    { name: 'the target names the instance by CRN', policy: policy(), target: { cosInstance: CRN }, expected: 'yes' },
  ];
  for (const row of table) {
    it(row.name, () => {
      expect(policyAuthorizes(row.policy, { ...TARGET, ...row.target })).to.equal(row.expected);
    });
  }
});

describe('bucketAuthorization: findBucketAuthorization over a policy list', () => {
  it('names the narrowest authorizing policy: bucket, then instance, then account, then list order', () => {
    const account = policy({ resource: cosResource() });
    const onInstance = policy();
    const onBucket = policy({ resource: cosResource(instance, ...bucket('flow-logs-a')) });
    const secondInstance = policy();
    expect(findBucketAuthorization([account, onInstance, onBucket], TARGET)).to.deep.equal({ authorized: true, policy: onBucket, scope: 'bucket' });
    expect(findBucketAuthorization([account, onInstance], TARGET)).to.deep.equal({ authorized: true, policy: onInstance, scope: 'instance' });
    expect(findBucketAuthorization([secondInstance, onInstance], TARGET)).to.deep.equal({ authorized: true, policy: secondInstance, scope: 'instance' });
    expect(findBucketAuthorization([account], TARGET)).to.deep.equal({ authorized: true, policy: account, scope: 'account' });
  });

  it('says unauthorized with the policies it could not decide, and none when nothing comes close', () => {
    const byGroup = policy({ subject: [...SUBJECT, { name: 'resourceGroupId', value: 'rg-network' }] });
    const reader = policy({ roles: ['crn:v1:bluemix:public:iam::::serviceRole:Reader'] });
    expect(findBucketAuthorization([reader, byGroup], { ...TARGET, collectorResourceGroupId: undefined })).to.deep.equal({ authorized: false, undetermined: [byGroup] });
    expect(findBucketAuthorization([reader], TARGET)).to.deep.equal({ authorized: false, undetermined: [] });
    expect(findBucketAuthorization([], TARGET)).to.deep.equal({ authorized: false, undetermined: [] });
  });

  const attribute = (names: string[]) =>
    fc.record({ name: fc.constantFrom(...names), value: fc.constantFrom('is', 'flow-log-collector', ACCOUNT, GUID, 'flow-logs-a', 'flow-*', 'cloud-object-storage', 'us-south', 'rg-network', 'x'), operator: fc.constantFrom(undefined, 'stringEquals', 'stringMatch') }).map(
      (a): PolicyAttribute => (a.operator === undefined ? { name: a.name, value: a.value } : a),
    );
  const arbitraryPolicy = fc
    .record({
      subject: fc.array(attribute(['serviceName', 'resourceType', 'accountId', 'region', 'resourceGroupId']).map(({ name, value }) => ({ name, value })), { maxLength: 4 }),
      resource: fc.array(attribute(['serviceName', 'accountId', 'serviceInstance', 'resourceType', 'resource']), { maxLength: 5 }),
      roles: fc.subarray([WRITER, 'crn:v1:bluemix:public:iam::::serviceRole:Manager', 'crn:v1:bluemix:public:iam::::serviceRole:Reader']),
      state: fc.constantFrom('active', 'deleted'),
    })
    .map((p) => policy(p));

  it('property: the verdict does not depend on list order, and adding a policy never takes an authorization away', () => {
    fc.assert(
      fc.property(fc.array(arbitraryPolicy, { maxLength: 6 }), arbitraryPolicy, (policies, extra) => {
        const verdict = findBucketAuthorization(policies, TARGET);
        expect(findBucketAuthorization([...policies].reverse(), TARGET).authorized).to.equal(verdict.authorized);
        if (verdict.authorized) {
          expect(findBucketAuthorization([...policies, extra], TARGET).authorized).to.equal(true);
          expect(policyAuthorizes(verdict.policy, TARGET)).to.equal('yes');
        } else {
          for (const p of policies) expect(policyAuthorizes(p, TARGET)).to.not.equal('yes');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: a policy without a Writer-granting role, or not active, never authorizes', () => {
    fc.assert(
      fc.property(arbitraryPolicy, (p) => {
        const grants = p.state === 'active' && p.roles.some((r) => r.roleId.endsWith(':Writer') || r.roleId.endsWith(':Manager'));
        if (!grants) expect(policyAuthorizes(p, TARGET)).to.equal('no');
      }),
      { numRuns: 300 },
    );
  });
});

describe('bucketAuthorization: the policy body, roles and COS instances', () => {
  it('builds the body of `ibmcloud iam authorization-policy-create is cloud-object-storage Writer --source-resource-type flow-log-collector`', () => {
    expect(flowLogsAuthorizationBody({ accountId: ACCOUNT, cosInstance: CRN, bucket: 'flow-logs-a', description: 'd' })).to.deep.equal({
      type: 'authorization',
      description: 'd',
      subjects: [{ attributes: [{ name: 'accountId', value: ACCOUNT }, { name: 'serviceName', value: 'is' }, { name: 'resourceType', value: 'flow-log-collector' }] }],
      roles: [{ role_id: WRITER }],
      resources: [
        {
          attributes: [
            { name: 'accountId', value: ACCOUNT, operator: 'stringEquals' },
            { name: 'serviceName', value: 'cloud-object-storage', operator: 'stringEquals' },
            { name: 'serviceInstance', value: GUID, operator: 'stringEquals' },
            { name: 'resourceType', value: 'bucket', operator: 'stringEquals' },
            { name: 'resource', value: 'flow-logs-a', operator: 'stringEquals' },
          ],
        },
      ],
    });
    const whole = flowLogsAuthorizationBody({ accountId: ACCOUNT, cosInstance: GUID, roles: ['Writer', 'Object Reader'] });
    expect(whole.resources[0].attributes.map((a) => a.name)).to.deep.equal(['accountId', 'serviceName', 'serviceInstance']);
    expect(whole.roles).to.deep.equal([{ role_id: WRITER }, { role_id: 'crn:v1:bluemix:public:cloud-object-storage::::serviceRole:ObjectReader' }]);
    // What it builds, the matcher authorizes.
    const asPolicy = (body: ReturnType<typeof flowLogsAuthorizationBody>): AuthorizationPolicy => ({ id: 'x', type: body.type, subjects: body.subjects, roles: body.roles.map((r) => ({ roleId: r.role_id })), resources: body.resources, state: 'active' });
    expect(policyAuthorizes(asPolicy(whole), TARGET)).to.equal('yes');
    expect(() => flowLogsAuthorizationBody({ accountId: ACCOUNT, cosInstance: 'my-cos' })).to.throw('cosInstance "my-cos" is neither a COS instance GUID nor a cloud-object-storage CRN');
    expect(() => flowLogsAuthorizationBody({ accountId: ACCOUNT, cosInstance: GUID, roles: ['Editor'] })).to.throw('role "Editor" is not a Cloud Object Storage role; allowed: Reader, Writer, Manager, Content Reader, Object Reader, Object Writer');
  });

  it('reads role names (with or without spaces) and CRNs, and COS instances by GUID or CRN', () => {
    expect(cosRoleId('Writer')).to.equal(WRITER);
    expect(cosRoleId('ObjectWriter')).to.equal('crn:v1:bluemix:public:cloud-object-storage::::serviceRole:ObjectWriter');
    expect(cosRoleId('Object Writer')).to.equal('crn:v1:bluemix:public:cloud-object-storage::::serviceRole:ObjectWriter');
    expect(cosRoleId(WRITER)).to.equal(WRITER);
    expect(cosRoleId('writer')).to.equal(undefined);
    expect(parseCosInstance(GUID.toUpperCase())).to.deep.equal({ guid: GUID });
    expect(parseCosInstance(CRN)).to.deep.equal({ guid: GUID, accountId: ACCOUNT });
    expect(parseCosInstance(`crn:v1:bluemix:public:is:us-south:a/${ACCOUNT}::vpc:r006-1`)).to.equal(undefined);
    expect(parseCosInstance('cos-instance-1')).to.equal(undefined);
  });
});

describe('cos: bucket locations and credentials', () => {
  const table: Array<[string, ReturnType<typeof parseBucketLocation>]> = [
    ['us-south-standard', { code: 'us-south-standard', kind: 'regional', location: 'us-south', storageClass: 'standard' }],
    ['us-south-smart', { code: 'us-south-smart', kind: 'regional', location: 'us-south', storageClass: 'smart' }],
    ['eu-de-onerate_active', { code: 'eu-de-onerate_active', kind: 'regional', location: 'eu-de', storageClass: 'onerate_active' }],
    ['us-cold', { code: 'us-cold', kind: 'cross-region', location: 'us', storageClass: 'cold' }],
    ['us-geo', { code: 'us-geo', kind: 'cross-region', location: 'us' }],
    ['ams03-vault', { code: 'ams03-vault', kind: 'single-site', location: 'ams03', storageClass: 'vault' }],
    ['jp-tok', { code: 'jp-tok', kind: 'regional', location: 'jp-tok' }],
    ['', { code: '', kind: 'unknown', location: '' }],
    ['somewhere-new', { code: 'somewhere-new', kind: 'unknown', location: 'somewhere-new' }],
  ];
  for (const [code, expected] of table) it(`reads "${code}"`, () => expect(parseBucketLocation(code)).to.deep.equal(expected));

  it('a regional bucket in the region passes the flow-logs rule; anything else does not', () => {
    expect(isRegionalBucketIn(parseBucketLocation('us-south-smart'), 'us-south')).to.equal(true);
    expect(isRegionalBucketIn(parseBucketLocation('eu-de-smart'), 'us-south')).to.equal(false);
    expect(isRegionalBucketIn(parseBucketLocation('eu-de-smart'), 'eu-de')).to.equal(true);
    expect(isRegionalBucketIn(parseBucketLocation('us-standard'), 'us-south')).to.equal(false);
    expect(isRegionalBucketIn(parseBucketLocation('dal10-standard'), 'us-south')).to.equal(false);
  });

  it('HMAC keys win when both are given; the API key otherwise', () => {
    expect(cosAuthMode({ accessKeyId: 'a', secretAccessKey: 's', apiKey: 'k' })).to.equal('hmac');
    expect(cosAuthMode({ apiKey: 'k' })).to.equal('iam');
    expect(cosAuthMode({ accessKeyId: 'a', apiKey: 'k' })).to.equal('iam');
    expect(cosAuthMode({})).to.equal(undefined);
  });
});
