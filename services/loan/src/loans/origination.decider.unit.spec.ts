import {
  application,
  disbursedLoan,
  given,
  PERSON_FACTS,
  productWith,
  run,
  TERMS,
  types,
} from '../testing/loan-fixtures';
import { refusal, when } from '../testing/refusal';
import type { BorrowerFacts } from './loan-commands';
import type { LoanEvent } from './loan-events';

const apply = (overrides: Parameters<typeof application>[0] = {}) => ({
  type: 'ApplyForLoan' as const,
  ...application(overrides),
});
const applied = when([], apply());
const approve = {
  type: 'ApproveLoan' as const,
  approvedBy: 'key-checker',
  approvedOn: '2026-01-25',
};
const disburse = {
  type: 'DisburseLoan' as const,
  disbursedOn: '2026-01-31',
  via: { kind: 'savings' as const, savingsAccountId: 'sav-1', productCode: 'SUKARELA' },
  disbursedBy: 'key-teller',
  externalId: null,
  bookOutstandingPrincipal: 0n,
  facts: PERSON_FACTS,
};
const coopFacts = (overrides: Partial<BorrowerFacts> = {}): BorrowerFacts => ({
  lender: { kind: 'secondary', status: 'active' },
  member: { memberId: 'm-1', coopId: 'ksp-1', kind: 'coop', memberCoopId: 'ksp-9', left: false },
  memberCoop: { status: 'active' },
  agreement: { agreementId: 'agr-1' },
  ...overrides,
});

