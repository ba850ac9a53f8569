import fc from 'fast-check';
import { money } from '@kopfed/money';
import { credit, debit, totalsByCurrency, type JournalLine } from '../journal/entry';
import { coopId, productCode } from '../ids';
import { code, COOP, idr, refusal } from '../testing/fixtures';
import { defaultGlMapping, type GlMapping } from './gl-mapping';
import { postingFor } from './posting-for';
import { POSTING_RULES } from './posting-rules';
import type { Funds, Movement } from './movements';

const KSP_B = coopId('KSP-B');
const KSP_C = coopId('KSP-C');
const mapping: GlMapping = {
  ...defaultGlMapping(COOP, '2026-01-01'),
  memberClearing: { [KSP_B]: code('1-160.002'), [KSP_C]: code('1-160.003') },
};
const SUKARELA = productCode('SUKARELA');
const BERJANGKA = productCode('BERJANGKA');
const PINJAMAN = productCode('PINJAMAN');
const cash: Funds = { kind: 'cash' };
const toSukarela: Funds = { kind: 'savings', product: SUKARELA };
const kas = code('1-110');
const bank = code('1-120');
const penempatan = code('1-130');
const piutang = code('1-140');
const ppap = code('1-141');
const piutangBunga = code('1-150');
const kliring = code('1-160');
const sukarela = code('2-110');
const berjangka = code('2-120');
const pajak = code('2-130');
const bungaPinjaman = code('4-110');
const administrasi = code('4-120');
const denda = code('4-130');
const pemulihan = code('4-220');
const bebanBunga = code('5-110');
const bebanPenyisihan = code('5-120');
const cadangan = code('3-300');
const utangShu = code('2-140');
const shuTahunBerjalan = code('3-500');
const kliringB = code('1-160.002');
const kliringC = code('1-160.003');

