import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

const event = (type: string) => ({ id: randomUUID(), type, schemaVersion: 1, data: {} });

describe('a polling subscription', () => {
  it('takes an event committed while its handler ran at once, not at the next poll', async () => {
    // A poll interval far longer than the test: only the commit's notice can bring the event.
    const store = new SqliteEventStore({ file: ':memory:', pollIntervalMs: 60_000 });
    await store.append('s-1', [event('First')], { expectedRevision: 'any' });
    const seen: string[] = [];
    const subscription = store.subscribe({
      after: 0,
      handler: async (e) => {
        seen.push(e.type);
        // Committed while the handler is still running, as a relay's checkpoint write is.
        if (e.type === 'First')
          await store.append('s-1', [event('Second')], { expectedRevision: 'any' });
      },
    });
    const started = Date.now();
    while (seen.length < 2 && Date.now() - started < 2_000)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen).toEqual(['First', 'Second']);
    await subscription.stop();
    await store.close();
  }, 10_000);
});
