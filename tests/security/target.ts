import { mkdtempSync, rmSync } from 'node:fs';
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createNode, type FederationNode } from '@kopfed/node';
import type { OpenAPIObject, ServiceModule } from '@kopfed/service-kit';

/** Coops A and B are members of P; the suite acts as each. */
export const COOPS = { A: 'sec-coop-a', B: 'sec-coop-b', P: 'sec-coop-p' } as const;

export interface Keys {
  coopA: string;
  coopB: string;
  treasurerP: string;
  auditorP: string;
  admin: string;
  /** Coop A's key, revoked: it must open nothing. */
  revoked: string;
}

/** What the suite runs against: a server, its services' documents, and the means to see change. */
export interface SecurityTarget {
  server: Server;
  /** The node behind the server, for tests that need its stores or directory. */
  node: FederationNode;
  services: { name: string; document: OpenAPIObject }[];
  keys: Keys;
  /** Every store's head position: a malformed request must leave them all where they were. */
  heads(): Promise<Record<string, number>>;
  /** Stops the server and the node, and removes the node's data directory. */
  close(): Promise<void>;
}

/** One server for the whole suite: supertest reuses a listening server instead of starting one per request. */
export async function listen(handler: RequestListener): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

export interface TargetOptions {
  /** Extra service modules (the node mounts its own regardless). */
  modules?: ServiceModule[];
  /** Routes served in front of the node, with the documents that describe them (self-test). */
  front?: {
    handler: (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
    services: SecurityTarget['services'];
    /** Head positions of whatever those routes write to. */
    heads: () => Record<string, number>;
  };
}

/** The federation node, in process, with every service it mounts. */
export async function nodeTarget(options: TargetOptions = {}): Promise<SecurityTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-security-'));
  const node = await createNode({
    dataDir,
    // The suite sends thousands of requests with a handful of keys.
    rateLimit: { ratePerSecond: 1_000_000, burst: 1_000_000 },
    // No background sealing: a checkpoint signed on the minute while a check runs would move
    // the audit store under it, though no request did.
    env: { ...process.env, KOPFED_AUDIT_SEAL_INTERVAL_SECONDS: '0' },
    ...(options.modules ? { modules: options.modules } : {}),
  });
  node.coopDirectory.setParent(COOPS.A, COOPS.P);
  node.coopDirectory.setParent(COOPS.B, COOPS.P);
  const front = options.front;
  const server = await listen(
    front ? (req, res) => front.handler(req, res, () => void node.app(req, res)) : node.app,
  );
  const admin = node.bootstrap.created ? node.bootstrap.token : undefined;
  if (!admin) throw new Error('a fresh node must hand out its bootstrap admin key');
  const create = async (role: string, coopId: string) => {
    const response = await request(server)
      .post('/api/access/v1/keys')
      .set('Authorization', `Bearer ${admin}`)
      .send({ role, coopId })
      .expect(201);
    return response.body as { token: string; keyId: string };
  };
  const revoked = await create('coop', COOPS.A);
  await request(server)
    .post(`/api/access/v1/keys/${revoked.keyId}/revoke`)
    .set('Authorization', `Bearer ${admin}`)
    .expect(200);
  const keys: Keys = {
    coopA: (await create('coop', COOPS.A)).token,
    coopB: (await create('coop', COOPS.B)).token,
    treasurerP: (await create('treasurer', COOPS.P)).token,
    auditorP: (await create('auditor', COOPS.P)).token,
    admin,
    revoked: revoked.token,
  };
  const index = await request(server).get('/api').expect(200);
  const services: SecurityTarget['services'] = [...(front?.services ?? [])];
  for (const { name, openapiUrl } of index.body.services as {
    name: string;
    openapiUrl: string;
  }[]) {
    services.push({
      name,
      document: (await request(server).get(openapiUrl).expect(200)).body as OpenAPIObject,
    });
  }
  return {
    server,
    node,
    services,
    keys,
    async heads() {
      const heads: Record<string, number> = { ...front?.heads() };
      for (const [name, store] of node.stores) heads[name] = await store.headPosition();
      return heads;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await node.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
