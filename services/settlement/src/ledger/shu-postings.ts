import { invariant } from '@kopfed/domain';
import type { RecordedEvent } from '@kopfed/eventstore';
import { coopId, type MoneyEvent } from '@kopfed/ledger';
import { money } from '@kopfed/money';
import type { ShuEvent } from '@kopfed/year-end';

/** The SHU events that move money in a coop's books. */
export const POSTED_SHU_EVENTS = ['ShuDistributed'] as const;

type Distributed = Extract<ShuEvent, { type: 'ShuDistributed' }>['data'];

/**
 * A coop's SHU divided as the RAT decided (posting-rules.ts, ShuDistributed), in its own
 * books, dated the distribution's business date: the members' pools out of SHU tahun berjalan
 * into utang SHU anggota — each member's share then leaves it as a savings deposit from
 * `shu_payable` — and the reserve pool into cadangan. The board, staff, education and social
 * pools are paid out by the coop itself and stay in SHU tahun berjalan until then; what is
 * left of it at the next year-end close goes to SHU ditahan.
 */
export function shuPostings(event: RecordedEvent): MoneyEvent[] {
  if (event.type !== 'ShuDistributed') return [];
  const d = event.data as Distributed;
  const credited = d.credits.reduce((sum, c) => sum + BigInt(c.amount), 0n);
  if (d.pools) {
    const pooled = BigInt(d.pools.memberCapital) + BigInt(d.pools.memberBusiness);
    invariant(
      pooled === credited,
      `SHU ${d.simulationId}: members' credits ${credited} ≠ their pools ${pooled}`,
    );
  }
  const reserve = BigInt(d.pools?.reserve ?? '0');
  if (credited === 0n && reserve === 0n) return [];
  return [
    {
      eventId: event.id,
      eventType: event.type,
      coopId: coopId(d.coopId),
      businessDate: d.businessDate,
      recordedAt: event.recordedAt,
      reference: `SHU ${d.financialYear} (${d.simulationId})`,
      movement: {
        type: 'ShuDistributed',
        members: money(credited, d.currency),
        reserve: money(reserve, d.currency),
      },
    },
  ];
}
