import type { Fixture } from './fixture';

/** One entry of a collector's `coverage` output. */
export interface CoverageRow {
  interfaceId: string;
  interfaceName: string;
  instanceId: string;
  subnetId: string;
}

/** An interface of the seeded topology, with what its precedence chain needs. */
export interface SeededInterface extends CoverageRow {
  vniId?: string;
}

/**
 * Every interface of the seeded topology as the emulator holds it (legacy network interfaces, and instance network
 * attachments), sorted by id: read from GET /_emulator/state, independently of the provider and its simulator.
 */
export async function seededInterfaces(f: Fixture): Promise<SeededInterface[]> {
  const t = await f.emulator.topology();
  const all: SeededInterface[] = [
    ...t.networkInterfaces.map((n: any) => ({ interfaceId: n.id, interfaceName: n.name, instanceId: n.instanceId, subnetId: n.subnetId })),
    ...t.networkAttachments.map((a: any) => ({ interfaceId: a.id, interfaceName: a.name, instanceId: a.instanceId, subnetId: a.subnetId, vniId: a.vniId })),
  ];
  return all.sort((a, b) => (a.interfaceId < b.interfaceId ? -1 : a.interfaceId > b.interfaceId ? 1 : 0));
}

/** The rows (in coverage shape, sorted by interfaceId) of the interfaces `pick` selects. */
export async function coverageRows(f: Fixture, pick: (i: SeededInterface) => boolean): Promise<CoverageRow[]> {
  return (await seededInterfaces(f)).filter(pick).map(({ interfaceId, interfaceName, instanceId, subnetId }) => ({ interfaceId, interfaceName, instanceId, subnetId }));
}

/** The interfaces under a target of the given type: what a lone collector on it covers. */
export function under(targetType: string, id: string): (i: SeededInterface) => boolean {
  switch (targetType) {
    case 'vpc':
      return () => true;
    case 'subnet':
      return (i) => i.subnetId === id;
    case 'instance':
      return (i) => i.instanceId === id;
    case 'virtual_network_interface':
      return (i) => i.vniId === id;
    default:
      return (i) => i.interfaceId === id;
  }
}
