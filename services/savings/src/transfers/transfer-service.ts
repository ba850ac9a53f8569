import { conflict, DomainError, rejected } from '@kopfed/domain';
import { accountStream, type Accounts } from '../accounts/account-context';
import type { AccountEvent } from '../accounts/account-events';
import type { Actor } from '../accounts/account-service';
import type { OpenedAccount } from '../accounts/account-state';
import { accountDecider } from '../accounts/account.decider';
import { AlreadyApplied, toDomain } from '../shared/aggregate-store';
import type { IsoDate } from '../shared/dates';
import { derivedEventIds } from '../shared/event-ids';

export type TransferOutcome = 'completed' | 'reversed';

/**
 * A transfer between two accounts of one member is a saga over the two account streams: the
 * source is debited (TransferredOut), the target credited (TransferredIn), and the source told
 * (TransferSettled); if the target refuses, the source is credited back (TransferReversed).
 * Every step has ids derived from the transfer id, so a retry — or close of business finishing
 * a transfer a crash interrupted — repeats nothing.
 */
export class TransferService {
  constructor(private readonly accounts: Accounts) {}

  async transfer(
    coopId: string,
    input: { transferId: string; fromAccountId: string; toAccountId: string; amount: bigint },
    actor: Actor,
  ): Promise<TransferOutcome> {
    if (input.fromAccountId === input.toAccountId) {
      throw rejected('same-account', 'A transfer goes to another account.', '/toAccountId');
    }
    const { account: from } = await this.accounts.account(coopId, input.fromAccountId);
    const { account: to } = await this.accounts.account(coopId, input.toAccountId).catch(() => {
      throw rejected(
        'target-not-found',
        `Coop ${coopId} has no account ${input.toAccountId}.`,
        '/toAccountId',
      );
    });
    if (from.memberId !== to.memberId) {
      throw rejected(
        'not-same-member',
        'Transfers move money between one member’s own accounts.',
        '/toAccountId',
      );
    }
    let movedOn: IsoDate;
    try {
      movedOn = await this.debit(coopId, input, from, to, actor);
    } catch (error) {
      // Sent again: the accounts may refuse it now because it was made (the target's share is
      // full, the source emptied), so the source's debit under its id is looked for first.
      const refused = error instanceof DomainError;
      if (!(error instanceof AlreadyApplied) && !refused) throw error;
      if (refused && !(await this.transferredOut(from.accountId, input.transferId))) throw error;
      movedOn = (await this.sameTransferOut(coopId, input)).on;
    }
    return this.complete(
      from.accountId,
      input.transferId,
      to.accountId,
      input.amount,
      actor,
      movedOn,
    );
  }

  /** The first half: the source is debited, once the target's rules would take the money. */
  private async debit(
    coopId: string,
    input: { transferId: string; amount: bigint },
    from: OpenedAccount,
    to: OpenedAccount,
    actor: Actor,
  ): Promise<IsoDate> {
    // Refused by the target's rules before any money leaves the source.
    const targetCtx = await this.accounts.contextFor(to);
    accountDecider.decide(this.transferIn(from, input.transferId, input.amount, targetCtx), to);
    const sourceCtx = await this.accounts.contextFor(from);
    await this.accounts.aggregates.execute(
      accountStream(from.accountId),
      (state) =>
        accountDecider.decide(
          {
            type: 'TransferOut',
            ...sourceCtx,
            transferId: input.transferId,
            toAccountId: to.accountId,
            toProductCode: to.product.code,
            amount: input.amount,
          },
          state,
        ),
      {
        metadata: actor.metadata,
        eventIds: derivedEventIds('transfer-out', `${coopId}:${input.transferId}`),
      },
    );
    return sourceCtx.on;
  }

