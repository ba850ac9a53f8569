import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { counterService } from '../testing/counter-service';
import { COOPS, kitFixture, type KitFixture } from '../testing/kit-fixture';
import { plainJsonLength } from './json-body';
import { createServiceApp } from './service-app';

/** The same body sent with a Content-Length (read directly) and chunked (Express's parser). */
describe('plain JSON bodies read directly answer as the body parser does', () => {
  let fx: KitFixture;
  let server: Server;

  beforeAll(async () => {
    fx = await kitFixture({ bodyLimitBytes: 1_024 });
    server = createServer(createServiceApp(counterService(fx.store), fx.deps));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await fx.close();
  });

  const send = (body: Buffer, chunked: boolean, counter: string) =>
    new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: (server.address() as AddressInfo).port,
          method: 'POST',
          path: `/api/counter/v1/coops/${COOPS.A}/counters/${counter}/increments`,
          headers: {
            Authorization: `Bearer ${fx.keys.coopA}`,
            'Content-Type': 'application/json',
            ...(chunked ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': body.length }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  it.each([
    ['an object', '{"by":1}'],
    ['an object after a BOM', '\uFEFF{"by":2}'],
    ['an object after whitespace', ' \r\n\t{"by":3}'],
    ['an array', '[1]'],
    ['a scalar', '"1"'],
    ['whitespace then a scalar', '  7'],
    ['broken JSON', '{"by": 1,'],
    ['only whitespace', '   '],
    ['a BOM alone', '\uFEFF'],
    ['an unknown field', '{"by":1,"x":true}'],
    ['too large for the limit', JSON.stringify({ by: 1, note: 'x'.repeat(2_000) })],
  ])('%s', async (_name, text) => {
    const body = Buffer.from(text, 'utf8');
    const direct = await send(body, false, 'direct');
    const parsed = await send(body, true, 'parsed');
    const shape = (r: { status: number; body: Record<string, unknown> }) => ({
      status: r.status,
      code: r.body.code,
      detail: r.body.detail,
      errors: r.body.errors,
    });
    expect(shape(direct)).toEqual(shape(parsed));
  });

  it('takes only uncompressed application/json in UTF-8 within the limit', () => {
    const req = (headers: Record<string, string>) =>
      ({ headers: { 'content-length': '10', ...headers } }) as never;
    expect(plainJsonLength(req({ 'content-type': 'application/json' }), 100)).toBe(10);
    expect(plainJsonLength(req({ 'content-type': 'Application/JSON; charset=UTF-8' }), 100)).toBe(
      10,
    );
    expect(plainJsonLength(req({ 'content-type': 'application/json' }), 9)).toBeUndefined();
    for (const headers of [
      { 'content-type': 'application/json; charset=utf-16' },
      { 'content-type': 'application/merge-patch+json' },
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      { 'content-type': 'application/json', 'content-length': '1e3' },
    ] as Record<string, string>[]) {
      expect(plainJsonLength(req(headers), 100)).toBeUndefined();
    }
  });
});
