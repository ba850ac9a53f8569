import fc from 'fast-check';
import { InvariantViolation } from '@kopfed/domain';
import { AppendOnlyIndex } from './append-only-index';

describe('AppendOnlyIndex', () => {
  it('adds in place on the newest version and leaves older versions unchanged', () => {
    const empty = AppendOnlyIndex.empty<number>();
    const one = empty.with('a', 1);
    const two = one.with('b', 2);
    expect([empty.has('a'), one.get('a'), one.has('b'), two.get('b')]).toEqual([
      false,
      1,
      false,
      2,
    ]);
    expect(() => two.with('a', 3)).toThrow(InvariantViolation);
  });

  it('behaves like an immutable map however versions are forked (property)', () => {
    const step = fc.record({
      from: fc.nat(),
      key: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
      value: fc.nat(),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const versions: { index: AppendOnlyIndex<number>; model: Map<string, number> }[] = [
          { index: AppendOnlyIndex.empty(), model: new Map() },
        ];
        for (const { from, key, value } of steps) {
          const base = versions[from % versions.length]!;
          if (base.model.has(key)) continue;
          versions.push({
            index: base.index.with(key, value),
            model: new Map(base.model).set(key, value),
          });
        }
        for (const { index, model } of versions) {
          expect(index.size).toBe(model.size);
          for (const key of ['a', 'b', 'c', 'd', 'e', 'f'])
            expect(index.get(key)).toBe(model.get(key));
        }
      }),
    );
  });
});
