import Database from 'better-sqlite3';
import { recordActivity } from './activity-consumers';
import { MemberActivityBook } from './member-activity';

type Received = Parameters<typeof recordActivity>[1];
const holder = (memberId: string) => ({
  coopId: 'kop-a',
  accountId: `acc-${memberId}`,
  memberId,
  memberKind: 'person',
  memberCoopId: null,
});
const product = (kind: string) => ({ code: kind.toUpperCase(), kind, classification: 'equity' });
const idr = (amount: number) => ({ amount: String(amount), currency: 'IDR' });
let counter = 0;
const received = (name: string, data: object, id = `evt-${++counter}`) =>
  ({ name, data, envelope: { id } }) as unknown as Received;
const deposit = (memberId: string, kind: string, amount: number, businessDate: string) =>
  received('SavingsDeposited', {
    ...holder(memberId),
    product: product(kind),
    amount: idr(amount),
    via: 'cash',
    businessDate,
    externalId: null,
  });

describe('SHU bases from the books', () => {
  it('averages pokok + wajib daily balances over the year and sums interest and fees paid', async () => {
    const book = new MemberActivityBook(new Database(':memory:'));
    const repaid = (memberId: string, paidOn: string) =>
      received('LoanRepaid', {
        loanId: 'loan-1',
        coopId: 'kop-a',
        memberId,
        productCode: 'PINJAMAN',
        interest: idr(20_000),
        accruedInterest: idr(5_000),
        fee: idr(1_000),
        penalty: idr(700),
        paidOn,
      });
    const events = [
      deposit('m1', 'pokok', 100_000, '2024-06-01'),
      deposit('m1', 'wajib', 50_000, '2025-12-31'),
      deposit('m2', 'pokok', 365_000, '2025-07-02'),
      deposit('m2', 'sukarela', 1_000_000, '2025-01-01'),
      deposit('m4', 'wajib', 10_000, '2026-01-01'),
      repaid('m3', '2025-03-03'),
      repaid('m3', '2026-01-02'),
    ];
    for (const event of events) recordActivity(book, event);
    // Delivered again: nothing changes.
    for (const event of events) recordActivity(book, event);
    recordActivity(
      book,
      received('SavingsWithdrawn', {
        ...holder('m1'),
        product: product('wajib'),
        amount: idr(50_000),
        businessDate: '2025-12-31',
        reason: 'withdrawal',
        hold: null,
        externalId: null,
      }),
    );

    // m1: 100,000 all year; the wajib paid and withdrawn on 31 December nets to nothing.
    // m2: 365,000 held 2 July..31 December = 183 days → 365,000 × 183 / 365 = 183,000.
    // m3: 20,000 interest + 5,000 accrued interest + 1,000 fee in 2025 (the penalty does not count).
    expect(await book.basesFor('kop-a', 2025)).toEqual([
      { memberId: 'm1', capitalBasis: '100000.000000', businessBasis: '0' },
      { memberId: 'm2', capitalBasis: '183000.000000', businessBasis: '0' },
      { memberId: 'm3', capitalBasis: '0.000000', businessBasis: '26000' },
    ]);
    expect(await book.basesFor('kop-b', 2025)).toBeNull();
  });

  it('counts a transfer between kinds on both sides, and what is configured', async () => {
    const book = new MemberActivityBook(new Database(':memory:'), {
      capitalKinds: ['pokok', 'wajib', 'sukarela'],
      businessParts: ['fee'],
    });
    recordActivity(book, deposit('m1', 'sukarela', 730_000, '2024-12-01'));
    recordActivity(
      book,
      received('SavingsTransferred', {
        coopId: 'kop-a',
        memberId: 'm1',
        memberKind: 'person',
        memberCoopId: null,
        transferId: 't1',
        from: { accountId: 'acc-s', product: product('sukarela') },
        to: { accountId: 'acc-w', product: product('wajib') },
        amount: idr(365_000),
        businessDate: '2025-03-01',
      }),
    );
    // Sukarela counts here too, so moving money into wajib changes nothing: 730,000 all year.
    expect(await book.basesFor('kop-a', 2025)).toEqual([
      { memberId: 'm1', capitalBasis: '730000.000000', businessBasis: '0' },
    ]);
  });

  it('counts savings interest net of the tax withheld from it', async () => {
    const book = new MemberActivityBook(new Database(':memory:'), {
      capitalKinds: ['sukarela'],
      businessParts: ['fee'],
    });
    recordActivity(book, deposit('m1', 'sukarela', 1_000_000, '2024-12-01'));
    const march = { ...holder('m1'), product: product('sukarela') };
    recordActivity(
      book,
      received('SavingsInterestPosted', {
        ...march,
        interest: idr(365_000),
        periodStart: '2025-03-01',
        periodEnd: '2025-03-31',
        basis: 'daily_balance',
        rateBasisPoints: 900,
        businessDate: '2025-03-31',
      }),
    );
    recordActivity(
      book,
      received('SavingsInterestTaxWithheld', {
        ...march,
        tax: idr(36_500),
        businessDate: '2025-03-31',
        rateBasisPoints: 1000,
        monthlyThreshold: idr(240_000),
        source: 'PP 15/2009',
        months: [{ month: '2025-03', grossInterest: idr(365_000), tax: idr(36_500) }],
      }),
    );
    // 1,000,000 all year + 328,500 net interest held 31 March..31 December (276 days).
    expect(await book.basesFor('kop-a', 2025)).toEqual([
      { memberId: 'm1', capitalBasis: '1248400.000000', businessBasis: '0' },
    ]);
  });
});
