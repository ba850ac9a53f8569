import { coopBody, person } from '@kopfed/member/src/testing/federation';

/** A small demo federation, made over the public HTTP APIs as its people would make it. */
export const DEMO = { P: 'puskopdit-jateng', A: 'ksp-sejahtera', B: 'ksp-makmur' } as const;

export interface DemoKeys {
  admin: string;
  treasurer: string;
  auditor: string;
  coopA: string;
  coopB: string;
}

export class Client {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | null,
  ) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        'Content-Type': 'application/json',
        ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
  }

  async expect<T>(status: number, method: string, path: string, body?: unknown): Promise<T> {
    const result = await this.call(method, path, body);
    if (result.status !== status)
      throw new Error(`${method} ${path}: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body as T;
  }

  get<T>(path: string): Promise<T> {
    return this.expect<T>(200, 'GET', path);
  }
}

const idr = (amount: number) => ({ amount: String(amount), currency: 'IDR' });

async function key(admin: Client, role: string, coopId: string): Promise<string> {
  const created = await admin.expect<{ token: string }>(201, 'POST', '/api/access/v1/keys', {
    role,
    coopId,
    label: `${role} of ${coopId}`,
  });
  return created.token;
}

/**
 * A secondary coop P with primaries A and B, members in each, limits and cover for both,
 * and inter-coop transfers A→B and B→A that fill one open settlement batch.
 */
export async function seedDemo(baseUrl: string, adminToken: string): Promise<DemoKeys> {
  const admin = new Client(baseUrl, adminToken);
  await admin.expect(201, 'POST', '/api/member/v1/coops', coopBody(DEMO.P, 'secondary', null));
  await admin.expect(200, 'POST', `/api/member/v1/coops/${DEMO.P}/approval`, { on: '2026-01-06' });
  const treasurer = await key(admin, 'treasurer', DEMO.P);
  const asTreasurer = new Client(baseUrl, treasurer);
  for (const coop of [DEMO.A, DEMO.B]) {
    await asTreasurer.expect(
      201,
      'POST',
      `/api/member/v1/coops/${DEMO.P}/member-coops`,
      coopBody(coop, 'primary', DEMO.P),
    );
    await asTreasurer.expect(200, 'POST', `/api/member/v1/coops/${coop}/approval`, { on: '2026-01-07' });
  }
  const keys: DemoKeys = {
    admin: adminToken,
    treasurer,
    auditor: await key(admin, 'auditor', DEMO.P),
    coopA: await key(admin, 'coop', DEMO.A),
    coopB: await key(admin, 'coop', DEMO.B),
  };
  const members: [string, string, number][] = [
    [DEMO.A, keys.coopA, 3],
    [DEMO.B, keys.coopB, 2],
  ];
  let n = 1;
  for (const [coop, token, count] of members) {
    const asCoop = new Client(baseUrl, token);
    for (let i = 0; i < count; i++, n++) {
      await asCoop.expect(201, 'POST', `/api/member/v1/coops/${coop}/members`, {
        kind: 'person',
        memberNumber: `M-${String(n).padStart(4, '0')}`,
        joinedOn: '2026-02-01',
        person: person(n),
      });
    }
  }
  for (const coop of [DEMO.A, DEMO.B]) {
    await asTreasurer.expect(200, 'PUT', `/api/settlement/v1/coops/${coop}/limits/IDR`, {
      netDebitCap: idr(10_000_000),
      alarmAtBasisPoints: 8_000,
    });
    await asTreasurer.expect(200, 'PUT', `/api/settlement/v1/coops/${coop}/liquidity-cover/IDR`, {
      amount: idr(10_000_000),
    });
  }
  const transfers: [string, string, string, number][] = [
    ['demo-t1', DEMO.A, DEMO.B, 1_500_000],
    ['demo-t2', DEMO.B, DEMO.A, 250_000],
    ['demo-t3', DEMO.A, DEMO.B, 750_000],
  ];
  for (const [transferId, fromCoopId, toCoopId, amount] of transfers) {
    await asTreasurer.expect(201, 'POST', '/api/settlement/v1/transfers', {
      transferId,
      fromCoopId,
      toCoopId,
      amount: idr(amount),
    });
  }
  return keys;
}
