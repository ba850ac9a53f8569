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

async function defineSavingsProducts(asCoop: Client, coop: string): Promise<void> {
  await asCoop.expect(201, 'POST', `/api/savings/v1/coops/${coop}/products`, {
    code: 'POKOK',
    name: 'Simpanan Pokok',
    kind: 'pokok',
    terms: { effectiveFrom: '2026-01-01', pokokAmount: idr(100_000) },
  });
  await asCoop.expect(201, 'POST', `/api/savings/v1/coops/${coop}/products`, {
    code: 'SUKARELA',
    name: 'Simpanan Sukarela',
    kind: 'sukarela',
    interest: { basis: 'daily_balance', posting: 'monthly' },
    terms: { effectiveFrom: '2026-01-01', rateBasisPoints: 365, minimumBalance: idr(10_000) },
  });
}

async function openAccounts(asCoop: Client, coop: string, memberId: string, n: number): Promise<void> {
  for (const [productCode, amount] of [
    ['POKOK', 100_000],
    ['SUKARELA', 250_000 * n],
  ] as const) {
    await asCoop.expect(201, 'POST', `/api/savings/v1/coops/${coop}/accounts`, {
      memberId,
      productCode,
      initialDeposit: { amount: idr(amount), via: 'cash' },
    });
  }
}

/** One loan paid on time (Lancar) and one never repaid since January (Macet by now). */
async function seedLoans(asCoop: Client, coop: string, members: string[], today: string): Promise<void> {
  await asCoop.expect(201, 'POST', `/api/loan/v1/coops/${coop}/loan-products/PINJAMAN/versions`, {
    effectiveFrom: '2026-01-01',
    terms: {
      name: 'Pinjaman produktif',
      method: 'ANNUITY',
      annualRatePercent: '12',
      minTermMonths: 1,
      maxTermMonths: 60,
      maxGraceMonths: 3,
      minPrincipal: idr(1_000_000),
      maxPrincipal: idr(500_000_000),
      disbursementFeePercent: '1',
      lateFee: idr(25_000),
      penaltyPercentPerDay: '0.1',
    },
  });
  const loan = (externalId: string, memberId: string, principal: number, on: string) => [
    { kind: 'loan', externalId, memberId, productCode: 'PINJAMAN', principal: idr(principal), termMonths: 12, appliedOn: on },
    { kind: 'disbursement', externalId: `${externalId}-CAIR`, loanExternalId: externalId, disbursedOn: on, via: { kind: 'cash' } },
  ];
  const result = await asCoop.expect<{ counts: Record<string, number> }>(200, 'POST', `/api/loan/v1/coops/${coop}/loan-sync-batches`, {
    sequence: 1,
    items: [...loan('PJ-001', members[0]!, 6_000_000, today), ...loan('PJ-002', members[1]!, 4_000_000, '2026-01-10')],
  });
  if (result.counts.created !== 4) throw new Error(`loan sync: ${JSON.stringify(result)}`);
}

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
export async function seedDemo(baseUrl: string, adminToken: string, today: string): Promise<DemoKeys> {
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
  const joined = new Map<string, string[]>();
  for (const [coop, token, count] of members) {
    const asCoop = new Client(baseUrl, token);
    await defineSavingsProducts(asCoop, coop);
    const ids: string[] = [];
    for (let i = 0; i < count; i++, n++) {
      const member = await asCoop.expect<{ memberId: string }>(201, 'POST', `/api/member/v1/coops/${coop}/members`, {
        kind: 'person',
        memberNumber: `M-${String(n).padStart(4, '0')}`,
        joinedOn: '2026-02-01',
        person: person(n),
      });
      ids.push(member.memberId);
      await openAccounts(asCoop, coop, member.memberId, n);
    }
    joined.set(coop, ids);
  }
  await seedLoans(new Client(baseUrl, keys.coopA), DEMO.A, joined.get(DEMO.A)!, today);
  await admin.expect(200, 'POST', '/api/loan/v1/close-of-business', { businessDate: today });
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
