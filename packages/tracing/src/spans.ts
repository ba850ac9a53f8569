import {
  context,
  INVALID_SPAN_CONTEXT,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';

export { SpanKind };

const TRACER_NAME = 'kopfed';

/**
 * Whether spans are recorded (set by initTracing). When they are not, the helpers below skip
 * creating spans on hot paths and only pass the caller's traceparent through.
 */
let recording = false;

export function setRecording(value: boolean): void {
  recording = value;
}

export function isRecording(): boolean {
  return recording;
}

/** The W3C traceparent of the active (or given) context, to store in metadata or headers. */
export function traceparentOf(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}

/** A context whose parent is the span a traceparent names (the active context if none). */
export function contextFromTraceparent(
  traceparent: string | undefined,
  base: Context = context.active(),
): Context {
  if (!traceparent) return base;
  return propagation.extract(base, { traceparent });
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** Parent: a traceparent from a message or an event; the active context otherwise. */
  traceparent?: string;
}

/**
 * Runs `fn` inside a span that is active for everything it awaits, ends it, and records an
 * exception as the span's error status.
 */
export async function withSpan<T>(
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  if (!recording) {
    const span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    if (!options.traceparent) return fn(span);
    return context.with(contextFromTraceparent(options.traceparent), () => fn(span));
  }
  const parent = contextFromTraceparent(options.traceparent);
  const span = trace.getTracer(TRACER_NAME).startSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes ? { attributes: options.attributes } : {}),
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: describeError(error),
    });
    throw error;
  } finally {
    span.end();
  }
}

export interface OpenSpan {
  /** The traceparent naming this span, for the headers of what it sends. */
  traceparent: string | undefined;
  end(error?: unknown): void;
}

/** A span ended by the caller (for work that spans callbacks, like a relay's batch). */
export function startSpan(name: string, options: SpanOptions): OpenSpan {
  if (!recording) return { traceparent: options.traceparent, end: () => undefined };
  const parent = contextFromTraceparent(options.traceparent);
  const span = trace.getTracer(TRACER_NAME).startSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes ? { attributes: options.attributes } : {}),
    },
    parent,
  );
  return {
    traceparent: traceparentOf(trace.setSpan(parent, span)),
    end(error?: unknown) {
      if (error !== undefined) {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: describeError(error),
        });
      }
      span.end();
    },
  };
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}
