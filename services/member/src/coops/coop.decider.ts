import { conflict, notFound, rejected, unreachable, type Decider } from '@kopfed/domain';

/**
 * A coop in the federation, of any tier: primary (its members are people), secondary (its
 * members are coops) or tertiary (its members are secondaries). Lifecycle:
 * applied → active → suspended → active … → exited, approved by the parent's admin or
 * treasurer. RAT (rapat anggota tahunan, the annual members' meeting) is recorded per
 * financial year.
 */
export type CoopKind = 'primary' | 'secondary' | 'tertiary';
export type CoopStatus = 'applied' | 'active' | 'suspended' | 'exited';
export type StatusReason =
  | 'approved'
  | 'rat_not_held'
  | 'reinstated'
  | 'members_resolution'
  | 'federation_decision'
  | 'government_decision'
  | 'merged'
  | 'dissolved'
  | 'other';

export interface CoopAddress {
  line: string;
  regency?: string | undefined;
  province: string;
  postalCode?: string | undefined;
}

export interface CoopDetails {
  kind: CoopKind;
  name: string;
  /** Nomor badan hukum (AHU). */
  legalEntityNumber: string;
  /** NIK koperasi (Nomor Induk Koperasi) and the date it is valid until; null until issued. */
  nikKoperasi: { number: string; validUntil: string } | null;
  npwp: string;
  address: CoopAddress;
  parentCoopId: string | null;
}

export type CoopEvent =
  | { type: 'CoopRegistered'; data: CoopDetails & { coopId: string; registeredOn: string } }
  | {
      type: 'CoopStatusChanged';
      data: { from: CoopStatus; to: CoopStatus; reason: StatusReason; effectiveOn: string };
    }
  | { type: 'CoopRatHeld'; data: { financialYear: number; heldOn: string } };

/** The parent as the handler found it (the decider reads no other aggregate itself). */
export interface ParentView {
  coopId: string;
  kind: CoopKind;
  status: CoopStatus;
  registeredOn: string;
}

export type CoopCommand =
  | {
      type: 'RegisterCoop';
      coopId: string;
      details: CoopDetails;
      registeredOn: string;
      parent: ParentView | null;
      /** The Jakarta business date the command arrives on. */
      today: string;
    }
  /**
   * `today` is the Jakarta business date the command arrives on; `parent` is the coop's
   * parent as the handler found it (null for the top of a federation, or when not found).
   */
  | { type: 'ApproveCoop'; on: string; today: string; parent: ParentView | null }
  | { type: 'SuspendCoop'; on: string; reason: StatusReason; today: string }
  | { type: 'ReinstateCoop'; on: string; today: string; parent: ParentView | null }
  | { type: 'ExitCoop'; on: string; reason: StatusReason; today: string }
  | { type: 'RecordRat'; financialYear: number; heldOn: string; today: string };

export interface CoopState {
  coopId?: string;
  details?: CoopDetails;
  status?: CoopStatus;
  registeredOn?: string;
  /** The latest effective date of a status change: a later change cannot be dated before it. */
  statusChangedOn?: string;
  ratYears: number[];
  /** The exit, once the coop has exited: its effective date and reason. */
  exit?: { on: string; reason: StatusReason };
}

const TIER: Record<CoopKind, number> = { primary: 1, secondary: 2, tertiary: 3 };

export const coopDecider: Decider<CoopState, CoopCommand, CoopEvent> = {
  initialState: () => ({ ratYears: [] }),
  evolve(state, event) {
    switch (event.type) {
      case 'CoopRegistered': {
        const { coopId, registeredOn, ...details } = event.data;
        return { ...state, coopId, details, registeredOn, status: 'applied' };
      }
      case 'CoopStatusChanged': {
        const { to, effectiveOn, reason } = event.data;
        const last = state.statusChangedOn;
        return {
          ...state,
          status: to,
          statusChangedOn: last !== undefined && last > effectiveOn ? last : effectiveOn,
          ...(to === 'exited' ? { exit: { on: effectiveOn, reason } } : {}),
        };
      }
      case 'CoopRatHeld':
        return { ...state, ratYears: [...state.ratYears, event.data.financialYear] };
      default:
        return unreachable(event, 'coop event');
    }
  },
  decide(command, state) {
    if (command.type === 'RegisterCoop') return register(command, state);
    if (!state.status) throw notFound('coop_not_found', 'no such coop');
    switch (command.type) {
      case 'ApproveCoop':
        requireActiveParent(state, command.parent);
        return [changeStatus(state, 'applied', 'active', 'approved', command)];
      case 'SuspendCoop':
        requireReasonFor('suspension', command.reason);
        return [changeStatus(state, 'active', 'suspended', command.reason, command)];
      case 'ReinstateCoop':
        requireActiveParent(state, command.parent);
        return [changeStatus(state, 'suspended', 'active', 'reinstated', command)];
      case 'ExitCoop':
        if (state.status === 'exited') throw conflict('coop_exited', 'the coop has already exited');
        requireReasonFor('exit', command.reason);
        return [changeStatus(state, state.status, 'exited', command.reason, command)];
      case 'RecordRat':
        return recordRat(command, state);
      default:
        return unreachable(command, 'coop command');
    }
  },
};