const table: [string, Movement, JournalLine[]][] = [
  [
    'deposit in cash',
    { type: 'SavingsDeposited', product: SUKARELA, amount: idr(100), via: cash },
    [debit(kas, idr(100)), credit(sukarela, idr(100))],
  ],
  [
    'withdrawal to bank',
    { type: 'SavingsWithdrawn', product: SUKARELA, amount: idr(40), via: { kind: 'bank' } },
    [debit(sukarela, idr(40)), credit(bank, idr(40))],
  ],
  [
    'time deposit matures into sukarela',
    { type: 'SavingsWithdrawn', product: BERJANGKA, amount: idr(900), via: toSukarela },
    [debit(berjangka, idr(900)), credit(sukarela, idr(900))],
  ],
  [
    'interest with tax',
    { type: 'SavingsInterestPosted', product: SUKARELA, interest: idr(300_000), tax: idr(6_000) },
    [
      debit(bebanBunga, idr(300_000)),
      credit(sukarela, idr(300_000)),
      debit(sukarela, idr(6_000)),
      credit(pajak, idr(6_000)),
    ],
  ],
  [
    'interest under the tax threshold',
    { type: 'SavingsInterestPosted', product: SUKARELA, interest: idr(1_000) },
    [debit(bebanBunga, idr(1_000)), credit(sukarela, idr(1_000))],
  ],
  [
    'early-withdrawal penalty',
    { type: 'SavingsCharged', product: BERJANGKA, penalty: idr(50) },
    [debit(berjangka, idr(50)), credit(denda, idr(50))],
  ],
  [
    'disbursement in cash, fee deducted',
    { type: 'LoanDisbursed', product: PINJAMAN, principal: idr(1_000), fee: idr(10), via: cash },
    [
      debit(piutang, idr(1_000)),
      credit(kas, idr(1_000)),
      debit(kas, idr(10)),
      credit(administrasi, idr(10)),
    ],
  ],
  [
    'disbursement into savings',
    { type: 'LoanDisbursed', product: PINJAMAN, principal: idr(1_000), via: toSukarela },
    [debit(piutang, idr(1_000)), credit(sukarela, idr(1_000))],
  ],
  [
    'interest accrued',
    { type: 'LoanInterestAccrued', product: PINJAMAN, interest: idr(20) },
    [debit(piutangBunga, idr(20)), credit(bungaPinjaman, idr(20))],
  ],
  [
    'repayment split',
    {
      type: 'LoanRepaid',
      product: PINJAMAN,
      via: cash,
      principal: idr(100),
      interest: idr(15),
      accruedInterest: idr(20),
      penalty: idr(3),
      fee: idr(2),
    },
    [
      debit(kas, idr(140)),
      credit(piutang, idr(100)),
      credit(bungaPinjaman, idr(15)),
      credit(piutangBunga, idr(20)),
      credit(denda, idr(3)),
      credit(administrasi, idr(2)),
    ],
  ],
  [
    'provision',
    { type: 'LoanProvisionAdded', product: PINJAMAN, amount: idr(30) },
    [debit(bebanPenyisihan, idr(30)), credit(ppap, idr(30))],
  ],
  [
    'provision released',
    { type: 'LoanProvisionReleased', product: PINJAMAN, amount: idr(5) },
    [debit(ppap, idr(5)), credit(bebanPenyisihan, idr(5))],
  ],
  [
    'write-off',
    { type: 'LoanWrittenOff', product: PINJAMAN, principal: idr(100), accruedInterest: idr(7) },
    [
      debit(ppap, idr(100)),
      credit(piutang, idr(100)),
      debit(bungaPinjaman, idr(7)),
      credit(piutangBunga, idr(7)),
    ],
  ],
  [
    'recovery',
    { type: 'LoanRecovered', product: PINJAMAN, amount: idr(60), via: cash },
    [debit(kas, idr(60)), credit(pemulihan, idr(60))],
  ],
  [
    'repayment reversed: the mirror of the repayment',
    {
      type: 'LoanRepaymentReversed',
      product: PINJAMAN,
      via: cash,
      principal: idr(100),
      interest: idr(15),
      accruedInterest: idr(20),
      penalty: idr(3),
      fee: idr(2),
    },
    [
      credit(kas, idr(140)),
      debit(piutang, idr(100)),
      debit(bungaPinjaman, idr(15)),
      debit(piutangBunga, idr(20)),
      debit(denda, idr(3)),
      debit(administrasi, idr(2)),
    ],
  ],
  [
    'recovery reversed',
    { type: 'LoanRecoveryReversed', product: PINJAMAN, amount: idr(60), via: cash },
    [credit(kas, idr(60)), debit(pemulihan, idr(60))],
  ],
  [
    'transfer sent from savings',
    { type: 'InterCoopTransferSent', amount: idr(500), from: toSukarela },
    [debit(sukarela, idr(500)), credit(kliring, idr(500))],
  ],
  [
    'transfer received into savings',
    { type: 'InterCoopTransferReceived', amount: idr(500), to: toSukarela },
    [debit(kliring, idr(500)), credit(sukarela, idr(500))],
  ],
  [
    'transfer cleared at the parent',
    { type: 'InterCoopTransferCleared', payerCoop: KSP_B, payeeCoop: KSP_C, amount: idr(500) },
    [debit(kliringB, idr(500)), credit(kliringC, idr(500))],
  ],
  [
    'net position paid to the parent',
    { type: 'NetPositionPaid', amount: idr(500), via: { kind: 'deposit_with_parent' } },
    [debit(kliring, idr(500)), credit(penempatan, idr(500))],
  ],
  [
    'net position received',
    { type: 'NetPositionReceived', amount: idr(500), via: { kind: 'bank' } },
    [debit(bank, idr(500)), credit(kliring, idr(500))],
  ],
  [
    'member net position received at the parent',
    {
      type: 'MemberNetPositionReceived',
      memberCoop: KSP_B,
      amount: idr(500),
      via: { kind: 'bank' },
    },
    [debit(bank, idr(500)), credit(kliringB, idr(500))],
  ],
  [
    'member net position paid by the parent',
    {
      type: 'MemberNetPositionPaid',
      memberCoop: KSP_C,
      amount: idr(500),
      via: { kind: 'settlement_in_transit' },
    },
    [debit(kliringC, idr(500)), credit(code('1-170'), idr(500))],
  ],
  [
    'cash banked',
    { type: 'FundsMoved', amount: idr(800), from: cash, to: { kind: 'bank' } },
    [debit(bank, idr(800)), credit(kas, idr(800))],
  ],
  [
    'SHU divided at the RAT: members’ pools owed to them, the reserve pool to cadangan',
    { type: 'ShuDistributed', members: idr(7_000), reserve: idr(2_500) },
    [
      debit(shuTahunBerjalan, idr(9_500)),
      credit(utangShu, idr(7_000)),
      credit(cadangan, idr(2_500)),
    ],
  ],
  [
    'a member’s SHU share credited to savings: from SHU payable, not from cash',
    { type: 'SavingsDeposited', product: SUKARELA, amount: idr(700), via: { kind: 'shu_payable' } },
    [debit(utangShu, idr(700)), credit(sukarela, idr(700))],
  ],
];

