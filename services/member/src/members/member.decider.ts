import { conflict, invariant, notFound, rejected, unreachable, type Decider } from '@kopfed/domain';

/**
 * A membership: a person or a coop belonging to one coop, under a member number (nomor
 * anggota). A person keeps one person id across memberships, so a move from coop A to coop
 * B keeps the history: A's membership ends as `moved`, B's begins. A person's data is only
 * ever here sealed with the person's key; `dataHash` and `nikHash` are keyed hashes, so a
 * resent sync item can be recognised as unchanged without reading the data.
 */
export type LeftReason = 'resigned' | 'deceased' | 'expelled' | 'moved';
export type Membership =
  { kind: 'person'; personId: string } | { kind: 'coop'; memberCoopId: string };

export interface SealedPersonalData {
  personId: string;
  sealed: string;
  nikHash: string;
  dataHash: string;
}

/** What a coop's sync batch records: the batch's sequence (absent before it was kept). */
export interface FromBatch {
  batchSequence?: number;
}

export type MemberEvent =
  | {
      type: 'MemberJoined';
      data: {
        memberId: string;
        coopId: string;
        memberNumber: string;
        externalId: string | null;
        joinedOn: string;
      } & Membership &
        FromBatch;
    }
  | { type: 'PersonalDataRecorded'; data: SealedPersonalData & FromBatch }
  | { type: 'MemberNumberChanged'; data: { from: string; to: string } & FromBatch }
  /** The coop's sync names a membership it did not make (a person moved in) by its own id. */
  | { type: 'ExternalIdAttached'; data: { externalId: string } & FromBatch }
  | {
      type: 'MemberLeft';
      data: {
        coopId: string;
        reason: LeftReason;
        leftOn: string;
        movedToCoopId: string | null;
        /** A move's membership of the coop moved to (absent before it was kept, or unknown). */
        movedToMemberId?: string;
      } & FromBatch;
    };

/** The coop being joined, as the handler found it. */
export interface CoopView {
  coopId: string;
  kind: 'primary' | 'secondary' | 'tertiary';
  status: 'applied' | 'active' | 'suspended' | 'exited';
}

export interface JoinDetails {
  memberId: string;
  coopId: string;
  memberNumber: string;
  externalId: string | null;
  joinedOn: string;
  membership: Membership;
  /** Present for people: their sealed data. */
  personalData: SealedPersonalData | null;
  coop: CoopView;
  /** For coop members: the member coop, which must sit in a lower tier. */
  memberCoop: CoopView | null;
  /** The Jakarta business date the command arrives on. */
  today: string;
}

export type MemberCommand =
  | ({ type: 'JoinCoop' } & JoinDetails)
  /** A sync upsert: joins when new, records what changed otherwise, nothing when the same. */
  | ({
      type: 'UpsertMember';
      leaving: { reason: LeftReason; leftOn: string } | null;
      personErased: boolean;
      /** The sync batch the item came in: an item of an earlier batch than the member's last is stale. */
      batchSequence?: number;
    } & JoinDetails)
  | { type: 'RecordPersonalData'; personalData: SealedPersonalData; personErased: boolean }
  | {
      type: 'LeaveCoop';
      reason: LeftReason;
      leftOn: string;
      movedToCoopId: string | null;
      /** A move's membership of the coop moved to, when the move made it. */
      movedToMemberId?: string;
      /** The Jakarta business date the command arrives on. */
      today: string;
    }
  /**
   * The member coop exited the federation on `exitedOn`: its membership ends then, if it has
   * not ended already (by hand, by sync, or by this command retried).
   */
  | { type: 'EndMembershipOnExit'; exitedOn: string; reason: ExitLeftReason; today: string }
  /**
   * The person died on `diedOn`, as another of their memberships recorded: this one ends as
   * deceased then, if it has not ended already (by hand, by sync, by a move, or by this
   * command retried).
   */
  | { type: 'EndMembershipOnDeath'; diedOn: string; today: string };

/** How a member coop's exit ends its memberships: it left, or its parent put it out. */
export type ExitLeftReason = Extract<LeftReason, 'resigned' | 'expelled'>;

/** A coop neither dies nor moves (only people move between coops): it resigns or is expelled. */
const COOP_LEAVES: ReadonlySet<LeftReason> = new Set<ExitLeftReason>(['resigned', 'expelled']);

