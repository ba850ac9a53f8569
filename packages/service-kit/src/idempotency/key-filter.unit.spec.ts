import { createHash } from 'node:crypto';
import { KeyFilter } from './key-filter';

const keyStream = (n: number) =>
  `idempotency-${createHash('sha256').update(`coop-a\nkey-${n}`).digest('hex')}`;

describe('KeyFilter', () => {
  it('holds nothing until a name is added', () => {
    expect(new KeyFilter().mayHold(keyStream(1))).toBe(false);
  });

  it('never calls a name it was given absent, through layers it adds as it fills', () => {
    const filter = new KeyFilter();
    // Past the first layer's 65,536 names and into the next.
    const given = Array.from({ length: 150_000 }, (_, n) => keyStream(n));
    for (const name of given) filter.add(name);
    expect(given.filter((name) => !filter.mayHold(name))).toEqual([]);
  });

  it('says "maybe" of a name it was not given seldom', () => {
    const filter = new KeyFilter();
    for (let n = 0; n < 150_000; n++) filter.add(keyStream(n));
    let maybe = 0;
    for (let n = 150_000; n < 250_000; n++) if (filter.mayHold(keyStream(n))) maybe++;
    expect(maybe / 100_000).toBeLessThan(0.01);
  });

  it('hashes names that do not end in a hex digest, and tells them apart', () => {
    const filter = new KeyFilter();
    const odd = ['idempotency-a', 'idempotency-old', `idempotency-${'g'.repeat(64)}`, 'other'];
    const many = Array.from({ length: 100_000 }, (_, n) => `idempotency-key-${n}`);
    for (const name of [...odd, ...many]) filter.add(name);
    expect([...odd, ...many].every((name) => filter.mayHold(name))).toBe(true);
    const unseen = Array.from({ length: 100_000 }, (_, n) => `idempotency-other-${n}`);
    expect(unseen.filter((name) => filter.mayHold(name)).length).toBeLessThan(1_000);
  });
});
