import { randomUUID } from 'node:crypto';
import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  type JSONEventData,
  type RecordedEvent as KurrentRecordedEvent,
} from '@kurrent/kurrentdb-client';
import fc from 'fast-check';
import { EventStoreError, InvalidEventStoreRequestError } from '../errors';
import type { NewEvent } from '../types';
import { prepareEvents, streamCategory } from '../validation';
import {
  decodeEvent,
  decodeMetadata,
  encodeEvent,
  fromCurrentState,
  toSafeNumber,
  toSealable,
  toStreamState,
} from './kurrentdb-mapping';
import { escapeRegex, StreamNames } from './kurrentdb-names';
import { normaliseReadBatches, normaliseReadStream, revisionMatches } from '../validation';

const names = new StreamNames('savings');

/** What the client sends and the server gives back for an encoded event. */
function roundTrip(
  data: JSONEventData,
  stream: string,
  revision: bigint,
  position: bigint,
): KurrentRecordedEvent {
  return {
    streamId: stream,
    id: data.id,
    isJson: true,
    revision,
    type: data.type,
    created: new Date(),
    data: JSON.parse(JSON.stringify(data.data)) as never,
    metadata: JSON.parse(JSON.stringify(data.metadata)) as never,
    position: { commit: position, prepare: position },
  };
}

function encodeOne(event: NewEvent, index = 0, size = 1) {
  const [prepared] = prepareEvents([event], new Date('2026-11-28T18:30:00.000Z'));
  return { prepared: prepared!, data: encodeEvent(prepared!, index, size) as JSONEventData };
}

describe('expected revisions', () => {
  it.each([
    ['any', ANY],
    ['no_stream', NO_STREAM],
    ['stream_exists', STREAM_EXISTS],
    [0, 0n],
    [41, 41n],
  ] as const)('maps %p to the client form', (expected, state) => {
    expect(toStreamState(expected)).toBe(state);
  });

  it('maps the actual state of a conflict back to a revision, undefined for no stream', () => {
    expect(fromCurrentState(NO_STREAM)).toBeUndefined();
    expect(fromCurrentState(0n)).toBe(0);
    expect(fromCurrentState(7n)).toBe(7);
    // The server reports a deleted stream as -5 and a tombstoned one as -6.
    expect(fromCurrentState(-5n)).toBeUndefined();
  });

  it('matches expectations as the SQLite adapter does', () => {
    expect(revisionMatches('any', undefined)).toBe(true);
    expect(revisionMatches('no_stream', undefined)).toBe(true);
    expect(revisionMatches('no_stream', 0)).toBe(false);
    expect(revisionMatches('stream_exists', undefined)).toBe(false);
    expect(revisionMatches('stream_exists', 3)).toBe(true);
    expect(revisionMatches(3, 3)).toBe(true);
    expect(revisionMatches(3, 4)).toBe(false);
    expect(revisionMatches(0, undefined)).toBe(false);
  });

  it('refuses bigints beyond the safe integer range instead of rounding them', () => {
    expect(toSafeNumber(BigInt(Number.MAX_SAFE_INTEGER), 'position')).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => toSafeNumber(BigInt(Number.MAX_SAFE_INTEGER) + 1n, 'position')).toThrow(
      EventStoreError,
    );
    expect(() => toSafeNumber(-1n, 'position')).toThrow(EventStoreError);
  });
});

describe('stream names', () => {
  it('prefixes port streams with the service and strips the prefix back', () => {
    expect(names.toKurrent('account-1')).toBe('savings.account-1');
    expect(names.fromKurrent('savings.account-1')).toBe('account-1');
    expect(names.fromKurrent(names.toKurrent('a.b~c-d'))).toBe('a.b~c-d');
  });

  it("does not claim other services', internal or system streams", () => {
    for (const foreign of [
      'savings2.account-1',
      'loan.account-1',
      'savings~seals',
      'savings~checkpoint-relay',
      '$all',
      'savings.',
    ]) {
      expect(names.fromKurrent(foreign)).toBeUndefined();
    }
    expect(names.seals).toBe('savings~seals');
    expect(names.checkpoint('relay')).toBe('savings~checkpoint-relay');
  });

  it.each(['', 'a.b', 'a~b', '$svc', 'with space', 'x'.repeat(65), 42])(
    'refuses the service name %p',
    (service) => {
      expect(() => new StreamNames(service as string)).toThrow(InvalidEventStoreRequestError);
    },
  );

  it('filters the whole service by prefix', () => {
    expect(names.filter()).toMatchObject({ filterOn: 'streamName', prefixes: ['savings.'] });
  });

  it('filters categories by a regex that holds exactly the streams of those categories', () => {
    const streamName = fc
      .string({
        unit: fc.constantFrom('a', 'b', '-', '.', '$', '(', '|', '#', ' ', '\\', 'é'),
        minLength: 1,
      })
      .filter((s) => !s.startsWith('$'));
    const categories = fc.array(
      fc.string({ unit: fc.constantFrom('a', 'b', '-', '.', '(', '|', '\\'), maxLength: 3 }),
      {
        minLength: 1,
        maxLength: 3,
      },
    );
    fc.assert(
      fc.property(streamName, categories, (stream, wanted) => {
        const filter = names.filter(wanted);
        const expected = wanted.includes(streamCategory(stream));
        if (filter === undefined) return expect(expected).toBe(false);
        if (!('regex' in filter)) throw new Error('expected a regex filter');
        expect(new RegExp(filter.regex).test(names.toKurrent(stream))).toBe(expected);
        expect(new RegExp(filter.regex).test(`other.${stream}`)).toBe(false);
      }),
    );
  });

  it('matches nothing for categories that hold a dash or for none', () => {
    expect(names.filter([])).toBeUndefined();
    expect(names.filter(['loan-x'])).toBeUndefined();
  });

  it('escapes regex syntax', () => {
    expect(escapeRegex('a.b(c)|d$ #')).toBe('a\\.b\\(c\\)\\|d\\$\\ \\#');
  });
});