export interface MemberState {
  memberId?: string;
  coopId?: string;
  memberNumber?: string;
  externalId?: string | null;
  membership?: Membership;
  joinedOn?: string;
  status?: 'active' | 'left';
  leftOn?: string;
  leftReason?: LeftReason;
  /** Set when the membership ended by a move: the coop moved to. */
  movedToCoopId?: string | null;
  nikHash?: string;
  dataHash?: string;
  /** The latest sync batch that changed the member. */
  batchSequence?: number;
}

const TIER = { primary: 1, secondary: 2, tertiary: 3 } as const;

function fromBatch(state: MemberState, data: FromBatch): Pick<MemberState, 'batchSequence'> {
  const { batchSequence } = data;
  if (batchSequence === undefined || (state.batchSequence ?? 0) >= batchSequence) return {};
  return { batchSequence };
}

/**
 * Whether a sync item comes from an earlier batch than the last that changed the member: a
 * batch that fills a gap late carries values the later batch already replaced.
 */
export function supersededBatch(state: MemberState, batchSequence: number | undefined): boolean {
  return (
    state.status !== undefined &&
    batchSequence !== undefined &&
    state.batchSequence !== undefined &&
    batchSequence < state.batchSequence
  );
}

export const memberDecider: Decider<MemberState, MemberCommand, MemberEvent> = {
  initialState: () => ({}),
  evolve(state, event) {
    switch (event.type) {
      case 'MemberJoined': {
        const {
          memberId,
          coopId,
          memberNumber,
          externalId,
          joinedOn,
          batchSequence,
          ...membership
        } = event.data;
        return {
          memberId,
          coopId,
          memberNumber,
          externalId,
          joinedOn,
          membership: membership,
          status: 'active',
          ...(batchSequence === undefined ? {} : { batchSequence }),
        };
      }
      case 'PersonalDataRecorded':
        return {
          ...state,
          nikHash: event.data.nikHash,
          dataHash: event.data.dataHash,
          ...fromBatch(state, event.data),
        };
      case 'MemberNumberChanged':
        return { ...state, memberNumber: event.data.to, ...fromBatch(state, event.data) };
      case 'ExternalIdAttached':
        return { ...state, externalId: event.data.externalId, ...fromBatch(state, event.data) };
      case 'MemberLeft':
        return {
          ...state,
          ...fromBatch(state, event.data),
          status: 'left',
          leftOn: event.data.leftOn,
          leftReason: event.data.reason,
          movedToCoopId: event.data.movedToCoopId,
        };
      default:
        return unreachable(event, 'member event');
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'JoinCoop':
        if (state.status) throw conflict('member_exists', 'this member has already joined');
        return join(command);
      case 'UpsertMember':
        return upsert(command, state);
      case 'RecordPersonalData':
        requireMember(state);
        return recordPersonalData(command.personalData, command.personErased, state);
      case 'LeaveCoop':
        requireMember(state);
        // The move route names the coop moved to; a coop's sync may report a move away without.
        if (command.reason === 'moved' && !command.movedToCoopId)
          throw rejected('move_needs_coop', 'a move names the coop moved to', '/toCoopId');
        invariant(
          command.reason === 'moved' || (!command.movedToCoopId && !command.movedToMemberId),
          'only a move names where the member went',
        );
        return leave(state, command.reason, command.leftOn, command.movedToCoopId, command.today, {
          movedToMemberId: command.movedToMemberId,
          reasonPointer: '/reason',
        });
      case 'EndMembershipOnExit':
        return endOnExit(state, command);
      case 'EndMembershipOnDeath':
        return endOnDeath(state, command);
      default:
        return unreachable(command, 'member command');
    }
  },
};

function requireMember(
  state: MemberState,
): asserts state is MemberState & { status: 'active' | 'left'; membership: Membership } {
  if (!state.status) throw notFound('member_not_found', 'no such member');
}

/**
 * The closed-loop rules of a joining (BRIEF §5): only an active coop takes members; people
 * join primary coops; coops join a coop of a higher tier. The handler asks before it claims
 * a NIK or a member number, and the decider again on what it decides.
 */
export function admitJoin(
  coop: CoopView,
  kind: Membership['kind'],
  memberCoop: CoopView | null,
): void {
  if (coop.status !== 'active')
    throw rejected('coop_not_active', `the coop is ${coop.status}, not active`, '/coopId');
  if (kind === 'person') {
    if (coop.kind !== 'primary')
      throw rejected(
        'person_in_secondary',
        'people are members of primary coops only; a secondary coop serves coops',
        '/kind',
      );
    return;
  }
  if (!memberCoop)
    throw rejected('member_coop_not_found', 'the member coop is not registered', '/memberCoopId');
  if (TIER[memberCoop.kind] >= TIER[coop.kind]) {
    throw rejected(
      'member_coop_tier',
      `a ${memberCoop.kind} coop cannot be a member of a ${coop.kind} coop`,
      '/memberCoopId',
    );
  }
  if (memberCoop.status === 'exited')
    throw rejected('member_coop_exited', 'the member coop has exited', '/memberCoopId');
}