describe('loan decider: origination', () => {
  describe('ApplyForLoan', () => {
    it('copies the product version in force and records the effective rate', () => {
      expect(applied).toHaveLength(1);
      expect(applied[0]).toMatchObject({
        type: 'LoanApplied',
        data: {
          loanId: 'loan-1',
          borrower: { kind: 'person' },
          principal: '10000000',
          effectiveAnnualRatePercent: '12.00',
          collateral: null,
          origin: 'kopfed',
        },
      });
      expect(given(applied)).toMatchObject({
        status: 'applied',
        principal: 10_000_000n,
        method: 'ANNUITY',
      });
    });

    it('lends to a member coop under a cooperation agreement in force', () => {
      const events = when([], apply({ facts: coopFacts() }));
      expect(events[0]).toMatchObject({
        data: { borrower: { kind: 'coop', memberCoopId: 'ksp-9', agreementId: 'agr-1' } },
      });
    });

    it.each([
      ['coop_unknown', { facts: { ...PERSON_FACTS, lender: null } }],
      [
        'coop_not_active',
        { facts: { ...PERSON_FACTS, lender: { kind: 'primary', status: 'suspended' } } },
      ],
      ['borrower_not_member', { facts: { ...PERSON_FACTS, member: null } }],
      [
        'borrower_not_member',
        { facts: { ...PERSON_FACTS, member: { ...PERSON_FACTS.member!, coopId: 'other' } } },
      ],
      [
        'borrower_left',
        { facts: { ...PERSON_FACTS, member: { ...PERSON_FACTS.member!, left: true } } },
      ],
      [
        'secondary_serves_coops',
        { facts: { ...PERSON_FACTS, lender: { kind: 'secondary', status: 'active' } } },
      ],
      ['member_coop_not_active', { facts: coopFacts({ memberCoop: { status: 'suspended' } }) }],
      ['no_cooperation_agreement', { facts: coopFacts({ agreement: null }) }],
      ['principal_out_of_range', { principal: 999_999n }],
      ['principal_out_of_range', { principal: 500_000_001n }],
      ['term_out_of_range', { termMonths: 61 }],
      ['grace_out_of_range', { graceMonths: 4, termMonths: 24 }],
      ['grace_out_of_range', { graceMonths: 1, termMonths: 1 }],
      ['collateral_required', { product: productWith({ collateralSharePercent: '20' }) }],
      ['product_not_in_force', { appliedOn: '2025-12-31' }],
    ] as const)('refuses with %s', (code, overrides) => {
      expect(refusal([], apply(overrides as never)).code).toBe(code);
    });

    it('refuses a 20% flat loan of 12 months (35.07% effective) and takes a 20% effective one', () => {
      // As if the flat product had been defined under an older, looser table.
      const product = (method: 'FLAT' | 'EFFECTIVE') => ({
        coopId: 'ksp-1',
        productCode: 'PINJAMAN',
        versions: [
          { effectiveFrom: '2026-01-01', terms: { ...TERMS, method, annualRatePercent: '20' } },
        ],
      });
      expect(refusal([], apply({ product: product('FLAT') }))).toMatchObject({
        code: 'rate_cap_exceeded',
        details: { effectiveAnnualRatePercent: '35.07', capPercent: '24' },
      });
      expect(when([], apply({ product: product('EFFECTIVE') }))[0]).toMatchObject({
        data: { effectiveAnnualRatePercent: '20.00' },
      });
      const lowered = apply({
        rateCaps: [
          { version: 'lower', effectiveFrom: '2026-01-01', maxEffectiveAnnualRatePercent: '10' },
        ],
      });
      expect(refusal([], lowered)).toMatchObject({
        code: 'rate_cap_exceeded',
        details: { effectiveAnnualRatePercent: '12.00' },
      });
    });

    it('refuses a second application on the same loan', () => {
      expect(refusal(applied, apply())).toMatchObject({ code: 'loan_exists', kind: 'conflict' });
    });
  });

  describe('ApproveLoan and RejectLoan (maker-checker)', () => {
    it('approves by another key', () => {
      expect(when(applied, approve)).toEqual([
        { type: 'LoanApproved', data: { approvedBy: 'key-checker', approvedOn: '2026-01-25' } },
      ]);
    });
    it('refuses the maker as checker, twice-approving, and approving before applying', () => {
      expect(refusal(applied, { ...approve, approvedBy: 'key-maker' }).code).toBe('maker_checker');
      expect(refusal([...applied, ...when(applied, approve)], approve).code).toBe(
        'loan_not_applied',
      );
      expect(refusal(applied, { ...approve, approvedOn: '2026-01-19' }).code).toBe(
        'approved_before_applied',
      );
    });
    it('rejects a pending loan, and nothing else', () => {
      const rejected = when(applied, {
        type: 'RejectLoan',
        rejectedBy: 'k',
        rejectedOn: '2026-01-21',
        reason: 'no',
      });
      expect(types(rejected)).toEqual(['LoanRejected']);
      expect(given([...applied, ...rejected]).status).toBe('rejected');
      expect(
        refusal(disbursedLoan(), {
          type: 'RejectLoan',
          rejectedBy: 'k',
          rejectedOn: '2026-02-01',
          reason: 'late',
        }).code,
      ).toBe('loan_not_pending');
    });
  });

  describe('savings-secured loans', () => {
    const secured = run([
      {
        type: 'ApplyForLoan',
        ...application({
          product: productWith({ collateralSharePercent: '20' }),
          collateralSavingsAccountId: 'sav-9',
        }),
      },
      approve,
    ]).events;
    const hold = {
      type: 'RecordCollateralHold' as const,
      holdId: 'loan-1',
      savingsAccountId: 'sav-9',
      amount: 2_000_000n,
      placedOn: '2026-01-26',
    };

    it('asks the savings service for a hold on approval, named by the loan id', () => {
      expect(secured.slice(-1)).toEqual([
        {
          type: 'LoanCollateralHoldRequested',
          data: {
            holdId: 'loan-1',
            savingsAccountId: 'sav-9',
            amount: '2000000',
            requestedOn: '2026-01-25',
          },
        },
      ]);
    });
    it('disburses only once the hold secures the required share', () => {
      expect(refusal(secured, disburse).code).toBe('collateral_not_held');
      const held = [...secured, ...when(secured, hold)];
      expect(given(held).collateral).toMatchObject({ held: 2_000_000n, holdId: 'loan-1' });
      expect(types(when(held, disburse))).toEqual(['LoanDisbursed']);
      expect(when(held, hold)).toEqual([]);
    });
    it('keeps the hold of a disbursed loan unless repayments change it', () => {
      const held = [...secured, ...when(secured, hold)];
      const active = [...held, ...when(held, disburse)];
      expect(when(active, hold)).toEqual([]);
      expect(refusal(active, { ...hold, amount: 3_000_000n })).toMatchObject({
        code: 'loan_already_disbursed',
        kind: 'conflict',
      });
    });
    it('refuses a hold on another account, or for an unsecured loan', () => {
      expect(refusal(secured, { ...hold, savingsAccountId: 'sav-x' }).code).toBe(
        'wrong_savings_account',
      );
      expect(refusal(when([], apply()), hold).code).toBe('loan_not_secured');
    });
    const refused = {
      type: 'RecordCollateralHoldRefused' as const,
      holdId: 'loan-1',
      savingsAccountId: 'sav-9',
      amount: 2_000_000n,
      reason: 'insufficient-funds',
      detail: 'Only 500000 rupiah can be taken.',
      refusedOn: '2026-01-26',
    };
    it('records a hold savings refused: the loan is not secured and is not paid out', () => {
      const events = when(secured, refused);
      expect(events).toEqual([
        {
          type: 'LoanCollateralHoldRefused',
          data: {
            holdId: 'loan-1',
            savingsAccountId: 'sav-9',
            amount: '2000000',
            reason: 'insufficient-funds',
            detail: 'Only 500000 rupiah can be taken.',
            refusedOn: '2026-01-26',
          },
        },
      ]);
      const after = [...secured, ...events];
      expect(given(after).collateral).toMatchObject({
        held: 0n,
        requested: false,
        refused: { reason: 'insufficient-funds', refusedOn: '2026-01-26' },
      });
      expect(refusal(after, disburse)).toMatchObject({
        code: 'collateral_refused',
        details: { reason: 'insufficient-funds', refusedOn: '2026-01-26' },
      });
      // Reported again: recorded once. Rejected: nothing was placed, nothing to release.
      expect(when(after, refused)).toEqual([]);
      expect(
        types(
          when(after, {
            type: 'RejectLoan',
            rejectedBy: 'k',
            rejectedOn: '2026-01-27',
            reason: 'x',
          }),
        ),
      ).toEqual(['LoanRejected']);
    });
    it('is secured after all by a hold savings places later under the loan id', () => {
      const after = [...secured, ...when(secured, refused)];
      const held = [...after, ...when(after, hold)];
      expect(given(held).collateral).toMatchObject({ held: 2_000_000n, refused: null });
      expect(types(when(held, disburse))).toEqual(['LoanDisbursed']);
      // A refusal that comes after the hold was placed changes nothing.
      expect(when(held, refused)).toEqual([]);
    });
    it('passes over a refusal of another hold or account, or of an unsecured or pending loan', () => {
      expect(when(secured, { ...refused, holdId: 'pay-1' })).toEqual([]);
      expect(when(secured, { ...refused, savingsAccountId: 'sav-x' })).toEqual([]);
      expect(when(when([], apply()), refused)).toEqual([]);
      expect(when(secured.slice(0, 1), refused)).toEqual([]);
    });
    it('releases the requested hold when the loan is rejected', () => {
      const events = when(secured, {
        type: 'RejectLoan',
        rejectedBy: 'k',
        rejectedOn: '2026-01-27',
        reason: 'withdrawn',
      });
      expect(events[1]).toEqual({
        type: 'LoanCollateralHoldReleased',
        data: { holdId: null, savingsAccountId: 'sav-9', released: '0', releasedOn: '2026-01-27' },
      });
    });
  });

  describe('DisburseLoan', () => {
    const approved: LoanEvent[] = [...applied, ...when(applied, approve)];
    it('pays out less the fee and fixes the schedule from the payout date', () => {
      const [event] = when(approved, disburse);
      expect(event).toMatchObject({
        type: 'LoanDisbursed',
        data: { fee: '100000', principal: '10000000', method: 'ANNUITY', termMonths: 12 },
      });
      const state = given([...approved, event!]);
      expect(state.status).toBe('active');
      expect(state.installments[0]).toMatchObject({
        dueDate: '2026-02-28',
        startDate: '2026-01-31',
        principal: 788_488n,
        interest: 100_000n,
      });
    });
    it('pays out only to a borrower still eligible on the disbursement date', () => {
      const left = { ...PERSON_FACTS.member!, left: true };
      expect(
        refusal(approved, { ...disburse, facts: { ...PERSON_FACTS, member: left } }),
      ).toMatchObject({ code: 'borrower_left', kind: 'rejected', pointer: undefined });
      const suspended = { kind: 'primary' as const, status: 'suspended' as const };
      expect(
        refusal(approved, { ...disburse, facts: { ...PERSON_FACTS, lender: suspended } }).code,
      ).toBe('coop_not_active');
      const secondary = productWith();
      const coopLoan = run([
        { type: 'ApplyForLoan', ...application({ product: secondary, facts: coopFacts() }) },
        approve,
      ]).events;
      expect(refusal(coopLoan, { ...disburse, facts: coopFacts({ agreement: null }) }).code).toBe(
        'no_cooperation_agreement',
      );
      expect(types(when(coopLoan, { ...disburse, facts: coopFacts() }))).toEqual(['LoanDisbursed']);
    });
    it('refuses an unapproved loan and a payout before approval', () => {
      expect(refusal(applied, disburse).code).toBe('loan_not_approved');
      expect(refusal(approved, { ...disburse, disbursedOn: '2026-01-24' }).code).toBe(
        'disbursed_before_approved',
      );
      expect(refusal(disbursedLoan(), disburse).code).toBe('loan_not_approved');
    });
    it('refuses a payout that would take the loan book past 18 digits, changing nothing', () => {
      const room = 999_999_999_999_999_999n - 10_000_000n;
      expect(types(when(approved, { ...disburse, bookOutstandingPrincipal: room }))).toEqual([
        'LoanDisbursed',
      ]);
      expect(refusal(approved, { ...disburse, bookOutstandingPrincipal: room + 1n })).toMatchObject(
        {
          code: 'loan_book_limit_exceeded',
          kind: 'rejected',
          details: { limit: '999999999999999999', bookOutstandingPrincipal: String(room + 1n) },
        },
      );
      // A payout already made is the same again, however full the book has become.
      const synced = { ...disburse, externalId: 'CAIR-1' };
      const active = [...approved, ...when(approved, synced)];
      expect(
        when(active, { ...synced, bookOutstandingPrincipal: 999_999_999_999_999_999n }),
      ).toEqual([]);
    });
    it('takes the same disbursement again as nothing new, and refuses it with other terms', () => {
      const synced = { ...disburse, externalId: 'CAIR-1' };
      const active = [...approved, ...when(approved, synced)];
      expect(when(active, synced)).toEqual([]);
      for (const changed of [
        { ...synced, disbursedOn: '2026-02-02' },
        { ...synced, via: { kind: 'cash' as const } },
        { ...synced, via: { ...synced.via, savingsAccountId: 'sav-2' } },
      ])
        expect(refusal(active, changed)).toMatchObject({
          code: 'disbursement_terms_differ',
          kind: 'conflict',
        });
    });
  });

  describe('ImportLoan (sync)', () => {
    const importing = {
      type: 'ImportLoan' as const,
      ...application({ externalId: 'PJ-1' }),
      approvedBy: 'sync:key',
      heldCollateral: null,
    };
    it('applies and approves at once; the same loan again is nothing new', () => {
      const events = when([], importing);
      expect(types(events)).toEqual(['LoanApplied', 'LoanApproved']);
      expect(events[0]).toMatchObject({ data: { origin: 'sync', externalId: 'PJ-1' } });
      expect(when(events, importing)).toEqual([]);
      expect(refusal(events, { ...importing, principal: 9_000_000n }).code).toBe(
        'loan_terms_differ',
      );
    });
    it('records the hold the coop already placed, or refuses without one', () => {
      const secured = {
        ...importing,
        product: productWith({ collateralSharePercent: '10' }),
        collateralSavingsAccountId: 'sav-2',
      };
      expect(refusal([], secured).code).toBe('collateral_not_held');
      const events = when([], {
        ...secured,
        heldCollateral: { holdId: 'h-1', amount: 1_000_000n },
      });
      expect(types(events)).toEqual(['LoanApplied', 'LoanApproved', 'LoanCollateralHoldPlaced']);
      const placed = { ...secured, heldCollateral: { holdId: 'h-1', amount: 1_000_000n } };
      expect(when(events, placed)).toEqual([]);
      for (const changed of [
        { ...placed, collateralSavingsAccountId: 'sav-3' },
        { ...placed, heldCollateral: { holdId: 'h-2', amount: 1_000_000n } },
      ])
        expect(refusal(events, changed).code).toBe('loan_terms_differ');
    });
  });
});
