import { DomainError } from '@kopfed/domain';
import {
  coopDecider,
  leftReasonOfExit,
  ratOverdue,
  type CoopCommand,
  type CoopDetails,
  type CoopEvent,
  type CoopState,
} from './coop.decider';

const details = (overrides: Partial<CoopDetails> = {}): CoopDetails => ({
  kind: 'primary',
  name: 'KSP Sejahtera Bersama',
  legalEntityNumber: 'AHU-0012345.AH.01.26.TAHUN 2019',
  nikKoperasi: { number: '3374010020190001', validUntil: '2029-12-31' },
  npwp: '0123456789012345',
  address: { line: 'Jl. Pandanaran 1, Semarang', province: '33' },
  parentCoopId: 'puskopdit',
  ...overrides,
});
const parent = {
  coopId: 'puskopdit',
  kind: 'secondary' as const,
  status: 'active' as const,
  registeredOn: '2026-01-05',
};
const registered: CoopEvent = {
  type: 'CoopRegistered',
  data: { coopId: 'ksp-1', registeredOn: '2026-01-10', ...details() },
};
const approved: CoopEvent = {
  type: 'CoopStatusChanged',
  data: { from: 'applied', to: 'active', reason: 'approved', effectiveOn: '2026-01-12' },
};

const suspendedInJuly: CoopEvent = {
  type: 'CoopStatusChanged',
  data: { from: 'active', to: 'suspended', reason: 'rat_not_held', effectiveOn: '2026-07-01' },
};