/**
 * Savings opens a member's standing when it hears MemberJoined: a joining is recorded once it
 * takes effect, not for a day to come. The handler asks before it claims anything.
 */
export function admitJoiningDate(joinedOn: string, today: string): void {
  if (joinedOn > today)
    throw rejected(
      'joined_in_future',
      `a joining is recorded once it takes effect (today is ${today})`,
      '/joinedOn',
    );
}

/**
 * Whether a person may move from this membership to `toCoopId` on `on`: only an active member
 * moves, and not before joining. A membership already ended as moved to that very coop is a
 * retried move: it is `finish`ed (the joining there made sure of), not refused. The handler
 * asks before it joins the person to the other coop, so a refused move changes nothing.
 */
export function admitMove(
  state: MemberState,
  toCoopId: string,
  on: string,
  today: string,
): 'leave' | 'finish' {
  requireMember(state);
  if (state.status === 'left') {
    if (state.leftReason === 'moved' && state.movedToCoopId === toCoopId) return 'finish';
    throw conflict(
      'member_left',
      `the member left on ${state.leftOn} (${state.leftReason}); only an active member moves`,
    );
  }
  if (state.joinedOn && on < state.joinedOn)
    throw rejected('moved_before_joined', 'a member cannot move before joining', '/on');
  if (on > today)
    throw rejected(
      'moved_in_future',
      `a move is recorded once it takes effect (today is ${today})`,
      '/on',
    );
  return 'leave';
}

/** A membership of the person as the directory holds it. */
export interface PastMembership {
  coopId: string;
  status: 'active' | 'left';
  leftOn: string | null;
  leftReason: LeftReason | null;
}

/**
 * Whether a known person may begin a membership of `coopId` on `joinedOn` (joined by hand
 * under their id, or moved there): not once they left a coop as deceased, and not within an
 * ended membership of that coop (see admitAfterEnded).
 */
export function admitKnownPerson(
  memberships: readonly PastMembership[],
  coopId: string,
  joinedOn: string,
): void {
  if (memberships.some((m) => m.leftReason === 'deceased'))
    throw conflict('member_deceased', 'this person left a coop as deceased and joins none again');
  admitAfterEnded(memberships, coopId, joinedOn);
}

/**
 * A person or a member coop joins a coop again only from the day their last membership of it
 * ended, as the sync takes a returning member: a joining within an ended membership's period
 * would count them twice for those days.
 */
export function admitAfterEnded(
  memberships: readonly PastMembership[],
  coopId: string,
  joinedOn: string,
): void {
  const overlapping = memberships.find(
    (m) => m.coopId === coopId && m.status === 'left' && m.leftOn! > joinedOn,
  );
  if (overlapping)
    throw conflict(
      'membership_overlaps',
      `a membership of this coop ended on ${overlapping.leftOn}; a new one begins on that day or later`,
    );
}

/**
 * A coop that exits is no longer a member of any coop (an exited coop joins none either): its
 * membership ends on the exit's date. The exit is refused beforehand when dated before a
 * membership began (admitExitDate); one begun after it all the same (recorded by an earlier
 * version, or joined while the exit was decided) ends on its first day.
 */
function endOnExit(
  state: MemberState,
  command: Extract<MemberCommand, { type: 'EndMembershipOnExit' }>,
): MemberEvent[] {
  requireMember(state);
  if (state.membership.kind !== 'coop')
    throw rejected('not_a_coop', 'only a member coop leaves by its exit from the federation');
  if (state.status === 'left') return [];
  const joinedOn = state.joinedOn ?? command.exitedOn;
  const leftOn = joinedOn > command.exitedOn ? joinedOn : command.exitedOn;
  return leave(state, command.reason, leftOn, null, command.today);
}

/**
 * A person who died is a member of no coop: each of their memberships ends as deceased on the
 * day of death that one coop recorded. The death is refused beforehand when dated before
 * another membership began (admitDeathDate); one begun after it all the same (recorded by a
 * coop's sync) ends on its first day.
 */
