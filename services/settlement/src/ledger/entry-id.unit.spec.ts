import fc from 'fast-check';
import { v5 as uuidv5 } from 'uuid';
import type { MoneyEvent } from '@kopfed/ledger';
import { entryIdOf } from './entry-id';

const NAMESPACE = '6d3f8a52-91c4-4e0b-b7a1-2c5e9f0d4b73';
const event = (coopId: string, eventId: string) => ({ coopId, eventId }) as MoneyEvent;

describe('entry ids', () => {
  it('are the UUID v5 of coop and source event that entries were always given', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.string({ unit: 'binary' }),
        (coopId, eventId) => {
          expect(entryIdOf(event(coopId, eventId))).toBe(
            uuidv5(`${coopId}\u0000${eventId}`, NAMESPACE),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('differ by coop for the same source event', () => {
    const eventId = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
    expect(entryIdOf(event('KSP-A', eventId))).not.toBe(entryIdOf(event('KSP-B', eventId)));
    expect(entryIdOf(event('KSP-A', eventId))).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
