import { DomainError } from '@kopfed/domain';
import type { LoanCommand } from '../loans/loan-commands';
import { loanDecider } from '../loans/loan.decider';
import type { LoanEvent } from '../loans/loan-events';
import { given } from './loan-fixtures';

/** The decider's refusal of a command after some events (fails the test if it accepts). */
export function refusal(events: readonly LoanEvent[], command: LoanCommand): DomainError {
  try {
    loanDecider.decide(command, given(events));
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`${command.type} was accepted`);
}

export const when = (events: readonly LoanEvent[], command: LoanCommand): LoanEvent[] =>
  loanDecider.decide(command, given(events));