function endOnDeath(
  state: MemberState,
  command: Extract<MemberCommand, { type: 'EndMembershipOnDeath' }>,
): MemberEvent[] {
  requireMember(state);
  if (state.membership.kind !== 'person')
    throw rejected('not_a_person', 'only a person’s membership ends by their death');
  if (state.status === 'left') return [];
  const joinedOn = state.joinedOn ?? command.diedOn;
  const leftOn = joinedOn > command.diedOn ? joinedOn : command.diedOn;
  return leave(state, 'deceased', leftOn, null, command.today);
}

/** A person's active membership of a coop, as the directory holds it. */
export interface ActiveMembership {
  memberId: string;
  coopId: string;
  joinedOn: string;
}

/**
 * Whether a person's death may be recorded as on `on`: it ends their other memberships on that
 * day, so none of them may have begun after it. The handler asks before it records the death,
 * so a refused death changes nothing.
 */
export function admitDeathDate(otherMemberships: readonly ActiveMembership[], on: string): void {
  const later = otherMemberships.find((m) => m.joinedOn > on);
  if (later)
    throw rejected(
      'died_before_membership',
      `the person is a member of coop ${later.coopId} since ${later.joinedOn}; their death, which ends that membership, cannot be dated before`,
      '/leftOn',
    );
}

/** An active membership of a coop as a member coop, as the directory holds it. */
export interface MembershipAsCoop {
  memberId: string;
  coopId: string;
  joinedOn: string;
}

/**
 * Whether a coop may exit on `on`: its memberships end on that day, so none may begin after
 * it. The handler asks before it records the exit, so a refused exit changes nothing.
 */
export function admitExitDate(memberships: readonly MembershipAsCoop[], on: string): void {
  const later = memberships.find((m) => m.joinedOn > on);
  if (later)
    throw rejected(
      'exit_before_membership',
      `the coop is a member of coop ${later.coopId} since ${later.joinedOn}; its exit, which ends that membership, cannot be dated before`,
      '/on',
    );
}

function join(details: JoinDetails): MemberEvent[] {
  const { coop, membership } = details;
  admitJoin(coop, membership.kind, details.memberCoop);
  admitJoiningDate(details.joinedOn, details.today);
  if (membership.kind === 'person' && !details.personalData)
    throw rejected('personal_data_required', 'a person member needs personal data', '/person');
  const events: MemberEvent[] = [
    {
      type: 'MemberJoined',
      data: {
        memberId: details.memberId,
        coopId: details.coopId,
        memberNumber: details.memberNumber,
        externalId: details.externalId,
        joinedOn: details.joinedOn,
        ...membership,
      },
    },
  ];
  if (details.personalData)
    events.push({ type: 'PersonalDataRecorded', data: details.personalData });
  return events;
}

function upsert(
  command: Extract<MemberCommand, { type: 'UpsertMember' }>,
  state: MemberState,
): MemberEvent[] {
  if (supersededBatch(state, command.batchSequence)) return [];
  const events = upsertEvents(command, state);
  const { batchSequence } = command;
  if (batchSequence === undefined) return events;
  // Object.assign, not `{ ...event.data, batchSequence }`: a key written after a spread is
  // V8's slow path on Node 20, 1-3 us an object (docs/performance.md).
  return events.map(
    (event) =>
      ({ ...event, data: Object.assign({}, event.data, { batchSequence }) }) as MemberEvent,
  );
}

function upsertEvents(
  command: Extract<MemberCommand, { type: 'UpsertMember' }>,
  state: MemberState,
): MemberEvent[] {
  const events: MemberEvent[] = state.status ? [] : join(command);
  if (state.status) {
    admitUpsert(
      {
        kind: state.membership?.kind,
        memberCoopId: state.membership?.kind === 'coop' ? state.membership.memberCoopId : null,
        joinedOn: state.joinedOn,
        status: state.status,
        leftOn: state.leftOn,
        leftReason: state.leftReason,
      },
      {
        kind: command.membership.kind,
        memberCoopId: command.membership.kind === 'coop' ? command.membership.memberCoopId : null,
        joinedOn: command.joinedOn,
        left: command.leaving,
      },
    );
    events.push(...attachExternalId(state, command.externalId));
    if (command.memberNumber !== state.memberNumber) {
      events.push({
        type: 'MemberNumberChanged',
        data: { from: state.memberNumber!, to: command.memberNumber },
      });
    }
    if (command.personalData && command.personalData.dataHash !== state.dataHash) {
      events.push(...recordPersonalData(command.personalData, command.personErased, state));
    }
  }
  const after = events.reduce(memberDecider.evolve, state);
  if (command.leaving && after.status === 'active') {
    events.push(
      ...leave(after, command.leaving.reason, command.leaving.leftOn, null, command.today, {
        reasonPointer: '/left/reason',
      }),
    );
  }
  return events;
}

