import { PatientClient } from '../http';
import { apiKey, registerFederation } from '../federation';
import { ADMIN_KEY, sleep, type NodeProcess } from '../node-process';

/** The federation of the scenario: a secondary coop and two of its primary coops. */
export const COOP = { P: 'e2e-puskop', A: 'e2e-ksp-a', B: 'e2e-ksp-b' } as const;

export const idr = (amount: bigint | number) => ({ amount: String(amount), currency: 'IDR' });

export const API = {
  member: '/api/member/v1',
  savings: '/api/savings/v1',
  loan: '/api/loan/v1',
  settlement: '/api/settlement/v1',
} as const;

/** The people who drive the node: the admin, the secondary's treasurer and auditor, two coops' systems. */
export interface People {
  admin: PatientClient;
  treasurer: PatientClient;
  auditor: PatientClient;
  coopA: PatientClient;
  coopB: PatientClient;
}

/** Registers the federation over the member and access APIs and hands out everyone's keys. */
export async function federationOn(node: NodeProcess): Promise<People> {
  const admin = new PatientClient(node.url, ADMIN_KEY);
  const as = (token: string) => new PatientClient(node.url, token);
  const { treasurerToken } = await registerFederation(admin, as, COOP.P, [COOP.A, COOP.B]);
  const treasurer = as(treasurerToken);
  // Closed loop (BRIEF §5): A and B pay each other later, under a cooperation agreement.
  await treasurer.expect(201, 'POST', `${API.member}/coops/${COOP.A}/cooperation-agreements`, {
    partnerCoopId: COOP.B,
    validFrom: '2000-01-01',
    validUntil: '2099-12-31',
  });
  return {
    admin,
    treasurer,
    auditor: as(await apiKey(admin, 'auditor', COOP.P)),
    coopA: as(await apiKey(admin, 'coop', COOP.A)),
    coopB: as(await apiKey(admin, 'coop', COOP.B)),
  };
}

/**
 * Reads until `accept` holds: the services learn of each other's facts through the bus, so
 * what one acknowledged shows in another a moment later. Fails with the last answer.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: not reached in ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await sleep(100);
  }
}

export interface TrialBalance {
  rows: {
    account: string;
    currency: string;
    debitTurnover: string;
    creditTurnover: string;
    debitBalance: string;
    creditBalance: string;
  }[];
  totals: {
    currency: string;
    debitTurnover: string;
    creditTurnover: string;
    debitBalance: string;
    creditBalance: string;
  }[];
}

/** Σ debit = Σ credit in every currency, turnover and balance. */
export function balanced(trial: TrialBalance): boolean {
  return trial.totals.every(
    (t) => t.debitTurnover === t.creditTurnover && t.debitBalance === t.creditBalance,
  );
}

/** An account's balance in a trial balance (debit positive), summed over its sub-accounts. */
export function balanceOf(trial: TrialBalance, prefix: string): bigint {
  return trial.rows
    .filter((r) => r.account === prefix || r.account.startsWith(`${prefix}.`))
    .reduce((sum, r) => sum + BigInt(r.debitBalance) - BigInt(r.creditBalance), 0n);
}

export interface Schedule {
  installments: {
    number: number;
    dueDate: string;
    principal: { amount: string };
    interest: { amount: string };
    paidPrincipal: { amount: string };
    paidInterest: { amount: string };
  }[];
}

/** Today's business date in Jakarta, as the node has it. */
export function jakartaToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(now);
}

const JAKARTA_OFFSET_MS = 7 * 3_600_000;

/**
 * Midnight in Jakarta ends the business day and the default settlement window, and starts the
 * node's close of business: a scenario that crossed it would find its transfers in two batches
 * and its "today" gone. When midnight is less than `marginMs` away, this waits until it passed.
 */
export async function awayFromMidnight(marginMs = 150_000, now = Date.now): Promise<void> {
  const day = 86_400_000;
  const untilMidnight = day - ((now() + JAKARTA_OFFSET_MS) % day);
  if (untilMidnight < marginMs) await sleep(untilMidnight + 5_000);
}
