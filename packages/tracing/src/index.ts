export { initTracing, type Tracing, type TracingOptions } from './tracing';
export {
  withSpan,
  startSpan,
  traceparentOf,
  isRecording,
  contextFromTraceparent,
  SpanKind,
  type SpanOptions,
  type OpenSpan,
} from './spans';
export { httpTracing } from './http';
