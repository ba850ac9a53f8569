import { z } from 'zod';
import { fieldErrors, jsonPointer } from './validation';

describe('field errors', () => {
  it('escapes JSON pointers per RFC 6901', () => {
    expect(jsonPointer(['amount', 'amount'])).toBe('/amount/amount');
    expect(jsonPointer(['a/b', 'm~n', 0])).toBe('/a~1b/m~0n/0');
    expect(jsonPointer([])).toBe('');
  });

  it('points at each bad and each unknown field, nested in arrays', () => {
    const schema = z.strictObject({ lines: z.array(z.strictObject({ amount: z.string() })) });
    const result = schema.safeParse({
      lines: [{ amount: '1' }, { amount: 2, extra: true }],
      other: 1,
    });
    expect(result.success).toBe(false);
    expect(fieldErrors('body', result.error!.issues)).toEqual(
      expect.arrayContaining([
        { in: 'body', pointer: '/lines/1/amount', detail: expect.any(String) },
        { in: 'body', pointer: '/lines/1/extra', detail: 'unknown field' },
        { in: 'body', pointer: '/other', detail: 'unknown field' },
      ]),
    );
  });

  it('names parameters rather than pointing into them, and never echoes the value', () => {
    const result = z
      .strictObject({ limit: z.coerce.number().max(10) })
      .safeParse({ limit: '99999' });
    const [error] = fieldErrors('query', result.error!.issues);
    expect(error).toMatchObject({ in: 'query', parameter: 'limit' });
    expect(JSON.stringify(error)).not.toContain('99999');
  });
});
