import { deterministicUuid } from './deterministic-id';

describe('deterministicUuid', () => {
  it('derives the same UUID from the same parts, and different ones otherwise', () => {
    const id = deterministicUuid('coop-1', 'AGT-7');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicUuid('coop-1', 'AGT-7')).toBe(id);
    expect(deterministicUuid('coop-1', 'AGT-8')).not.toBe(id);
    // Parts are separated: ('ab', 'c') is not ('a', 'bc').
    expect(deterministicUuid('ab', 'c')).not.toBe(deterministicUuid('a', 'bc'));
  });

  it('keeps the ids already stored: SHA-256 of the UTF-8 parts joined by NUL', () => {
    // Appended events carry these ids: a change of derivation would duplicate retried effects.
    expect(deterministicUuid('coop-1', 'AGT-7')).toBe('7dacd7af-6aad-8819-b05d-869b89ebcee2');
    expect(deterministicUuid('koperasi-é', 'ß')).toBe('b9119119-4411-82db-9087-a9b5e984b0c8');
  });
});
