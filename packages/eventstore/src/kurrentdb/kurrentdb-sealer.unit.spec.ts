import { randomUUID } from 'node:crypto';
import type { RecordedEvent as KurrentRecordedEvent } from '@kurrent/kurrentdb-client';
import { EventStoreError } from '../errors';
import { computeSeal, GENESIS_SEAL } from '../seal';
import type { LoggedEvent } from './kurrentdb-mapping';
import { toSealable } from './kurrentdb-mapping';
import { chainSeals, decodeSeal, wholeAppends } from './kurrentdb-sealer';

let position = 0;
/** The events of one append of `size` events to `stream`, as the log holds them. */
function append(stream: string, size: number): LoggedEvent[] {
  return Array.from({ length: size }, (_, index) => ({
    event: {
      id: randomUUID(),
      stream,
      revision: index,
      position: (position += 137),
      type: 'T',
      schemaVersion: 1,
      data: { index },
      metadata: {},
      recordedAt: '2026-01-01T00:00:00.000Z',
      businessDate: '2026-01-01',
    },
    appendIndex: index,
    appendSize: size,
  }));
}

describe('splitting the log into appends', () => {
  it('takes whole appends and leaves one not yet read to its end', () => {
    const [a, b, c] = [append('a', 2), append('b', 1), append('c', 3)];
    expect(wholeAppends([...a, ...b, ...c.slice(0, 2)], 10)).toEqual([a, b]);
    expect(wholeAppends([...a, ...b, ...c], 2)).toEqual([a, b]);
    expect(wholeAppends([], 10)).toEqual([]);
  });

  it('stops at a log that does not begin an append', () => {
    const a = append('a', 2);
    expect(() => wholeAppends(a.slice(1), 10)).toThrow(EventStoreError);
  });

  it('stops at an append whose events are not adjacent', () => {
    const [a, b] = [append('a', 2), append('b', 2)];
    expect(() => wholeAppends([a[0]!, b[1]!], 10)).toThrow('not whole');
  });
});

describe('chaining seals', () => {
  it('chains from genesis, one batch per append, positions from first to last event', () => {
    const [a, b] = [append('a', 3), append('b', 1)];
    const sealed = chainSeals(undefined, [a, b]);
    const first = computeSeal(
      GENESIS_SEAL,
      a.map((e) => toSealable(e.event)),
    );
    expect(sealed).toEqual([
      {
        batch: 1,
        firstPosition: a[0]!.event.position,
        lastPosition: a[2]!.event.position,
        seal: first,
      },
      {
        batch: 2,
        firstPosition: b[0]!.event.position,
        lastPosition: b[0]!.event.position,
        seal: computeSeal(
          first,
          b.map((e) => toSealable(e.event)),
        ),
      },
    ]);
  });

  it('continues after the last sealed batch', () => {
    const [a, b] = [append('a', 1), append('b', 2)];
    const [one] = chainSeals(undefined, [a]);
    expect(chainSeals(one, [b])).toEqual([chainSeals(undefined, [a, b])[1]]);
  });
});

describe('reading seals', () => {
  const seal = (revision: bigint, data: unknown) =>
    ({
      id: randomUUID(),
      streamId: 'svc~seals',
      type: 'BatchSealed',
      revision,
      data,
    }) as unknown as KurrentRecordedEvent;
  const batch = { batch: 3, firstPosition: 10, lastPosition: 20, seal: 'ab' };

  it('reads batch k from revision k-1', () => {
    expect(decodeSeal(seal(2n, batch))).toEqual(batch);
  });

  it('refuses a seal out of place or malformed', () => {
    expect(() => decodeSeal(seal(3n, batch))).toThrow(EventStoreError);
    expect(() => decodeSeal(seal(2n, { ...batch, seal: 1 }))).toThrow(EventStoreError);
  });
});
