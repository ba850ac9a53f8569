import { hash } from 'node:crypto';
import { invariant } from '@kopfed/domain';
import type { MemberMonth } from '../../interest/withholding-tax';
import { termsOn, type Product } from '../../products/product';
import {
  addDays,
  addMonths,
  endOfBusinessDate,
  lastDayOfMonth,
  minDate,
  monthOf,
  nextMonth,
  type IsoDate,
} from '../../shared/dates';
import type { AccountCommand } from '../account-commands';
import type { AccountEvent } from '../account-events';
import { wajibPaidBy, type AccountState, type OpenedAccount } from '../account-state';
import { Draft } from '../draft';
import { nextInterestDue, postDuePeriods, postPeriod } from './interest-posting';

/** A wajib account onboarded long after it opened catches up at most this many months per night. */
const MAX_WAJIB_MONTHS_PER_RUN = 240;
/** Terms of a rolled-over deposit matured in one run: ten years of monthly terms. */
const MAX_TERMS_PER_RUN = 120;

/**
 * Close of business for one account and one business date: expired holds are released,
 * interest is posted for every period that has ended, a maturing time deposit follows its
 * instruction, and wajib months that have ended are counted for arrears. Deciding it again for
 * the same date finds nothing left to do: it is idempotent by state.
 */
export function closeBusinessDay(
  command: Extract<AccountCommand, { type: 'CloseBusinessDay' }>,
  state: AccountState,
): AccountEvent[] {
  if (state.status !== 'open') return [];
  const draft = new Draft(state);
  const member = command.memberInterest ?? [];
  releaseExpiredHolds(draft, command.date);
  rollOverAfterRejectedClose(draft, command.date, command.product, member);
  // A run that comes late (an onboarded deposit, an outage) matures every term that ended;
  // past the bound, the next run goes on from there.
  for (let term = 0; term < MAX_TERMS_PER_RUN; term++) {
    const deposit = draft.state.timeDeposit;
    if (!deposit || deposit.matured || deposit.maturesOn > command.date) break;
    // Interest to the eve of maturity is posted before the deposit pays out or rolls over.
    const eve = addDays(deposit.maturesOn, -1);
    postDuePeriods(draft, eve, command.product, member);
    postPeriod(draft, eve, command.product, member);
    mature(draft, command.product);
  }
  if (draft.state.status === 'open') postDuePeriods(draft, command.date, command.product, member);
  closeWajibMonths(draft, wajibCutOff(command), command.product);
  return draft.events;
}

/**
 * The last day whose month end is owed: a wajib month is owed by a member who was still one
 * when it ended, so a month closed late tells what its close on time would have (that close
 * runs after the day, so a member who left on the month's last day no longer owed it). The
 * command, not the events, carries the day: replaying stored events needs no membership.
 */
function wajibCutOff(command: Extract<AccountCommand, { type: 'CloseBusinessDay' }>): IsoDate {
  const { date, memberLeftOn } = command;
  return memberLeftOn === null ? date : minDate(date, addDays(memberLeftOn, -1));
}

function releaseExpiredHolds(draft: Draft, date: IsoDate): void {
  const endOfDay = endOfBusinessDate(date);
  for (const [holdId, hold] of Object.entries(draft.state.holds)) {
    if (hold.expiresAt > endOfDay) continue;
    draft.push({
      type: 'HoldReleased',
      data: { holdId, amount: hold.amount.toString(), on: date, reason: 'expired' },
    });
  }
}

function mature(draft: Draft, product: Product): void {
  const deposit = draft.state.timeDeposit;
  invariant(deposit !== null, 'only a time deposit matures');
  const on = deposit.maturesOn;
  const { instruction } = deposit;
  // Held money (a loan's collateral), or money a withdrawal or close waiting for approval
  // reserved, stays put: the checker's decision, not the maturity, pays it out. A deposit whose
  // close waits is not rolled over either: approved, the close pays out a matured deposit,
  // without the early-withdrawal penalty; rejected, the deposit rolls over then.
  const held =
    Object.keys(draft.state.holds).length > 0 || Object.keys(draft.state.withdrawals).length > 0;
  if (instruction.kind === 'roll_over' && !closeWaiting(draft.state)) {
    rollOver(draft, on, product);
    return;
  }
  draft.push({ type: 'TimeDepositMatured', data: { on, instruction } });
  const balance = draft.state.balance;
  if (held || balance === 0n || instruction.kind === 'roll_over') return;
  if (instruction.kind === 'pay_out') {
    draft.push({
      type: 'Withdrawn',
      data: {
        amount: balance.toString(),
        on,
        via: instruction.via,
        reason: 'matured',
        reference: null,
        externalId: null,
        withdrawalId: null,
        approvedBy: null,
      },
    });
    draft.push({
      type: 'AccountClosed',
      data: {
        on,
        reason: 'matured',
        forfeitedInterestMicro: draft.state.interest.carriedMicro.toString(),
      },
    });
    return;
  }
  draft.push({
    type: 'TransferredOut',
    data: {
      transferId: maturityTransferId(draft.state.accountId, on),
      toAccountId: instruction.accountId,
      toProductCode: null,
      amount: balance.toString(),
      on,
    },
  });
}

