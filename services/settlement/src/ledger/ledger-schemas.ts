import { z } from 'zod';
import type { Account, Chart } from '@kopfed/ledger';
import { CoopId, IsoDate, Memo, MoneyOut, PositiveMoney, Reason } from '../shared/schemas';

export const AccountCodeSchema = z
  .string()
  .regex(/^[1-5]-\d{3}(\.\d{1,4}){0,2}$/)
  .describe('SAK EP-style code: 1-110, 1-160.0001');
const AccountType = z.enum(['asset', 'liability', 'equity', 'income', 'expense']);
const BalanceRule = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('not_below_zero') }),
  z.strictObject({ kind: z.literal('floor'), floor: PositiveMoney }),
  z.strictObject({ kind: z.literal('ceiling'), ceiling: PositiveMoney }),
]);

export const AccountIn = z.strictObject({
  code: AccountCodeSchema,
  name: z.string().min(1).max(120),
  gloss: z.string().max(200).default(''),
  type: AccountType,
  contra: z.boolean().default(false),
  parent: AccountCodeSchema.optional(),
  postable: z.boolean().default(true),
  balanceRule: BalanceRule.default({ kind: 'none' }),
  clearing: z.strictObject({ counterparty: CoopId.optional() }).optional(),
});

export const ChartChangesIn = z.strictObject({
  upsert: z.array(AccountIn).max(500).optional(),
  remove: z.array(AccountCodeSchema).max(500).optional(),
  roles: z
    .strictObject({
      currentYearShu: AccountCodeSchema.optional(),
      retainedShu: AccountCodeSchema.optional(),
    })
    .optional(),
});

export const AccountOut = z.object({
  code: z.string(),
  name: z.string(),
  gloss: z.string(),
  type: AccountType,
  contra: z.boolean(),
  parent: z.string().nullable(),
  postable: z.boolean(),
  balanceRule: z.object({ kind: z.string(), limit: MoneyOut.optional() }),
  clearingCounterparty: z.string().nullable(),
  clearing: z.boolean(),
});

export const ChartOut = z.object({
  coopId: z.string(),
  accounts: z.array(AccountOut),
  roles: z.object({ currentYearShu: z.string(), retainedShu: z.string() }),
});

const money = (m: { amountMinor: bigint; currency: string }) => ({
  amount: m.amountMinor.toString(),
  currency: m.currency,
});

export function accountOut(account: Account): z.input<typeof AccountOut> {
  const rule = account.balanceRule;
  return {
    code: account.code,
    name: account.name,
    gloss: account.gloss,
    type: account.type,
    contra: account.contra,
    parent: account.parent ?? null,
    postable: account.postable,
    balanceRule:
      rule.kind === 'floor'
        ? { kind: 'floor', limit: money(rule.floor) }
        : rule.kind === 'ceiling'
          ? { kind: 'ceiling', limit: money(rule.ceiling) }
          : { kind: rule.kind },
    clearing: account.clearing !== undefined,
    clearingCounterparty: account.clearing?.counterparty ?? null,
  };
}

export const chartOut = (coopId: string, chart: Chart) => ({
  coopId,
  accounts: [...chart.accounts.values()].map(accountOut),
  roles: { currentYearShu: chart.roles.currentYearShu, retainedShu: chart.roles.retainedShu },
});

const LineIn = z.union([
  z.strictObject({ account: AccountCodeSchema, debit: PositiveMoney, memo: Memo.optional() }),
  z.strictObject({ account: AccountCodeSchema, credit: PositiveMoney, memo: Memo.optional() }),
]);

export const ManualEntryIn = z.strictObject({
  entryId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .describe('chosen by the client; posted once'),
  businessDate: IsoDate,
  description: z.string().min(1).max(500),
  lines: z.array(LineIn).min(2).max(500),
});

export const ReversalIn = z.strictObject({ reason: Reason, businessDate: IsoDate.optional() });

export const EntryOut = z.object({
  entryId: z.string(),
  coopId: z.string(),
  businessDate: z.string(),
  recordedAt: z.string(),
  description: z.string(),
  lines: z.array(
    z.object({
      account: z.string(),
      debit: MoneyOut.optional(),
      credit: MoneyOut.optional(),
      memo: z.string().optional(),
    }),
  ),
  source: z.object({ eventId: z.string(), type: z.string() }),
  reverses: z.string().optional(),
});

export const PeriodIn = z.strictObject({
  period: z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('month'),
      month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
    }),
    z.strictObject({ kind: z.literal('year'), year: z.int().min(1900).max(9999) }),
  ]),
});

const Slot = AccountCodeSchema;
export const GlMappingIn = z.strictObject({
  cash: Slot,
  bank: Slot,
  depositWithParent: Slot,
  settlementInTransit: Slot,
  clearing: Slot,
  taxPayable: Slot,
  undividedShu: Slot.default('3-500').describe(
    'SHU tahun berjalan: the SHU the RAT divides is debited here when it is distributed',
  ),
  reserve: Slot.default('3-300').describe('cadangan: credited with the reserve pool of the SHU'),
  shuPayable: Slot.default('2-140').describe(
    'utang SHU anggota: the members’ SHU between its distribution and their savings',
  ),
  savings: z
    .record(
      z.string().regex(/^[A-Z0-9_]{1,32}$/),
      z.strictObject({
        account: Slot,
        interestExpense: Slot,
        feeIncome: Slot,
        penaltyIncome: Slot,
      }),
    )
    .refine((r) => Object.keys(r).length <= 200, 'at most 200 products'),
  loans: z
    .record(
      z.string().regex(/^[A-Z0-9_]{1,32}$/),
      z.strictObject({
        principal: Slot,
        allowance: Slot,
        interestReceivable: Slot,
        interestIncome: Slot,
        feeIncome: Slot,
        penaltyIncome: Slot,
        provisionExpense: Slot,
        recoveryIncome: Slot,
      }),
    )
    .refine((r) => Object.keys(r).length <= 200, 'at most 200 products'),
});

export const GlMappingOut = GlMappingIn.extend({
  coopId: z.string(),
  effectiveFrom: z.string(),
  memberClearing: z.record(z.string(), z.string()),
});

export const UnpostedOut = z.object({
  items: z.array(
    z.object({
      coopId: z.string(),
      sourceId: z.string(),
      eventType: z.string(),
      code: z.string(),
      detail: z.string(),
      failedAt: z.string(),
    }),
  ),
});

export { Reason };
