import { expect } from 'chai';
import {
  accountIdOf,
  findBucketAuthorization,
  IamPolicyClient,
  IamTokenSource,
  IbmAbortError,
  IbmConflictError,
  IbmServerError,
  type AuthorizationPolicy,
  type BucketWriteTarget,
} from '../../provider/src/ibm';
import { expectNoSecrets, rejectionOf, requestCounts, useEmulator, type EmulatorClient } from '../support/emulator';

/**
 * IamPolicyClient (IBM's IamPolicyManagementV1 under the project's token cache and retry policy) against the
 * emulator's IAM Policy Management over real HTTP, and findBucketAuthorization's verdicts set side by side with what
 * the emulator's collectors, an independent implementation of the rule, accept.
 */

const connection = (c: EmulatorClient) => ({ apiKey: c.endpoints.apiKey, iamEndpoint: c.endpoints.iamEndpoint });

async function target(c: EmulatorClient, bucket: string): Promise<BucketWriteTarget> {
  const state = (await c.control('GET', '/state')).body;
  const group = state.topology.resourceGroups.find((g: any) => g.isDefault).id;
  return { accountId: state.account, cosInstance: c.endpoints.cosInstanceCrn, bucket, region: state.region, collectorResourceGroupId: group, cosResourceGroupId: group };
}

