import express from 'express';
import request from 'supertest';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { InProcessBus } from '@kopfed/bus';
import type { Decider } from '@kopfed/domain';
import { handleCommand, SqliteEventStore } from '@kopfed/eventstore';
import { httpTracing, initTracing, withSpan } from '@kopfed/tracing';
import { Relay } from '../relay/relay';
import { tracedHandler } from './traced-handler';

type Noted = { type: 'Noted'; data: { text: string } };
const notes: Decider<number, { text: string }, Noted> = {
  initialState: () => 0,
  evolve: (count) => count + 1,
  decide: (command) => [{ type: 'Noted', data: { text: command.text } }],
};

describe('one trace from an HTTP request to a handler in another service', () => {
  const exporter = new InMemorySpanExporter();
  const tracing = initTracing({ serviceName: 'trace-test', exporter });
  afterAll(() => tracing.shutdown());

  it('carries the trace id through append, relay, bus, consumer and handler', async () => {
    const producerStore = new SqliteEventStore({ file: ':memory:', pollIntervalMs: 10 });
    const consumerStore = new SqliteEventStore({ file: ':memory:' });
    const bus = new InProcessBus();
    let handled = 0;
    await bus.subscribe({
      topic: 'notes',
      group: 'other-service',
      handler: tracedHandler('other-service', (message) =>
        withSpan('handle Noted', {}, async () => {
          await handleCommand(consumerStore, {
            stream: 'echo-1',
            decider: notes,
            command: { text: message.value },
          });
          handled++;
        }),
      ),
    });
    const relay = new Relay({
      name: 'relay:notes',
      store: producerStore,
      bus,
      topic: 'notes',
      encode: (event, traceparent) => ({
        key: event.stream,
        value: event.id,
        headers: { traceparent: traceparent ?? '' },
      }),
    });
    relay.start();

    const app = express();
    app.use(httpTracing('producer'));
    app.post('/notes', async (_req, res) => {
      await handleCommand(producerStore, {
        stream: 'note-1',
        decider: notes,
        command: { text: 'hello' },
      });
      res.status(201).end();
    });
    await request(app).post('/notes').expect(201);
    const deadline = Date.now() + 5_000;
    while (handled === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await relay.stop();
    await bus.close();

    const spans = exporter.getFinishedSpans();
    const byName = (name: string) => spans.find((s) => s.name === name);
    const chain = [
      'POST /notes',
      'command note',
      'publish Noted',
      'consume notes',
      'handle Noted',
      'command echo',
    ];
    for (const name of chain) expect(byName(name)).toBeDefined();
    expect(new Set(chain.map((name) => byName(name)!.spanContext().traceId)).size).toBe(1);
    for (let i = 1; i < chain.length; i++) {
      expect(byName(chain[i]!)!.parentSpanContext?.spanId).toBe(
        byName(chain[i - 1]!)!.spanContext().spanId,
      );
    }
    const [stored] = await consumerStore.readStream('echo-1');
    expect(stored!.metadata.traceparent).toContain(byName('POST /notes')!.spanContext().traceId);
    await producerStore.close();
    await consumerStore.close();
  });
});
