import { sampleValid } from './schema-values';

describe('valid values from a schema', () => {
  it('matches a fixed-length pattern longer than the default string bound', () => {
    // An Ed25519 public key, base64url: 43 characters and no maxLength in the document.
    const schema = { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' };
    const value = sampleValid(schema, schema, () => true, 7);
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('keeps a pattern within the schema’s own length bounds', () => {
    const schema = { type: 'string', pattern: '^[a-z]+$', minLength: 3, maxLength: 5 };
    const value = sampleValid(schema, schema, () => true, 7) as string;
    expect(value.length).toBeGreaterThanOrEqual(3);
    expect(value.length).toBeLessThanOrEqual(5);
  });
});
