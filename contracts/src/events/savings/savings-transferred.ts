import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { CoopId, MemberId, SavingsAccountId } from '../../ids';
import { PositiveMoney } from '../../money';
import { IsoDate } from '../../time';
import { SavingsProductRef } from './vocabulary';

const Side = z.strictObject({ accountId: SavingsAccountId, product: SavingsProductRef });

export const SavingsTransferredV1 = z.strictObject({
  coopId: CoopId,
  memberId: MemberId,
  memberKind: z.enum(['person', 'coop']),
  memberCoopId: CoopId.nullable(),
  transferId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .describe('the client’s id of the transfer, used once'),
  from: Side,
  to: Side,
  amount: PositiveMoney,
  businessDate: IsoDate,
});
export type SavingsTransferredV1 = z.output<typeof SavingsTransferredV1>;

export const SavingsTransferred = defineEvent({
  name: 'SavingsTransferred',
  service: 'savings',
  description:
    'A member moved money between two of its own accounts (e.g. sukarela to wajib, or a matured deposit to sukarela); published once the transfer completed. Books: one entry, debit the `from` product, credit the `to` product (ledger movement SavingsWithdrawn with product = from and via = savings of the `to` product).',
  versions: [
    {
      version: 1,
      schema: SavingsTransferredV1,
      example: {
        coopId: '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c01',
        memberId: '0193a3c3-0a4b-7c2d-8e1f-5a6b7c8d9e10',
        memberKind: 'person',
        memberCoopId: null,
        transferId: 'tr-2026-0001',
        from: {
          accountId: 'sukarela-0153',
          product: { code: 'SUKARELA', kind: 'sukarela', classification: 'liability' },
        },
        to: {
          accountId: 'wajib-0153',
          product: { code: 'WAJIB', kind: 'wajib', classification: 'equity' },
        },
        amount: { amount: '100000', currency: 'IDR' },
        businessDate: '2026-03-25',
      },
    },
  ],
});
