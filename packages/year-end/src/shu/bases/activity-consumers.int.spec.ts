import Database from 'better-sqlite3';
import { recordActivity } from './activity-consumers';
import { MemberActivityBook } from './member-activity';

type Received = Parameters<typeof recordActivity>[1];
const idr = (amount: number) => ({ amount: String(amount), currency: 'IDR' });
const received = (name: string, data: object, id: string) =>
  ({ name, data, envelope: { id } }) as unknown as Received;
const loan = (memberId: string) => ({
  loanId: `loan-${memberId}`,
  coopId: 'kop-a',
  memberId,
  productCode: 'PINJAMAN',
});
// 20,000 interest + 5,000 accrued interest + 1,000 fee count for jasa usaha; the penalty does not.
const parts = {
  principal: idr(100_000),
  prepaidPrincipal: idr(0),
  interest: idr(20_000),
  accruedInterest: idr(5_000),
  penalty: idr(700),
  fee: idr(1_000),
};
const repaid = (id: string, memberId: string, paidOn: string) =>
  received(
    'LoanRepaid',
    {
      ...loan(memberId),
      ...parts,
      amount: idr(126_700),
      via: { kind: 'savings', savingsAccountId: `acc-${memberId}`, productCode: 'SUKARELA' },
      outstandingPrincipal: idr(900_000),
      paidOn,
      externalId: null,
    },
    id,
  );
const reversed = (id: string, repaymentId: string, memberId: string, paidOn: string, on: string) =>
  received(
    'LoanRepaymentReversed',
    {
      ...loan(memberId),
      ...parts,
      repaymentId,
      amount: idr(126_700),
      via: { kind: 'savings', savingsAccountId: `acc-${memberId}`, productCode: 'SUKARELA' },
      outstandingPrincipal: idr(1_000_000),
      paidOn,
      reason: 'insufficient-funds',
      reversedOn: on,
    },
    id,
  );

describe('a loan repayment taken back (LoanRepaymentReversed) in the SHU bases', () => {
  it('no longer counts toward jasa usaha', async () => {
    const book = new MemberActivityBook(new Database(':memory:'));
    recordActivity(book, repaid('repaid-1', 'm1', '2025-03-03'));
    recordActivity(book, reversed('reversed-1', 'repaid-1', 'm1', '2025-03-03', '2025-03-03'));

    expect(await book.basesFor('kop-a', 2025)).toBeNull();
  });

  it('takes back only that repayment, once, whichever is delivered first and however often', async () => {
    const book = new MemberActivityBook(new Database(':memory:'));
    const events = [
      reversed('reversed-1', 'repaid-1', 'm1', '2025-03-03', '2025-03-04'),
      repaid('repaid-2', 'm1', '2025-04-03'),
      repaid('repaid-1', 'm1', '2025-03-03'),
      repaid('repaid-3', 'm2', '2025-03-03'),
    ];
    for (const event of events) recordActivity(book, event);
    for (const event of [...events].reverse()) recordActivity(book, event);

    expect(await book.basesFor('kop-a', 2025)).toEqual([
      { memberId: 'm1', capitalBasis: '0.000000', businessBasis: '26000' },
      { memberId: 'm2', capitalBasis: '0.000000', businessBasis: '26000' },
    ]);
  });

  it('lowers the year the repayment was dated in when refused in the next', async () => {
    const book = new MemberActivityBook(new Database(':memory:'));
    recordActivity(book, repaid('repaid-1', 'm1', '2025-12-31'));
    recordActivity(book, repaid('repaid-2', 'm1', '2026-01-05'));
    recordActivity(book, reversed('reversed-1', 'repaid-1', 'm1', '2025-12-31', '2026-01-02'));

    expect(await book.basesFor('kop-a', 2025)).toBeNull();
    expect(await book.basesFor('kop-a', 2026)).toEqual([
      { memberId: 'm1', capitalBasis: '0.000000', businessBasis: '26000' },
    ]);
  });

  it('gives no member a basis below zero while the repayment is still on its way', async () => {
    const book = new MemberActivityBook(new Database(':memory:'));
    recordActivity(book, repaid('repaid-2', 'm2', '2025-03-03'));
    recordActivity(book, reversed('reversed-1', 'repaid-1', 'm1', '2025-03-03', '2025-03-03'));

    expect(await book.basesFor('kop-a', 2025)).toEqual([
      { memberId: 'm2', capitalBasis: '0.000000', businessBasis: '26000' },
    ]);
  });
});
