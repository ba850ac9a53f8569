import fc from 'fast-check';
import { shapeProblem } from './json-body';

describe('JSON body shape', () => {
  it('finds no member named twice in JSON that JSON.stringify wrote', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(shapeProblem(JSON.stringify(value))).toBeUndefined();
        expect(shapeProblem(JSON.stringify(value, null, 2))).toBeUndefined();
      }),
    );
  });

  it('finds a member named twice, whatever the strings around it hold', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), fc.jsonValue(), (before, name, value) => {
        const key = JSON.stringify(name);
        const text = `{"items":[{"before":${JSON.stringify(before)},${key}:${JSON.stringify(value)},${key}:1}]}`;
        expect(shapeProblem(text)).toEqual({ kind: 'named-twice', path: ['items', 0, name] });
      }),
    );
  });

  it('bounds the depth of a body, however deep, without recursion', () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    expect(shapeProblem(nested(64))).toBeUndefined();
    expect(shapeProblem(nested(65))).toEqual({
      kind: 'nested-too-deep',
      path: Array.from({ length: 64 }, () => 0),
    });
    const deep = `{"x":[1,${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}]}`;
    expect(shapeProblem(deep)).toEqual({
      kind: 'nested-too-deep',
      path: ['x', 1, ...Array.from({ length: 62 }, () => 'a')],
    });
  });
});
