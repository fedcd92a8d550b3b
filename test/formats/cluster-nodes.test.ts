/** Node lookups by name (findNode, through its per-list index) and the node-list edits that use them. */
import { describe, expect, it } from 'vitest';
import { addNodes, findNode, newCluster, removeNodes, setNodes } from '../../src/lib/formats/cluster-nodes.js';

const spec = (i: number) => ({ name: `Node${i}`, ipAddress: `10.1.${i >> 7}.${(i & 127) + 1}` });

describe('findNode', () => {
  const full = addNodes(newCluster('ocfs2'), Array.from({ length: 255 }, (_, i) => spec(i)));

  it('finds every node of a 255-node cluster by name, in any case; an unknown name is undefined', () => {
    for (let i = 0; i < 255; i++) {
      expect(findNode(full, `node${i}`)?.number).toBe(i);
      expect(findNode(full, `NODE${i}`)?.ipAddress).toBe(spec(i).ipAddress);
    }
    expect(findNode(full, 'node255')).toBeUndefined();
  });

  it('answers for each edited list, never from an earlier list', () => {
    const fewer = removeNodes(full, ['node7']);
    expect(findNode(fewer, 'node7')).toBeUndefined();
    expect(findNode(full, 'node7')?.number).toBe(7);
    const moved = addNodes(fewer, [{ name: 'node8', ipAddress: '10.9.9.9' }, { name: 'node7', ipAddress: '10.8.8.8' }]);
    expect(findNode(moved, 'node8')).toMatchObject({ number: 8, ipAddress: '10.9.9.9' });
    expect(findNode(moved, 'node7')).toMatchObject({ number: 7, ipAddress: '10.8.8.8' }); // the lowest free number
    const exact = setNodes(moved, [spec(3), spec(300 - 299)]);
    expect(exact.nodes.map((n) => n.name)).toEqual(['Node1', 'Node3']);
    expect(findNode(exact, 'node8')).toBeUndefined();
  });

  it('a list changed in place (pushed to) is indexed again', () => {
    const c = newCluster('ocfs2');
    expect(findNode(c, 'late')).toBeUndefined();
    c.nodes.push({ name: 'Late', number: 0, ipAddress: '10.0.0.1', ipPort: 7777 });
    expect(findNode(c, 'late')?.name).toBe('Late');
  });

  it('a name given twice is refused before any lookup', () => {
    expect(() => addNodes(full, [spec(1), { ...spec(1), name: 'NODE1' }])).toThrow(/given twice/);
  });
});
