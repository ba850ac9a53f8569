import { catalog } from '@kopfed/contracts';
import type { RecordedEvent } from '@kopfed/eventstore';
import { addDays } from './shared/dates';
import {
  application,
  disbursedLoan,
  PERSON_FACTS,
  productWith,
  run,
} from './testing/loan-fixtures';
import type { LoanCommand } from './loans/loan-commands';
import type { LoanEvent } from './loans/loan-events';
import { encodeLoanEvent, toPublic } from './public-events';

const identity = { coopId: 'ksp-1', memberId: 'm-1', productCode: 'PINJAMAN' };
const recorded = (event: LoanEvent, revision: number): RecordedEvent => ({
  id: `0193a3d0-0000-7000-8000-${String(revision).padStart(12, '0')}`,
  stream: 'loan-loan-1',
  revision,
  position: revision + 1,
  type: event.type,
  schemaVersion: 1,
  data: event.data,
  metadata: { correlationId: 'c-1', ...identity },
  recordedAt: '2026-03-01T01:00:00.000Z',
  businessDate: '2026-03-01',
});

/** A life that produces every loan event: secured, late, restructured, written off, recovered. */
function everything(): LoanEvent[] {
  const commands: LoanCommand[] = [
    {
      type: 'ApplyForLoan',
      ...application({
        product: productWith({ collateralSharePercent: '20' }),
        collateralSavingsAccountId: 'sav-9',
      }),
    },
    { type: 'ApproveLoan', approvedBy: 'c', approvedOn: '2026-01-25' },
    {
      type: 'RecordCollateralHold',
      holdId: 'loan-1',
      savingsAccountId: 'sav-9',
      amount: 2_000_000n,
      placedOn: '2026-01-26',
    },
    {
      type: 'DisburseLoan',
      disbursedOn: '2026-01-31',
      via: { kind: 'savings', savingsAccountId: 'sav-1', productCode: 'SUKARELA' },
      disbursedBy: 't',
      externalId: null,
      bookOutstandingPrincipal: 0n,
      facts: PERSON_FACTS,
    },
    {
      type: 'RepayLoan',
      amount: 5_000_000n,
      paidOn: '2026-02-28',
      via: { kind: 'savings', savingsAccountId: 'sav-9', productCode: 'SUKARELA' },
      receivedBy: 't',
      externalId: null,
    },
  ];
  for (let d = '2026-01-31'; d <= '2026-09-30'; d = addDays(d, 1))
    commands.push({ type: 'CloseBusinessDay', businessDate: d });
  commands.push({
    type: 'RestructureLoan',
    restructuredOn: '2026-09-30',
    installments: 6,
    graceMonths: 0,
    method: null,
    annualRatePercent: null,
    fee: 10_000n,
    restructuredBy: 'k',
  });
  return run(commands).events;
}

/** Another: lost and written off, then partly recovered. */
function writtenOff(): LoanEvent[] {
  const commands: LoanCommand[] = [];
  for (let d = '2026-01-31'; d <= '2026-08-31'; d = addDays(d, 1))
    commands.push({ type: 'CloseBusinessDay', businessDate: d });
  commands.push({
    type: 'WriteOffLoan',
    writtenOffOn: '2026-09-01',
    writtenOffBy: 'k',
    reason: 'macet',
  });
  commands.push({
    type: 'RecordRecovery',
    amount: 1_000_000n,
    recoveredOn: '2026-10-01',
    via: { kind: 'bank' },
    recordedBy: 'k',
  });
  return run(commands, disbursedLoan()).events;
}

/** And one repaid early, its hold and provision released. */
function paidOff(): LoanEvent[] {
  return run([
    {
      type: 'ApplyForLoan',
      ...application({
        product: productWith({ collateralSharePercent: '20' }),
        collateralSavingsAccountId: 'sav-9',
      }),
    },
    { type: 'ApproveLoan', approvedBy: 'c', approvedOn: '2026-01-25' },
    {
      type: 'RecordCollateralHold',
      holdId: 'loan-1',
      savingsAccountId: 'sav-9',
      amount: 2_000_000n,
      placedOn: '2026-01-26',
    },
    {
      type: 'DisburseLoan',
      disbursedOn: '2026-01-31',
      via: { kind: 'cash' },
      disbursedBy: 't',
      externalId: null,
      bookOutstandingPrincipal: 0n,
      facts: PERSON_FACTS,
    },
    { type: 'CloseBusinessDay', businessDate: '2026-01-31' },
    {
      type: 'RepayLoan',
      amount: 10_000_000n,
      paidOn: '2026-02-01',
      via: { kind: 'cash' },
      receivedBy: 't',
      externalId: null,
    },
  ]).events;
}

describe('public loan events', () => {
  it('maps every public event onto its contract, which validates it', () => {
    const life = [...everything(), ...writtenOff(), ...paidOff()];
    const seen = new Set<string>();
    life.forEach((event, index) => {
      const message = encodeLoanEvent(recorded(event, index), undefined);
      if (!message) return;
      const envelope = catalog.fromEnvelope(JSON.parse(message.value));
      seen.add(envelope.name);
      expect(envelope.envelope.subject).toBe('loan-1');
      expect(envelope.data).toMatchObject({ loanId: 'loan-1', ...identity });
    });
    expect([...seen].sort()).toEqual(
      [
        'LoanClosed',
        'LoanCollateralHoldReduced',
        'LoanCollateralHoldReleased',
        'LoanCollateralHoldRequested',
        'LoanDisbursed',
        'LoanFeeCharged',
        'LoanInterestAccrued',
        'LoanPenaltyCharged',
        'LoanProvisionAdded',
        'LoanProvisionReleased',
        'LoanReclassified',
        'LoanRecovered',
        'LoanRepaid',
        'LoanRestructured',
        'LoanWrittenOff',
      ].sort(),
    );
  });

  it('carries what the books need: LoanDisbursed and LoanRepaid', () => {
    const [, , disbursed] = disbursedLoan();
    expect(toPublic(recorded(disbursed!, 2))?.data).toMatchObject({
      principal: { amount: '10000000', currency: 'IDR' },
      fee: { amount: '100000', currency: 'IDR' },
      netAmount: { amount: '9900000', currency: 'IDR' },
      via: { kind: 'savings', savingsAccountId: 'sav-1', productCode: 'SUKARELA' },
      firstDueDate: '2026-02-28',
      maturityDate: '2027-01-31',
    });
  });

  it('keeps applications, overdue marks and zero-rupiah penalty carries private', () => {
    const applied = disbursedLoan()[0]!;
    expect(toPublic(recorded(applied, 0))).toBeUndefined();
    const carry: LoanEvent = {
      type: 'LoanPenaltyCharged',
      data: { penalty: '0', overdueAmount: '100', chargedFor: '2026-03-01', penaltyAccrued: '0.1' },
    };
    expect(toPublic(recorded(carry, 5))).toBeUndefined();
    expect(
      toPublic({
        ...recorded(applied, 0),
        stream: 'loanproduct-ksp-1.PINJAMAN',
        type: 'LoanProductVersionDefined',
      }),
    ).toBeUndefined();
  });

  it('refuses to publish a loan event without its identity', () => {
    const [, , disbursed] = disbursedLoan();
    expect(() => toPublic({ ...recorded(disbursed!, 2), metadata: {} })).toThrow(/identity/);
  });
});
