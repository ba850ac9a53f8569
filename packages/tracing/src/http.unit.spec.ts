import { httpTracing } from './http';
import { isRecording, traceparentOf } from './spans';
import { initTracing } from './tracing';

describe('httpTracing while tracing does not record', () => {
  const tracing = initTracing({ serviceName: 'test', env: {} });
  afterAll(() => tracing.shutdown());
  const middleware = httpTracing('test');
  const response = () => {
    const listeners: string[] = [];
    return { statusCode: 200, listeners, once: (event: string) => listeners.push(event) };
  };
  const serve = (headers: Record<string, string>) => {
    const res = response();
    let active: string | undefined = 'not called';
    middleware({ method: 'POST', url: '/x', headers }, res, () => {
      active = traceparentOf();
    });
    return { active, listeners: res.listeners };
  };

  it('passes the caller’s traceparent through as the active context, making no span', () => {
    expect(isRecording()).toBe(false);
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const { active, listeners } = serve({ traceparent });
    expect(active).toBe(traceparent);
    expect(listeners).toEqual([]);
  });

  it('leaves a request without a traceparent outside any trace', () => {
    const { active, listeners } = serve({});
    expect(active).toBeUndefined();
    expect(listeners).toEqual([]);
  });
});
