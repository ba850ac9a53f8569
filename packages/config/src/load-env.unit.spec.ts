import { z } from 'zod';
import { ConfigError } from './config-error';
import { loadEnv, WHOLE_ENVIRONMENT } from './load-env';

const schema = z
  .object({
    NAME: z.string().min(2),
    COUNT: z.coerce.number().int().default(3),
    LOW: z.coerce.number().optional(),
    HIGH: z.coerce.number().optional(),
  })
  .refine((e) => e.LOW === undefined || e.HIGH === undefined || e.LOW <= e.HIGH, {
    message: 'LOW must not exceed HIGH',
  });

function issuesOf(env: NodeJS.ProcessEnv) {
  try {
    loadEnv(schema, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('loadEnv', () => {
  it('returns the typed configuration with defaults applied', () => {
    expect(loadEnv(schema, { NAME: 'kopfed' })).toEqual({ NAME: 'kopfed', COUNT: 3 });
    expect(loadEnv(schema, { NAME: 'kopfed', COUNT: '7' }).COUNT).toBe(7);
  });

  it('names a missing required variable as not set', () => {
    expect(issuesOf({})).toEqual([{ variable: 'NAME', message: 'is required but not set' }]);
  });

  it('treats a blank variable as unset: the default applies, a required one is missing', () => {
    expect(loadEnv(schema, { NAME: 'ab', COUNT: '' }).COUNT).toBe(3);
    expect(issuesOf({ NAME: '  ' })[0]).toEqual({
      variable: 'NAME',
      message: 'is required but not set',
    });
  });

  it('lists every bad variable at once, by name, in the message too', () => {
    const issues = issuesOf({ NAME: 'x', COUNT: 'many' });
    expect(issues.map((i) => i.variable).sort()).toEqual(['COUNT', 'NAME']);
    try {
      loadEnv(schema, { NAME: 'x', COUNT: 'many' });
    } catch (error) {
      expect((error as Error).message).toMatch(/^invalid configuration — .*NAME: .*COUNT: /);
    }
  });

  it('reports a rule over several variables under the whole environment', () => {
    expect(issuesOf({ NAME: 'ab', LOW: '5', HIGH: '1' })).toEqual([
      { variable: WHOLE_ENVIRONMENT, message: 'LOW must not exceed HIGH' },
    ]);
  });
});
