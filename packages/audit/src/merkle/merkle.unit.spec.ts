import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { auditPath, rootFromAuditPath } from './inclusion';
import { EMPTY_ROOT, leafHash, MerkleFrontier, nodeHash, rootOf, type Hash } from './merkle-tree';
import { streamHeadText, StreamHeadsTree, type StreamHead } from './stream-heads';

const leaves = (n: number): Hash[] => Array.from({ length: n }, (_, i) => leafHash(`event ${i}`));
const rangeHasherOver = (all: readonly Hash[]) => async (start: number, end: number) =>
  rootOf(all.slice(start, end));

describe('Merkle tree (RFC 6962)', () => {
  it('hashes leaves and nodes with distinct prefixes, and the empty tree as SHA-256 of nothing', () => {
    const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
    expect(leafHash('a')).toEqual(sha(Buffer.from([0]), Buffer.from('a')));
    const [a, b] = [leafHash('a'), leafHash('b')];
    expect(nodeHash(a, b)).toEqual(sha(Buffer.from([1]), a, b));
    expect(EMPTY_ROOT.toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(rootOf(leaves(3))).toEqual(
      nodeHash(nodeHash(leaves(3)[0]!, leaves(3)[1]!), leaves(3)[2]!),
    );
  });

  it('keeps the same root incrementally as from scratch, and restores from its saved frontier', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 }), (n, cut) => {
        const all = leaves(n);
        const frontier = MerkleFrontier.empty();
        const split = Math.min(cut, n);
        all.slice(0, split).forEach((leaf) => frontier.append(leaf));
        const restored = MerkleFrontier.restore(frontier.size, frontier.toJSON());
        all.slice(split).forEach((leaf) => restored.append(leaf));
        expect(restored.size).toBe(n);
        expect(restored.root()).toEqual(rootOf(all));
        expect(restored.toJSON().length).toBeLessThanOrEqual(9);
      }),
    );
  });

  it('reports every completed subtree with its level and index', () => {
    const all = leaves(13);
    const frontier = MerkleFrontier.empty();
    const seen = new Map<string, Hash>();
    all.forEach((leaf) =>
      frontier.append(leaf, (level, index, node) => seen.set(`${level}/${index}`, node)),
    );
    expect([...seen.keys()].sort()).toEqual([
      '1/0',
      '1/1',
      '1/2',
      '1/3',
      '1/4',
      '1/5',
      '2/0',
      '2/1',
      '2/2',
      '3/0',
    ]);
    expect(seen.get('3/0')).toEqual(rootOf(all.slice(0, 8)));
    expect(seen.get('2/2')).toEqual(rootOf(all.slice(8, 12)));
  });

  it('refuses a frontier whose shape does not fit its size', () => {
    expect(() => MerkleFrontier.restore(3, [EMPTY_ROOT.toString('hex')])).toThrow(/2 roots/);
  });

  it('proves every leaf of every tree size, and no proof survives a change', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 70 }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1))),
        async ([n, m]) => {
          const all = leaves(n);
          const root = rootOf(all);
          const path = await auditPath(m, n, rangeHasherOver(all));
          expect(rootFromAuditPath(all[m]!, m, n, path)).toEqual(root);
          // Another leaf, another index or a bent path must not lead to the root.
          expect(rootFromAuditPath(leafHash('forged'), m, n, path)).not.toEqual(root);
          if (n > 1) expect(rootFromAuditPath(all[m]!, (m + 1) % n, n, path)).not.toEqual(root);
          if (path.length > 0) {
            const bent = [...path];
            bent[0] = leafHash('bent');
            expect(rootFromAuditPath(all[m]!, m, n, bent)).not.toEqual(root);
            expect(rootFromAuditPath(all[m]!, m, n, path.slice(1))).toBeUndefined();
          }
        },
      ),
    );
  });

  it('rejects a leaf index outside the tree', async () => {
    await expect(auditPath(3, 3, rangeHasherOver(leaves(3)))).rejects.toThrow(RangeError);
    expect(rootFromAuditPath(leafHash('x'), 3, 3, [])).toBeUndefined();
  });
});

describe('stream heads tree', () => {
  it('keeps, as heads move, the root of its streams’ last heads in first-seen order, each provable', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 0, maxLength: 200 }),
        async (writes) => {
          const tree = new StreamHeadsTree();
          const heads = new Map<string, StreamHead>();
          writes.forEach((n, i) => {
            const stream = `account-${n}`;
            const head = {
              stream,
              lastRevision: (heads.get(stream)?.lastRevision ?? -1) + 1,
              lastPosition: i + 1,
            };
            heads.set(stream, head);
            tree.set(head);
            // Roots asked now and then: the subtrees are rehashed in several rounds.
            if (n % 3 === 0) tree.root();
          });
          const expected = [...heads.values()].map((head) => leafHash(streamHeadText(head)));
          expect(tree.size).toBe(heads.size);
          expect(tree.root()).toEqual(rootOf(expected));
          expect(StreamHeadsTree.of(heads.values()).root()).toEqual(tree.root());
          for (const [stream, head] of heads) {
            const index = tree.index(stream)!;
            const path = await tree.path(stream);
            const leaf = leafHash(streamHeadText(head));
            expect(rootFromAuditPath(leaf, index, tree.size, path)).toEqual(tree.root());
            const older = leafHash(
              streamHeadText({ ...head, lastRevision: head.lastRevision - 1 }),
            );
            expect(rootFromAuditPath(older, index, tree.size, path)).not.toEqual(tree.root());
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('hashes a head as fixed JSON, the stream name escaped', () => {
    expect(streamHeadText({ stream: 'a"b', lastRevision: 2, lastPosition: 9 })).toBe(
      '{"stream":"a\\"b","lastRevision":2,"lastPosition":9}',
    );
    expect(new StreamHeadsTree().root()).toEqual(EMPTY_ROOT);
  });
});
