import { largestPowerOfTwoBelow, nodeHash, type Hash } from './merkle-tree';

/** MTH(D[start:end]) of the tree in question; `end` is at most the tree's size. */
export type RangeHasher = (start: number, end: number) => Promise<Hash>;

/**
 * The audit path of leaf `leafIndex` in the tree of `treeSize` leaves (RFC 6962 §2.1.1
 * PATH(m, D[n])): the sibling subtree roots from the leaf up to the root. Walks from the
 * root down, so every range asked of `rangeHash` is a left subtree (perfect and aligned) or
 * the right edge of the tree.
 */
export async function auditPath(
  leafIndex: number,
  treeSize: number,
  rangeHash: RangeHasher,
): Promise<Hash[]> {
  if (!(Number.isSafeInteger(leafIndex) && leafIndex >= 0 && leafIndex < treeSize))
    throw new RangeError(`leaf ${leafIndex} is not in a tree of ${treeSize} leaves`);
  const topDown: Hash[] = [];
  let start = 0;
  let end = treeSize;
  while (end - start > 1) {
    const k = largestPowerOfTwoBelow(end - start);
    if (leafIndex - start < k) {
      topDown.push(await rangeHash(start + k, end));
      end = start + k;
    } else {
      topDown.push(await rangeHash(start, start + k));
      start += k;
    }
  }
  return topDown.reverse();
}

/**
 * The root that `leaf` at `leafIndex` and its audit path lead to in a tree of `treeSize`
 * leaves (RFC 9162 §2.1.3.2), or undefined when the path has the wrong shape for that tree.
 * The proof holds when this equals the signed root.
 */
export function rootFromAuditPath(
  leaf: Hash,
  leafIndex: number,
  treeSize: number,
  path: readonly Hash[],
): Hash | undefined {
  if (!(Number.isSafeInteger(leafIndex) && leafIndex >= 0 && leafIndex < treeSize))
    return undefined;
  // fn and sn as in the RFC, kept as numbers: halving by division stays exact below 2^53.
  let fn = leafIndex;
  let sn = treeSize - 1;
  let root = leaf;
  for (const sibling of path) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      root = nodeHash(sibling, root);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      root = nodeHash(root, sibling);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? root : undefined;
}
