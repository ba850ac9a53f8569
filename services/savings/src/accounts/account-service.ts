import { v7 as uuidv7 } from 'uuid';
import { conflict, DomainError, notFound, rejected } from '@kopfed/domain';
import { deterministicUuid, release, reserve, type EventMetadata } from '@kopfed/eventstore';
import { AlreadyApplied, toDomain, type Executed } from '../shared/aggregate-store';
import { KeyedLock } from '../shared/keyed-lock';
import { derivedEventIds } from '../shared/event-ids';
import type { IsoDate } from '../shared/dates';
import type { AccountCommand, Context } from './account-commands';
import { accountStream, type Accounts } from './account-context';
import type { AccountEvent, DepositFunds, FundsKind, MaturityInstruction } from './account-events';
import type { AccountState, OpenedAccount } from './account-state';
import { accountDecider } from './account.decider';
import { checkMaturityTarget } from './rules/opening';

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

/**
 * Whether a stored event is the effect of this command too: the same type and terms. The
 * business date may differ (a rerun after midnight), and so may the withdrawal id a request
 * without one was given.
 */
function sameTerms(stored: AccountEvent, fresh: AccountEvent): boolean {
  const terms = (event: AccountEvent) => {
    const data: Record<string, unknown> = { ...event.data };
    delete data.on;
    if (event.type === 'Withdrawn' || event.type === 'WithdrawalRequested')
      delete data.withdrawalId;
    return JSON.stringify(Object.entries(data).sort(([a], [b]) => a.localeCompare(b)));
  };
  return stored.type === fresh.type && terms(stored) === terms(fresh);
}

/** The account use cases: each loads what the decider needs, decides, and appends. */
export class AccountService {
  private readonly memberProducts = new KeyedLock();

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
    const instruction = request.maturityInstruction;
    if (
      product.kind === 'berjangka' &&
      instruction?.kind === 'move_to_account' &&
      instruction.accountId !== accountId
    ) {
      await this.requireMaturityTarget(coopId, request, instruction.accountId);
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
    const open = () =>
      this.execute(accountId, (state) => accountDecider.decide(command, state), actor);
    if (product.kind !== 'pokok' && product.kind !== 'wajib') return open();
    return this.withMemberProduct(coopId, member.memberId, product.code, accountId, actor, open);
  }

  /** The account a time deposit moves to at maturity, checked by the opening rules. */
  private async requireMaturityTarget(coopId: string, request: OpenRequest, targetId: string) {
    const { state } = await this.accounts.aggregates.load(accountStream(targetId));
    const target =
      state.status === 'none' || state.coopId !== coopId
        ? undefined
        : { account: state, ctx: await this.accounts.contextFor(state, request.openedOn) };
    checkMaturityTarget(
      { coopId, memberId: request.memberId, placement: request.initialDeposit?.amount ?? 0n },
      target,
      targetId,
    );
  }

  /**
   * One pokok and one wajib account per member and product, for ever (a reservation stream).
   * The claim is made before the account opens, so two openings cannot both pass; when the
   * opening is refused and the account does not exist, the claim is given back (one a crashed
   * attempt for this account left too), so a corrected request can open it. Openings of one
   * member's product queue in this process, so a claim is never given back while another
   * request for the same account is opening it here.
   */
  private withMemberProduct(
    coopId: string,
    memberId: string,
    code: string,
    accountId: string,
    actor: Actor,
    open: () => Promise<Executed<AccountState, AccountEvent>>,
  ) {
    const scope = `savings-${coopId}-${memberId}-${code}`;
    return this.memberProducts.run(scope, async () => {
      const claim = await reserve(this.accounts.store, scope, accountId, actor.metadata);
      if (!claim.reserved) {
        throw conflict(
          'member-has-product-account',
          `Member ${memberId} already has ${code} account ${claim.heldBy}.`,
          { accountId: claim.heldBy },
        );
      }
      try {
        return await open();
      } catch (error) {
        const opened = await this.accounts.store.streamRevision(accountStream(accountId));
        if (error instanceof DomainError && opened === undefined) {
          await release(this.accounts.store, scope, accountId, actor.metadata);
        }
        throw error;
      }
    });
  }

  /**
   * Decides and appends with the event ids of the actor's Idempotency-Key. When those ids are
   * already stored, this is a rerun of a request that was applied (its process died before the
   * kit recorded the reply), answered with the account as it is now — or a new request under a
   * key whose record expired, refused: the ids are permanent, the kit's records are not.
   */
  private async execute(
    accountId: string,
    decide: (state: AccountState) => AccountEvent[],
    actor: Actor,
    expectedRevision?: number,
  ): Promise<Executed<AccountState, AccountEvent>> {
    let decided: AccountEvent[] = [];
    try {
      return await this.accounts.aggregates.execute(
        accountStream(accountId),
        (state) => (decided = decide(state)),
        {
          metadata: actor.metadata,
          ...idsFor(actor, accountId),
          ...(expectedRevision === undefined ? {} : { expectedRevision }),
        },
      );
    } catch (error) {
      if (!(error instanceof AlreadyApplied)) throw error;
      return this.rerun(accountId, decided, actor);
    }
  }

  private async rerun(accountId: string, decided: readonly AccountEvent[], actor: Actor) {
    const firstId = eventIdsFor(actor, accountId)?.(undefined, 0);
    const stored = (await this.accounts.store.readStream(accountStream(accountId))).find(
      (event) => event.id === firstId,
    );
    const first = decided[0];
    if (!stored || !first || !sameTerms(toDomain<AccountEvent>(stored), first)) {
      throw conflict(
        'idempotency-key-reused',
        `Idempotency-Key ${actor.idempotency?.key ?? ''} was used for another request on account ${accountId}.`,
        { accountId },
      );
    }
    const { state, revision } = await this.accounts.aggregates.load(accountStream(accountId));
    return { state, revision, events: [] };
  }

  /** Runs a command built from the account as it is now, under the caller's coop. */
  async run(coopId: string, accountId: string, build: Decide, actor: Actor, on?: IsoDate) {
    const account = await this.accounts.known(coopId, accountId);
    const ctx = await this.accounts.contextFor(account, on);
    return this.execute(
      accountId,
      (state) => {
        if (state.status === 'none' || state.coopId !== coopId) {
          throw notFound(
            'account-not-found',
            `Coop ${coopId} has no savings account ${accountId}.`,
          );
        }
        return accountDecider.decide(build(state, ctx), state);
      },
      actor,
      actor.expectedRevision,
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

  /** Maker-checker applies as to a withdrawal: paid out of the coop above the threshold, a capture is refused. */
  async captureHold(
    coopId: string,
    accountId: string,
    input: { holdId: string; amount: bigint | null; via: FundsKind; reference?: string },
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
        type: 'CaptureHold',
        ...ctx,
        holdId: input.holdId,
        amount: input.amount,
        via: input.via,
        reference: input.reference ?? null,
        approvalThreshold: threshold,
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
