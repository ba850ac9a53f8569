import { CommitCadence, nextOffset } from './kafka-offsets';

describe('kafka offsets', () => {
  it('commits the offset after the one handled, across the whole int64 range', () => {
    expect(nextOffset('0')).toBe('1');
    expect(nextOffset('9007199254740993')).toBe('9007199254740994');
    expect(nextOffset('9223372036854775806')).toBe('9223372036854775807');
  });

  it.each(['-1', '', '1.5', 'abc', '12345678901234567890'])('refuses %p as an offset', (offset) => {
    expect(() => nextOffset(offset)).toThrow(RangeError);
  });
});

describe('commit cadence', () => {
  const options = { maxUncommitted: 3, maxIntervalMs: 1_000 };

  it('has nothing to commit before a message is handled', () => {
    const cadence = new CommitCadence(options, 0);
    expect(cadence.pending()).toBeUndefined();
    expect(cadence.due(10_000)).toBe(false);
  });

  it('is due after maxUncommitted messages', () => {
    const cadence = new CommitCadence(options, 0);
    cadence.handled('7');
    cadence.handled('8');
    expect(cadence.due(1)).toBe(false);
    cadence.handled('9');
    expect(cadence.due(1)).toBe(true);
    expect(cadence.pending()).toBe('10');
  });

  it('is due after maxIntervalMs with anything pending', () => {
    const cadence = new CommitCadence(options, 5_000);
    cadence.handled('0');
    expect(cadence.due(5_999)).toBe(false);
    expect(cadence.due(6_000)).toBe(true);
  });

  it('starts counting again after a commit', () => {
    const cadence = new CommitCadence(options, 0);
    ['0', '1', '2'].forEach((o) => cadence.handled(o));
    cadence.committed('3', 100);
    expect(cadence.pending()).toBeUndefined();
    expect(cadence.due(5_000)).toBe(false);
    cadence.handled('3');
    expect(cadence.due(1_099)).toBe(false);
    expect(cadence.due(1_100)).toBe(true);
    expect(cadence.pending()).toBe('4');
  });

  it('counts gaps left by compaction or aborted records as nothing special', () => {
    const cadence = new CommitCadence(options, 0);
    cadence.handled('10');
    cadence.handled('15');
    expect(cadence.pending()).toBe('16');
  });

  it('refuses an offset handled out of order: it would commit past one not handled', () => {
    const cadence = new CommitCadence(options, 0);
    cadence.handled('5');
    expect(() => cadence.handled('5')).toThrow(/order broken/);
    expect(() => cadence.handled('4')).toThrow(/order broken/);
  });

  it('refuses a cadence without a bound', () => {
    expect(() => new CommitCadence({ maxUncommitted: 0, maxIntervalMs: 1 }, 0)).toThrow(RangeError);
  });
});
