import type { Decider } from '@kopfed/domain';
import { handleCommand } from './command-handler';
import { WrongExpectedRevisionError } from './errors';
import { SqliteEventStore } from './sqlite/sqlite-event-store';
import type { EventStore } from './types';

type Event = { type: 'Incremented'; data: { by: number } };
type Command = { type: 'Increment'; by: number; max: number };
const counter: Decider<number, Command, Event> = {
  initialState: () => 0,
  evolve: (state, event) => state + event.data.by,
  decide: (command, state) => {
    if (state + command.by > command.max) throw new Error(`would pass ${command.max}`);
    return command.by === 0 ? [] : [{ type: 'Incremented', data: { by: command.by } }];
  },
};

describe('handleCommand', () => {
  let store: SqliteEventStore;
  beforeEach(() => {
    store = new SqliteEventStore({ file: ':memory:' });
  });
  afterEach(() => store.close());

  it('loads, decides, appends and returns the new state and revision', async () => {
    await handleCommand(store, {
      stream: 'counter-1',
      decider: counter,
      command: { type: 'Increment', by: 2, max: 10 },
    });
    const result = await handleCommand(store, {
      stream: 'counter-1',
      decider: counter,
      command: { type: 'Increment', by: 3, max: 10 },
      metadata: { correlationId: 'corr-1' },
      businessDate: '2026-01-02',
    });
    expect(result).toMatchObject({
      state: 5,
      revision: 1,
      events: [{ type: 'Incremented', data: { by: 3 } }],
    });
    const [, second] = await store.readStream('counter-1');
    expect(second).toMatchObject({
      metadata: { correlationId: 'corr-1' },
      businessDate: '2026-01-02',
    });
  });

  it('appends nothing when the decider returns no events', async () => {
    const result = await handleCommand(store, {
      stream: 'counter-2',
      decider: counter,
      command: { type: 'Increment', by: 0, max: 10 },
    });
    expect(result).toEqual({ state: 0, events: [], revision: undefined });
    expect(await store.headPosition()).toBe(0);
  });

  it('propagates a refusal from the decider and writes nothing', async () => {
    await expect(
      handleCommand(store, {
        stream: 'counter-3',
        decider: counter,
        command: { type: 'Increment', by: 11, max: 10 },
      }),
    ).rejects.toThrow('would pass 10');
    expect(await store.headPosition()).toBe(0);
  });

  it('re-reads and decides again on a conflict, so concurrent commands all apply once', async () => {
    const commands = Array.from({ length: 20 }, () =>
      handleCommand(store, {
        stream: 'counter-4',
        decider: counter,
        command: { type: 'Increment', by: 1, max: 1000 },
        maxAttempts: 50,
      }),
    );
    await Promise.all(commands);
    expect(await store.readStream('counter-4')).toHaveLength(20);
  });

  it('re-checks the rules on the fresh state after a conflict', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () =>
        handleCommand(store, {
          stream: 'counter-5',
          decider: counter,
          command: { type: 'Increment', by: 1, max: 3 },
          maxAttempts: 10,
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect((await store.readStream('counter-5')).length).toBe(3);
  });

  it('gives up after maxAttempts conflicts', async () => {
    let reads = 0;
    const alwaysConflicting = {
      readStream: () => (reads++, store.readStream('counter-6')),
      append: () => Promise.reject(new WrongExpectedRevisionError('counter-6', 'no_stream', 0)),
    } as unknown as EventStore;
    await expect(
      handleCommand(alwaysConflicting, {
        stream: 'counter-6',
        decider: counter,
        command: { type: 'Increment', by: 1, max: 3 },
        maxAttempts: 3,
      }),
    ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(reads).toBe(3);
  });

  it('reports rather than retries a conflict with the revision the caller saw', async () => {
    await handleCommand(store, {
      stream: 'counter-7',
      decider: counter,
      command: { type: 'Increment', by: 1, max: 9 },
    });
    await handleCommand(store, {
      stream: 'counter-7',
      decider: counter,
      command: { type: 'Increment', by: 1, max: 9 },
    });
    await expect(
      handleCommand(store, {
        stream: 'counter-7',
        decider: counter,
        command: { type: 'Increment', by: 1, max: 9 },
        expectedRevision: 0,
      }),
    ).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', actualRevision: 1 });
  });

  it('uses the given event ids and schema versions', async () => {
    await handleCommand(store, {
      stream: 'counter-8',
      decider: counter,
      command: { type: 'Increment', by: 1, max: 9 },
      eventId: () => '0b9f1a58-4c1e-4d5b-9b1a-6f1f7e1d2c3a',
      schemaVersionOf: () => 2,
    });
    const [stored] = await store.readStream('counter-8');
    expect(stored).toMatchObject({ id: '0b9f1a58-4c1e-4d5b-9b1a-6f1f7e1d2c3a', schemaVersion: 2 });
  });

  it('applies a command with an idempotency key once, however often it is redelivered', async () => {
    const command = { type: 'Increment', by: 2, max: 100 } as Command;
    const first = await handleCommand(store, {
      stream: 'counter-9',
      decider: counter,
      command,
      idempotencyKey: 'msg-1',
    });
    await handleCommand(store, {
      stream: 'counter-9',
      decider: counter,
      command: { ...command, by: 5 },
      idempotencyKey: 'msg-2',
    });
    const again = await handleCommand(store, {
      stream: 'counter-9',
      decider: counter,
      command,
      idempotencyKey: 'msg-1',
    });
    expect(first.alreadyApplied).toBeUndefined();
    expect(again).toMatchObject({ alreadyApplied: true, events: [], state: 7, revision: 1 });
    expect(await store.readStream('counter-9')).toHaveLength(2);
  });

  it('applies concurrent deliveries of one idempotent command once', async () => {
    const command = { type: 'Increment', by: 1, max: 100 } as Command;
    await Promise.all(
      Array.from({ length: 5 }, () =>
        handleCommand(store, {
          stream: 'counter-10',
          decider: counter,
          command,
          idempotencyKey: 'msg-x',
          maxAttempts: 10,
        }).catch((error: unknown) => error),
      ),
    );
    expect(await store.readStream('counter-10')).toHaveLength(1);
  });
});
