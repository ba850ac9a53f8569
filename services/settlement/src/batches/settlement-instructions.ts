import { createHash } from 'node:crypto';
import type { BatchRef } from '../clearing/model';
import type { BilateralPosition, CoopPosition } from '../clearing/positions';
import { absolute, minorOf, moneyJson } from '../shared/money';
import type { Instruction } from './batch-events';

type Draft = Omit<Instruction, 'reference'>;

function multilateral(positions: readonly CoopPosition[], currency: string): Draft[] {
  return positions
    .map((p) => ({ coopId: p.coopId, net: minorOf(p.net) }))
    .filter(({ net }) => net !== 0n)
    .map(({ coopId, net }) => ({
      coopId,
      direction: net < 0n ? 'pay' : 'receive',
      amount: moneyJson(absolute(net), currency),
      counterpartyCoopId: null,
    }));
}

function gross(positions: readonly CoopPosition[], currency: string): Draft[] {
  return positions.flatMap((p): Draft[] => [
    ...(minorOf(p.debits) > 0n
      ? [
          {
            coopId: p.coopId,
            direction: 'pay' as const,
            amount: p.debits,
            counterpartyCoopId: null,
          },
        ]
      : []),
    ...(minorOf(p.credits) > 0n
      ? [
          {
            coopId: p.coopId,
            direction: 'receive' as const,
            amount: moneyJson(minorOf(p.credits), currency),
            counterpartyCoopId: null,
          },
        ]
      : []),
  ]);
}

/** Each pair settles its bilateral net, both legs through the parent. */
function bilateral(matrix: readonly BilateralPosition[], currency: string): Draft[] {
  const owed = new Map<string, bigint>();
  for (const row of matrix) {
    const [a, b] =
      row.fromCoopId < row.toCoopId
        ? [row.fromCoopId, row.toCoopId]
        : [row.toCoopId, row.fromCoopId];
    const sign = row.fromCoopId === a ? 1n : -1n;
    const key = `${a} ${b}`;
    owed.set(key, (owed.get(key) ?? 0n) + sign * minorOf(row.amount));
  }
  return [...owed.entries()]
    .sort(([x], [y]) => (x < y ? -1 : 1))
    .flatMap(([key, aOwesB]): Draft[] => {
      if (aOwesB === 0n) return [];
      const [a = '', b = ''] = key.split(' ');
      const [payer, payee] = aOwesB > 0n ? [a, b] : [b, a];
      const amount = moneyJson(absolute(aOwesB), currency);
      return [
        { coopId: payer, direction: 'pay', amount, counterpartyCoopId: payee },
        { coopId: payee, direction: 'receive', amount, counterpartyCoopId: payer },
      ];
    });
}

/** `STL-3FA2B1C9-007`: short enough for a bank transfer's remittance line. */
export function instructionReference(batchId: string, index: number): string {
  const hash = createHash('sha256').update(batchId).digest('hex').slice(0, 8).toUpperCase();
  return `STL-${hash}-${String(index + 1).padStart(3, '0')}`;
}

/** The settlement instructions of a closed batch under its model. */
export function settlementInstructions(
  batch: BatchRef,
  positions: readonly CoopPosition[],
  matrix: readonly BilateralPosition[],
): Instruction[] {
  const drafts =
    batch.model === 'multilateral_net'
      ? multilateral(positions, batch.currency)
      : batch.model === 'gross'
        ? gross(positions, batch.currency)
        : bilateral(matrix, batch.currency);
  return drafts.map((draft, index) => ({
    ...draft,
    reference: instructionReference(batch.batchId, index),
  }));
}

/** What a coop's instructions add up to, signed as its net: + receives, − pays. */
export function signedTotal(instructions: readonly Instruction[]): bigint {
  return instructions.reduce(
    (sum, i) => sum + (i.direction === 'receive' ? minorOf(i.amount) : -minorOf(i.amount)),
    0n,
  );
}
