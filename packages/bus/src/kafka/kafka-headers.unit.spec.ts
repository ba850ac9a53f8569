import type { KafkaMessage } from 'kafkajs';
import fc from 'fast-check';
import { fromKafkaHeaders, fromKafkaMessage, toKafkaMessage } from './kafka-headers';

function record(fields: Partial<KafkaMessage> = {}): KafkaMessage {
  return {
    key: Buffer.from('member-1'),
    value: Buffer.from('{"n":1}'),
    headers: {},
    offset: '0',
    timestamp: '0',
    attributes: 0,
    ...fields,
  } as KafkaMessage;
}

describe('kafka headers', () => {
  it('turns Buffers into UTF-8 text and keeps strings', () => {
    expect(
      fromKafkaHeaders({
        'ce-id': Buffer.from('e1'),
        traceparent: '00-x-y-01',
        note: Buffer.from('Simpanan wajib — Rp 1.500.000 ✓'),
      }),
    ).toEqual({ 'ce-id': 'e1', traceparent: '00-x-y-01', note: 'Simpanan wajib — Rp 1.500.000 ✓' });
  });

  it('keeps the last value of a header sent more than once, as Java’s lastHeader does', () => {
    expect(fromKafkaHeaders({ hop: [Buffer.from('a'), 'b', Buffer.from('c')] })).toEqual({
      hop: 'c',
    });
  });

  it('leaves out headers without a value', () => {
    const headers = { gone: undefined, empty: [], nul: null as unknown as string, ok: '' };
    expect(fromKafkaHeaders(headers)).toEqual({ ok: '' });
    expect(fromKafkaHeaders(undefined)).toEqual({});
  });

  it('keeps a header whatever its name', () => {
    const wire = JSON.parse('{"__proto__": "x", "constructor": "y"}') as Record<string, string>;
    const headers = fromKafkaHeaders(wire);
    expect(Object.keys(headers).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
  });

  it('gives back, after the wire, exactly the text headers that were published', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' })),
        (headers) => {
          const sent = toKafkaMessage({ key: 'k', value: 'v', headers }).headers ?? {};
          const onTheWire = Object.fromEntries(
            Object.entries(sent).map(([name, value]) => [name, Buffer.from(value as string)]),
          );
          expect(fromKafkaHeaders(onTheWire)).toEqual(headers);
        },
      ),
    );
  });
});

describe('kafka messages', () => {
  it('publishes the key, the value and a copy of the headers', () => {
    const headers = { 'ce-id': 'e1' };
    const message = toKafkaMessage({ key: 'member-1', value: '{}', headers });
    expect(message).toEqual({ key: 'member-1', value: '{}', headers: { 'ce-id': 'e1' } });
    expect(message.headers).not.toBe(headers);
    expect(toKafkaMessage({ key: 'k', value: 'v' }).headers).toEqual({});
  });

  it('decodes a record into what a handler receives', () => {
    const received = fromKafkaMessage(
      'savings.events',
      record({ headers: { 'ce-id': Buffer.from('e1') } }),
    );
    expect(received).toEqual({
      topic: 'savings.events',
      key: 'member-1',
      value: '{"n":1}',
      headers: { 'ce-id': 'e1' },
    });
  });

  it('passes a record without key or value on as empty text, for the handler to refuse', () => {
    const received = fromKafkaMessage('t', record({ key: null, value: null, headers: undefined }));
    expect(received).toEqual({ topic: 't', key: '', value: '', headers: {} });
  });
});
