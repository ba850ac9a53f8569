import { ContractError } from './contract-error';
import { parseEnvelope, toEnvelope } from './envelope';

const input = {
  id: '0193a3c4-1b2c-7d3e-8f40-5a6b7c8d9e0f',
  service: 'member',
  name: 'MemberLeft',
  version: 1,
  subject: '0193a3c3-0a4b-7c2d-8e1f-5a6b7c8d9e10',
  time: '2026-11-28T03:15:00.000Z',
  businessDate: '2026-11-28',
  data: { any: 'thing' },
};

/** The code of the ContractError an action throws. */
function thrownCode(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof ContractError ? error.code : `not a ContractError: ${String(error)}`;
  }
  return undefined;
}

describe('toEnvelope', () => {
  it('builds the CloudEvents attributes and kopfed extensions', () => {
    expect(
      toEnvelope({
        ...input,
        correlationId: 'req-1',
        causationId: 'cmd-1',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        coopId: 'coop-1',
      }),
    ).toEqual({
      specversion: '1.0',
      id: input.id,
      source: '/kopfed/member',
      type: 'kopfed.member.MemberLeft.v1',
      time: input.time,
      subject: input.subject,
      datacontenttype: 'application/json',
      correlationid: 'req-1',
      causationid: 'cmd-1',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      coopid: 'coop-1',
      businessdate: '2026-11-28',
      schemaversion: 1,
      data: { any: 'thing' },
    });
  });

  it('starts a chain of its own when there is no correlation or causation id', () => {
    const envelope = toEnvelope(input);
    expect([envelope.correlationid, envelope.causationid]).toEqual([input.id, input.id]);
    expect(envelope).not.toHaveProperty('traceparent');
    expect(envelope).not.toHaveProperty('coopid');
  });

  it.each([
    ['id', { id: 'not-a-uuid' }],
    ['time', { time: '2026-11-28T10:15:00+07:00' }],
    ['businessdate', { businessDate: '2026-02-30' }],
    ['subject', { subject: '' }],
    ['schemaversion', { version: 0 }],
    ['source', { service: 'Member' }],
    ['correlationid', { correlationId: 'has space' }],
  ])('refuses a bad %s', (_field, change) => {
    expect(thrownCode(() => toEnvelope({ ...input, ...change }))).toBe('invalid_envelope');
  });
});

describe('parseEnvelope', () => {
  const envelope = toEnvelope(input);

  it('accepts what toEnvelope builds, after a trip through JSON', () => {
    expect(parseEnvelope(JSON.parse(JSON.stringify(envelope)))).toEqual(envelope);
  });

  it('tolerates unknown extension attributes and drops them', () => {
    expect(parseEnvelope({ ...envelope, partitionkey: 'p' })).toEqual(envelope);
  });

  it.each([
    ['a type from another source', { type: 'kopfed.savings.MemberLeft.v1' }],
    ['a schemaversion that contradicts the type', { schemaversion: 2 }],
    ['another specversion', { specversion: '0.3' }],
    ['no data', { data: undefined }],
    ['another content type', { datacontenttype: 'application/xml' }],
  ])('refuses %s', (_what, change) => {
    expect(thrownCode(() => parseEnvelope({ ...envelope, ...change }))).toBe('invalid_envelope');
  });

  it('refuses what is not an envelope at all', () => {
    expect(thrownCode(() => parseEnvelope('{"id":1}'))).toBe('invalid_envelope');
    expect(thrownCode(() => parseEnvelope(null))).toBe('invalid_envelope');
  });
});
