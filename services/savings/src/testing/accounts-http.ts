import { createServer, type Server } from 'node:http';
import request from 'supertest';
import { COOPS, PRODUCTS, savingsHarness, type SavingsHarness } from './savings-harness';

export const BASE = '/api/savings/v1';
export const as = (token: string) => ({ Authorization: `Bearer ${token}` });

export interface AccountsHttp {
  h: SavingsHarness;
  /** The listening server in front of the harness's app. */
  server: Server;
  /** POST under coop A's path, with `token`; a body when given. */
  post(path: string, token: string, body?: object): request.Test;
  /** GET under coop A's path, with `token`. */
  get(path: string, token: string): request.Test;
  /** Opens an account at coop A as coop A. */
  open(memberId: string, productCode: string, extra?: object): Promise<request.Response>;
}

/**
 * The account HTTP suites' world: the savings harness with every product defined at coop A and
 * three members (m-1, m-2, m-left), behind one listening server (supertest would otherwise
 * start one per request). Registers its own beforeAll and afterAll.
 */
export function useAccountsHttp(): AccountsHttp {
  const world = {} as AccountsHttp;
  beforeAll(async () => {
    const h = await savingsHarness();
    for (const product of Object.values(PRODUCTS)) {
      await request(h.app)
        .post(`${BASE}/coops/${COOPS.A}/products`)
        .set(as(h.keys.coopA))
        .send(product)
        .expect(201);
    }
    await h.joinPerson(COOPS.A, 'm-1');
    await h.joinPerson(COOPS.A, 'm-2');
    await h.joinPerson(COOPS.A, 'm-left');
    const server = createServer(h.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    world.h = h;
    world.server = server;
  });
  afterAll(async () => {
    await new Promise((resolve) => world.server.close(resolve));
    await world.h.close();
  });
  world.post = (path, token, body) => {
    const req = request(world.server).post(`${BASE}/coops/${COOPS.A}${path}`).set(as(token));
    return body === undefined ? req : req.send(body);
  };
  world.get = (path, token) =>
    request(world.server).get(`${BASE}/coops/${COOPS.A}${path}`).set(as(token));
  world.open = (memberId, productCode, extra = {}) =>
    request(world.h.app)
      .post(`${BASE}/coops/${COOPS.A}/accounts`)
      .set(as(world.h.keys.coopA))
      .send({ memberId, productCode, ...extra })
      .then((response) => response);
  return world;
}