/** What a membership keeps for ever, as the stream or the directory has it. */
export interface FixedStanding {
  kind?: Membership['kind'] | undefined;
  memberCoopId?: string | null | undefined;
  joinedOn?: string | undefined;
  status?: 'active' | 'left' | undefined;
  leftOn?: string | null | undefined;
  leftReason?: LeftReason | null | undefined;
}

/**
 * What a membership keeps for ever: its kind, the member coop, the joining date, and a
 * departure once recorded. A sync item that differs there is refused, never called unchanged:
 * the upsert has no event to record such a change, and silence would hide it from the coop.
 * The handler asks on what it read; the decider again on the stream as it is (a departure
 * recorded by hand meanwhile).
 */
export function admitUpsert(
  member: FixedStanding,
  item: {
    kind: Membership['kind'];
    memberCoopId: string | null;
    joinedOn: string;
    left: { reason: LeftReason; leftOn: string } | null;
  },
): void {
  if (member.kind !== item.kind)
    throw rejected(
      'member_kind_changed',
      'a member cannot change from person to coop or back',
      '/kind',
    );
  if (item.kind === 'coop' && member.memberCoopId !== item.memberCoopId)
    throw rejected(
      'member_coop_changed',
      `this membership is coop ${member.memberCoopId}'s; another coop joins under its own external id`,
      '/memberCoopId',
    );
  if (member.joinedOn !== item.joinedOn)
    throw rejected(
      'joined_on_changed',
      `the member joined on ${member.joinedOn}; a joining date cannot be changed`,
      '/joinedOn',
    );
  if (member.status !== 'left') return;
  if (!item.left)
    throw rejected(
      'member_left',
      `the member left on ${member.leftOn} (${member.leftReason}); a departure cannot be undone, a returning member joins under a new external id`,
      '/left',
    );
  if (item.left.reason !== member.leftReason || item.left.leftOn !== member.leftOn)
    throw rejected(
      'left_changed',
      `the member left on ${member.leftOn} (${member.leftReason}); a recorded departure cannot be changed`,
      '/left',
    );
}

/**
 * A membership the coop's sync did not make (a person moved in, or joined by hand) takes the
 * coop's external id once; one the coop already knows under another id keeps that one.
 */
function attachExternalId(state: MemberState, externalId: string | null): MemberEvent[] {
  if (externalId === null || externalId === state.externalId) return [];
  if (state.externalId)
    throw conflict(
      'external_id_changed',
      `this coop knows the member as ${state.externalId}; an external id cannot be changed`,
    );
  return [{ type: 'ExternalIdAttached', data: { externalId } }];
}

function recordPersonalData(
  data: SealedPersonalData,
  personErased: boolean,
  state: MemberState,
): MemberEvent[] {
  if (personErased)
    throw conflict('person_erased', 'the person was erased; their data cannot be recorded again');
  if (state.membership?.kind !== 'person' || state.membership.personId !== data.personId) {
    throw rejected('not_this_person', 'personal data belongs to the person of this membership');
  }
  if (data.dataHash === state.dataHash) return [];
  return [{ type: 'PersonalDataRecorded', data }];
}

function leave(
  state: MemberState,
  reason: LeftReason,
  leftOn: string,
  movedToCoopId: string | null,
  today: string,
  options: { movedToMemberId?: string | undefined; reasonPointer?: string } = {},
): MemberEvent[] {
  if (state.status === 'left')
    throw conflict('member_left', `the member already left on ${state.leftOn}`);
  if (state.membership?.kind === 'coop' && !COOP_LEAVES.has(reason))
    throw rejected(
      'coop_leave_reason',
      `a member coop leaves as resigned or expelled, never as ${reason}`,
      options.reasonPointer,
    );
  if (state.joinedOn && leftOn < state.joinedOn)
    throw rejected('left_before_joined', 'a member cannot leave before joining', '/leftOn');
  // Savings and loan settle a member's accounts when they hear of the departure: it is
  // recorded once it takes effect, not announced for a day to come.
  if (leftOn > today)
    throw rejected(
      'left_in_future',
      `a departure is recorded once it takes effect (today is ${today})`,
      '/leftOn',
    );
  const { movedToMemberId } = options;
  return [
    {
      type: 'MemberLeft',
      data: {
        coopId: state.coopId!,
        reason,
        leftOn,
        movedToCoopId,
        ...(movedToMemberId === undefined ? {} : { movedToMemberId }),
      },
    },
  ];
}
