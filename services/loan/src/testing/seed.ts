import { v7 as uuidv7 } from 'uuid';
import type { EventStore } from '@kopfed/eventstore';
import type { LoanCommand } from '../loans/loan-commands';
import { loanDecider } from '../loans/loan.decider';
import type { LoanEvent } from '../loans/loan-events';
import { isSettled, unpaidInterest, unpaidPrincipal } from '../loans/loan-state';
import { addDays } from '../shared/dates';
import { loanStream } from '../shared/streams';
import { application, given, PERSON_FACTS, productWith } from './loan-fixtures';

/**
 * A loan book for benchmarks: `count` active loans of one coop, disbursed over the 90 days
 * before `asOf` at 12, 24 or 36 months, each paid on time except one in twenty, which pays
 * nothing. A few templates are decided by the real decider; each loan is a copy of one with
 * its own id and member, appended concurrently so the store commits them together.
 */
export async function seedActiveLoans(
  store: EventStore,
  count: number,
  asOf: string,
  coopId = 'ksp-bench',
): Promise<void> {
  const templates: LoanEvent[][] = [];
  for (let t = 0; t < 90; t++)
    templates.push(template(addDays(asOf, -90 + t), asOf, [12, 24, 36][t % 3]!, t % 20 === 0));
  const window = 2_000;
  for (let start = 0; start < count; start += window) {
    const batch: Promise<unknown>[] = [];
    for (let n = start; n < Math.min(count, start + window); n++) {
      const loanId = uuidv7();
      const events = templates[n % templates.length]!.map((e, index): LoanEvent =>
        index === 0 && e.type === 'LoanApplied'
          ? { ...e, data: { ...e.data, loanId, coopId, memberId: `member-${n}` } }
          : e,
      );
      batch.push(
        store.append(
          loanStream(loanId),
          events.map((e) => ({
            id: uuidv7(),
            type: e.type,
            schemaVersion: 1,
            data: e.data,
            metadata: { coopId, memberId: `member-${n}`, productCode: 'PINJAMAN' },
          })),
          { expectedRevision: 'no_stream' },
        ),
      );
    }
    await Promise.all(batch);
  }
}

function template(
  disbursedOn: string,
  asOf: string,
  termMonths: number,
  delinquent: boolean,
): LoanEvent[] {
  const commands: LoanCommand[] = [
    {
      type: 'ApplyForLoan',
      ...application({
        product: productWith({ maxTermMonths: 36 }, '2020-01-01'),
        facts: PERSON_FACTS,
        termMonths,
        appliedOn: addDays(disbursedOn, -3),
      }),
    },
    { type: 'ApproveLoan', approvedBy: 'key-checker', approvedOn: addDays(disbursedOn, -1) },
    {
      type: 'DisburseLoan',
      disbursedOn,
      via: { kind: 'savings', savingsAccountId: 'sav-1', productCode: 'SUKARELA' },
      disbursedBy: 'key-teller',
      externalId: null,
      bookOutstandingPrincipal: 0n,
      facts: PERSON_FACTS,
    },
  ];
  const events: LoanEvent[] = [];
  for (const command of commands) events.push(...loanDecider.decide(command, given(events)));
  if (delinquent) return events;
  const state = given(events);
  for (const installment of state.installments) {
    if (installment.dueDate >= asOf || isSettled(installment)) continue;
    events.push(
      ...loanDecider.decide(
        {
          type: 'RepayLoan',
          amount: unpaidPrincipal(installment) + unpaidInterest(installment),
          paidOn: installment.dueDate,
          via: { kind: 'cash' },
          receivedBy: 'key-teller',
          externalId: null,
        },
        given(events),
      ),
    );
  }
  return events;
}
