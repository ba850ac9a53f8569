import { jakartaBusinessDate } from '@kopfed/eventstore';
import { coopBody } from '@kopfed/member/src/samples';
import type { World } from './world';

/**
 * One run's federation: secondary coop P with primary coops A and B. Runs that share a world
 * use their own tenant number, so their coops, members and accounts never meet.
 */
export class Federation {
  readonly P: string;
  readonly primaries: readonly [string, string];

  constructor(readonly tenant: number) {
    this.P = `puskop-t${tenant}`;
    this.primaries = [`ksp-t${tenant}-a`, `ksp-t${tenant}-b`];
  }

  /** A, B as the trace names them (the same for every tenant, so traces compare across runs). */
  label(coopId: string): string {
    return coopId === this.primaries[0] ? 'A' : coopId === this.primaries[1] ? 'B' : 'P';
  }

  /**
   * A person with a valid NIK (16 digits: province, regency, district, birth date with +40
   * for women, serial), unique per tenant and n: the tenant picks the regency and district.
   */
  person(n: number) {
    const regency = String(1 + (Math.floor(this.tenant / 99) % 99)).padStart(2, '0');
    const district = String(1 + (this.tenant % 99)).padStart(2, '0');
    const female = n % 2 === 0;
    const day = 1 + (n % 28);
    const month = 1 + (Math.floor(n / 28) % 12);
    const year = 1950 + (n % 50);
    const dd = String(day + (female ? 40 : 0)).padStart(2, '0');
    const mm = String(month).padStart(2, '0');
    const yy = String(year % 100).padStart(2, '0');
    return {
      name: `Anggota Simulasi ${n}`,
      nik: `33${regency}${district}${dd}${mm}${yy}${String(n % 10_000).padStart(4, '0')}`,
      birthDate: `${year}-${mm}-${String(day).padStart(2, '0')}`,
      gender: female ? 'female' : 'male',
      address: { line: `Jl. Simulasi ${n}`, province: '33' },
    };
  }
}

export const idr = (amount: bigint | number) => ({ amount: String(amount), currency: 'IDR' });

export interface SavingsProductSpec {
  code: string;
  /** Least balance a withdrawal may leave; null: never withdrawable while a member. */
  floor: bigint | null;
  /** Where the settlement service books it, on the default chart and GL mapping. */
  ledgerAccount: string;
  definition: Record<string, unknown>;
}

/** Sukarela (withdrawable down to a minimum balance) and wajib (equity, not withdrawable). */
export const SAVINGS_PRODUCTS: readonly SavingsProductSpec[] = [
  {
    code: 'SUKARELA',
    floor: 10_000n,
    ledgerAccount: '2-110',
    definition: {
      code: 'SUKARELA',
      name: 'Simpanan Sukarela',
      kind: 'sukarela',
      terms: { effectiveFrom: '2026-01-01', minimumBalance: idr(10_000) },
    },
  },
  {
    code: 'WAJIB',
    floor: null,
    ledgerAccount: '3-200',
    definition: {
      code: 'WAJIB',
      name: 'Simpanan Wajib',
      kind: 'wajib',
      terms: { effectiveFrom: '2026-01-01', wajibMonthlyAmount: idr(50_000) },
    },
  },
];


export interface Keys {
  admin: string;
  /** A coop-role key of each primary coop, by coop id. */
  coop: Record<string, string>;
  /** A second coop-role key of each primary: the checker who approves what `coop` applied for. */
  checker: Record<string, string>;
}

/** Registers and approves the coops through the member API; returns the keys the steps use. */
export async function registerFederation(world: World, federation: Federation): Promise<Keys> {
  const admin = await world.key('admin', 'federation');
  const expect = async (what: string, reply: Promise<{ status: number; body: unknown }>) => {
    const { status, body } = await reply;
    if (status >= 300) throw new Error(`set-up: ${what} got ${status} ${JSON.stringify(body)}`);
  };
  const register = async (coopId: string, kind: 'primary' | 'secondary', parent: string | null) => {
    const path = parent ? `/api/member/v1/coops/${parent}/member-coops` : '/api/member/v1/coops';
    await expect(
      `register ${coopId}`,
      world.request('POST', path, admin, { body: coopBody(coopId, kind, parent) }),
    );
    await expect(
      `approve ${coopId}`,
      world.request('POST', `/api/member/v1/coops/${coopId}/approval`, admin, {
        body: { on: '2026-01-07' },
      }),
    );
  };
  await register(federation.P, 'secondary', null);
  const coop: Record<string, string> = {};
  const checker: Record<string, string> = {};
  for (const id of federation.primaries) {
    await register(id, 'primary', federation.P);
    coop[id] = await world.key('coop', id);
    checker[id] = await world.key('coop', id);
  }
  // Closed loop (BRIEF §5): the primaries pay each other under a cooperation agreement.
  const [a, b] = federation.primaries;
  await expect(
    `agreement ${a} ${b}`,
    world.request('POST', `/api/member/v1/coops/${a}/cooperation-agreements`, admin, {
      body: { partnerCoopId: b, validFrom: '2026-01-07', validUntil: '2099-12-31' },
    }),
  );
  return { admin, coop, checker };
}

