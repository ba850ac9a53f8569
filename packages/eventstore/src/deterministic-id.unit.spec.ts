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
});
