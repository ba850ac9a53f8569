import { DomainError, rejected } from '@kopfed/domain';
import { accountStream, type Accounts } from '../accounts/account-context';
import type { Actor } from '../accounts/account-service';
import type { OpenedAccount } from '../accounts/account-state';
import { accountDecider } from '../accounts/account.decider';
import { AlreadyApplied } from '../shared/aggregate-store';
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
    // Refused by the target's rules before any money leaves the source.
    const targetCtx = await this.accounts.contextFor(to);
    accountDecider.decide(this.transferIn(from, input.transferId, input.amount, targetCtx), to);
    const sourceCtx = await this.accounts.contextFor(from);
    try {
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
    } catch (error) {
      if (!(error instanceof AlreadyApplied)) throw error;
    }
    return this.complete(from.accountId, input.transferId, to.accountId, input.amount, actor);
  }

  /** The second half: credit the target, then settle or reverse the source. */
  async complete(
    fromAccountId: string,
    transferId: string,
    toAccountId: string,
    amount: bigint,
    actor: Pick<Actor, 'metadata'>,
  ): Promise<TransferOutcome> {
    const from = await this.accounts.aggregates.load(accountStream(fromAccountId));
    if (from.state.status === 'none') return 'reversed';
    const source = from.state;
    let outcome: TransferOutcome = 'completed';
    try {
      const target = await this.accounts.aggregates.load(accountStream(toAccountId));
      if (target.state.status === 'none' || target.state.memberId !== source.memberId) {
        throw rejected('target-not-found', `No account ${toAccountId} of the same member.`);
      }
      const ctx = await this.accounts.contextFor(target.state);
      await this.accounts.aggregates.execute(
        accountStream(toAccountId),
        (state) => accountDecider.decide(this.transferIn(source, transferId, amount, ctx), state),
        {
          metadata: actor.metadata,
          eventIds: derivedEventIds('transfer-in', `${source.coopId}:${transferId}`),
        },
      );
    } catch (error) {
      if (error instanceof AlreadyApplied) outcome = 'completed';
      else if (error instanceof DomainError) outcome = 'reversed';
      else throw error;
    }
    const on = this.accounts.today();
    await this.accounts.aggregates.execute(
      accountStream(fromAccountId),
      (state) =>
        accountDecider.decide(
          outcome === 'completed'
            ? { type: 'SettleTransfer', transferId, on }
            : {
                type: 'ReverseTransfer',
                transferId,
                on,
                reason: 'the target account refused the transfer',
              },
          state,
        ),
      { metadata: actor.metadata },
    );
    return outcome;
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
