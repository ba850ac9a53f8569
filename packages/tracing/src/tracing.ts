import { context, diag, DiagConsoleLogger, DiagLogLevel, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { setRecording } from './spans';

export interface TracingOptions {
  serviceName: string;
  env?: NodeJS.ProcessEnv;
  /** Exports spans here instead of OTLP (tests use an InMemorySpanExporter). */
  exporter?: SpanExporter;
}

export interface Tracing {
  /** True when spans are recorded and exported. */
  enabled: boolean;
  /** Flushes what is buffered and stops exporting. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (the standard OTLP/HTTP
 * exporter reads it and the other OTEL_* variables), or when an exporter is given; otherwise
 * tracing stays off and every span below is a no-op. The W3C traceparent still travels in
 * event metadata and bus headers either way, so turning tracing on later loses nothing.
 */
export function initTracing(options: TracingOptions): Tracing {
  const env = options.env ?? process.env;
  if (options.exporter) {
    const provider = new NodeTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(options.exporter)],
    });
    provider.register();
    setRecording(true);
    return { enabled: true, shutdown: () => provider.shutdown() };
  }
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!endpoint) {
    // Off, but an incoming traceparent still passes through to events and messages.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    setRecording(false);
    return { enabled: false, shutdown: async () => undefined };
  }
  if (env.OTEL_LOG_LEVEL === 'debug') diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.DEBUG);
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? options.serviceName,
    traceExporter: new OTLPTraceExporter(),
    instrumentations: [],
  });
  sdk.start();
  setRecording(true);
  return { enabled: true, shutdown: () => sdk.shutdown() };
}
