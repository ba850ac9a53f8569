import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { handleCommand, type EventStore } from '@kopfed/eventstore';
import { createLogger, defineRoute, type ServiceModule } from '@kopfed/service-kit';
import { counterDecider, counterService } from '@kopfed/service-kit/src/testing';
import { createNode } from './node';
import { serveNode, type Serving } from './serve';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A node serving one slow command, `POST …/slow-increments/{n}`: request 1 takes 100 ms,
 * any other 400 ms, before it appends. `events` says what was stored, what failed, and when
 * the stores closed.
 */
async function slowNode() {
  const events: string[] = [];
  let started = 0;
  let store: EventStore | undefined;
  const slowIncrement = defineRoute({
    method: 'POST',
    path: '/coops/{coopId}/slow-increments/{n}',
    operationId: 'slowIncrement',
    summary: 'Increments the counter after a moment',
    request: { params: z.strictObject({ coopId: z.string(), n: z.string() }) },
    responses: { 200: z.object({ ok: z.boolean() }) },
    policy: { roles: ['admin'], coopScope: { pathParam: 'coopId' } },
    handler: async ({ params }, ctx) => {
      started++;
      await sleep(params.n === '1' ? 100 : 400);
      try {
        await handleCommand(store!, {
          stream: 'counter-slow',
          decider: counterDecider,
          command: { type: 'Increment', by: 1, max: 1000 },
          metadata: ctx.metadata,
        });
        events.push(`request ${params.n} stored`);
      } catch (error) {
        events.push(`request ${params.n} failed: ${(error as Error).message}`);
        throw error;
      }
      return { status: 200, body: { ok: true } };
    },
  });
  const counter: ServiceModule = {
    name: 'counter',
    create: async (deps) => {
      store = deps.store;
      return { definition: counterService(deps.store, [slowIncrement]) };
    },
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-drain-'));
  dirs.push(dataDir);
  const node = await createNode({ dataDir, modules: [counter] });
  const admin = node.bootstrap.created ? node.bootstrap.token! : '';
  const serving: Serving = await serveNode(node, {
    port: 0,
    host: '127.0.0.1',
    logger: createLogger({ level: 'silent' }),
  });
  const socket: Socket = connect(serving.port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise((resolve) => socket.once('close', resolve));
  await new Promise((resolve) => socket.once('connect', resolve));
  return {
    events,
    socket,
    send: (...ns: number[]) =>
      socket.write(
        ns
          .map(
            (n) =>
              `POST /api/counter/v1/coops/federation/slow-increments/${n} HTTP/1.1\r\nHost: node\r\nAuthorization: Bearer ${admin}\r\nContent-Length: 0\r\n\r\n`,
          )
          .join(''),
      ),
    started: async (count: number) => {
      while (started < count) await sleep(5);
    },
    /** SIGTERM's work; then how many answers the client got. */
    stop: async () => {
      await serving.stop(5_000);
      events.push('stores closed');
      await closed;
      return (received.match(/HTTP\/1\.1 \d{3} /g) ?? []).length;
    },
  };
}

describe('SIGTERM’s drain, request by request', () => {
  it('answers every request pipelined on a connection, and closes the stores only after them', async () => {
    const node = await slowNode();
    node.send(1, 2);
    await node.started(2);
    expect(await node.stop()).toBe(2);
    expect(node.events).toEqual(['request 1 stored', 'request 2 stored', 'stores closed']);
  });

  it('closes the stores only after a request whose client went away has been handled', async () => {
    const node = await slowNode();
    node.send(2);
    await node.started(1);
    // The client gives up (its own timeout) while the node is still handling the request.
    node.socket.destroy();
    expect(await node.stop()).toBe(0);
    expect(node.events).toEqual(['request 2 stored', 'stores closed']);
  });
});
