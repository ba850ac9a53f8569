/**
 * The federation tree as authorisation sees it: each coop's parent in the tier above.
 * The member service's events will feed it; until then the node keeps it in memory.
 */
export interface CoopDirectory {
  parentOf(coopId: string): string | undefined;
  /** The coops whose parent `parentId` is now. */
  childrenOf(parentId: string): readonly string[];
}

/** A tree deeper than this is a cycle or corrupt data: primary → secondary → tertiary is 3. */
export const MAX_FEDERATION_DEPTH = 16;

export class InMemoryCoopDirectory implements CoopDirectory {
  private readonly parents = new Map<string, string>();
  private readonly children = new Map<string, Set<string>>();

  constructor(entries: Iterable<readonly [coopId: string, parentId: string]> = []) {
    for (const [coopId, parentId] of entries) this.setParent(coopId, parentId);
  }

  parentOf(coopId: string): string | undefined {
    return this.parents.get(coopId);
  }

  childrenOf(parentId: string): readonly string[] {
    return [...(this.children.get(parentId) ?? [])];
  }

  setParent(coopId: string, parentId: string): void {
    if (coopId === parentId || isWithin(this, parentId, coopId)) {
      throw new Error(`coop ${coopId} cannot have ${parentId} as its parent: that makes a cycle`);
    }
    const before = this.parents.get(coopId);
    if (before !== undefined) this.children.get(before)?.delete(coopId);
    this.parents.set(coopId, parentId);
    const siblings = this.children.get(parentId);
    if (siblings) siblings.add(coopId);
    else this.children.set(parentId, new Set([coopId]));
  }
}

/** True when `coopId` is `ancestorId` or lies below it in the federation tree. */
export function isWithin(directory: CoopDirectory, coopId: string, ancestorId: string): boolean {
  let current: string | undefined = coopId;
  for (let depth = 0; current !== undefined && depth <= MAX_FEDERATION_DEPTH; depth++) {
    if (current === ancestorId) return true;
    current = directory.parentOf(current);
  }
  return false;
}