  /**
   * The second half: credit the target, then settle or reverse the source — on the business
   * date the money left the source (a deposit maturing into another account is in one of the
   * two on its maturity date, whenever close of business finishes the move). `on` is that date
   * when the caller knows it; otherwise it is read from the source's TransferredOut.
   */
  async complete(
    fromAccountId: string,
    transferId: string,
    toAccountId: string,
    amount: bigint,
    actor: Pick<Actor, 'metadata'>,
    on?: IsoDate,
  ): Promise<TransferOutcome> {
    const from = await this.accounts.aggregates.load(accountStream(fromAccountId));
    if (from.state.status === 'none') return 'reversed';
    const source = from.state;
    // Finished already (a retry, or close of business after the request): settled once the
    // target was credited, reversed once it refused. A reversed transfer is never credited.
    if (!Object.hasOwn(source.transfersOut, transferId)) {
      const credited = await this.credited(source.accountId, transferId, toAccountId, amount);
      return credited ? 'completed' : 'reversed';
    }
    const movedOn =
      on ?? (await this.transferredOut(fromAccountId, transferId))?.on ?? this.accounts.today();
    let outcome: TransferOutcome = 'completed';
    try {
      await this.credit(source, transferId, toAccountId, amount, movedOn, actor);
    } catch (error) {
      if (error instanceof DomainError) outcome = 'reversed';
      else throw error;
    }
    await this.accounts.aggregates.execute(
      accountStream(fromAccountId),
      (state) =>
        accountDecider.decide(
          outcome === 'completed'
            ? { type: 'SettleTransfer', transferId, on: movedOn }
            : {
                type: 'ReverseTransfer',
                transferId,
                on: movedOn,
                reason: 'the target account refused the transfer',
              },
          state,
        ),
      { metadata: actor.metadata },
    );
    return outcome;
  }

  /**
   * Credits the target: only an account of the same member at the same coop (member ids are
   * unique only within a coop). A credit already made under this transfer id counts only when
   * it is this transfer's — from this source, for this amount.
   */
  private async credit(
    source: OpenedAccount,
    transferId: string,
    toAccountId: string,
    amount: bigint,
    on: IsoDate,
    actor: Pick<Actor, 'metadata'>,
  ): Promise<void> {
    const target = await this.accounts.aggregates.load(accountStream(toAccountId));
    if (
      target.state.status === 'none' ||
      target.state.coopId !== source.coopId ||
      target.state.memberId !== source.memberId
    ) {
      throw rejected(
        'target-not-found',
        `Coop ${source.coopId} has no account ${toAccountId} of member ${source.memberId}.`,
      );
    }
    const ctx = await this.accounts.contextFor(target.state, on);
    try {
      await this.accounts.aggregates.execute(
        accountStream(toAccountId),
        (state) => accountDecider.decide(this.transferIn(source, transferId, amount, ctx), state),
        {
          metadata: actor.metadata,
          eventIds: derivedEventIds('transfer-in', `${source.coopId}:${transferId}`),
        },
      );
    } catch (error) {
      if (!(error instanceof AlreadyApplied)) throw error;
      if (!(await this.credited(source.accountId, transferId, toAccountId, amount))) {
        throw rejected(
          'transfer-id-reused',
          `Transfer id ${transferId} credited another transfer.`,
        );
      }
    }
  }

  /** Whether the target holds this transfer's credit: from this source, for this amount. */
  private async credited(
    fromAccountId: string,
    transferId: string,
    toAccountId: string,
    amount: bigint,
  ): Promise<boolean> {
    return (await this.accounts.store.readStream(accountStream(toAccountId))).some((recorded) => {
      const event = toDomain<AccountEvent>(recorded);
      return (
        event.type === 'TransferredIn' &&
        event.data.transferId === transferId &&
        event.data.fromAccountId === fromAccountId &&
        event.data.amount === amount.toString()
      );
    });
  }

  /**
   * A transfer id is used once, for ever: a retry with the same terms finds its own debit; a
   * different transfer under a used id (another source, target or amount) is refused.
   */
  private async sameTransferOut(
    coopId: string,
    input: { transferId: string; fromAccountId: string; toAccountId: string; amount: bigint },
  ) {
    const earlier = await this.transferredOut(input.fromAccountId, input.transferId);
    if (
      !earlier ||
      earlier.toAccountId !== input.toAccountId ||
      earlier.amount !== input.amount.toString()
    ) {
      throw conflict(
        'transfer-id-reused',
        `Transfer id ${input.transferId} of coop ${coopId} was used for another transfer.`,
        { transferId: input.transferId },
      );
    }
    return earlier;
  }

  /** The source's debit under this transfer id, if it has one. */
  private async transferredOut(fromAccountId: string, transferId: string) {
    const events = await this.accounts.store.readStream(accountStream(fromAccountId));
    for (const recorded of events.reverse()) {
      const event = toDomain<AccountEvent>(recorded);
      if (event.type === 'TransferredOut' && event.data.transferId === transferId) {
        return event.data;
      }
    }
    return undefined;
  }

  private transferIn(
    from: OpenedAccount,
    transferId: string,
    amount: bigint,
    ctx: Awaited<ReturnType<Accounts['contextFor']>>,
  ) {
    return {
      type: 'TransferIn' as const,
      ...ctx,
      transferId,
      fromAccountId: from.accountId,
      fromProduct: {
        code: from.product.code,
        kind: from.product.kind,
        classification: from.product.classification,
      },
      amount,
    };
  }
}
