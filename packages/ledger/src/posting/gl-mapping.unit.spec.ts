import { DEFAULT_CHART } from '../chart/chart';
import { credit, debit } from '../journal/entry';
import { coopId, entryId, productCode } from '../ids';
import { code, COOP, idr, refusal } from '../testing/fixtures';
import { defaultGlMapping, glMappingOn, glMappingProblems, type GlMapping } from './gl-mapping';
import { journalEntryFor } from './posting-for';

const KSP_B = coopId('KSP-B');
const mapping: GlMapping = {
  ...defaultGlMapping(COOP, '2026-01-01'),
  memberClearing: { [KSP_B]: code('1-160.002'), 'KSP-C': code('1-160.003') },
};

describe('GL mapping', () => {
  it('maps the default products onto the default chart without problems', () => {
    expect(glMappingProblems(defaultGlMapping(COOP, '2026-01-01'), DEFAULT_CHART)).toEqual([]);
    const broken = {
      ...mapping,
      cash: code('2-110'),
      savings: { X: { ...mapping.savings.SUKARELA!, account: code('1-100') } },
    };
    expect(glMappingProblems(broken, DEFAULT_CHART)).toEqual([
      'cash: 2-110 is liability, expected asset',
      'savings X account: 1-100 is a header',
      'member clearing KSP-B: no account 1-160.002',
      'member clearing KSP-C: no account 1-160.003',
    ]);
  });

  it('divides the SHU out of the account the year-end close puts it in', () => {
    const elsewhere = { ...defaultGlMapping(COOP, '2026-01-01'), undividedShu: code('3-400') };
    expect(glMappingProblems(elsewhere, DEFAULT_CHART)).toEqual([
      "undividedShu: 3-400 is not the chart's SHU tahun berjalan 3-500, where the year-end close puts the SHU",
    ]);
  });

  it('uses the version in force on the business date', () => {
    const v2: GlMapping = { ...mapping, effectiveFrom: '2026-07-01', cash: code('1-120') };
    const other: GlMapping = { ...mapping, coopId: KSP_B, effectiveFrom: '2026-03-01' };
    expect(glMappingOn([v2, mapping, other], COOP, '2026-06-30')).toBe(mapping);
    expect(glMappingOn([v2, mapping, other], COOP, '2026-07-01')).toBe(v2);
    expect(refusal(() => glMappingOn([v2, mapping], COOP, '2025-12-31'))).toEqual([
      'not_found',
      'gl-mapping-missing',
    ]);
  });

  it('makes the journal entry of a money event, its source the event', () => {
    const amount = idr(250_000);
    const entry = journalEntryFor(
      {
        eventId: '0195d3c4-0000-7000-8000-000000000001',
        eventType: 'savings.SavingsDeposited.v1',
        coopId: COOP,
        businessDate: '2026-03-02',
        recordedAt: '2026-03-02T02:00:00.000Z',
        movement: {
          type: 'SavingsDeposited',
          product: productCode('SUKARELA'),
          amount,
          via: { kind: 'cash' },
        },
        reference: 'SA-0042',
      },
      [mapping],
      entryId('E-1'),
    );
    expect(entry).toEqual({
      entryId: 'E-1',
      coopId: COOP,
      businessDate: '2026-03-02',
      recordedAt: '2026-03-02T02:00:00.000Z',
      description: 'Setoran simpanan (savings deposit) SUKARELA — SA-0042',
      lines: [debit(code('1-110'), amount, 'SA-0042'), credit(code('2-110'), amount, 'SA-0042')],
      source: {
        eventId: '0195d3c4-0000-7000-8000-000000000001',
        type: 'savings.SavingsDeposited.v1',
      },
    });
  });
});