/** Defines the savings products of each primary coop through the savings API. */
export async function defineSavingsProducts(
  world: World,
  federation: Federation,
  keys: Keys,
): Promise<void> {
  for (const coop of federation.primaries) {
    for (const product of SAVINGS_PRODUCTS) {
      const reply = await world.request(
        'POST',
        `/api/savings/v1/coops/${coop}/products`,
        keys.coop[coop]!,
        {
          body: product.definition,
        },
      );
      if (reply.status !== 201)
        throw new Error(
          `set-up: product ${product.code} of ${coop} got ${reply.status} ${JSON.stringify(reply.body)}`,
        );
    }
  }
}

/**
 * The loan product each primary lends under: an annuity at 12% a year, no disbursement fee (so
 * the borrower's savings is credited the whole principal), no late fee and no penalty.
 */
export const LOAN_PRODUCT = {
  code: 'PINJAMAN',
  minPrincipal: 100_000n,
  maxPrincipal: 3_000_000n,
  minTermMonths: 1,
  maxTermMonths: 24,
  definition: {
    effectiveFrom: '2026-01-01',
    terms: {
      name: 'Pinjaman Simulasi',
      method: 'ANNUITY',
      annualRatePercent: '12',
      minTermMonths: 1,
      maxTermMonths: 24,
      maxGraceMonths: 0,
      minPrincipal: idr(100_000),
      maxPrincipal: idr(3_000_000),
      disbursementFeePercent: '0',
      lateFee: idr(0),
      penaltyPercentPerDay: '0',
    },
  },
} as const;

/** Defines the loan product of each primary coop through the loan API. */
export async function defineLoanProducts(
  world: World,
  federation: Federation,
  keys: Keys,
): Promise<void> {
  for (const coop of federation.primaries) {
    const reply = await world.request(
      'POST',
      `/api/loan/v1/coops/${coop}/loan-products/${LOAN_PRODUCT.code}/versions`,
      keys.coop[coop]!,
      { body: LOAN_PRODUCT.definition },
    );
    if (reply.status !== 201)
      throw new Error(
        `set-up: loan product ${LOAN_PRODUCT.code} of ${coop} got ${reply.status} ${JSON.stringify(reply.body)}`,
      );
  }
}

/**
 * Each primary's cash to lend from, in its books before the run: a loan is paid out into
 * savings (through funds in transit), and a member may take it out in cash, which the books
 * never let go below zero (a withdrawal they cannot cover waits unposted for the treasurer).
 */
export const OPENING_CASH = 50_000_000n;

/** Posts each primary's opening cash against its reserve, as a coop joining kopfed would. */
export async function openBooks(world: World, federation: Federation, keys: Keys): Promise<void> {
  const businessDate = jakartaBusinessDate(world.clock.now());
  for (const coop of federation.primaries) {
    const reply = await world.request(
      'POST',
      `/api/settlement/v1/coops/${coop}/journal-entries`,
      keys.coop[coop]!,
      {
        body: {
          entryId: `opening-${coop}`,
          businessDate,
          description: 'Saldo awal kas',
          lines: [
            { account: '1-110', debit: idr(OPENING_CASH) },
            { account: '3-300', credit: idr(OPENING_CASH) },
          ],
        },
      },
    );
    if (reply.status !== 201)
      throw new Error(
        `set-up: opening cash of ${coop} got ${reply.status} ${JSON.stringify(reply.body)}`,
      );
  }
}

/** What each primary may owe its parent in a batch (net debit cap), and what covers it. */
export const NET_DEBIT_CAP = 1_500_000n;
export const LIQUIDITY_COVER = 1_000_000n;

/** The parent's treasury sets each primary's net debit cap and liquidity cover. */
export async function defineLimits(
  world: World,
  federation: Federation,
  keys: Keys,
): Promise<void> {
  for (const coop of federation.primaries) {
    for (const [path, body] of [
      [`limits/IDR`, { netDebitCap: idr(NET_DEBIT_CAP) }],
      [`liquidity-cover/IDR`, { amount: idr(LIQUIDITY_COVER) }],
    ] as const) {
      const reply = await world.request(
        'PUT',
        `/api/settlement/v1/coops/${coop}/${path}`,
        keys.admin,
        {
          body,
        },
      );
      if (reply.status !== 200)
        throw new Error(
          `set-up: ${path} of ${coop} got ${reply.status} ${JSON.stringify(reply.body)}`,
        );
    }
  }
}
