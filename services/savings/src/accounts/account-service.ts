import { v7 as uuidv7 } from 'uuid';
import { conflict, DomainError, notFound, rejected } from '@kopfed/domain';
import {
  deterministicUuid,
  release,
  reserve,
  WrongExpectedRevisionError,
  type EventMetadata,
  type RecordedEvent,
} from '@kopfed/eventstore';
import { AlreadyApplied, toDomain, type Executed } from '../shared/aggregate-store';
import { KeyedLock } from '../shared/keyed-lock';
import { readModelReady } from '../shared/read-model-ready';
import { derivedEventIds } from '../shared/event-ids';
import type { IsoDate } from '../shared/dates';
import type { AccountCommand, Context } from './account-commands';
import { accountStream, type Accounts } from './account-context';
import type { AccountEvent, DepositFunds, FundsKind, MaturityInstruction } from './account-events';
import { evolveAccount, initialAccountState } from './account-state';
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

/**
 * The event ids a command is appended with, and the refusal for a request that finds a
 * different effect stored under them.
 */
interface CommandIds {
  eventIds: ((event: unknown, index: number) => string) | undefined;
  reused: () => DomainError;
  /** Refuses a rerun the account's history since makes meaningless (a rejected withdrawal). */
  checkRerun?: (history: readonly AccountEvent[]) => void;
}

/**
 * A request under a key whose events differ from what it decides now. Closing depends on the day
 * (interest to yesterday, the payout with it), so a close or the approval that carried one out,
 * asked for again on a later day, is recognised after this refusal by what it did to the account.
 */
const KEY_REUSED = 'idempotency-key-reused';

function keyIds(actor: Actor, accountId: string): CommandIds {
  return {
    eventIds: eventIdsFor(actor, accountId),
    reused: () =>
      conflict(
        KEY_REUSED,
        `Idempotency-Key ${actor.idempotency?.key ?? ''} was used for another request on account ${accountId}.`,
        { accountId },
      ),
  };
}

/**
 * A withdrawal id the client chose is used once on its account, for ever: the events of the
 * withdrawal take ids derived from it, so a resend after the withdrawal was paid (or approved)
 * finds it instead of asking again, and another withdrawal under the id is refused.
 */
function withdrawalIds(coopId: string, accountId: string, withdrawalId: string): CommandIds {
  return {
    eventIds: derivedEventIds('withdrawal', `${coopId}:${accountId}:${withdrawalId}`),
    reused: () =>
      conflict(
        'withdrawal-id-used',
        `Withdrawal id ${withdrawalId} was used for another withdrawal on account ${accountId}; a withdrawal id is used once.`,
        { accountId, withdrawalId },
      ),
    checkRerun: (history) => requireNotRejected(history, accountId, withdrawalId),
  };
}

