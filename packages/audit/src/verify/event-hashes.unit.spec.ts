import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sealTexts } from '../checkpoints/seal-chain';
import { leafHash, rootOf } from '../merkle/merkle-tree';
import {
  DigestFrontier,
  digestHex,
  EventHashes,
  leadingUint32,
  MerkleBlocks,
} from './event-hashes';

const PREVIOUS = 'ab'.repeat(32);
const startSeal = () => createHash('sha256').update(PREVIOUS, 'utf8');

/** Texts of every kind the buffer must carry: empty, multi-byte, astral, and past its 1 MiB. */
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 0, max: 3 }).map((k) => `{"big":"${'é€𝄞x'.repeat(k * 70_000)}"}`),
);

describe('the hashes verify takes of every event', () => {
  it('gives each text the leaf hash of merkle-tree.ts and each batch the seal of seal-chain.ts', () => {
    fc.assert(
      fc.property(fc.array(fc.array(text, { maxLength: 6 }), { maxLength: 5 }), (batches) => {
        const hashes = new EventHashes();
        for (const texts of batches) {
          const seal = startSeal();
          for (const t of texts)
            expect(digestHex(hashes.leaf(t, seal))).toBe(leafHash(t).toString('hex'));
          hashes.flush();
          expect(seal.digest('hex')).toBe(sealTexts(PREVIOUS, texts));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('leaves out of the seal a text hashed without one, and flushes a seal when another begins', () => {
    const hashes = new EventHashes();
    const [first, second] = [startSeal(), startSeal()];
    hashes.leaf('one', first);
    expect(digestHex(hashes.leaf('outside any batch', undefined))).toBe(
      leafHash('outside any batch').toString('hex'),
    );
    hashes.leaf('two', first);
    hashes.leaf('three', second);
    hashes.flush();
    expect(first.digest('hex')).toBe(sealTexts(PREVIOUS, ['one', 'two']));
    expect(second.digest('hex')).toBe(sealTexts(PREVIOUS, ['three']));
  });

  it('keeps the Merkle root of merkle-tree.ts at every size', () => {
    const texts = Array.from({ length: 300 }, (_, i) => `event ${i}`);
    const frontier = new DigestFrontier();
    const hashes = new EventHashes();
    expect(frontier.rootHex()).toBe(rootOf([]).toString('hex'));
    texts.forEach((t, i) => {
      frontier.append(hashes.leaf(t, undefined));
      expect(frontier.rootHex()).toBe(rootOf(texts.slice(0, i + 1).map(leafHash)).toString('hex'));
    });
  });

  it('gives, from Merkle blocks of a later part appended to the frontier, the root at every cut and at the end', () => {
    const hashes = new EventHashes();
    const leaves = Array.from({ length: 300 }, (_, i) => hashes.leaf(`event ${i}`, undefined));
    const rootAt = (count: number) => {
      const frontier = new DigestFrontier();
      for (const leaf of leaves.slice(0, count)) frontier.append(leaf);
      return frontier.rootHex();
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 299 }),
        fc.integer({ min: 1, max: 300 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 300 }), { maxLength: 6 }),
        (first, end, someCuts) => {
          fc.pre(end > first);
          const cuts = someCuts.filter((c) => c > first && c < end).sort((a, b) => a - b);
          const blocks = new MerkleBlocks(first, new Set(cuts));
          for (const leaf of leaves.slice(first, end)) blocks.append(leaf);
          const frontier = new DigestFrontier();
          for (const leaf of leaves.slice(0, first)) frontier.append(leaf);
          const seen: [number, string][] = [];
          for (const { start, level, root } of blocks.blocks) {
            frontier.appendSubtree(root, level);
            seen.push([start + 2 ** level, frontier.rootHex()]);
          }
          // Every cut and the end are block ends, with the whole tree's root there.
          for (const count of [...cuts, end])
            expect(seen.find(([at]) => at === count)?.[1]).toBe(rootAt(count));
          // Far fewer appends than leaves once the part is long.
          if (cuts.length === 0 && end - first >= 64)
            expect(blocks.blocks.length).toBeLessThanOrEqual(2 * Math.log2(end) + 1);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a subtree appended where the tree does not align it', () => {
    const frontier = new DigestFrontier();
    frontier.append(leafHash('one').toString('latin1'));
    expect(() => frontier.appendSubtree(leafHash('two').toString('latin1'), 1)).toThrow(/align/);
  });

  it('reads a fingerprint from the first four bytes of a digest', () => {
    const leaf = leafHash('event');
    const digest = new EventHashes().leaf('event', undefined);
    expect(leadingUint32(digest)).toBe(leaf.readUInt32BE(0));
    expect(leadingUint32('\u00ff\u00fe\u0000\u0001')).toBe(0xfffe0001);
  });
});
