import { expect } from 'chai';
import fc from 'fast-check';
import { useEmulator } from '../support/emulator';

/**
 * Whatever a client sends, every failure answers a JSON error body with a specific code: IBM's VPC envelope, or IAM's
 * own shape on the token endpoint. Never a bare 500, never HTML.
 */
describe('emulator: error bodies under arbitrary requests (fast-check)', () => {
  const emu = useEmulator();

  const segment = fc.oneof(
    fc.constantFrom('v1', 'flow_log_collectors', 'vpcs', 'subnets', 'instances', 'network_interfaces', 'identity', 'token', '_emulator', 'faults', 'topology', '%zz', '..'),
    fc.string({ minLength: 1, maxLength: 12 }).map(encodeURIComponent),
  );
  const request = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT'),
    path: fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}`),
    query: fc.constantFrom('', '?version=2025-12-16', '?version=2025-12-16&generation=2&limit=x', '?start=%%%', '?version=9999-99-99'),
    contentType: fc.constantFrom('application/json', 'application/merge-patch+json', 'text/plain', 'application/x-www-form-urlencoded'),
    body: fc.oneof(fc.constant(undefined), fc.json(), fc.string({ maxLength: 200 }), fc.constant('{"target":')),
    auth: fc.boolean(),
  });

  it('answers 400-level or 2xx with JSON bodies for 300 generated requests, and no 500', async () => {
    const token = await emu().accessToken();
    const base = emu().endpoints.vpcEndpoint;
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = { 'content-type': r.contentType };
        if (r.auth) headers.authorization = `Bearer ${token}`;
        const res = await fetch(`${base}${r.path}${r.query}`, { method: r.method, headers, body: r.method === 'GET' || r.method === 'DELETE' ? undefined : r.body });
        const text = await res.text();
        expect(res.status, `${r.method} ${r.path}${r.query}`).to.not.equal(500);
        if (res.status === 204) return;
        expect(res.headers.get('content-type')).to.match(/^application\/json/);
        const body = JSON.parse(text);
        if (res.status < 400) return;
        // fetch normalizes the path ("/../identity/token" is "/identity/token"): IAM answers in its own shape.
        if (r.method === 'POST' && new URL(`${base}${r.path}`).pathname === '/identity/token') {
          expect(body.errorCode).to.match(/^BXNIM\d{4}E$/);
        } else {
          expect(body.status_code).to.equal(res.status);
          expect(body.errors).to.be.an('array').that.is.not.empty;
          for (const e of body.errors) expect(e.code).to.match(/^[a-z_]+$/).and.not.equal('internal_error');
        }
      }),
      { numRuns: 300 },
    );
  });
});
