import { v7 as uuidv7 } from 'uuid';
import { conflict, DomainError, notFound, rejected } from '@kopfed/domain';
import { deterministicUuid, reserve, type EventMetadata } from '@kopfed/eventstore';
import { AlreadyApplied, type Executed } from '../shared/aggregate-store';
import { derivedEventIds } from '../shared/event-ids';
import type { IsoDate } from '../shared/dates';
import type { AccountCommand, Context } from './account-commands';
import { accountStream, type Accounts } from './account-context';
import type { AccountEvent, DepositFunds, FundsKind, MaturityInstruction } from './account-events';
import type { AccountState, OpenedAccount } from './account-state';
import { accountDecider } from './account.decider';

export interface Actor {
  keyId: string;
  metadata: EventMetadata;
  expectedRevision?: number;
  /**
   * The request's Idempotency-Key with the caller's coop. The kit answers retries from its
   * record; when a process died between the effect and that record, the retry runs again, and
   * event ids derived from the key make that rerun find its own events instead of repeating.
   * A consumed integration event uses its envelope id the same way (redelivery applies once).
   */
  idempotency?: { scope: string; key: string };
}

/**
 * The event ids of a command: derived from the request's Idempotency-Key (or the id of the
 * integration event it answers) when it has one, random otherwise.
 */
export function eventIdsFor(actor: Actor, accountId: string) {
  return actor.idempotency
    ? derivedEventIds('http', `${actor.idempotency.scope}:${accountId}:${actor.idempotency.key}`)
    : undefined;
}

function idsFor(actor: Actor, accountId: string) {
  const eventIds = eventIdsFor(actor, accountId);
  return eventIds ? { eventIds } : {};
}

export interface OpenRequest {
  accountId?: string;
  memberId: string;
  productCode: string;
  openedOn?: IsoDate;
  initialDeposit?: { amount: bigint; via: DepositFunds };
  maturityInstruction?: MaturityInstruction;
  externalId?: string;
}

type Decide = (account: OpenedAccount, ctx: Context) => AccountCommand;

/** The account use cases: each loads what the decider needs, decides, and appends. */
export class AccountService {
  constructor(readonly accounts: Accounts) {}

  async open(coopId: string, request: OpenRequest, actor: Actor, today = this.accounts.today()) {
    const member = this.accounts.members.member(coopId, request.memberId);
    if (!member)
      throw rejected(
        'member-not-found',
        `Coop ${coopId} has no member ${request.memberId}.`,
        '/memberId',
      );
    const product = await this.accounts.catalogue
      .product(coopId, request.productCode)
      .catch((error: unknown) => {
        throw error instanceof DomainError
          ? rejected(error.code, error.message, '/productCode')
          : error;
      });
    const accountId =
      request.accountId ??
      (actor.idempotency
        ? deterministicUuid('savings-account', actor.idempotency.scope, actor.idempotency.key)
        : uuidv7());
    if (product.kind === 'pokok' || product.kind === 'wajib') {
      await this.reserveMemberProduct(
        coopId,
        request.memberId,
        product.code,
        accountId,
        actor.metadata,
      );
    }
    const command: AccountCommand = {
      type: 'OpenAccount',
      accountId,
      coopId,
      coopKind: member.coopKind,
      memberId: member.memberId,
      memberKind: member.memberKind,
      memberCoopId: member.memberCoopId,
      today,
      on: request.openedOn ?? today,
      now: this.accounts.now(),
      product,
      membership: member,
      initialDeposit: request.initialDeposit ?? null,
      maturityInstruction: request.maturityInstruction ?? null,
      externalId: request.externalId ?? null,
    };
    return this.rerunSafely(accountId, () =>
      this.accounts.aggregates.execute(
        accountStream(accountId),
        (state) => accountDecider.decide(command, state),
        { metadata: actor.metadata, ...idsFor(actor, accountId) },
      ),
    );
  }

  /** A rerun of a request already applied answers with the account as it is now. */
  private async rerunSafely(
    accountId: string,
    execute: () => Promise<Executed<AccountState, AccountEvent>>,
  ): Promise<Executed<AccountState, AccountEvent>> {
    try {
      return await execute();
    } catch (error) {
      if (!(error instanceof AlreadyApplied)) throw error;
      const { state, revision } = await this.accounts.aggregates.load(accountStream(accountId));
      return { state, revision, events: [] };
    }
  }

  /** One pokok and one wajib account per member and product, for ever (a reservation stream). */
  private async reserveMemberProduct(
    coopId: string,
    memberId: string,
    code: string,
    accountId: string,
    metadata: EventMetadata,
  ) {
    const claim = await reserve(
      this.accounts.store,
      `savings-${coopId}-${memberId}-${code}`,
      accountId,
      metadata,
    );
    if (!claim.reserved) {
      throw conflict(
        'member-has-product-account',
        `Member ${memberId} already has ${code} account ${claim.heldBy}.`,
        {
          accountId: claim.heldBy,
        },
      );
    }
  }