describe('event payloads', () => {
  it('round-trips every field through the KurrentDB event metadata', () => {
    const event: NewEvent = {
      id: randomUUID().toUpperCase(),
      type: 'MemberJoined',
      schemaVersion: 3,
      data: { memberId: 'm-1', amount: '1500000', nested: [1, { a: null }] },
      metadata: { correlationId: 'c-1', coopId: 'coop-1', recordedAt: 'not ours' },
      recordedAt: '2026-03-01T01:02:03.456Z',
      businessDate: '2026-02-28',
    };
    const { data } = encodeOne(event, 1, 3);
    expect(data.contentType).toBe('application/json');
    expect(data.id).toBe(event.id.toLowerCase());
    const logged = decodeEvent(roundTrip(data, 'savings.member-1', 4n, 9_000n), 'member-1');
    expect(logged).toEqual({
      event: {
        id: event.id.toLowerCase(),
        stream: 'member-1',
        revision: 4,
        position: 9_000,
        type: 'MemberJoined',
        schemaVersion: 3,
        data: event.data,
        metadata: event.metadata,
        recordedAt: '2026-03-01T01:02:03.456Z',
        businessDate: '2026-02-28',
      },
      appendIndex: 1,
      appendSize: 3,
    });
  });

  it('stamps defaults from the clock and keeps any JSON value as data', () => {
    for (const value of [null, 0, 'text', true, [1, 'two'], { deep: { er: [] } }]) {
      const { data } = encodeOne({ id: randomUUID(), type: 'T', schemaVersion: 1, data: value });
      const { event } = decodeEvent(roundTrip(data, 'savings.s', 0n, 1n), 's');
      expect(event.data).toEqual(value);
      expect(event.metadata).toEqual({});
      expect([event.recordedAt, event.businessDate]).toEqual([
        '2026-11-28T18:30:00.000Z',
        '2026-11-29',
      ]);
    }
  });

  it('hashes data and metadata as the texts that were validated', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue()), (value, metadata) => {
        const { prepared, data } = encodeOne({
          id: randomUUID(),
          type: 'T',
          schemaVersion: 1,
          data: value,
          metadata,
        });
        const sealable = toSealable(decodeEvent(roundTrip(data, 'savings.s', 0n, 1n), 's').event);
        expect(sealable.dataJson).toBe(prepared.dataJson);
        expect(sealable.metadataJson).toBe(prepared.metadataJson);
      }),
    );
  });

  it('refuses events this adapter did not write', () => {
    const { data } = encodeOne({ id: randomUUID(), type: 'T', schemaVersion: 1, data: {} });
    const recorded = roundTrip(data, 'savings.s', 0n, 1n);
    expect(() => decodeEvent({ ...recorded, metadata: { other: 1 } }, 's')).toThrow(
      EventStoreError,
    );
    expect(() => decodeEvent({ ...recorded, isJson: false } as never, 's')).toThrow(
      EventStoreError,
    );
    expect(() => decodeEvent({ ...recorded, position: undefined }, 's')).toThrow('log position');
  });

  it('accepts only a whole envelope as metadata', () => {
    const valid = {
      schemaVersion: 1,
      recordedAt: 'x',
      businessDate: 'y',
      append: [0, 1],
      metadata: {},
    };
    expect(decodeMetadata(valid)).toEqual(valid);
    expect(decodeMetadata({ ...valid, append: [1, 1] })).toBeUndefined();
    expect(decodeMetadata({ ...valid, append: [0] })).toBeUndefined();
    expect(decodeMetadata({ ...valid, metadata: [] })).toBeUndefined();
    expect(decodeMetadata({ ...valid, schemaVersion: '1' })).toBeUndefined();
    expect(decodeMetadata(new Uint8Array([1]))).toBeUndefined();
  });
});

describe('read requests', () => {
  it('checks readStream options as the SQLite adapter does', () => {
    expect(normaliseReadStream({})).toEqual({ direction: 'forwards', maxCount: 1_000_000 });
    expect(normaliseReadStream({ direction: 'backwards', fromRevision: 2, maxCount: 5 })).toEqual({
      direction: 'backwards',
      fromRevision: 2,
      maxCount: 5,
    });
    expect(() => normaliseReadStream({ direction: 'sideways' as never })).toThrow(
      InvalidEventStoreRequestError,
    );
    expect(() => normaliseReadStream({ fromRevision: -1 })).toThrow(InvalidEventStoreRequestError);
    expect(() => normaliseReadStream({ maxCount: 0 })).toThrow(InvalidEventStoreRequestError);
  });

  it('checks readBatches options', () => {
    expect(normaliseReadBatches({})).toEqual({ afterBatch: 0, maxCount: 1_000 });
    expect(() => normaliseReadBatches({ afterBatch: 1.5 })).toThrow(InvalidEventStoreRequestError);
    expect(() => normaliseReadBatches({ maxCount: 100_001 })).toThrow(
      InvalidEventStoreRequestError,
    );
  });
});