function given(events: CoopEvent[]): CoopState {
  return events.reduce(coopDecider.evolve, coopDecider.initialState());
}
function when(events: CoopEvent[], command: CoopCommand): CoopEvent[] {
  return coopDecider.decide(command, given(events));
}
function refusal(events: CoopEvent[], command: CoopCommand): DomainError {
  try {
    when(events, command);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('the command was accepted');
}

/** A Jakarta business date after every date the status changes below are dated. */
const TODAY = '2027-06-30';

describe('coop decider', () => {
  describe('RegisterCoop', () => {
    const register = (
      overrides: Partial<Extract<CoopCommand, { type: 'RegisterCoop' }>> = {},
    ): CoopCommand => ({
      type: 'RegisterCoop',
      coopId: 'ksp-1',
      details: details(),
      registeredOn: '2026-01-10',
      parent,
      today: TODAY,
      ...overrides,
    });
    it('registers a coop under its active parent of a higher tier, as applied', () => {
      expect(when([], register())).toEqual([registered]);
      expect(given([registered]).status).toBe('applied');
    });
    it('registers a coop on the day its parent was registered', () => {
      expect(when([], register({ registeredOn: '2026-01-05' }))).toHaveLength(1);
    });
    it('registers the top coop of a federation without a parent', () => {
      expect(
        when(
          [],
          register({ details: details({ kind: 'secondary', parentCoopId: null }), parent: null }),
        ),
      ).toHaveLength(1);
    });
    it.each([
      ['twice', [registered], register(), 'coop_exists', 'conflict'],
      [
        'under a parent that is not registered',
        [],
        register({ parent: null }),
        'parent_not_found',
        'rejected',
      ],
      [
        'under a suspended parent',
        [],
        register({ parent: { ...parent, status: 'suspended' } }),
        'parent_not_active',
        'rejected',
      ],
      [
        'a secondary under a secondary',
        [],
        register({ details: details({ kind: 'secondary' }) }),
        'parent_tier',
        'rejected',
      ],
      [
        'with an expired NIK koperasi',
        [],
        register({
          details: details({
            nikKoperasi: { number: '3374010020190001', validUntil: '2025-12-31' },
          }),
        }),
        'nik_koperasi_expired',
        'rejected',
      ],
      [
        'for a day to come',
        [],
        register({ today: '2026-01-09' }),
        'registered_in_future',
        'rejected',
      ],
      [
        'before its parent joined the federation',
        [],
        register({ registeredOn: '2026-01-04' }),
        'registered_before_parent',
        'rejected',
      ],
    ] as const)('refuses to register %s', (_, history, command, code, kind) => {
      expect(refusal([...history], command)).toMatchObject({ code, kind });
    });
  });

  describe('lifecycle', () => {
    it('is approved, suspended, reinstated and exits', () => {
      expect(
        when([registered], { type: 'ApproveCoop', parent, today: TODAY, on: '2026-01-12' }),
      ).toEqual([approved]);
      const suspended = when([registered, approved], {
        type: 'SuspendCoop',
        today: TODAY,
        on: '2026-07-01',
        reason: 'rat_not_held',
      });
      expect(suspended[0]!.data).toMatchObject({ from: 'active', to: 'suspended' });
      expect(
        when([registered, approved, ...suspended], {
          type: 'ReinstateCoop',
          parent,
          today: TODAY,
          on: '2026-08-01',
        })[0]!.data,
      ).toMatchObject({ to: 'active', reason: 'reinstated' });
      expect(
        when([registered, approved], {
          type: 'ExitCoop',
          today: TODAY,
          on: '2026-12-31',
          reason: 'merged',
        })[0]!.data,
      ).toMatchObject({ from: 'active', to: 'exited' });
    });
    it.each([
      [
        'approve an active coop',
        [registered, approved],
        { type: 'ApproveCoop', parent, today: TODAY, on: '2026-02-01' },
        'coop_status',
      ],
      [
        'suspend an applied coop',
        [registered],
        { type: 'SuspendCoop', today: TODAY, on: '2026-02-01', reason: 'other' },
        'coop_status',
      ],
      [
        'reinstate an active coop',
        [registered, approved],
        { type: 'ReinstateCoop', parent, today: TODAY, on: '2026-02-01' },
        'coop_status',
      ],
      [
        'approve before registration',
        [registered],
        { type: 'ApproveCoop', parent, today: TODAY, on: '2026-01-01' },
        'date_before_registration',
      ],
      [
        'exit before registration',
        [registered, approved],
        { type: 'ExitCoop', today: TODAY, on: '2025-12-31', reason: 'dissolved' },
        'date_before_registration',
      ],
      [
        'suspend before the approval',
        [registered, approved],
        { type: 'SuspendCoop', today: TODAY, on: '2026-01-11', reason: 'other' },
        'date_before_status_change',
      ],
      [
        'reinstate before the suspension',
        [registered, approved, suspendedInJuly],
        { type: 'ReinstateCoop', parent, today: TODAY, on: '2026-06-30' },
        'date_before_status_change',
      ],
      [
        'exit before the suspension',
        [registered, approved, suspendedInJuly],
        { type: 'ExitCoop', today: TODAY, on: '2026-02-01', reason: 'dissolved' },
        'date_before_status_change',
      ],
      [
        'approve with effect from a day to come',
        [registered],
        { type: 'ApproveCoop', parent, today: '2026-01-12', on: '2026-01-13' },
        'date_in_future',
      ],
      [
        'suspend with effect from a day to come',
        [registered, approved],
        { type: 'SuspendCoop', today: '2026-06-30', on: '2026-07-01', reason: 'rat_not_held' },
        'date_in_future',
      ],
      [
        'exit at the end of a year not yet over',
        [registered, approved],
        { type: 'ExitCoop', today: '2026-11-30', on: '2026-12-31', reason: 'merged' },
        'date_in_future',
      ],
      [
        'act on an unknown coop',
        [],
        { type: 'ApproveCoop', parent, today: TODAY, on: '2026-01-01' },
        'coop_not_found',
      ],
    ] as const)('refuses to %s', (_, history, command, code) => {
      expect(refusal([...history], command as CoopCommand).code).toBe(code);
    });
    it.each([
      ['suspended', 'ApproveCoop', [registered]],
      ['exited', 'ApproveCoop', [registered]],
      ['exited', 'ReinstateCoop', [registered, approved, suspendedInJuly]],
    ] as const)(
      'refuses to make a coop active under a parent that is %s (%s)',
      (status, type, history) => {
        const command = { type, parent: { ...parent, status }, today: TODAY, on: '2026-08-01' };
        expect(refusal([...history], command).code).toBe('parent_not_active');
      },
    );
    it('refuses to make a coop active when its parent is not found', () => {
      expect(
        refusal([registered], { type: 'ApproveCoop', parent: null, today: TODAY, on: '2026-02-01' })
          .code,
      ).toBe('parent_not_active');
    });
    it.each([
      ['SuspendCoop', 'approved', [registered, approved]],
      ['SuspendCoop', 'reinstated', [registered, approved]],
      ['ExitCoop', 'approved', [registered, approved]],
      ['ExitCoop', 'reinstated', [registered]],
    ] as const)('refuses a %s giving the reason %s', (type, reason, history) => {
      const error = refusal([...history], { type, reason, today: TODAY, on: '2026-08-01' });
      expect(error).toMatchObject({ code: 'status_reason', kind: 'rejected', pointer: '/reason' });
    });
    it('takes a status change on the day of the one before it', () => {
      expect(
        when([registered, approved, suspendedInJuly], {
          type: 'ReinstateCoop',
          parent,
          today: TODAY,
          on: '2026-07-01',
        }),
      ).toHaveLength(1);
    });
    it('refuses anything but RAT records after the exit, and a second exit', () => {
      const exited = when([registered, approved], {
        type: 'ExitCoop',
        today: TODAY,
        on: '2026-12-31',
        reason: 'merged',
      });
      expect(
        refusal([registered, approved, ...exited], {
          type: 'ExitCoop',
          today: TODAY,
          on: '2027-01-01',
          reason: 'other',
        }).code,
      ).toBe('coop_exited');
      expect(
        refusal([registered, approved, ...exited], {
          type: 'ReinstateCoop',
          parent,
          today: TODAY,
          on: '2027-01-01',
        }).code,
      ).toBe('coop_status');
    });
  });

  describe('exit', () => {
    it('ends the coop’s memberships as expelled when the federation put it out, else as resigned', () => {
      expect(leftReasonOfExit('federation_decision')).toBe('expelled');
      expect(leftReasonOfExit('rat_not_held')).toBe('expelled');
      for (const reason of [
        'members_resolution',
        'government_decision',
        'merged',
        'dissolved',
        'other',
      ] as const)
        expect(leftReasonOfExit(reason)).toBe('resigned');
    });
    it('keeps the exit’s date and reason in the state', () => {
      const exited = when([registered, approved], {
        type: 'ExitCoop',
        today: TODAY,
        on: '2026-12-31',
        reason: 'federation_decision',
      });
      const state = [registered, approved, ...exited].reduce(
        coopDecider.evolve,
        coopDecider.initialState(),
      );
      expect(state.exit).toEqual({ on: '2026-12-31', reason: 'federation_decision' });
    });
  });

  describe('RAT', () => {
    it('records the RAT of a financial year once, held after the year ends', () => {
      const rat = when([registered, approved], {
        type: 'RecordRat',
        financialYear: 2026,
        heldOn: '2027-03-20',
        today: '2027-03-20',
      });
      expect(rat).toEqual([
        { type: 'CoopRatHeld', data: { financialYear: 2026, heldOn: '2027-03-20' } },
      ]);
      expect(
        refusal([registered, approved, ...rat], {
          type: 'RecordRat',
          financialYear: 2026,
          heldOn: '2027-04-01',
          today: '2027-04-01',
        }).code,
      ).toBe('rat_recorded');
      expect(
        refusal([registered, approved], {
          type: 'RecordRat',
          financialYear: 2026,
          heldOn: '2026-12-31',
          today: '2027-04-01',
        }).code,
      ).toBe('rat_before_year_end');
    });
    it('refuses a RAT held after today (the Jakarta business date)', () => {
      expect(
        refusal([registered, approved], {
          type: 'RecordRat',
          financialYear: 2026,
          heldOn: '2027-03-21',
          today: '2027-03-20',
        }),
      ).toMatchObject({ code: 'rat_in_future', kind: 'rejected', pointer: '/heldOn' });
    });
    it('is overdue from July for the last closed year', () => {
      expect(ratOverdue([2025], '2027-06-30')).toBe(false);
      expect(ratOverdue([2025], '2027-07-01')).toBe(true);
      expect(ratOverdue([2026], '2027-07-01')).toBe(false);
      expect(ratOverdue([2025], '2027-12-01')).toBe(true);
    });
    it('stays overdue until July for the year before, when that RAT was never held', () => {
      expect(ratOverdue([], '2027-03-01')).toBe(true);
      expect(ratOverdue([2024, 2026], '2027-03-01')).toBe(true);
      expect(ratOverdue([2025], '2027-03-01')).toBe(false);
    });
  });
});
