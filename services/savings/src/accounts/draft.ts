import { invariant } from '@kopfed/domain';
import type { AccountEvent } from './account-events';
import { evolveAccount, type OpenedAccount } from './account-state';

/** Events decided one after another, each seeing the state the previous ones made. */
export class Draft {
  readonly events: AccountEvent[] = [];

  constructor(public state: OpenedAccount) {}

  push(event: AccountEvent): void {
    this.events.push(event);
    const next = evolveAccount(this.state, event);
    invariant(next.status !== 'none', 'an account stays opened');
    this.state = next;
  }
}
