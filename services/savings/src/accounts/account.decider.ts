import { unreachable, type Decider } from '@kopfed/domain';
import type { AccountCommand } from './account-commands';
import type { AccountEvent } from './account-events';
import { evolveAccount, initialAccountState, type AccountState } from './account-state';
import { closeAccount } from './rules/closing';
import { closeBusinessDay } from './rules/close-of-day';
import { captureHold, placeHold, reduceHold, releaseHold } from './rules/holds';
import { deposit, transferIn } from './rules/money-in';
import {
  approveWithdrawal,
  rejectWithdrawal,
  reverseTransfer,
  settleTransfer,
  transferOut,
  withdraw,
} from './rules/money-out';
import { openAccount } from './rules/opening';

/** A savings account: `decide(command, state) → events`, `evolve(state, event) → state`, pure. */
export const accountDecider: Decider<AccountState, AccountCommand, AccountEvent> = {
  initialState: initialAccountState,
  evolve: evolveAccount,
  decide(command, state) {
    switch (command.type) {
      case 'OpenAccount':
        return openAccount(command, state);
      case 'Deposit':
        return deposit(command, state);
      case 'Withdraw':
        return withdraw(command, state);
      case 'ApproveWithdrawal':
        return approveWithdrawal(command, state);
      case 'RejectWithdrawal':
        return rejectWithdrawal(command, state);
      case 'PlaceHold':
        return placeHold(command, state);
      case 'CaptureHold':
        return captureHold(command, state);
      case 'ReleaseHold':
        return releaseHold(command, state);
      case 'ReduceHold':
        return reduceHold(command, state);
      case 'TransferOut':
        return transferOut(command, state);
      case 'TransferIn':
        return transferIn(command, state);
      case 'SettleTransfer':
        return settleTransfer(command, state);
      case 'ReverseTransfer':
        return reverseTransfer(command, state);
      case 'CloseAccount':
        return closeAccount(command, state);
      case 'CloseBusinessDay':
        return closeBusinessDay(command, state);
      default:
        return unreachable(command, 'account command');
    }
  },
};
