import { z } from 'zod';
import { CoopId, MemberId, SavingsAccountId } from '../../ids';

/**
 * The savings service's shared vocabulary. Every money event names the account, its holder and
 * its product — the product's code, kind and whether its balance is equity (simpanan pokok,
 * wajib) or a liability (sukarela, berjangka) — so the books can post it without asking.
 */
export const SavingsProductKind = z
  .enum(['pokok', 'wajib', 'sukarela', 'berjangka'])
  .describe(
    'simpanan pokok (membership share), wajib (compulsory monthly), sukarela (voluntary), berjangka (time deposit)',
  );
export type SavingsProductKind = z.output<typeof SavingsProductKind>;

export const SavingsProductRef = z.strictObject({
  code: z
    .string()
    .regex(/^[A-Z0-9_]{1,32}$/)
    .describe("the coop's product code, e.g. SUKARELA or BERJANGKA_12"),
  kind: SavingsProductKind,
  classification: z
    .enum(['equity', 'liability'])
    .describe('where the balance sits in the balance sheet'),
});
export type SavingsProductRef = z.output<typeof SavingsProductRef>;

/** Where money came from or went to outside the member's own savings (the ledger's Funds kinds). */
export const SavingsFunds = z
  .enum(['cash', 'bank', 'deposit_with_parent', 'settlement_in_transit'])
  .describe('the counterpart of the movement in the coop’s books');

/**
 * Where a deposit's money came from: any of SavingsFunds, or `shu_payable` — the member's SHU
 * share the RAT divided (utang SHU anggota), credited without money coming in.
 */
export const SavingsDepositFunds = z
  .enum([...SavingsFunds.options, 'shu_payable'])
  .describe(
    'the counterpart of the deposit in the coop’s books; shu_payable: a share of the SHU the RAT divided',
  );

export const AccountHolder = {
  coopId: CoopId.describe('the coop that keeps the account'),
  accountId: SavingsAccountId,
  memberId: MemberId,
  memberKind: z
    .enum(['person', 'coop'])
    .describe('withholding tax applies to people only (PP 15/2009)'),
  memberCoopId: CoopId.nullable().describe(
    'for a member coop, the coop itself (its deposit with its parent)',
  ),
};

export const HOLDER_EXAMPLE = {
  coopId: '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c01',
  accountId: '0193a3c4-1b2c-7d3e-8f40-5a6b7c8d9e01',
  memberId: '0193a3c3-0a4b-7c2d-8e1f-5a6b7c8d9e10',
  memberKind: 'person',
  memberCoopId: null,
} as const;

export const SUKARELA_EXAMPLE = {
  code: 'SUKARELA',
  kind: 'sukarela',
  classification: 'liability',
} as const;