describe('IamPolicyClient', () => {
  const emu = useEmulator();

  it('creates the flow-logs authorization, lists it, finds the bucket authorized by it, and deletes it', async () => {
    const c = emu();
    const iam = new IamPolicyClient(connection(c));
    const account = await accountIdOf(iam.authenticator);
    expect(account).to.equal((await c.control('GET', '/state')).body.account);
    expect((await c.control('POST', '/buckets', { name: 'team-logs', authorized: false })).status).to.equal(201);
    const where = await target(c, 'team-logs');

    expect(findBucketAuthorization(await iam.listAuthorizationPolicies(account), where)).to.deep.equal({ authorized: false, undetermined: [] });
    const made = await iam.createFlowLogsAuthorization({ accountId: account, cosInstance: c.endpoints.cosInstanceCrn, bucket: 'team-logs', description: 'flow logs of team' });
    expect(made).to.deep.include({ type: 'authorization', state: 'active', description: 'flow logs of team' });
    expect(made.etag).to.match(/^1-/);
    expect(made.roles).to.deep.equal([{ roleId: 'crn:v1:bluemix:public:iam::::serviceRole:Writer', displayName: 'Writer' }]);

    const listed = await iam.listAuthorizationPolicies(account);
    const verdict = findBucketAuthorization(listed, where);
    expect(verdict.authorized && verdict.scope).to.equal('bucket');
    expect(verdict.authorized && verdict.policy.id).to.equal(made.id);
    // The emulator's collectors agree: the bucket is open to them now.
    expect((await c.vpc('POST', '/v1/flow_log_collectors', { body: { target: { id: await c.idOf('subnets', 'subnet-1') }, storage_bucket: { name: 'team-logs' } } })).status).to.equal(201);

    expect(await iam.getPolicy(made.id)).to.deep.include({ id: made.id, state: 'active', etag: made.etag });
    expect(await iam.deletePolicy(made.id)).to.equal(true);
    expect((await iam.getPolicy(made.id))?.state).to.equal('deleted');
    expect(await iam.deletePolicy(made.id)).to.equal(false);
    expect(await iam.getPolicy('00000000-0000-4000-a000-000000000000')).to.equal(undefined);
    expect(findBucketAuthorization(await iam.listAuthorizationPolicies(account), where).authorized).to.equal(false);
  });

  it('pages through every policy, and a second identical one is a typed 409 naming the first', async () => {
    const c = emu();
    const iam = new IamPolicyClient(connection(c));
    const account = await accountIdOf(iam.authenticator);
    const buckets = Array.from({ length: 104 }, (_, i) => `page-${String(i).padStart(3, '0')}`);
    for (const bucket of buckets) await iam.createFlowLogsAuthorization({ accountId: account, cosInstance: c.endpoints.cosInstanceId, bucket });
    await c.control('DELETE', '/requests');
    const all = await iam.listAuthorizationPolicies(account);
    expect(all).to.have.length(buckets.length + 3);
    expect((await requestCounts(c))['GET /v1/policies']).to.equal(2);

    const again = await rejectionOf<IbmConflictError>(iam.createFlowLogsAuthorization({ accountId: account, cosInstance: c.endpoints.cosInstanceId, bucket: 'page-000' }));
    expect(IbmConflictError.isInstance(again)).to.equal(true);
    expect(again.ibmCode).to.equal('policy_conflict_error');
    expect(again.message).to.contain('Could not create an IAM authorization for flow logs to write to bucket page-000');
    expect(again.message).to.contain('409 Conflict (policy_conflict_error): Failed to create policy.');
  });

  it('retries a GET after a 500 and a 401 after a fresh token, never a POST; a Cancel stops it at once', async () => {
    const c = emu();
    const source = new IamTokenSource(connection(c));
    const iam = new IamPolicyClient(connection(c), { authenticator: source });
    const account = await accountIdOf(source);

    await c.control('POST', '/faults', { method: 'GET', path: '/v1/policies', kind: '500', count: 1 });
    expect(await iam.listAuthorizationPolicies(account)).to.have.length(3);
    expect((await c.control('GET', '/requests')).body.faultsFired).to.equal(1);

    // An expired token (the emulator's clock moves past its life): one 401, one fresh token, the same call again.
    await c.control('POST', '/clock/advance', { seconds: 3700 });
    await c.control('DELETE', '/requests');
    expect(await iam.listAuthorizationPolicies(account)).to.have.length(3);
    const counts = await requestCounts(c);
    expect([counts['GET /v1/policies'], counts['POST /identity/token']]).to.deep.equal([2, 1]);

    await c.control('POST', '/faults', { method: 'POST', path: '/v1/policies', kind: '503', count: 1 });
    const refused = await rejectionOf(iam.createFlowLogsAuthorization({ accountId: account, cosInstance: c.endpoints.cosInstanceId }));
    expect(IbmServerError.isInstance(refused)).to.equal(true);
    expect((await c.control('GET', '/state')).body.policies.filter((p: AuthorizationPolicy) => p.state === 'active')).to.have.length(3);

    await c.control('POST', '/faults', { method: 'GET', path: '/v1/policies', kind: 'latency', latencyMs: 5000, count: 1 });
    const controller = new AbortController();
    const started = Date.now();
    const pending = iam.listAuthorizationPolicies(account, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const cancelled = await rejectionOf(pending);
    expect(IbmAbortError.isInstance(cancelled), String(cancelled)).to.equal(true);
    expect(Date.now() - started).to.be.lessThan(2000);
    expectNoSecrets(refused, [c.endpoints.apiKey]);
    expectNoSecrets(cancelled, [c.endpoints.apiKey]);
  });

  it('agrees with the emulator on every policy shape: the pre-flight verdict is what a collector create then meets', async () => {
    const c = emu();
    const iam = new IamPolicyClient(connection(c));
    const account = await accountIdOf(iam.authenticator);
    for (const name of ['logs-a', 'logs-b']) expect((await c.control('POST', '/buckets', { name, authorized: false })).status).to.equal(201);
    const raw = async (resource: Array<Record<string, string>>, roles = ['crn:v1:bluemix:public:iam::::serviceRole:Writer'], subjectExtra: Array<Record<string, string>> = []) => {
      const res = await c.raw('POST', `${c.endpoints.iamEndpoint}/v1/policies`, {
        headers: { authorization: `Bearer ${await c.accessToken()}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'authorization',
          subjects: [{ attributes: [{ name: 'serviceName', value: 'is' }, { name: 'accountId', value: account }, { name: 'resourceType', value: 'flow-log-collector' }, ...subjectExtra] }],
          roles: roles.map((role_id) => ({ role_id })),
          resources: [{ attributes: [{ name: 'serviceName', value: 'cloud-object-storage' }, { name: 'accountId', value: account }, ...resource] }],
        }),
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body.id as string;
    };
    const g = c.endpoints.cosInstanceId;
    const shapes: Array<() => Promise<string>> = [
      () => raw([{ name: 'serviceInstance', value: g }]),
      () => raw([]),
      () => raw([{ name: 'serviceInstance', value: g }, { name: 'resourceType', value: 'bucket' }, { name: 'resource', value: 'logs-a' }]),
      () => raw([{ name: 'serviceInstance', value: g }, { name: 'resourceType', value: 'bucket' }, { name: 'resource', value: 'logs-?', operator: 'stringMatch' }]),
      () => raw([{ name: 'serviceInstance', value: c.endpoints.cosInstanceCrn }]),
      () => raw([{ name: 'serviceInstance', value: g }], ['crn:v1:bluemix:public:iam::::serviceRole:Reader']),
      () => raw([{ name: 'serviceInstance', value: g }], ['crn:v1:bluemix:public:iam::::serviceRole:Manager']),
      () => raw([{ name: 'serviceInstance', value: g }], undefined, [{ name: 'region', value: 'eu-de' }]),
      () => raw([{ name: 'serviceInstance', value: g }, { name: 'prefix', value: 'ibm_vpc_flowlogs_v1/' }]),
    ];
    const subnet = await c.idOf('subnets', 'subnet-1');
    const outcomes: boolean[][] = [];
    for (const [i, make] of shapes.entries()) {
      outcomes.push([]);
      const id = await make();
      for (const bucket of ['logs-a', 'logs-b']) {
        const predicted = findBucketAuthorization(await iam.listAuthorizationPolicies(account), await target(c, bucket)).authorized;
        const res = await c.vpc('POST', '/v1/flow_log_collectors', { body: { target: { id: subnet }, storage_bucket: { name: bucket } } });
        expect(res.status, `shape ${i}, ${bucket}: predicted ${predicted}`).to.equal(predicted ? 201 : 403);
        outcomes[i].push(predicted);
        if (res.status === 201) await c.vpc('DELETE', `/v1/flow_log_collectors/${res.body.id}`);
      }
      expect(await iam.deletePolicy(id)).to.equal(true);
    }
    // [logs-a, logs-b] per shape: both implementations could agree on a wrong answer, so the answers are pinned too.
    expect(outcomes).to.deep.equal([
      [true, true],
      [true, true],
      [true, false],
      [true, true],
      [false, false],
      [false, false],
      [true, true],
      [false, false],
      [false, false],
    ]);
  });
});
