import type { RecordedEvent } from '@kopfed/eventstore';
import { lowestBalanceFrom } from './balance-as-of';

let position = 0;
const event = (type: string, amount: number, on: string): RecordedEvent => ({
  id: `e-${++position}`,
  stream: 'account-a',
  revision: position - 1,
  position,
  type,
  schemaVersion: 1,
  data: { amount: String(amount), on },
  metadata: {},
  recordedAt: '2026-03-10T03:00:00.000Z',
  businessDate: on,
});

describe('the lowest effective balance from a date on', () => {
  // Recorded out of business-date order, as onboarding and back-dated sync items are.
  const events = [
    event('Deposited', 20_000, '2026-01-02'),
    event('Deposited', 500_000, '2026-03-05'),
    event('Withdrawn', 300_000, '2026-02-10'),
    event('Deposited', 300_000, '2026-02-10'),
    event('Withdrawn', 15_000, '2026-02-20'),
  ];

  it.each([
    ['2026-01-01', 0n], // before the account held anything
    ['2026-01-02', 5_000n], // 20,000 until 20 February, then 5,000, then 505,000
    ['2026-02-10', 5_000n], // a withdrawal and a deposit the same day: only the day's end counts
    ['2026-02-21', 5_000n],
    ['2026-03-05', 505_000n],
    ['2026-12-31', 505_000n],
  ])('from %s is %s', (from, lowest) => {
    expect(lowestBalanceFrom(events, from)).toBe(lowest);
  });
});
