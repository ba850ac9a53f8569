import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect } from 'node:net';
import { drainOnClose } from './drain';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  const drain = drainOnClose(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { server, drain, port };
}

describe('drainOnClose', () => {
  let server: Server | undefined;
  afterEach(() => server?.closeAllConnections());

  it('a response the handler destroyed (a stream that failed) is done: the drain does not wait out the grace', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('part');
      // An error after the headers went out: express's finalhandler, or pipeline(), destroys it.
      setTimeout(() => res.destroy(new Error('source failed')), 50);
    });
    server = s.server;
    const answered = new Promise<void>((resolve) => {
      const req = request({ port: s.port, path: '/' }, (res) => {
        res.on('data', () => undefined);
        res.on('error', () => resolve());
        res.on('close', () => resolve());
      });
      req.on('error', () => resolve());
      req.end();
    });
    await sleep(20);
    const started = Date.now();
    const result = await s.drain(3_000, 100);
    await answered;
    expect({ forced: result.forced, fast: Date.now() - started < 1_000 }).toEqual({
      forced: false,
      fast: true,
    });
  });

  it('a response destroyed long before the drain, its connection gone, does not hold every later drain to the grace', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('part');
      setTimeout(() => res.destroy(new Error('source failed')), 20);
    });
    server = s.server;
    await new Promise<void>((resolve) => {
      const req = request({ port: s.port, path: '/' }, (res) => {
        res.on('data', () => undefined);
        res.on('error', () => resolve());
        res.on('close', () => resolve());
      });
      req.on('error', () => resolve());
      req.end();
    });
    // Long after: no connection is open, no handler runs.
    await sleep(300);
    const count = await new Promise<number>((resolve) =>
      s.server.getConnections((_e, n) => resolve(n)),
    );
    expect(count).toBe(0);
    const started = Date.now();
    const result = await s.drain(3_000, 100);
    expect({ forced: result.forced, fast: Date.now() - started < 1_000 }).toEqual({
      forced: false,
      fast: true,
    });
  });

  it('res.end(cb) still calls its callback', async () => {
    let called = false;
    const s = await serve((_req, res) => {
      res.end('ok', () => {
        called = true;
      });
    });
    server = s.server;
    await new Promise<void>((resolve) => {
      request({ port: s.port, path: '/' }, (res) => {
        res.resume();
        res.on('end', resolve);
      }).end();
    });
    await sleep(20);
    expect(called).toBe(true);
    await s.drain(1_000, 10);
  });

  it('a streaming response started before the drain is answered in full', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200);
      let i = 0;
      const timer = setInterval(() => {
        res.write(`chunk ${i}\n`);
        if (++i === 5) {
          clearInterval(timer);
          res.end();
        }
      }, 40);
    });
    server = s.server;
    const body = new Promise<string>((resolve, reject) => {
      request({ port: s.port, path: '/' }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve(text));
        res.on('error', reject);
      })
        .on('error', reject)
        .end();
    });
    await sleep(30);
    const result = await s.drain(3_000, 10);
    expect((await body).split('\n').length).toBe(6);
    expect(result.forced).toBe(false);
  });

  it('a request whose body is still uploading when the drain starts is answered', async () => {
    const s = await serve((req, res) => {
      let size = 0;
      req.on('data', (c: Buffer) => (size += c.length));
      req.on('end', () => res.end(`got ${size}`));
    });
    server = s.server;
    const answer = new Promise<string>((resolve, reject) => {
      const req = request(
        { port: s.port, path: '/', method: 'POST', headers: { 'content-length': '2000' } },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.write(Buffer.alloc(1000));
      setTimeout(() => req.end(Buffer.alloc(1000)), 1_500);
    });
    await sleep(50);
    const result = await s.drain(5_000, 100);
    expect(await answer).toBe('got 2000');
    expect(result.forced).toBe(false);
  });

  it('an Expect: 100-continue request arriving on a kept-alive connection while draining is answered', async () => {
    const s = await serve((req, res) => {
      let size = 0;
      req.on('data', (c: Buffer) => (size += c.length));
      req.on('end', () => res.end(`got ${size}`));
    });
    server = s.server;
    const socket = connect(s.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let text = '';
    socket.on('data', (c) => (text += c.toString()));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await sleep(50);
    const drained = s.drain(3_000, 500);
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n');
    await sleep(100);
    socket.write('hello');
    await drained;
    await sleep(50);
    expect(text).toContain('got 5');
  });

  it('pipelined requests whose client went away, all handlers ended long before the drain: drain is not forced', async () => {
    let handled = 0;
    const s = await serve((_req, res) => {
      // each handler takes 100 ms, then answers
      setTimeout(() => {
        handled += 1;
        res.end('ok');
      }, 100);
    });
    server = s.server;
    const socket = connect(s.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n');
    await sleep(30);
    socket.destroy(); // client goes away
    await sleep(400); // both handlers have ended their responses
    expect(handled).toBe(2);
    const started = Date.now();
    const result = await s.drain(2_000, 100);
    expect({ forced: result.forced, fast: Date.now() - started < 1_000 }).toEqual({
      forced: false,
      fast: true,
    });
  });
});
