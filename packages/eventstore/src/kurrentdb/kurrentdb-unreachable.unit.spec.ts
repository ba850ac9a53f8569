import {
  AccessDeniedError,
  ANY,
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError } from '../errors';
import { answered, unavailableIfUnreachable } from './kurrentdb-unreachable';

/** What gRPC hands the client when a call fails; NotLeaderError reads the leader from it. */
const serviceError = (message: string, code = 14) =>
  Object.assign(new Error(message), {
    code,
    details: message,
    metadata: { 'leader-endpoint-host': 'node-2', 'leader-endpoint-port': '2113' },
  }) as unknown as NonNullable<ConstructorParameters<typeof UnavailableError>[0]>;

describe('an unreachable KurrentDB server', () => {
  it.each([
    ['UnavailableError', new UnavailableError(serviceError('No connection established'))],
    [
      'UnavailableError from gRPC INTERNAL (a broken transport)',
      new UnavailableError(serviceError('Received RST_STREAM with code 2', 13)),
    ],
    ['DeadlineExceededError', new DeadlineExceededError(serviceError('Deadline exceeded'))],
    ['NotLeaderError', new NotLeaderError(serviceError('Leader info available'))],
    ['TimeoutError', new TimeoutError(undefined, 'timed out')],
    ['CancelledError', new CancelledError(serviceError('Call cancelled'))],
  ])('%s: the store did not answer, with the original as the cause', async (_, original) => {
    const translated = unavailableIfUnreachable(original);
    expect(translated).toBeInstanceOf(EventStoreUnavailableError);
    expect((translated as Error).cause).toBe(original);
    expect((translated as Error).message).toContain(original.message);
    await expect(answered(() => Promise.reject(original))).rejects.toBeInstanceOf(
      EventStoreUnavailableError,
    );
  });

  it.each([
    [
      'WrongExpectedVersionError',
      new WrongExpectedVersionError(undefined, {
        streamName: 'savings~loan-1',
        expected: ANY,
        current: 3n,
      }),
    ],
    ['StreamNotFoundError', new StreamNotFoundError(undefined, 'savings~loan-1')],
    ['AccessDeniedError', new AccessDeniedError(serviceError('denied'))],
    [
      'UnavailableError from gRPC DATA_LOSS (the server lost data: a fault, not a pause)',
      new UnavailableError(serviceError('chunk corrupted', 15)),
    ],
    ['a plain Error', new Error('bug')],
  ])('%s stays as it is', async (_, original) => {
    expect(unavailableIfUnreachable(original)).toBe(original);
    await expect(answered(() => Promise.reject(original))).rejects.toBe(original);
  });
});
