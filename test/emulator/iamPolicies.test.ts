import IamPolicyManagementV1 = require('@ibm-cloud/platform-services/iam-policy-management/v1');
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IamAuthenticator } from 'ibm-cloud-sdk-core';
import { startEmulator } from '../../emulator/src';
import { cosClient, EmulatorClient, firstError, rejectionOf, useEmulator, type HttpResult } from '../support/emulator';

/**
 * The emulator's IAM Policy Management API through IBM's own SDK (IamPolicyManagementV1 over real HTTP, IAM tokens
 * from ibm-cloud-sdk-core's IamAuthenticator), and the rule that ties it to flow logs: collectors write only where an
 * authorization policy lets them.
 */

type SdkError = Error & { status?: number; result?: any };

const WRITER = 'crn:v1:bluemix:public:iam::::serviceRole:Writer';

function sdk(c: EmulatorClient): IamPolicyManagementV1 {
  const authenticator = new IamAuthenticator({ apikey: c.endpoints.apiKey, url: c.endpoints.iamEndpoint });
  return new IamPolicyManagementV1({ authenticator, serviceUrl: c.endpoints.iamEndpoint });
}

/** The v1 authorization body `ibmcloud iam authorization-policy-create is cloud-object-storage Writer` sends, narrowed as asked. */
function flowLogsPolicy(account: string, scope: { instance?: string; bucket?: string; operator?: string; roles?: string[]; subjectExtra?: Array<{ name: string; value: string }> }) {
  const resource = [
    { name: 'serviceName', value: 'cloud-object-storage' },
    { name: 'accountId', value: account },
    ...(scope.instance ? [{ name: 'serviceInstance', value: scope.instance }] : []),
    ...(scope.bucket ? [{ name: 'resourceType', value: 'bucket' }, { name: 'resource', value: scope.bucket, ...(scope.operator ? { operator: scope.operator } : {}) }] : []),
  ];
  return {
    type: 'authorization',
    subjects: [{ attributes: [{ name: 'serviceName', value: 'is' }, { name: 'resourceType', value: 'flow-log-collector' }, { name: 'accountId', value: account }, ...(scope.subjectExtra ?? [])] }],
    roles: (scope.roles ?? [WRITER]).map((role_id) => ({ role_id })),
    resources: [{ attributes: resource }],
  };
}

async function accountOf(c: EmulatorClient): Promise<string> {
  return (await c.control('GET', '/state')).body.account;
}

async function createCollectorOn(c: EmulatorClient, bucket: string, extra: Record<string, unknown> = {}): Promise<HttpResult> {
  return c.vpc('POST', '/v1/flow_log_collectors', { body: { target: { id: await c.idOf('subnets', 'subnet-1') }, storage_bucket: { name: bucket }, ...extra } });
}

