import { eventSource, eventType, parseEventType, topicOf } from './naming';

describe('naming', () => {
  it('puts the service, the event name and the schema version in the type', () => {
    expect(eventType('member', 'MemberJoined', 2)).toBe('kopfed.member.MemberJoined.v2');
    expect(parseEventType('kopfed.member.MemberJoined.v2')).toEqual({
      service: 'member',
      name: 'MemberJoined',
      version: 2,
    });
  });

  it('has one source and one topic per service', () => {
    expect(eventSource('member')).toBe('/kopfed/member');
    expect(topicOf('member')).toBe('kopfed.member.events');
  });

  it.each([
    'kopfed.member.MemberJoined',
    'kopfed.member.MemberJoined.v0',
    'kopfed.member.memberJoined.v1',
    'kopfed.Member.MemberJoined.v1',
    'acme.member.MemberJoined.v1',
    'kopfed.member.MemberJoined.v1.extra',
  ])('does not parse %s', (type) => {
    expect(parseEventType(type)).toBeUndefined();
  });
});