function rollOver(draft: Draft, on: IsoDate, product: Product): void {
  draft.push({
    type: 'TimeDepositRolledOver',
    data: {
      on,
      principal: draft.state.balance.toString(),
      rateBasisPoints: termsOn(product, on).rateBasisPoints,
      maturesOn: addMonths(on, draft.state.product.termMonths ?? 1),
    },
  });
}

/** A close of the account waits for a second person's approval. */
function closeWaiting(account: OpenedAccount): boolean {
  return Object.values(account.withdrawals).some((w) => w.closeAccount);
}

/**
 * A roll-over deposit left matured because its close waited for approval at maturity, whose
 * close was rejected since: it rolls over now, from this business date at the rate in force,
 * its interest to the eve posted first at the rate it matured with.
 */
function rollsOverLate(account: OpenedAccount): boolean {
  const deposit = account.timeDeposit;
  return (
    deposit?.matured === true && deposit.instruction.kind === 'roll_over' && !closeWaiting(account)
  );
}

function rollOverAfterRejectedClose(
  draft: Draft,
  date: IsoDate,
  product: Product,
  member: readonly MemberMonth[],
): void {
  if (!rollsOverLate(draft.state)) return;
  const eve = addDays(date, -1);
  postDuePeriods(draft, eve, product, member);
  postPeriod(draft, eve, product, member);
  rollOver(draft, date, product);
}

/**
 * The transfer id of a deposit moved at maturity: `m<yyyymmdd>-<account id>` while that fits
 * the 64 characters of a transfer id. A longer one takes the account id's SHA-256 instead
 * (`m<yyyymmdd>_<54 hex>`): cut short, two account ids sharing their first 54 characters would
 * share it, and the second credit be refused as a reuse of the first. A move under way is read
 * back from its TransferredOut, so ids stored before keep their old form.
 */
export function maturityTransferId(accountId: string, maturesOn: IsoDate): string {
  const day = maturesOn.replaceAll('-', '');
  const id = `m${day}-${accountId}`;
  return id.length <= 64 ? id : `m${day}_${hash('sha256', accountId, 'hex').slice(0, 54)}`;
}

/** Closes each wajib month that ended by `through`, with the arrears then. */
function closeWajibMonths(draft: Draft, through: IsoDate, product: Product): void {
  const wajib = draft.state.wajib;
  if (!wajib || draft.state.status !== 'open') return;
  let month = wajib.closedThrough ? nextMonth(wajib.closedThrough) : monthOf(draft.state.openedOn);
  for (let i = 0; i < MAX_WAJIB_MONTHS_PER_RUN; i++, month = nextMonth(month)) {
    const end = lastDayOfMonth(`${month}-01`);
    if (end > through) return;
    const current = draft.state.wajib!;
    const required = termsOn(product, end).wajibMonthlyAmount ?? 0n;
    const requiredToDate = current.requiredToDate + required;
    // Paid by the month's end: a payment dated later does not clear this month's arrears.
    const paidToDate = wajibPaidBy(current, month);
    const arrears = requiredToDate > paidToDate ? requiredToDate - paidToDate : 0n;
    draft.push({
      type: 'WajibMonthClosed',
      data: {
        month,
        on: end,
        required: required.toString(),
        requiredToDate: requiredToDate.toString(),
        paidToDate: paidToDate.toString(),
        arrears: arrears.toString(),
      },
    });
  }
}

/** The first business date on which close of business has something to do for this account. */
export function nextDueOn(account: OpenedAccount, memberActive = true): IsoDate | null {
  if (account.status !== 'open') return null;
  const dates: IsoDate[] = [];
  const interest = nextInterestDue(account);
  if (interest) dates.push(interest);
  for (const hold of Object.values(account.holds)) dates.push(businessDateBefore(hold.expiresAt));
  const deposit = account.timeDeposit;
  if (deposit && (!deposit.matured || rollsOverLate(account))) dates.push(deposit.maturesOn);
  if (account.wajib && memberActive) {
    const month = account.wajib.closedThrough
      ? nextMonth(account.wajib.closedThrough)
      : monthOf(account.openedOn);
    dates.push(lastDayOfMonth(`${month}-01`));
  }
  return dates.length === 0 ? null : dates.sort()[0]!;
}

/** The business date during which an instant falls, counting an instant at midnight to the day it ends. */
function businessDateBefore(instant: string): IsoDate {
  return new Date(Date.parse(instant) - 1 + 7 * 3_600_000).toISOString().slice(0, 10);
}