describe('posting rules', () => {
  it.each(table)('%s', (_what, movement, lines) => {
    expect(postingFor(movement, mapping)).toEqual(lines);
  });

  it('has a rule for every movement, and the table covers each one', () => {
    const covered = new Set(table.map(([, m]) => m.type));
    expect(
      Object.keys(POSTING_RULES).filter((type) => !covered.has(type as Movement['type'])),
    ).toEqual([]);
  });

  it('balances every rule for any amounts, leaving out the zero lines (property)', () => {
    const amount = fc.option(fc.bigInt({ min: 0n, max: 10n ** 13n }), { nil: undefined });
    fc.assert(
      fc.property(
        fc.constantFrom(...table.map(([, m]) => m)),
        fc.array(amount, { minLength: 6, maxLength: 6 }),
        (template, amounts) => {
          let i = 0;
          const movement = Object.fromEntries(
            Object.entries(template).map(([key, value]) => {
              const isMoney = typeof value === 'object' && 'amountMinor' in (value as object);
              return [key, isMoney ? money(amounts[i++] ?? 1n) : value];
            }),
          ) as Movement;
          let lines: JournalLine[];
          try {
            lines = postingFor(movement, mapping);
          } catch (error) {
            expect(error).toMatchObject({ code: 'movement-empty' });
            return;
          }
          expect(lines.every((l) => (l.debit ?? l.credit).amountMinor > 0n)).toBe(true);
          for (const t of totalsByCurrency(lines).values())
            expect(t.debitMinor).toBe(t.creditMinor);
        },
      ),
    );
  });

  it('refuses an unmapped product or member coop, mixed currencies, negative or no money', () => {
    const deposit = (extra: Partial<Extract<Movement, { type: 'SavingsDeposited' }>>) => () =>
      postingFor(
        { type: 'SavingsDeposited', product: SUKARELA, amount: idr(1), via: cash, ...extra },
        mapping,
      );
    expect(refusal(deposit({ product: productCode('HARI_RAYA') }))).toEqual([
      'rejected',
      'product-not-mapped',
    ]);
    expect(refusal(deposit({ via: { kind: 'savings', product: productCode('X') } }))).toEqual([
      'rejected',
      'product-not-mapped',
    ]);
    expect(refusal(deposit({ amount: idr(-1) }))).toEqual(['rejected', 'movement-amount-negative']);
    expect(refusal(deposit({ amount: idr(0) }))).toEqual(['rejected', 'movement-empty']);
    const repay: Movement = {
      type: 'LoanRepaid',
      product: PINJAMAN,
      via: cash,
      principal: idr(1),
      interest: money(1n, 'USD'),
    };
    expect(refusal(() => postingFor(repay, mapping))).toEqual([
      'rejected',
      'movement-currency-mixed',
    ]);
    const unknownLoan: Movement = {
      type: 'LoanInterestAccrued',
      product: productCode('KPR'),
      interest: idr(1),
    };
    expect(refusal(() => postingFor(unknownLoan, mapping))).toEqual([
      'rejected',
      'product-not-mapped',
    ]);
    const cleared: Movement = {
      type: 'InterCoopTransferCleared',
      payerCoop: coopId('constructor'),
      payeeCoop: KSP_C,
      amount: idr(1),
    };
    expect(refusal(() => postingFor(cleared, mapping))).toEqual([
      'rejected',
      'member-clearing-not-mapped',
    ]);
  });
});
