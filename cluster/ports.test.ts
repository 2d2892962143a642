import { describe, expect, it } from 'vitest';
import { allPorts, planPorts } from './ports.js';

describe('planPorts', () => {
  it("uses the well-known ports by default: etcd's 2379/2380 first, 6443, the components' own", () => {
    const p = planPorts({ base: undefined, storeMembers: 3, apiservers: 2 });
    expect(p.store).toEqual([
      { client: 2379, peer: 2380 },
      { client: 2381, peer: 2382 },
      { client: 2383, peer: 2384 },
    ]);
    expect(p.apiservers).toEqual([6443, 6444]);
    expect([p.controllerManager, p.scheduler, p.kubelet]).toEqual([10257, 10259, 10248]);
  });

  it('packs everything into one block from --port-base, without overlap', () => {
    const p = planPorts({ base: 40000, storeMembers: 3, apiservers: 1 });
    const ports = allPorts(p);
    expect(ports).toEqual([40000, 40001, 40002, 40003, 40004, 40005, 40006, 40007, 40008, 40009]);
    expect(p.apiservers).toEqual([40006]);
    expect(new Set(allPorts(planPorts({ base: 50000, storeMembers: 1, apiservers: 3 }))).size).toBe(2 + 3 + 3);
  });
});
