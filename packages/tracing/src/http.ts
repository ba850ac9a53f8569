import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { contextFromTraceparent, isRecording } from './spans';

/** The few request and response members the middleware uses (Express's satisfy them). */
interface HttpRequest {
  method: string;
  originalUrl?: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}
interface HttpResponse {
  statusCode: number;
  once(event: 'finish' | 'close', listener: () => void): unknown;
}

/**
 * A server span per request, continuing the caller's trace when it sent a traceparent; the
 * span is active for the whole handler, so appends, and through them events, carry it.
 * While tracing does not record, no span is made: the caller's traceparent, when sent, is
 * made active as it is (what a non-recording span over it would carry), and a request
 * without one costs nothing.
 */
export function httpTracing(serviceName: string) {
  return (req: HttpRequest, res: HttpResponse, next: () => void): void => {
    const header = req.headers.traceparent;
    if (!isRecording()) {
      if (typeof header === 'string') context.with(contextFromTraceparent(header), next);
      else next();
      return;
    }
    const parent = contextFromTraceparent(typeof header === 'string' ? header : undefined);
    const path = (req.originalUrl ?? req.url).split('?')[0] ?? '/';
    const span = trace.getTracer('kopfed').startSpan(
      `${req.method} ${path}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': req.method,
          'url.path': path,
          'service.name': serviceName,
        },
      },
      parent,
    );
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once('finish', end);
    res.once('close', end);
    context.with(trace.setSpan(parent, span), next);
  };
}