  /** Runs a command built from the account as it is now, under the caller's coop. */
  async run(coopId: string, accountId: string, build: Decide, actor: Actor, on?: IsoDate) {
    const account = await this.accounts.known(coopId, accountId);
    const ctx = await this.accounts.contextFor(account, on);
    return this.rerunSafely(accountId, () =>
      this.accounts.aggregates.execute(
        accountStream(accountId),
        (state) => {
          if (state.status === 'none' || state.coopId !== coopId) {
            throw notFound(
              'account-not-found',
              `Coop ${coopId} has no savings account ${accountId}.`,
            );
          }
          return accountDecider.decide(build(state, ctx), state);
        },
        {
          metadata: actor.metadata,
          ...idsFor(actor, accountId),
          ...(actor.expectedRevision === undefined
            ? {}
            : { expectedRevision: actor.expectedRevision }),
        },
      ),
    );
  }

  deposit(
    coopId: string,
    accountId: string,
    input: { amount: bigint; via: DepositFunds; reference?: string },
    actor: Actor,
  ) {
    return this.run(
      coopId,
      accountId,
      (_a, ctx) => ({
        type: 'Deposit',
        ...ctx,
        amount: input.amount,
        via: input.via,
        reference: input.reference ?? null,
        externalId: null,
      }),
      actor,
    );
  }

  async withdraw(
    coopId: string,
    accountId: string,
    input: { amount: bigint; via: FundsKind; reference?: string; withdrawalId?: string },
    actor: Actor,
  ) {
    const threshold = await this.accounts.catalogue.approvalThreshold(
      coopId,
      this.accounts.today(),
    );
    return this.run(
      coopId,
      accountId,
      (_a, ctx) => ({
        type: 'Withdraw',
        ...ctx,
        withdrawalId: input.withdrawalId ?? uuidv7(),
        amount: input.amount,
        via: input.via,
        reference: input.reference ?? null,
        externalId: null,
        requestedBy: actor.keyId,
        approvalThreshold: threshold,
      }),
      actor,
    );
  }

  /**
   * A debit another service already decided on (a loan repaid from savings): the product's
   * rules and the available balance still apply, maker-checker does not — the repayment was
   * approved where it was taken.
   */
  debit(
    coopId: string,
    accountId: string,
    input: { amount: bigint; via: FundsKind; reference: string; withdrawalId: string },
    actor: Actor,
  ) {
    return this.run(
      coopId,
      accountId,
      (_a, ctx) => ({
        type: 'Withdraw',
        ...ctx,
        withdrawalId: input.withdrawalId,
        amount: input.amount,
        via: input.via,
        reference: input.reference,
        externalId: null,
        requestedBy: actor.keyId,
        approvalThreshold: null,
      }),
      actor,
    );
  }

  approve(coopId: string, accountId: string, withdrawalId: string, actor: Actor) {
    return this.run(
      coopId,
      accountId,
      (_a, ctx) => ({ type: 'ApproveWithdrawal', ...ctx, withdrawalId, approvedBy: actor.keyId }),
      actor,
    );
  }

  reject(coopId: string, accountId: string, withdrawalId: string, reason: string, actor: Actor) {
    return this.run(
      coopId,
      accountId,
      (_a, ctx) => ({
        type: 'RejectWithdrawal',
        on: ctx.on,
        withdrawalId,
        rejectedBy: actor.keyId,
        reason,
      }),
      actor,
    );
  }

  placeHold(
    coopId: string,
    accountId: string,
    input: { holdId: string; amount: bigint; reason: string; expiresAt: string },
    actor: Actor,
  ) {
    return this.run(
      coopId,
      accountId,
      (_a, ctx) => ({ type: 'PlaceHold', ...ctx, ...input, placedBy: actor.keyId }),
      actor,
    );
  }

  captureHold(
    coopId: string,
    accountId: string,
    input: { holdId: string; amount: bigint | null; via: FundsKind; reference?: string },
    actor: Actor,
  ) {
    return this.run(
      coopId,
      accountId,
      (_a, ctx) => ({
        type: 'CaptureHold',
        ...ctx,
        holdId: input.holdId,
        amount: input.amount,
        via: input.via,
        reference: input.reference ?? null,
      }),
      actor,
    );
  }

  releaseHold(coopId: string, accountId: string, holdId: string, actor: Actor) {
    return this.run(
      coopId,
      accountId,
      (_a, ctx) => ({ type: 'ReleaseHold', on: ctx.on, holdId }),
      actor,
    );
  }

  reduceHold(
    coopId: string,
    accountId: string,
    input: { holdId: string; amount: bigint },
    actor: Actor,
  ) {
    return this.run(
      coopId,
      accountId,
      (_a, ctx) => ({ type: 'ReduceHold', on: ctx.on, ...input }),
      actor,
    );
  }

  async close(coopId: string, accountId: string, input: { via: FundsKind }, actor: Actor) {
    const threshold = await this.accounts.catalogue.approvalThreshold(
      coopId,
      this.accounts.today(),
    );
    return this.run(
      coopId,
      accountId,
      (_a, ctx) => ({
        type: 'CloseAccount',
        ...ctx,
        withdrawalId: uuidv7(),
        via: input.via,
        requestedBy: actor.keyId,
        approvalThreshold: threshold,
      }),
      actor,
    );
  }
}