describe('emulator IAM Policy Management through IamPolicyManagementV1', () => {
  const emu = useEmulator();

  it('creates, reads, lists and deletes an authorization policy as IBM answers them', async () => {
    const c = emu();
    const account = await accountOf(c);
    const iam = sdk(c);
    expect((await c.control('POST', '/buckets', { name: 'audit-logs', authorized: false })).status).to.equal(201);
    const body = flowLogsPolicy(account, { instance: c.endpoints.cosInstanceId, bucket: 'audit-logs' });
    const created = await iam.createPolicy({ ...body, description: 'flow logs to audit-logs' });
    expect(created.status).to.equal(201);
    expect(created.headers.etag).to.match(/^1-[0-9a-f]{32}$/);
    const p = created.result;
    expect(p.id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(p).to.deep.include({ type: 'authorization', description: 'flow logs to audit-logs', subjects: body.subjects, resources: body.resources, state: 'active' });
    expect(p.roles).to.deep.equal([{ role_id: WRITER, display_name: 'Writer', description: 'Can create and delete buckets, and upload, read and delete objects.' }]);
    expect(p.href).to.equal(`${c.endpoints.iamEndpoint}/v1/policies/${p.id}`);
    expect(p.created_by_id).to.match(/^iam-ServiceId-/);
    expect(p.created_at).to.equal(p.last_modified_at);

    const got = await iam.getPolicy({ policyId: p.id! });
    expect(got.result).to.deep.equal(p);
    expect(got.headers.etag).to.equal(created.headers.etag);

    const listed = await iam.listPolicies({ accountId: account, type: 'authorization' });
    expect(listed.result.policies.map((x) => x.id)).to.include(p.id);
    expect((await iam.listPolicies({ accountId: account, type: 'access' })).result.policies).to.deep.equal([]);
    // Another account's policies are not readable: an empty list, as IAM answers.
    expect((await iam.listPolicies({ accountId: 'f'.repeat(32) })).result.policies).to.deep.equal([]);

    const deleted = await iam.deletePolicy({ policyId: p.id! });
    expect(deleted.status).to.equal(204);
    const afterDelete = await iam.getPolicy({ policyId: p.id! });
    expect(afterDelete.result.state).to.equal('deleted');
    expect((await iam.listPolicies({ accountId: account })).result.policies.map((x) => x.id)).to.not.include(p.id);
    expect((await iam.listPolicies({ accountId: account, state: 'deleted' })).result.policies.map((x) => x.id)).to.deep.equal([p.id]);
    const again = await rejectionOf<SdkError>(iam.deletePolicy({ policyId: p.id! }));
    expect(again.status).to.equal(404);
    expect(again.result).to.deep.include({ status_code: 404 });
    expect(again.result.errors).to.deep.equal([{ code: 'policy_not_found', message: `Policy with Id ${p.id} not found.` }]);
  });

  it('the seeded buckets are authorized by policies the IAM API lists, and the control shortcut manages the same policies', async () => {
    const c = emu();
    const account = await accountOf(c);
    const iam = sdk(c);
    const seeded = (await iam.listPolicies({ accountId: account, type: 'authorization' })).result.policies;
    expect(seeded.map((p) => p.resources[0].attributes.find((a) => a.name === 'resource')?.value)).to.deep.equal(['bucket-c', 'bucket-e', 'bucket-instance-5']);
    for (const p of seeded) {
      expect(p.subjects[0].attributes).to.deep.equal([{ name: 'accountId', value: account }, { name: 'serviceName', value: 'is' }, { name: 'resourceType', value: 'flow-log-collector' }]);
      expect(p.resources[0].attributes.find((a) => a.name === 'serviceInstance')?.value).to.equal(c.endpoints.cosInstanceId);
      expect(p.roles.map((r) => r.role_id)).to.deep.equal([WRITER]);
    }

    expect((await c.control('DELETE', '/authorizations/bucket-e')).status).to.equal(204);
    const left = (await iam.listPolicies({ accountId: account })).result.policies;
    expect(left.map((p) => p.id)).to.deep.equal(seeded.filter((p) => p.resources[0].attributes.some((a) => a.value === 'bucket-e') === false).map((p) => p.id));
    const refused = await createCollectorOn(c, 'bucket-e');
    expect(refused.status).to.equal(403);

    // A policy made through the IAM API shows in the shortcut's list and lets the collector in.
    await iam.createPolicy(flowLogsPolicy(account, { instance: c.endpoints.cosInstanceId, bucket: 'bucket-e' }));
    expect((await c.control('GET', '/authorizations')).body.authorizations).to.deep.equal(['bucket-c', 'bucket-e', 'bucket-instance-5']);
    expect((await createCollectorOn(c, 'bucket-e')).status).to.equal(201);
  });

  it('a policy on the account, the COS instance or the bucket with a Writer-granting role authorizes; others do not', async () => {
    const c = emu();
    const account = await accountOf(c);
    const iam = sdk(c);
    const instance = c.endpoints.cosInstanceId;
    const cases: Array<[string, ReturnType<typeof flowLogsPolicy>, Record<string, boolean>]> = [
      ['the bucket', flowLogsPolicy(account, { instance, bucket: 'logs-a' }), { 'logs-a': true, 'logs-b': false, other: false }],
      ['the instance', flowLogsPolicy(account, { instance }), { 'logs-a': true, 'logs-b': true, other: true }],
      ['the account (every COS instance)', flowLogsPolicy(account, {}), { 'logs-a': true, 'logs-b': true, other: true }],
      ['a bucket pattern (stringMatch)', flowLogsPolicy(account, { instance, bucket: 'logs-*', operator: 'stringMatch' }), { 'logs-a': true, 'logs-b': true, other: false }],
      ['Manager, which holds Writer', flowLogsPolicy(account, { instance, roles: ['crn:v1:bluemix:public:iam::::serviceRole:Manager'] }), { 'logs-a': true, other: true }],
      ['Reader only', flowLogsPolicy(account, { instance, roles: ['crn:v1:bluemix:public:iam::::serviceRole:Reader'] }), { 'logs-a': false }],
      ['Object Writer only', flowLogsPolicy(account, { instance, roles: ['crn:v1:bluemix:public:cloud-object-storage::::serviceRole:ObjectWriter'] }), { 'logs-a': false }],
      ['another COS instance', flowLogsPolicy(account, { instance: '00000000-0000-4000-a000-000000000000' }), { 'logs-a': false }],
      ['the instance CRN where the GUID belongs', flowLogsPolicy(account, { instance: c.endpoints.cosInstanceCrn }), { 'logs-a': false }],
      ['one collector (serviceInstance on the subject)', flowLogsPolicy(account, { instance, subjectExtra: [{ name: 'serviceInstance', value: 'r006-x' }] }), { 'logs-a': false }],
    ];
    for (const name of ['logs-a', 'logs-b', 'other']) expect((await c.control('POST', '/buckets', { name, authorized: false })).status).to.equal(201);
    for (const [label, body, expected] of cases) {
      const { result } = await iam.createPolicy(body);
      for (const [bucket, allowed] of Object.entries(expected)) {
        const res = await createCollectorOn(c, bucket);
        expect(res.status, `${label} → ${bucket}: ${JSON.stringify(res.body)}`).to.equal(allowed ? 201 : 403);
        if (allowed) expect((await c.vpc('DELETE', `/v1/flow_log_collectors/${res.body.id}`)).status).to.equal(204);
        else expect(firstError(res.body).message).to.match(/^Your Cloud Object Storage \(COS\) bucket is missing the Identity Authorization Management \(IAM\) authorization/);
      }
      await iam.deletePolicy({ policyId: result.id! });
      await c.control('POST', '/clock/advance', { seconds: 5 });
    }
  });

  it("a subject narrowed to a resource group authorizes that group's collectors only", async () => {
    const c = emu();
    const topology = { ...(rawTopology() as object), resourceGroups: [{ name: 'default', default: true }, { name: 'network' }] };
    const replaced = await c.control('POST', '/topology', topology);
    expect(replaced.status).to.equal(200);
    const networkId = replaced.body.topology.resourceGroups.find((g: any) => g.name === 'network').id;
    const account = await accountOf(c);
    expect((await c.control('POST', '/buckets', { name: 'team-logs', authorized: false })).status).to.equal(201);
    await sdk(c).createPolicy(flowLogsPolicy(account, { instance: c.endpoints.cosInstanceId, subjectExtra: [{ name: 'resourceGroupId', value: networkId }] }));
    expect((await createCollectorOn(c, 'team-logs')).status).to.equal(403);
    expect((await createCollectorOn(c, 'team-logs', { resource_group: { id: networkId } })).status).to.equal(201);
  });

  it('refuses bad bodies with every problem in IAM\'s body, a foreign account with 403, and a duplicate with policy_conflict_error', async () => {
    const c = emu();
    const account = await accountOf(c);
    const iam = sdk(c);
    const raw = (body: unknown, token?: string | null) =>
      c.accessToken().then((t) =>
        c.raw('POST', `${c.endpoints.iamEndpoint}/v1/policies`, {
          headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token ?? t}` }) },
          body: JSON.stringify(body),
        }),
      );

    const twice = flowLogsPolicy(account, { instance: c.endpoints.cosInstanceId });
    twice.resources[0].attributes.push({ name: 'accountId', value: account });
    const dup = await raw(twice);
    expect(dup.status).to.equal(400);
    expect(Object.keys(dup.body).sort()).to.deep.equal(['errors', 'status_code', 'trace']);
    expect(dup.body.errors).to.deep.equal([{ code: 'invalid_body', message: 'The following resource attribute(s) had multiple entries: accountId.' }]);

    const bad = await raw({ type: 'authorisation', subjects: [], roles: [{ role_id: 'Writer' }], resources: [{ attributes: [{ name: 'serviceName', value: 'cloud-object-storage', operator: 'equals' }] }], colour: 'blue' });
    expect(bad.status).to.equal(400);
    expect(bad.body.errors.map((e: any) => e.message)).to.deep.equal([
      '"colour" is not a field of a v1 policy; allowed: type, description, subjects, roles, resources.',
      'type must be "access" or "authorization"; received "authorisation".',
      'subjects must be a list of exactly one subject: [{"attributes": [...]}].',
      'resources[0].attributes[0].operator must be one of stringEquals, stringMatch; received "equals".',
      'roles[0].role_id must be a role CRN such as crn:v1:bluemix:public:iam::::serviceRole:Writer; received "Writer".',
    ]);

    const noAccount = flowLogsPolicy(account, {});
    noAccount.subjects[0].attributes = noAccount.subjects[0].attributes.filter((a) => a.name !== 'accountId');
    noAccount.roles = [{ role_id: 'crn:v1:bluemix:public:iam::::serviceRole:Cook' }];
    expect((await raw(noAccount)).body.errors.map((e: any) => e.message)).to.deep.equal([
      'An authorization policy subject must include the accountId attribute.',
      'Role crn:v1:bluemix:public:iam::::serviceRole:Cook is not a role of cloud-object-storage; its roles are Reader, Writer, Manager, Content Reader, Object Reader, Object Writer, Viewer, Operator, Editor, Administrator.',
    ]);

    const foreign = await rejectionOf<SdkError>(iam.createPolicy(flowLogsPolicy('0'.repeat(32), {})));
    expect(foreign.status).to.equal(403);
    expect(foreign.result.errors[0].code).to.equal('forbidden');

    const first = await iam.createPolicy(flowLogsPolicy(account, {}));
    const conflict = await rejectionOf<SdkError>(iam.createPolicy(flowLogsPolicy(account, {})));
    expect(conflict.status).to.equal(409);
    expect(conflict.result.errors).to.deep.equal([
      { code: 'policy_conflict_error', message: 'Failed to create policy.', details: { conflicts_with: { etag: first.headers.etag, policy: { id: first.result.id } } } },
    ]);

    const unauthenticated = await raw(flowLogsPolicy(account, {}), null);
    expect(unauthenticated.status).to.equal(401);
    expect(unauthenticated.body.errors[0]).to.deep.equal({ code: 'not_authorized', message: 'The request has no Authorization header. Send "Authorization: Bearer <IAM access token>".' });
    const wrongType = await c.raw('POST', `${c.endpoints.iamEndpoint}/v1/policies`, { headers: { authorization: `Bearer ${await c.accessToken()}`, 'content-type': 'text/plain' }, body: '{}' });
    expect(wrongType.status).to.equal(415);
    expect(wrongType.body.errors[0].code).to.equal('unsupported_media_type');
  });

  it('replaces a policy under If-Match: the current ETag wins, a stale one answers 412, the type stays', async () => {
    const c = emu();
    const account = await accountOf(c);
    const iam = sdk(c);
    const made = await iam.createPolicy(flowLogsPolicy(account, { instance: c.endpoints.cosInstanceId, bucket: 'not-yet-a-bucket' }));
    const wider = flowLogsPolicy(account, { instance: c.endpoints.cosInstanceId });
    const replaced = await iam.replacePolicy({ policyId: made.result.id!, ifMatch: String(made.headers.etag), ...wider, description: 'the whole instance' });
    expect(replaced.status).to.equal(200);
    expect(replaced.headers.etag).to.match(/^2-/);
    expect(replaced.result).to.deep.include({ id: made.result.id, description: 'the whole instance', resources: wider.resources, created_at: made.result.created_at });

    const stale = await rejectionOf<SdkError>(iam.replacePolicy({ policyId: made.result.id!, ifMatch: String(made.headers.etag), ...wider }));
    expect(stale.status).to.equal(412);
    expect(stale.result.errors[0].code).to.equal('precondition_failed');
    const retyped = await rejectionOf<SdkError>(
      iam.replacePolicy({ policyId: made.result.id!, ifMatch: String(replaced.headers.etag), type: 'access', subjects: [{ attributes: [{ name: 'iam_id', value: 'IBMid-1' }] }], roles: [{ role_id: 'crn:v1:bluemix:public:iam::::role:Viewer' }], resources: [{ attributes: [{ name: 'accountId', value: account }, { name: 'serviceName', value: 'is' }] }] }),
    );
    expect(retyped.status).to.equal(400);
    expect(retyped.result.errors[0].message).to.equal('The policy type cannot change (it is authorization).');
  });

  it('lists with IAM\'s filters, sort and limit/start paging', async () => {
    const c = emu();
    const account = await accountOf(c);
    const iam = sdk(c);
    const access = await iam.createPolicy({
      type: 'access',
      subjects: [{ attributes: [{ name: 'iam_id', value: 'IBMid-reader' }] }],
      roles: [{ role_id: 'crn:v1:bluemix:public:iam::::role:Viewer' }],
      resources: [{ attributes: [{ name: 'accountId', value: account }, { name: 'serviceName', value: 'is' }], tags: [{ name: 'env', value: 'dev', operator: 'stringEquals' }] }],
    });
    expect((await iam.listPolicies({ accountId: account, iamId: 'IBMid-reader' })).result.policies.map((p) => p.id)).to.deep.equal([access.result.id]);
    expect((await iam.listPolicies({ accountId: account, iamId: 'IBMid-other' })).result.policies).to.deep.equal([]);
    expect((await iam.listPolicies({ accountId: account, tagName: 'env', tagValue: 'dev' })).result.policies.map((p) => p.id)).to.deep.equal([access.result.id]);
    expect((await iam.listPolicies({ accountId: account, serviceType: 'service' })).result.policies).to.have.length(4);
    expect((await iam.listPolicies({ accountId: account, serviceType: 'platform_service' })).result.policies).to.deep.equal([]);

    const all = (await iam.listPolicies({ accountId: account, sort: '-type' })).result.policies;
    expect(all.map((p) => p.type)).to.deep.equal(['authorization', 'authorization', 'authorization', 'access']);
    const first = await iam.listPolicies({ accountId: account, limit: 3 });
    expect(first.result.policies).to.have.length(3);
    expect(first.result.limit).to.equal(3);
    expect(first.result.next?.href).to.contain('limit=3');
    const second = await iam.listPolicies({ accountId: account, limit: 3, start: first.result.next!.start });
    expect(second.result.policies.map((p) => p.id)).to.deep.equal([access.result.id]);
    expect(second.result.next).to.equal(undefined);

    const missing = await c.raw('GET', `${c.endpoints.iamEndpoint}/v1/policies`, { headers: { authorization: `Bearer ${await c.accessToken()}` } });
    expect(missing.status).to.equal(400);
    expect(missing.body.errors[0]).to.deep.equal({ code: 'invalid_request', message: 'The account_id query parameter is required: the account whose policies to list.' });
    const badSort = await rejectionOf<SdkError>(iam.listPolicies({ accountId: account, sort: 'colour' }));
    expect(badSort.status).to.equal(400);
  });
});

function rawTopology(): unknown {
  return JSON.parse(readFileSync(join(__dirname, '../../../emulator/topologies/use-case-1.json'), 'utf8'));
}

describe('emulator IAM policies persist with stateDir', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ibmflowlogs-policies-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps policies (active and deleted) and bucket locations across a restart', async () => {
    const first = new EmulatorClient(await startEmulator({ stateDir: dir, pendingSeconds: 0, log: () => undefined }));
    const account = await accountOf(first);
    const made = await sdk(first).createPolicy(flowLogsPolicy(account, {}));
    expect((await first.control('DELETE', '/authorizations/bucket-c')).status).to.equal(204);
    expect((await first.control('POST', '/buckets', { name: 'cross', location: 'us-standard' })).status).to.equal(201);
    // A bucket made through S3 is saved on its own, not only at close (saves are coalesced: poll the file).
    const saved = async (bucket: string) => {
      for (let i = 0; i < 100; i++) {
        const code = JSON.parse(readFileSync(join(dir, 'emulator-state.json'), 'utf8')).bucketLocations?.[bucket];
        if (code !== undefined) return code;
        await new Promise((r) => setTimeout(r, 20));
      }
      return undefined;
    };
    expect(await saved('cross')).to.equal('us-standard');
    await cosClient(first.endpoints).createBucket({ Bucket: 'via-s3', CreateBucketConfiguration: { LocationConstraint: 'us-east-smart' } }).promise();
    expect(await saved('via-s3')).to.equal('us-east-smart');
    const before = (await first.control('GET', '/state')).body;
    await first.emulator.close();

    const second = new EmulatorClient(await startEmulator({ stateDir: dir, log: () => undefined }));
    try {
      const after = (await second.control('GET', '/state')).body;
      expect(after.policies).to.deep.equal(JSON.parse(JSON.stringify(before.policies).split(first.endpoints.iamEndpoint).join(second.endpoints.iamEndpoint)));
      expect(after.authorizations).to.deep.equal(['*', 'bucket-e', 'bucket-instance-5', 'cross']);
      expect((await sdk(second).getPolicy({ policyId: made.result.id! })).headers.etag).to.equal(made.headers.etag);
      expect(after.buckets.find((b: any) => b.name === 'cross').location).to.equal('us-standard');
      expect(after.buckets.find((b: any) => b.name === 'via-s3').location).to.equal('us-east-smart');
    } finally {
      await second.emulator.close();
    }
  });

  it('reads a state file written before IAM policies existed: its authorizations become policies', async () => {
    const first = new EmulatorClient(await startEmulator({ stateDir: dir, log: () => undefined }));
    await first.emulator.close();
    const file = join(dir, 'emulator-state.json');
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    delete saved.policies;
    delete saved.bucketLocations;
    saved.authorizations = ['*', 'bucket-c'];
    writeFileSync(file, JSON.stringify(saved));

    const second = new EmulatorClient(await startEmulator({ stateDir: dir, log: () => undefined }));
    try {
      expect((await second.control('GET', '/authorizations')).body.authorizations).to.deep.equal(['*', 'bucket-c']);
      const policies = (await sdk(second).listPolicies({ accountId: await accountOf(second) })).result.policies;
      expect(policies.map((p) => p.resources[0].attributes.map((a) => a.name))).to.deep.equal([
        ['accountId', 'serviceName', 'serviceInstance'],
        ['accountId', 'serviceName', 'serviceInstance', 'resourceType', 'resource'],
      ]);
      expect((await second.control('GET', '/buckets')).body.buckets.map((b: any) => b.location)).to.deep.equal(['us-south-standard', 'us-south-standard', 'us-south-standard']);
    } finally {
      await second.emulator.close();
    }
  });
});
