import { DEAD_LETTER_HEADERS, InProcessBus, type IncomingMessage } from '@kopfed/bus';
import { catalog, toEnvelope, type ReceivedEvent } from '@kopfed/contracts';
import type { RecordedEvent } from '@kopfed/eventstore';
import { integrationEventHandler, publicEventEncoder } from './public-events';

const COOP = '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c01';
const MEMBER = '0193a3c3-0a4b-7c2d-8e1f-5a6b7c8d9e10';

const stored: RecordedEvent = {
  id: '0193a3c4-1111-7222-8333-444455556666',
  stream: `member-${MEMBER}`,
  revision: 0,
  position: 7,
  type: 'MemberJoined',
  schemaVersion: 1,
  data: {
    coopId: COOP,
    memberId: MEMBER,
    memberNumber: '2026.0001',
    joinedOn: '2026-03-01',
    kind: 'person',
    externalId: 'AGT-1',
    name: 'never published',
  },
  metadata: { correlationId: 'req-1', causationId: 'req-1', coopId: COOP },
  recordedAt: '2026-03-01T02:00:00.000Z',
  businessDate: '2026-03-01',
};

const encode = publicEventEncoder(catalog, (event) => {
  if (event.type !== 'MemberJoined') return undefined;
  const d = event.data as {
    coopId: string;
    memberId: string;
    memberNumber: string;
    joinedOn: string;
    externalId: string;
  };
  return {
    name: 'MemberJoined',
    subject: d.memberId,
    data: {
      coopId: d.coopId,
      memberId: d.memberId,
      memberNumber: d.memberNumber,
      joinedOn: d.joinedOn,
      memberKind: 'person',
      externalId: d.externalId,
    },
  };
});

describe('public events on the bus', () => {
  it('wraps a stored event in its CloudEvents envelope, keyed by subject, publishing only the contract fields', () => {
    const message = encode(stored, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')!;
    expect(message.key).toBe(MEMBER);
    expect(message.headers).toMatchObject({
      'ce-id': stored.id,
      'ce-type': 'kopfed.member.MemberJoined.v2',
    });
    const envelope = JSON.parse(message.value) as Record<string, unknown>;
    expect(envelope).toMatchObject({
      specversion: '1.0',
      id: stored.id,
      source: '/kopfed/member',
      type: 'kopfed.member.MemberJoined.v2',
      subject: MEMBER,
      time: stored.recordedAt,
      businessdate: '2026-03-01',
      correlationid: 'req-1',
      coopid: COOP,
      schemaversion: 2,
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    expect(message.value).not.toContain('never published');
  });

  it('keeps private events off the bus', () => {
    expect(encode({ ...stored, type: 'PersonalDataRecorded' }, undefined)).toBeUndefined();
  });

  it('hands consumers the latest version, upcasting what older producers published', async () => {
    const received: ReceivedEvent[] = [];
    const handler = integrationEventHandler(catalog, (event) => void received.push(event));
    const v1 = toEnvelope({
      id: stored.id,
      service: 'member',
      name: 'MemberJoined',
      version: 1,
      subject: MEMBER,
      time: stored.recordedAt,
      businessDate: stored.businessDate,
      data: {
        coopId: COOP,
        memberId: MEMBER,
        memberNumber: '2026.0001',
        joinedOn: '2026-03-01',
        memberKind: 'person',
      },
    });
    const message: IncomingMessage = {
      topic: 'kopfed.member.events',
      key: MEMBER,
      value: JSON.stringify(v1),
      headers: {},
      attempt: 1,
    };
    await handler(message);
    expect(received[0]).toMatchObject({
      name: 'MemberJoined',
      version: 2,
      publishedVersion: 1,
      data: { externalId: null },
    });
  });

  it('hands a consumer only the events it names, reading no other message', async () => {
    const received: string[] = [];
    const handler = integrationEventHandler(catalog, (event) => void received.push(event.name), {
      only: ['MemberJoined'],
    });
    const joined = encode(stored, undefined)!;
    const message = (value: string, headers: Record<string, string>): IncomingMessage => ({
      topic: 'kopfed.member.events',
      key: MEMBER,
      value,
      headers,
      attempt: 1,
    });
    await handler(message(joined.value, joined.headers!));
    expect(received).toEqual(['MemberJoined']);
    // Another event is acknowledged unread: its body is never parsed, so it cannot fail.
    const other = message('{not json', { 'ce-type': 'kopfed.member.MemberLeft.v1' });
    expect(handler(other)).toBeUndefined();
    // Without a header naming the event, the message is read and checked as before.
    const read: Record<string, string>[] = [{}, { 'ce-type': 'kopfed.member.MemberJoined.v2' }];
    for (const headers of read)
      expect(() => handler(message('{not json', headers))).toThrow(/unreadable integration event/);
    expect(received).toEqual(['MemberJoined']);
  });

  it('dead-letters unreadable messages at once', async () => {
    const bus = new InProcessBus();
    let handled = 0;
    await bus.subscribe({
      topic: 'kopfed.member.events',
      group: 'savings',
      maxRetries: 5,
      handler: integrationEventHandler(catalog, () => void handled++),
    });
    await bus.publish('kopfed.member.events', [
      { key: 'a', value: '{not json' },
      { key: 'b', value: JSON.stringify({ specversion: '1.0', type: 'kopfed.member.Unheard.v1' }) },
    ]);
    expect(handled).toBe(0);
    expect(bus.deadLetters().map((d) => d.message.headers![DEAD_LETTER_HEADERS.attempts])).toEqual([
      '1',
      '1',
    ]);
    await bus.close();
  });
});
