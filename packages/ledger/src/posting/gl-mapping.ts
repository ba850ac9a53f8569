import { notFound } from '@kopfed/domain';
import { accountCode, type AccountCode, type AccountType } from '../chart/account';
import type { Chart } from '../chart/chart';
import type { CoopId } from '../ids';
import type { BusinessDate } from '../period';

export interface SavingsProductGl {
  /** The savings balance: a liability (sukarela, berjangka) or equity (pokok, wajib). */
  account: AccountCode;
  interestExpense: AccountCode;
  feeIncome: AccountCode;
  penaltyIncome: AccountCode;
}

export interface LoanProductGl {
  principal: AccountCode;
  /** PPAP, the contra-asset the provisions build up. */
  allowance: AccountCode;
  interestReceivable: AccountCode;
  interestIncome: AccountCode;
  feeIncome: AccountCode;
  penaltyIncome: AccountCode;
  provisionExpense: AccountCode;
  recoveryIncome: AccountCode;
}

/** The coop-wide accounts a posting rule names by slot. */
export interface GlSlots {
  cash: AccountCode;
  bank: AccountCode;
  depositWithParent: AccountCode;
  settlementInTransit: AccountCode;
  /** This coop's clearing with its parent. */
  clearing: AccountCode;
  taxPayable: AccountCode;
  /** SHU tahun berjalan: the closed year's result, until the RAT divides it (equity). */
  undividedShu: AccountCode;
  /** Cadangan: where the reserve pool of a distributed SHU goes (equity). */
  reserve: AccountCode;
  /** Utang SHU anggota: the members' SHU from its distribution until it is in their savings. */
  shuPayable: AccountCode;
}

/**
 * Which accounts a coop's money events post to, per product, as data with the first
 * business date it applies to (BRIEF §5: rules that change are data with an effective date).
 */
export interface GlMapping extends GlSlots {
  coopId: CoopId;
  effectiveFrom: BusinessDate;
  savings: Readonly<Record<string, SavingsProductGl>>;
  loans: Readonly<Record<string, LoanProductGl>>;
  /** At a parent: its clearing sub-account for each member coop. */
  memberClearing: Readonly<Record<string, AccountCode>>;
}

const code = accountCode;

export function savingsGl(account: string): SavingsProductGl {
  return {
    account: code(account),
    interestExpense: code('5-110'),
    feeIncome: code('4-120'),
    penaltyIncome: code('4-130'),
  };
}

export const DEFAULT_LOAN_GL: LoanProductGl = {
  principal: code('1-140'),
  allowance: code('1-141'),
  interestReceivable: code('1-150'),
  interestIncome: code('4-110'),
  feeIncome: code('4-120'),
  penaltyIncome: code('4-130'),
  provisionExpense: code('5-120'),
  recoveryIncome: code('4-220'),
};

/** The default chart's SHU accounts, also for mappings set before these slots existed. */
export const DEFAULT_SHU_SLOTS: Pick<GlSlots, 'undividedShu' | 'reserve' | 'shuPayable'> = {
  undividedShu: code('3-500'),
  reserve: code('3-300'),
  shuPayable: code('2-140'),
};

/** The mapping onto the default chart, for the four savings kinds of BRIEF §5 and one loan. */
export function defaultGlMapping(coopId: CoopId, effectiveFrom: BusinessDate): GlMapping {
  return {
    coopId,
    effectiveFrom,
    cash: code('1-110'),
    bank: code('1-120'),
    depositWithParent: code('1-130'),
    settlementInTransit: code('1-170'),
    clearing: code('1-160'),
    taxPayable: code('2-130'),
    ...DEFAULT_SHU_SLOTS,
    savings: {
      POKOK: savingsGl('3-100'),
      WAJIB: savingsGl('3-200'),
      SUKARELA: savingsGl('2-110'),
      BERJANGKA: savingsGl('2-120'),
    },
    loans: { PINJAMAN: DEFAULT_LOAN_GL },
    memberClearing: {},
  };
}

/** The version of the coop's mapping in force on `businessDate`: the latest that started. */
export function glMappingOn(
  versions: readonly GlMapping[],
  coopId: CoopId,
  businessDate: BusinessDate,
): GlMapping {
  let found: GlMapping | undefined;
  for (const version of versions) {
    if (version.coopId !== coopId || version.effectiveFrom > businessDate) continue;
    if (!found || version.effectiveFrom > found.effectiveFrom) found = version;
  }
  if (!found) {
    throw notFound(
      'gl-mapping-missing',
      `Coop ${coopId} has no GL mapping in force on ${businessDate}.`,
    );
  }
  return found;
}

type Expected = readonly AccountType[];
const ASSET: Expected = ['asset'];
const SLOT_TYPES: Record<keyof GlSlots, Expected> = {
  cash: ASSET,
  bank: ASSET,
  depositWithParent: ASSET,
  settlementInTransit: ASSET,
  clearing: ASSET,
  taxPayable: ['liability'],
  undividedShu: ['equity'],
  reserve: ['equity'],
  shuPayable: ['liability'],
};
const SAVINGS_TYPES: Record<keyof SavingsProductGl, Expected> = {
  account: ['liability', 'equity'],
  interestExpense: ['expense'],
  feeIncome: ['income'],
  penaltyIncome: ['income'],
};
const LOAN_TYPES: Record<keyof LoanProductGl, Expected> = {
  principal: ASSET,
  allowance: ASSET,
  interestReceivable: ASSET,
  interestIncome: ['income'],
  feeIncome: ['income'],
  penaltyIncome: ['income'],
  provisionExpense: ['expense'],
  recoveryIncome: ['income'],
};

/** Every slot that names an account missing from the chart, a header, or of the wrong type. */
export function glMappingProblems(mapping: GlMapping, chart: Chart): string[] {
  const problems: string[] = [];
  const check = (where: string, account: AccountCode, expected: Expected): void => {
    const found = chart.accounts.get(account);
    if (!found) problems.push(`${where}: no account ${account}`);
    else if (!found.postable) problems.push(`${where}: ${account} is a header`);
    else if (!expected.includes(found.type)) {
      problems.push(`${where}: ${account} is ${found.type}, expected ${expected.join(' or ')}`);
    }
  };
  for (const slot of Object.keys(SLOT_TYPES) as (keyof GlSlots)[]) {
    check(slot, mapping[slot], SLOT_TYPES[slot]);
  }
  // The RAT divides what the year-end close put into the chart's SHU tahun berjalan.
  const { currentYearShu } = chart.roles;
  if (mapping.undividedShu !== currentYearShu) {
    problems.push(
      `undividedShu: ${mapping.undividedShu} is not the chart's SHU tahun berjalan ${currentYearShu}, where the year-end close puts the SHU`,
    );
  }
  for (const [product, gl] of Object.entries(mapping.savings)) {
    for (const slot of Object.keys(SAVINGS_TYPES) as (keyof SavingsProductGl)[]) {
      check(`savings ${product} ${slot}`, gl[slot], SAVINGS_TYPES[slot]);
    }
  }
  for (const [product, gl] of Object.entries(mapping.loans)) {
    for (const slot of Object.keys(LOAN_TYPES) as (keyof LoanProductGl)[]) {
      check(`loan ${product} ${slot}`, gl[slot], LOAN_TYPES[slot]);
    }
  }
  for (const [member, account] of Object.entries(mapping.memberClearing)) {
    check(`member clearing ${member}`, account, ASSET);
  }
  return problems;
}
