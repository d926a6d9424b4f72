import { expect } from 'chai';
import { useEmulator } from '../support/emulator';

describe('emulator: a first collector over real HTTP', () => {
  const emu = useEmulator();

  it('creates a collector on a subnet and reads it back stable', async () => {
    const subnetId = await emu().idOf('subnets', 'subnet-1');
    const created = await emu().createCollector({ target: { id: subnetId }, storage_bucket: { name: 'bucket-c' }, name: 'subnet-1-logs' });
    expect(created.lifecycle_state).to.equal('pending');
    const read = await emu().vpc('GET', `/v1/flow_log_collectors/${created.id}`);
    expect(read.status).to.equal(200);
    expect(read.body.lifecycle_state).to.equal('stable');
    expect(read.body.target).to.deep.include({ id: subnetId, name: 'subnet-1', resource_type: 'subnet' });
  });
});