/** A withdrawal asked for again after it was rejected is not asked for again. */
function requireNotRejected(
  history: readonly AccountEvent[],
  accountId: string,
  withdrawalId: string,
): void {
  const rejection = history.find(
    (e): e is Extract<AccountEvent, { type: 'WithdrawalRejected' }> =>
      e.type === 'WithdrawalRejected' && e.data.withdrawalId === withdrawalId,
  );
  if (rejection) {
    throw conflict(
      'withdrawal-rejected',
      `Withdrawal ${withdrawalId} was rejected on ${rejection.data.on}; a withdrawal id is used once.`,
      { accountId, withdrawalId },
    );
  }
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

/** A pokok or wajib opening starts over at most this often while its account id changes. */
const OPENING_ATTEMPTS = 4;

/**
 * The owner of a member's product claim: the account id, and the revision of the account's
 * stream the opening is appended at when earlier openings under that id were refused. Account
 * ids never contain `@` (EntityId). Claims stored before refusals were written are plain ids.
 */
const claimOwner = (accountId: string, revision: number | undefined) =>
  revision === undefined ? accountId : `${accountId}@${revision}`;

function claimedBy(owner: string): { accountId: string; revision: number | undefined } {
  const [accountId = owner, revision] = owner.split('@');
  return { accountId, revision: revision === undefined ? undefined : Number(revision) };
}

/**
 * Whether a stored event is the effect of this command too: the same type and terms. The
 * business date may differ (a rerun after midnight), and so may the id of a withdrawal asked
 * for without one (the server made one up each time). A Withdrawn carries no made-up id: none
 * (null) or the id of the withdrawal an approval pays out, which is a term of the approval.
 */
function sameTerms(stored: AccountEvent, fresh: AccountEvent): boolean {
  const terms = (event: AccountEvent) => {
    const data: Record<string, unknown> = { ...event.data };
    delete data.on;
    if (event.type === 'WithdrawalRequested') delete data.withdrawalId;
    return JSON.stringify(Object.entries(data).sort(([a], [b]) => a.localeCompare(b)));
  };
  return stored.type === fresh.type && terms(stored) === terms(fresh);
}

/**
 * The events one request appended under `ids`, from the first at `at`: they are contiguous in
 * the stream (one append), each under the id derived for its place.
 */
function storedUnder(
  history: readonly RecordedEvent[],
  at: number,
  ids: NonNullable<CommandIds['eventIds']>,
): AccountEvent[] {
  const stored: AccountEvent[] = [];
  for (let i = 0; at + i < history.length && history[at + i]!.id === ids(undefined, i); i++) {
    stored.push(toDomain<AccountEvent>(history[at + i]!));
  }
  return stored;
}

/**
 * Whether an opening's stored events (AccountOpened, and Deposited when it paid in) are what
 * this request asks for. The day it opened counts only when the request names one.
 */
function sameOpening(coopId: string, request: OpenRequest, applied: AccountEvent[]): boolean {
  const [opened, deposited] = applied;
  if (opened?.type !== 'AccountOpened') return false;
  const d = opened.data;
  const paid = deposited?.type === 'Deposited' ? deposited.data : undefined;
  const flat = (o: object | null | undefined) =>
    JSON.stringify(Object.entries(o ?? {}).sort(([a], [b]) => a.localeCompare(b)));
  return (
    d.coopId === coopId &&
    d.memberId === request.memberId &&
    d.product.code === request.productCode &&
    (request.openedOn === undefined || request.openedOn === d.openedOn) &&
    d.externalId === (request.externalId ?? null) &&
    flat(d.timeDeposit?.instruction) === flat(request.maturityInstruction) &&
    paid?.amount === request.initialDeposit?.amount.toString() &&
    paid?.via === request.initialDeposit?.via
  );
}

/** The account use cases: each loads what the decider needs, decides, and appends. */
export class AccountService {
  private readonly memberProducts = new KeyedLock();

  constructor(
    readonly accounts: Accounts,
    /** Waits until the accounts read model has every event appended so far. */
    private readonly readModelCaughtUp: () => Promise<void> = () => Promise.resolve(),
  ) {}

  async open(coopId: string, request: OpenRequest, actor: Actor, today = this.accounts.today()) {
    const accountId =
      request.accountId ??
      (actor.idempotency
        ? deterministicUuid('savings-account', actor.idempotency.scope, actor.idempotency.key)
        : uuidv7());
    const earlier = await this.openedBefore(coopId, accountId, request, actor);
    if (earlier) return earlier;
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
    const open = (expected?: number | 'no_stream') =>
      this.execute(accountId, (state) => accountDecider.decide(command, state), actor, expected);
    if (product.kind !== 'pokok' && product.kind !== 'wajib') return open();
    return this.memberProducts.run(`${coopId}-${member.memberId}-${product.code}`, () =>
      this.openUnderClaim(command, actor, open),
    );
  }

  /**
   * An opening asked for again under its Idempotency-Key once the kit's record of the key is
   * gone (the account refuses to open twice): answered with the account it opened when it asks
   * for the same account, on whatever day; another request under the key is refused.
   */
  private async openedBefore(
    coopId: string,
    accountId: string,
    request: OpenRequest,
    actor: Actor,
  ): Promise<Executed<AccountState, AccountEvent> | undefined> {
    const ids = eventIdsFor(actor, accountId);
    if (!ids) return undefined;
    const history = await this.accounts.store.readStream(accountStream(accountId));
    const at = history.findIndex((event) => event.id === ids(undefined, 0));
    if (at < 0) return undefined;
    const applied = storedUnder(history, at, ids);
    if (!sameOpening(coopId, request, applied)) throw keyIds(actor, accountId).reused();
    const { state, revision } = await this.accounts.aggregates.load(accountStream(accountId));
    return { state, revision, events: [], replayed: applied };
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
   * One pokok and one wajib account per member and product, for ever (a reservation stream,
   * `savings-<coop>-<member>-<product>`). The claim is made before the account opens, so two
   * openings cannot both pass, and the opening is appended only at the revision of the account
   * stream it claimed for. A refused opening appends `AccountOpeningRefused` at that revision
   * before it gives the claim back: any other opening under that claim, in any process, then
   * fails its append instead of opening an account whose claim is gone; a corrected request
   * claims again, at the new revision, under the same account id or another. (The in-process
   * queue of one member's product only saves such requests a retry.)
   */
  private async openUnderClaim(
    command: Extract<AccountCommand, { type: 'OpenAccount' }>,
    actor: Actor,
    open: (expected?: number | 'no_stream') => Promise<Executed<AccountState, AccountEvent>>,
  ): Promise<Executed<AccountState, AccountEvent>> {
    const { accountId, memberId } = command;
    const scope = `savings-${command.coopId}-${memberId}-${command.product.code}`;
    for (let attempt = 1; attempt <= OPENING_ATTEMPTS; attempt++) {
      const { state, revision } = await this.accounts.aggregates.load(accountStream(accountId));
      // An opened account keeps its claim for ever: the decider refuses, or answers a rerun.
      if (state.status !== 'none') return open();
      const claim = await reserve(
        this.accounts.store,
        scope,
        claimOwner(accountId, revision),
        actor.metadata,
      );
      if (!claim.reserved) {
        const holder = claimedBy(claim.heldBy);
        // A claim whose opening was refused (its holder died before giving it back) is stale.
        const freed = await this.settleClaim(scope, holder.accountId, holder.revision, actor);
        if (freed || holder.accountId === accountId) continue;
        throw conflict(
          'member-has-product-account',
          `Member ${memberId} already has ${command.product.code} account ${holder.accountId}.`,
          { accountId: holder.accountId },
        );
      }
      const expected = revision ?? 'no_stream';
      try {
        return await open(expected);
      } catch (error) {
        const refused = error instanceof DomainError;
        if (!refused && !(error instanceof WrongExpectedRevisionError)) throw error;
        if (refused) await this.refuseOpening(command, error.code, expected, actor);
        await this.settleClaim(scope, accountId, revision, actor);
        if (refused) throw error;
      }
    }
    throw conflict(
      'concurrency-conflict',
      `Account ${accountId} changed too often while it was being opened; try again.`,
    );
  }

  /** Marks the account stream at `expected` so no opening can be appended there any more. */
  private async refuseOpening(
    command: Extract<AccountCommand, { type: 'OpenAccount' }>,
    code: string,
    expected: number | 'no_stream',
    actor: Actor,
  ): Promise<void> {
    const refusal: AccountEvent = {
      type: 'AccountOpeningRefused',
      data: {
        accountId: command.accountId,
        memberId: command.memberId,
        productCode: command.product.code,
        on: command.on,
        code,
      },
    };
    try {
      await this.accounts.store.append(
        accountStream(command.accountId),
        [
          {
            id: uuidv7(),
            type: refusal.type,
            schemaVersion: 1,
            data: refusal.data,
            metadata: actor.metadata,
            businessDate: command.on,
          },
        ],
        { expectedRevision: expected },
      );
    } catch (error) {
      // The stream moved on: what follows `expected` decides whether the claim is given back.
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
  }

  /**
   * Gives back the claim of an opening under `accountId` at `revision` when the stream's next
   * event is a refusal: an opening is appended only at the revision it claimed for, so none can
   * follow under that claim. After an opening, the claim is the account's and stays. Resolves
   * whether this call gave it back.
   */
  private async settleClaim(
    scope: string,
    accountId: string,
    revision: number | undefined,
    actor: Actor,
  ): Promise<boolean> {
    const [next] = await this.accounts.store.readStream(accountStream(accountId), {
      fromRevision: revision === undefined ? 0 : revision + 1,
      maxCount: 1,
    });
    if (next?.type !== 'AccountOpeningRefused') return false;
    return release(this.accounts.store, scope, claimOwner(accountId, revision), actor.metadata);
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
    expectedRevision?: number | 'no_stream',
    ids: CommandIds = keyIds(actor, accountId),
  ): Promise<Executed<AccountState, AccountEvent>> {
    try {
      return await this.accounts.aggregates.execute(accountStream(accountId), decide, {
        metadata: actor.metadata,
        ...(ids.eventIds ? { eventIds: ids.eventIds } : {}),
        ...(expectedRevision === undefined ? {} : { expectedRevision }),
      });
    } catch (error) {
      const collided = error instanceof AlreadyApplied;
      if (!collided && !(error instanceof DomainError && ids.eventIds)) throw error;
      const rerun = await this.rerunOf(accountId, decide, ids);
      if (rerun) return rerun;
      throw collided ? ids.reused() : error;
    }
  }

  /**
   * A request whose event ids are stored already: a rerun of the request that appended them
   * (refused now, or colliding with them, because it was applied), or another request under ids
   * that are used. Decided on the account as it was just before those events, it is the rerun
   * when it decides every one of them again, in order — answered with the account as it is and
   * all those events replayed; anything else is refused as a reuse of the ids (BRIEF §4: the
   * same key with a different body is refused). Resolves undefined when the ids are not stored.
   */
  private async rerunOf(
    accountId: string,
    decide: (state: AccountState) => AccountEvent[],
    ids: CommandIds,
  ): Promise<Executed<AccountState, AccountEvent> | undefined> {
    const eventIds = ids.eventIds;
    if (!eventIds) return undefined;
    const history = await this.accounts.store.readStream(accountStream(accountId));
    const at = history.findIndex((event) => event.id === eventIds(undefined, 0));
    if (at < 0) return undefined;
    const applied = storedUnder(history, at, eventIds);
    const before = history
      .slice(0, at)
      .reduce((state, event) => evolveAccount(state, toDomain(event)), initialAccountState());
    let decided: AccountEvent[];
    try {
      decided = decide(before);
    } catch (error) {
      if (error instanceof DomainError) throw ids.reused();
      throw error;
    }
    const same =
      decided.length === applied.length &&
      decided.every((event, i) => sameTerms(applied[i]!, event));
    if (!same) throw ids.reused();
    const past = history.map((event) => toDomain<AccountEvent>(event));
    ids.checkRerun?.(past);
    for (const event of applied) {
      if (event.type === 'WithdrawalRequested')
        requireNotRejected(past, accountId, event.data.withdrawalId);
    }
    const { state, revision } = await this.accounts.aggregates.load(accountStream(accountId));
    return { state, revision, events: [], replayed: applied };
  }

  /** Runs a command built from the account as it is now, under the caller's coop. */
  async run(
    coopId: string,
    accountId: string,
    build: Decide,
    actor: Actor,
    on?: IsoDate,
    ids?: CommandIds,
  ) {
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
      ids,
    );
  }

  /** `on` dates a deposit another service made on an earlier business date (a loan's payout). */
  deposit(
    coopId: string,
    accountId: string,
    input: { amount: bigint; via: DepositFunds; reference?: string; on?: IsoDate },
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
      input.on,
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
      undefined,
      input.withdrawalId === undefined
        ? undefined
        : withdrawalIds(coopId, accountId, input.withdrawalId),
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
    const approve = () =>
      this.run(
        coopId,
        accountId,
        (account, ctx) => ({
          type: 'ApproveWithdrawal',
          ...ctx,
          // Approving a close posts interest: the member's other accounts count toward its tax.
          ...(Object.hasOwn(account.withdrawals, withdrawalId) &&
          account.withdrawals[withdrawalId]!.closeAccount
            ? { memberInterest: this.accounts.memberInterest(account) }
            : {}),
          withdrawalId,
          approvedBy: actor.keyId,
        }),
        actor,
      );
    return this.closingFor(coopId, accountId, approve, (account) =>
      Object.hasOwn(account.withdrawals, withdrawalId)
        ? account.withdrawals[withdrawalId]!.closeAccount
        : false,
    ).catch((error: unknown) =>
      this.decidedBefore(accountId, withdrawalId, 'approved', actor, error),
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
    ).catch((error: unknown) =>
      this.decidedBefore(accountId, withdrawalId, 'rejected', actor, error),
    );
  }

  /**
   * A decision on a withdrawal no longer waiting (or on an account its approval closed): the
   * same decision by the same person is a retry, answered with the account as it is; another
   * decision is refused as the one taken. Under a key whose events differ from what it decides
   * now, only the decision the key made is (an approval that closed the account, on a later
   * day). Anything else keeps its refusal.
   */
  private async decidedBefore(
    accountId: string,
    withdrawalId: string,
    asked: 'approved' | 'rejected',
    actor: Actor,
    error: unknown,
  ): Promise<Executed<AccountState, AccountEvent>> {
    const code = error instanceof DomainError ? error.code : undefined;
    if (code !== 'withdrawal-not-found' && code !== 'account-closed' && code !== KEY_REUSED)
      throw error;
    const history = await this.accounts.store.readStream(accountStream(accountId));
    const recorded = history.find(
      (e) =>
        (e.type === 'WithdrawalApproved' || e.type === 'WithdrawalRejected') &&
        (e.data as { withdrawalId: string }).withdrawalId === withdrawalId,
    );
    if (!recorded) throw error;
    if (code === KEY_REUSED && recorded.id !== eventIdsFor(actor, accountId)?.(undefined, 0))
      throw error;
    const decision = toDomain<AccountEvent>(recorded);
    if (decision.type !== 'WithdrawalApproved' && decision.type !== 'WithdrawalRejected')
      throw error;
    const [taken, by] =
      decision.type === 'WithdrawalApproved'
        ? (['approved', decision.data.approvedBy] as const)
        : (['rejected', decision.data.rejectedBy] as const);
    if (taken === asked && by === actor.keyId) {
      const { state, revision } = await this.accounts.aggregates.load(accountStream(accountId));
      return { state, revision, events: [] };
    }
    throw conflict(
      `withdrawal-${taken}`,
      `Withdrawal ${withdrawalId} was ${taken} on ${decision.data.on}.`,
      { accountId, withdrawalId },
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
    const close = () =>
      this.run(
        coopId,
        accountId,
        (account, ctx) => ({
          type: 'CloseAccount',
          ...ctx,
          memberInterest: this.accounts.memberInterest(account),
          withdrawalId: uuidv7(),
          via: input.via,
          requestedBy: actor.keyId,
          approvalThreshold: threshold,
        }),
        actor,
      );
    return this.closingFor(coopId, accountId, close).catch((error: unknown) =>
      this.closedBefore(accountId, actor, error),
    );
  }

  /**
   * A close posts interest taxed on the member's month (PP 15/2009) as the accounts read model
   * has the member's other accounts: a member's closes, and close of business's postings for it,
   * run one at a time, each once the read model has every event before it. Other commands go
   * straight on.
   */
  private async closingFor<T>(
    coopId: string,
    accountId: string,
    work: () => Promise<T>,
    closes: (account: OpenedAccount) => boolean = () => true,
  ): Promise<T> {
    const account = await this.accounts.known(coopId, accountId);
    if (account.memberKind === 'coop' || !account.product.interest || !closes(account))
      return work();
    return this.accounts.memberPostings.closing(coopId, account.memberId, async () => {
      await readModelReady(this.readModelCaughtUp);
      return work();
    });
  }

  /**
   * A close refused as closed (or as the key's reuse: on a later day a close decides other
   * interest), asked for under the Idempotency-Key of the close that closed the account (or of
   * its request an approval then carried out): a rerun, answered with the account as it is.
   * The events of one request are contiguous in the stream, so the close's own AccountClosed
   * carries the id derived for its place among them.
   */
  private async closedBefore(
    accountId: string,
    actor: Actor,
    error: unknown,
  ): Promise<Executed<AccountState, AccountEvent>> {
    const ids = eventIdsFor(actor, accountId);
    const code = error instanceof DomainError ? error.code : undefined;
    if ((code !== 'account-closed' && code !== KEY_REUSED) || !ids) throw error;
    const history = await this.accounts.store.readStream(accountStream(accountId));
    const first = history.find((e) => e.id === ids(undefined, 0));
    const closed = history.find((e) => e.type === 'AccountClosed');
    if (!first || !closed) throw error;
    const request = toDomain<AccountEvent>(first);
    const closedByIt = ids(undefined, closed.revision - first.revision) === closed.id;
    const approvedRequest =
      request.type === 'WithdrawalRequested' &&
      request.data.closeAccount &&
      history.some(
        (e) =>
          e.type === 'WithdrawalApproved' &&
          (e.data as { withdrawalId: string }).withdrawalId === request.data.withdrawalId,
      );
    if (!closedByIt && !approvedRequest) throw error;
    const { state, revision } = await this.accounts.aggregates.load(accountStream(accountId));
    return { state, revision, events: [] };
  }
}
