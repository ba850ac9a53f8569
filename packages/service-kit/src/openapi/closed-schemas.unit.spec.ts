import { openObjects, resolveRef } from './closed-schemas';

describe('openObjects', () => {
  const root = {
    components: {
      schemas: {
        Money: {
          type: 'object',
          properties: { amount: { type: 'string' } },
          additionalProperties: false,
        },
        Loose: { type: 'object', properties: { a: { type: 'string' } } },
      },
    },
  };

  it('finds objects that accept unknown fields, through refs, arrays and unions', () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      properties: {
        money: { $ref: '#/components/schemas/Money' },
        loose: { $ref: '#/components/schemas/Loose' },
        lines: { type: 'array', items: { type: 'object', properties: {} } },
        either: { oneOf: [{ type: 'object', additionalProperties: false }, { type: 'object' }] },
        tags: { type: 'object', additionalProperties: { type: 'string' } },
        anything: { type: 'object', additionalProperties: {} },
        named: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: {} },
        open: { type: 'object', properties: {}, additionalProperties: true },
      },
    };
    expect(openObjects(schema, root).sort()).toEqual(
      [
        '#/components/schemas/Loose',
        '/properties/either/oneOf/1',
        '/properties/lines/items',
        '/properties/named',
        '/properties/open',
      ].sort(),
    );
  });

  it('finds none in closed schemas or where there is no body', () => {
    expect(openObjects({ $ref: '#/components/schemas/Money' }, root)).toEqual([]);
    expect(openObjects(undefined, root)).toEqual([]);
  });

  it('resolves escaped local refs and nothing else', () => {
    expect(resolveRef({ a: { 'b/c': 1 } }, '#/a/b~1c')).toBe(1);
    expect(resolveRef(root, 'https://example.com/schema')).toBeUndefined();
  });
});
