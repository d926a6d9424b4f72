import { expect } from 'chai';
import { targetTypeOfCrn } from '../../provider/src/ibm/crn';

/** CRN resource types → target types: only the table's own entries, never Object's properties. */
describe('targetTypeOfCrn', () => {
  const crn = (type: string) => `crn:v1:bluemix:public:is:us-south:a/7c1f0e4b2a9d48e6b3f5a0c2d9e8f716::${type}:r006-x`;
  const CASES: Array<[string, string | undefined]> = [
    ['vpc', 'vpc'],
    ['subnet', 'subnet'],
    ['instance', 'instance'],
    ['virtual-network-interface', 'virtual_network_interface'],
    ['constructor', undefined],
    ['__proto__', undefined],
    ['toString', undefined],
    ['hasOwnProperty', undefined],
    ['flow-log-collector', undefined],
  ];
  for (const [type, expected] of CASES) {
    it(`${type} → ${expected ?? 'none'}`, () => expect(targetTypeOfCrn(crn(type))).to.equal(expected));
  }
});
