import fc from 'fast-check';
import { assertJsonDepth, memberNamedTwice } from './json-body';

describe('JSON body shape', () => {
  it('finds no member named twice in JSON that JSON.stringify wrote', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(memberNamedTwice(JSON.stringify(value))).toBeUndefined();
        expect(memberNamedTwice(JSON.stringify(value, null, 2))).toBeUndefined();
      }),
    );
  });

  it('finds a member named twice, whatever the strings around it hold', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), fc.jsonValue(), (before, name, value) => {
        const key = JSON.stringify(name);
        const text = `{"items":[{"before":${JSON.stringify(before)},${key}:${JSON.stringify(value)},${key}:1}]}`;
        expect(memberNamedTwice(text)).toEqual(['items', 0, name]);
      }),
    );
  });

  it('bounds the depth of a body, however deep, without recursion', () => {
    expect(() => assertJsonDepth(JSON.parse(`${'['.repeat(64)}${']'.repeat(64)}`))).not.toThrow();
    expect(() => assertJsonDepth(JSON.parse(`${'['.repeat(65)}${']'.repeat(65)}`))).toThrow(/64/);
    const deep = JSON.parse(`${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`) as unknown;
    expect(() => assertJsonDepth(deep)).toThrow(/64/);
  });
});
