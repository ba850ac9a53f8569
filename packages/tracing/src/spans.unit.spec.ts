import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { initTracing } from './tracing';
import { traceparentOf, withSpan } from './spans';

describe('spans', () => {
  const exporter = new InMemorySpanExporter();
  const tracing = initTracing({ serviceName: 'test', exporter });
  afterAll(() => tracing.shutdown());
  beforeEach(() => exporter.reset());

  it('nests spans across awaits and continues a trace from a traceparent', async () => {
    let carried: string | undefined;
    await withSpan('outer', {}, async () => {
      await new Promise((r) => setTimeout(r, 1));
      await withSpan('inner', {}, () => {
        carried = traceparentOf();
      });
    });
    await withSpan('elsewhere', { traceparent: carried }, () => undefined);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name).sort()).toEqual(['elsewhere', 'inner', 'outer']);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    const inner = spans.find((s) => s.name === 'inner')!;
    expect(spans.find((s) => s.name === 'elsewhere')!.parentSpanContext?.spanId).toBe(
      inner.spanContext().spanId,
    );
    expect(carried).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('records a failure on the span and rethrows it', async () => {
    await expect(withSpan('failing', {}, () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    const [span] = exporter.getFinishedSpans();
    expect(span!.status).toMatchObject({ code: 2, message: 'boom' });
  });
});

describe('initTracing without an endpoint', () => {
  it('stays off', async () => {
    const tracing = initTracing({ serviceName: 'off', env: {} });
    expect(tracing.enabled).toBe(false);
    await tracing.shutdown();
  });
});
