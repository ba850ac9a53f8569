import { context, diag, DiagConsoleLogger, DiagLogLevel, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type * as SdkNode from '@opentelemetry/sdk-node';
import type * as OtlpHttp from '@opentelemetry/exporter-trace-otlp-http';
import type * as TraceNode from '@opentelemetry/sdk-trace-node';
import { setRecording } from './spans';

/*
 * The SDK, its exporters and their hundreds of modules load only when tracing is turned on:
 * a node that does not trace starts that much faster (it restarts often in the crash test).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const sdkNode = (): typeof SdkNode => require('@opentelemetry/sdk-node') as typeof SdkNode;
const otlpHttp = (): typeof OtlpHttp =>
  require('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpHttp;
const traceNode = (): typeof TraceNode =>
  require('@opentelemetry/sdk-trace-node') as typeof TraceNode;
/* eslint-enable @typescript-eslint/no-require-imports */

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
    const { NodeTracerProvider, SimpleSpanProcessor } = traceNode();
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
  const sdk = new (sdkNode().NodeSDK)({
    serviceName: env.OTEL_SERVICE_NAME ?? options.serviceName,
    traceExporter: new (otlpHttp().OTLPTraceExporter)(),
    instrumentations: [],
  });
  sdk.start();
  setRecording(true);
  return { enabled: true, shutdown: () => sdk.shutdown() };
}
