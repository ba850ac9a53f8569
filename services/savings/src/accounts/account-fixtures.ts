import type { Product, ProductTerms } from '../products/product';
import { DomainError } from '@kopfed/domain';
import type { AccountCommand, Context } from './account-commands';
import type { AccountEvent } from './account-events';
import { evolveAccount, initialAccountState, type AccountState } from './account-state';
import { accountDecider } from './account.decider';

/** Products and commands for the account decider's tests (pure: no store, no clock). */
const terms = (overrides: Partial<ProductTerms> = {}): ProductTerms => ({
  effectiveFrom: '2026-01-01',
  rateBasisPoints: 0,
  minimumBalanceForInterest: 0n,
  minimumBalance: 0n,
  pokokAmount: null,
  wajibMonthlyAmount: null,
  earlyWithdrawalPenaltyBasisPoints: 0,
  minimumPlacement: 0n,
  ...overrides,
});

export const PRODUCTS: Record<'sukarela' | 'pokok' | 'wajib' | 'berjangka', Product> = {
  sukarela: {
    code: 'SUKARELA',
    name: 'Sukarela',
    kind: 'sukarela',
    classification: 'liability',
    securesLoans: true,
    interest: { basis: 'daily_balance', posting: 'monthly' },
    termMonths: null,
    versions: [terms({ rateBasisPoints: 365, minimumBalance: 10_000n })],
  },
  pokok: {
    code: 'POKOK',
    name: 'Pokok',
    kind: 'pokok',
    classification: 'equity',
    securesLoans: false,
    interest: null,
    termMonths: null,
    versions: [terms({ pokokAmount: 100_000n })],
  },
  wajib: {
    code: 'WAJIB',
    name: 'Wajib',
    kind: 'wajib',
    classification: 'equity',
    securesLoans: true,
    interest: null,
    termMonths: null,
    versions: [
      terms({ wajibMonthlyAmount: 50_000n }),
      terms({ effectiveFrom: '2026-05-01', wajibMonthlyAmount: 60_000n }),
    ],
  },
  berjangka: {
    code: 'BERJANGKA_3',
    name: 'Berjangka 3',
    kind: 'berjangka',
    classification: 'liability',
    securesLoans: true,
    interest: { basis: 'daily_balance', posting: 'monthly' },
    termMonths: 3,
    versions: [
      terms({
        rateBasisPoints: 730,
        earlyWithdrawalPenaltyBasisPoints: 100,
        minimumPlacement: 1_000_000n,
      }),
    ],
  },
};

export const member = { memberActive: true, coopStatus: 'active' as const };
export const ctx = (product: Product, overrides: Partial<Context> = {}): Context => ({
  on: '2026-03-10',
  now: '2026-03-10T03:00:00.000Z',
  product,
  membership: member,
  ...overrides,
});

export function openCommand(
  product: Product,
  overrides: Partial<Extract<AccountCommand, { type: 'OpenAccount' }>> = {},
): AccountCommand {
  return {
    type: 'OpenAccount',
    accountId: 'acc-1',
    coopId: 'ksp-a',
    coopKind: 'primary',
    memberId: 'm-1',
    memberKind: 'person',
    memberCoopId: null,
    today: '2026-03-10',
    initialDeposit: null,
    maturityInstruction: null,
    externalId: null,
    ...ctx(product),
    ...overrides,
  };
}

export const given = (events: readonly AccountEvent[]): AccountState =>
  events.reduce(evolveAccount, initialAccountState());
export const when = (events: readonly AccountEvent[], command: AccountCommand): AccountEvent[] =>
  accountDecider.decide(command, given(events));
/** Decides and returns the history with the new events appended. */
export const then = (events: readonly AccountEvent[], command: AccountCommand): AccountEvent[] => [
  ...events,
  ...when(events, command),
];

/** Helpers of the given/when/then tests. */
export function refusal(events: readonly AccountEvent[], command: AccountCommand): DomainError {
  try {
    when(events, command);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('accepted');
}
export const opened = (product: Product = PRODUCTS.sukarela, deposit = 500_000n) =>
  when(
    [],
    openCommand(product, {
      initialDeposit: deposit > 0n ? { amount: deposit, via: 'cash' } : null,
    }),
  );
export const deposit = (
  amount: bigint,
  product: Product = PRODUCTS.sukarela,
  overrides = {},
): AccountCommand => ({
  type: 'Deposit',
  ...ctx(product),
  amount,
  via: 'cash',
  reference: null,
  externalId: null,
  ...overrides,
});
export const withdraw = (
  amount: bigint,
  product: Product = PRODUCTS.sukarela,
  overrides = {},
): AccountCommand => ({
  type: 'Withdraw',
  ...ctx(product),
  withdrawalId: 'w-1',
  amount,
  via: 'cash',
  reference: null,
  externalId: null,
  requestedBy: 'maker',
  approvalThreshold: 1_000_000n,
  ...overrides,
});
export const hold = (amount: bigint, overrides = {}): AccountCommand => ({
  type: 'PlaceHold',
  ...ctx(PRODUCTS.sukarela),
  holdId: 'h-1',
  amount,
  reason: 'loan collateral',
  expiresAt: '2026-04-01T00:00:00.000Z',
  placedBy: 'loan',
  ...overrides,
});
export const balanceOf = (events: readonly AccountEvent[]) => {
  const state = given(events);
  return state.status === 'none' ? undefined : state.balance;
};
