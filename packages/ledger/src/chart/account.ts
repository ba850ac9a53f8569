import type { Money } from '@kopfed/money';
import type { Brand, CoopId } from '../ids';

export type AccountType = 'asset' | 'liability' | 'equity' | 'income' | 'expense';
export type Side = 'debit' | 'credit';

/**
 * A SAK EP-style account code: the group digit (1 aset, 2 kewajiban, 3 ekuitas,
 * 4 pendapatan, 5 beban), a dash, three digits, and up to two `.nnnn` sub-account levels:
 * `1-110`, `1-160.001`.
 */
export type AccountCode = Brand<string, 'AccountCode'>;

const ACCOUNT_CODE = /^[1-5]-\d{3}(\.\d{1,4}){0,2}$/;
const TYPE_OF_GROUP_DIGIT: Record<string, AccountType> = {
  '1': 'asset',
  '2': 'liability',
  '3': 'equity',
  '4': 'income',
  '5': 'expense',
};

export function isAccountCode(text: string): boolean {
  return ACCOUNT_CODE.test(text);
}

export function accountCode(text: string): AccountCode {
  if (!isAccountCode(text)) throw new RangeError(`not an account code: ${JSON.stringify(text)}`);
  return text as AccountCode;
}

/** The type the code's group digit names; a chart's account must agree with it. */
export function typeOfCode(code: AccountCode): AccountType {
  const type = TYPE_OF_GROUP_DIGIT[code.charAt(0)];
  if (type === undefined) throw new RangeError(`not an account code: ${code}`);
  return type;
}

/** Orders codes level by level, numerically: 1-110 < 1-110.2 < 1-110.10 < 1-120. */
export function compareCodes(a: AccountCode, b: AccountCode): number {
  const pa = a.split(/[-.]/).map(Number);
  const pb = b.split(/[-.]/).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? -1;
    const y = pb[i] ?? -1;
    if (x !== y) return x - y;
  }
  return 0;
}

/**
 * What a posting may do to an account's balance, on the account's normal side: `none`,
 * `not_below_zero` (cash, savings), or a floor / ceiling in one currency (an overdraft
 * limit, a clearing cap). A posting may not take or push a balance past its rule; a balance
 * already past it (a rule tightened later) may still be moved back towards it.
 */
export type BalanceRule =
  | { kind: 'none' }
  | { kind: 'not_below_zero' }
  | { kind: 'floor'; floor: Money }
  | { kind: 'ceiling'; ceiling: Money };

export interface Account {
  code: AccountCode;
  /** The Indonesian name, as the coop's statements print it. */
  name: string;
  /** The English gloss. */
  gloss: string;
  type: AccountType;
  /** A contra account (PPAP, accumulated depreciation) sits on the other side of its type. */
  contra: boolean;
  /** The header account it rolls up into. */
  parent?: AccountCode;
  /** Headers only total their children: nothing is posted to them. */
  postable: boolean;
  balanceRule: BalanceRule;
  /**
   * An inter-coop clearing account, eliminated in consolidation when its counterparty is in
   * the group. The counterparty is the coop's parent unless named (a parent's per-member
   * sub-accounts name the member).
   */
  clearing?: { counterparty?: CoopId };
}

export function normalSide(account: Pick<Account, 'type' | 'contra'>): Side {
  const debitNormal = account.type === 'asset' || account.type === 'expense';
  return debitNormal !== account.contra ? 'debit' : 'credit';
}

/** A debit-positive balance (Σ debit − Σ credit) in the account's own sign. */
export function toNormal(account: Pick<Account, 'type' | 'contra'>, debitPositive: bigint): bigint {
  return normalSide(account) === 'debit' ? debitPositive : -debitPositive;
}

/** Income and expense accounts: emptied into SHU at the year-end close. */
export const isNominal = (account: Pick<Account, 'type'>): boolean =>
  account.type === 'income' || account.type === 'expense';