function register(
  command: Extract<CoopCommand, { type: 'RegisterCoop' }>,
  state: CoopState,
): CoopEvent[] {
  if (state.status) throw conflict('coop_exists', `coop ${command.coopId} is already registered`);
  const { details, parent } = command;
  // A coop without a parent is the top of its federation (a Puskopdit with no Inkopdit above).
  if (details.parentCoopId !== null) {
    if (!parent || parent.coopId !== details.parentCoopId) {
      throw rejected(
        'parent_not_found',
        `parent coop ${details.parentCoopId} is not registered`,
        '/parentCoopId',
      );
    }
    if (parent.status !== 'active') {
      throw rejected(
        'parent_not_active',
        `parent coop is ${parent.status}, not active`,
        '/parentCoopId',
      );
    }
    if (TIER[parent.kind] <= TIER[details.kind]) {
      throw rejected(
        'parent_tier',
        `a ${details.kind} coop's parent must be of a higher tier than ${parent.kind}`,
        '/parentCoopId',
      );
    }
    // Counts as of a date consolidate a coop under its parent: it cannot be there before it.
    if (command.registeredOn < parent.registeredOn) {
      throw rejected(
        'registered_before_parent',
        `a coop joins the federation under its parent, registered on ${parent.registeredOn}`,
        '/registeredOn',
      );
    }
  }
  // Savings, loan and settlement take a coop in when they hear of it: it is registered once
  // it exists, not for a day to come.
  if (command.registeredOn > command.today) {
    throw rejected(
      'registered_in_future',
      `a coop is registered once it exists (today is ${command.today})`,
      '/registeredOn',
    );
  }
  if (details.nikKoperasi && details.nikKoperasi.validUntil < command.registeredOn) {
    throw rejected(
      'nik_koperasi_expired',
      'the NIK koperasi expired before the registration date',
      '/nikKoperasi/validUntil',
    );
  }
  return [
    {
      type: 'CoopRegistered',
      data: { coopId: command.coopId, registeredOn: command.registeredOn, ...details },
    },
  ];
}

/**
 * How an exit ends the coop's memberships as a member coop: put out by the federation's
 * decision (or for failing to hold its RAT) it is expelled, as a member the board removes
 * (diberhentikan); leaving on its members' resolution, merging, dissolving or for another
 * reason, it resigned (berhenti atas permintaan sendiri, or ceased to be).
 */
export function leftReasonOfExit(reason: StatusReason): 'resigned' | 'expelled' {
  return reason === 'federation_decision' || reason === 'rat_not_held' ? 'expelled' : 'resigned';
}

/** `approved` and `reinstated` name the changes that make a coop active, never another. */
function requireReasonFor(change: 'suspension' | 'exit', reason: StatusReason): void {
  if (reason === 'approved' || reason === 'reinstated')
    throw rejected('status_reason', `"${reason}" is not a reason for a ${change}`, '/reason');
}

/**
 * A coop becomes active only under an active parent, as it is registered only under one: the
 * parent clears its transfers and answers for it, which an exited or suspended parent does not.
 */
function requireActiveParent(state: CoopState, parent: ParentView | null): void {
  const parentCoopId = state.details?.parentCoopId ?? null;
  if (parentCoopId === null) return;
  if (!parent || parent.coopId !== parentCoopId || parent.status !== 'active') {
    throw conflict(
      'parent_not_active',
      `the parent coop ${parentCoopId} is ${parent?.status ?? 'not found'}, not active`,
    );
  }
}

function changeStatus(
  state: CoopState,
  from: CoopStatus,
  to: CoopStatus,
  reason: StatusReason,
  { on, today }: { on: string; today: string },
): CoopEvent {
  if (state.status !== from) {
    throw conflict(
      'coop_status',
      `the coop is ${state.status}; only a coop that is ${from} can become ${to}`,
    );
  }
  if (state.registeredOn && on < state.registeredOn) {
    throw rejected('date_before_registration', 'the date is before the coop was registered', '/on');
  }
  // The change takes effect when recorded (every service acts on it at once): a date to come
  // would make the coop's status now disagree with its status on the days before that date.
  if (on > today) {
    throw rejected(
      'date_in_future',
      `a status change is recorded once it takes effect (today is ${today})`,
      '/on',
    );
  }
  if (state.statusChangedOn && on < state.statusChangedOn) {
    throw rejected(
      'date_before_status_change',
      `the date is before the coop's last status change, effective ${state.statusChangedOn}`,
      '/on',
    );
  }
  return { type: 'CoopStatusChanged', data: { from, to, reason, effectiveOn: on } };
}

function recordRat(
  command: Extract<CoopCommand, { type: 'RecordRat' }>,
  state: CoopState,
): CoopEvent[] {
  if (state.status === 'exited') throw conflict('coop_exited', 'the coop has exited');
  if (state.ratYears.includes(command.financialYear)) {
    throw conflict('rat_recorded', `the RAT for ${command.financialYear} is already recorded`);
  }
  if (command.heldOn > command.today) {
    throw rejected(
      'rat_in_future',
      `a RAT cannot be recorded before it is held (today is ${command.today})`,
      '/heldOn',
    );
  }
  // The RAT approves a closed financial year: it is held after the year ends.
  if (command.heldOn <= `${command.financialYear}-12-31`) {
    throw rejected(
      'rat_before_year_end',
      `the RAT for ${command.financialYear} is held after that year ends`,
      '/heldOn',
    );
  }
  return [
    { type: 'CoopRatHeld', data: { financialYear: command.financialYear, heldOn: command.heldOn } },
  ];
}

/**
 * Whether a RAT is overdue on `today`: the law (UU 25/1992 Ps. 26, and the ministry's
 * practice) expects the RAT of a financial year within six months of its end, so the latest
 * one due is last year's from July and the year before's until then. A coop that never held
 * that one stays overdue; the next year's deadline does not forgive it.
 */
export function ratOverdue(ratYears: readonly number[], today: string): boolean {
  const year = Number(today.slice(0, 4));
  const latestDue = today > `${year}-06-30` ? year - 1 : year - 2;
  return !ratYears.includes(latestDue);
}
