import { DomainError } from '@kopfed/domain';
import {
  admitDeathDate,
  admitExitDate,
  admitKnownPerson,
  admitMove,
  memberDecider,
  type JoinDetails,
  type LeftReason,
  type MemberCommand,
  type MemberEvent,
  type MemberState,
} from './member.decider';

const primary = { coopId: 'ksp-1', kind: 'primary' as const, status: 'active' as const };
const personal = {
  personId: 'person-1',
  sealed: 'pd1.iv.body.tag',
  nikHash: 'nik#1',
  dataHash: 'data#1',
};
/** The Jakarta business date the commands below arrive on: after every date they name. */
const TODAY = '2026-12-31';
const joinPerson = (overrides: Partial<JoinDetails> = {}): JoinDetails => ({
  memberId: 'm-1',
  coopId: 'ksp-1',
  memberNumber: '2026.0001',
  externalId: 'AGT-1',
  joinedOn: '2026-02-01',
  membership: { kind: 'person', personId: 'person-1' },
  personalData: personal,
  coop: primary,
  memberCoop: null,
  today: TODAY,
  ...overrides,
});
const joined: MemberEvent[] = [
  {
    type: 'MemberJoined',
    data: {
      memberId: 'm-1',
      coopId: 'ksp-1',
      memberNumber: '2026.0001',
      externalId: 'AGT-1',
      joinedOn: '2026-02-01',
      kind: 'person',
      personId: 'person-1',
    },
  },
  { type: 'PersonalDataRecorded', data: personal },
];

const given = (events: MemberEvent[]): MemberState =>
  events.reduce(memberDecider.evolve, memberDecider.initialState());
const when = (events: MemberEvent[], command: MemberCommand) =>
  memberDecider.decide(command, given(events));
function refusal(events: MemberEvent[], command: MemberCommand): DomainError {
  try {
    when(events, command);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('member decider', () => {
  describe('JoinCoop', () => {
    it('lets a person join an active primary coop with sealed personal data', () => {
      expect(when([], { type: 'JoinCoop', ...joinPerson() })).toEqual(joined);
    });
    it('lets a primary coop join a secondary coop', () => {
      const events = when([], {
        type: 'JoinCoop',
        ...joinPerson({
          coopId: 'puskopdit',
          membership: { kind: 'coop', memberCoopId: 'ksp-1' },
          personalData: null,
          coop: { coopId: 'puskopdit', kind: 'secondary', status: 'active' },
          memberCoop: primary,
        }),
      });
      expect(events).toEqual([
        {
          type: 'MemberJoined',
          data: expect.objectContaining({ kind: 'coop', memberCoopId: 'ksp-1' }),
        },
      ]);
    });
    it.each([
      [
        'a coop that is not active',
        joinPerson({ coop: { ...primary, status: 'applied' } }),
        'coop_not_active',
      ],
      [
        'a secondary coop, as a person (closed loop)',
        joinPerson({ coop: { coopId: 'p', kind: 'secondary', status: 'active' } }),
        'person_in_secondary',
      ],
      [
        'without personal data, as a person',
        joinPerson({ personalData: null }),
        'personal_data_required',
      ],
      [
        'a primary coop, as a coop',
        joinPerson({
          membership: { kind: 'coop', memberCoopId: 'x' },
          personalData: null,
          memberCoop: primary,
        }),
        'member_coop_tier',
      ],
      [
        'as an unregistered coop',
        joinPerson({
          coop: { coopId: 'p', kind: 'secondary', status: 'active' },
          membership: { kind: 'coop', memberCoopId: 'x' },
          personalData: null,
        }),
        'member_coop_not_found',
      ],
      [
        'on a day to come',
        joinPerson({ joinedOn: '2026-02-01', today: '2026-01-31' }),
        'joined_in_future',
      ],
    ])('refuses to let someone join %s', (_, details, code) => {
      expect(refusal([], { type: 'JoinCoop', ...details }).code).toBe(code);
    });
    it('refuses a second join of the same membership', () => {
      expect(refusal(joined, { type: 'JoinCoop', ...joinPerson() })).toMatchObject({
        code: 'member_exists',
        kind: 'conflict',
      });
    });
  });

  describe('UpsertMember (bulk sync)', () => {
    const upsert = (
      overrides: Partial<Extract<MemberCommand, { type: 'UpsertMember' }>> = {},
    ): MemberCommand => ({
      type: 'UpsertMember',
      ...joinPerson(),
      leaving: null,
      personErased: false,
      ...overrides,
    });
    it('creates a new member', () => expect(when([], upsert())).toEqual(joined));
    it('changes nothing when the item is the same', () =>
      expect(when(joined, upsert())).toEqual([]));
    it('records a new member number and new personal data', () => {
      expect(
        when(
          joined,
          upsert({ memberNumber: '2026.0099', personalData: { ...personal, dataHash: 'data#2' } }),
        ),
      ).toEqual([
        { type: 'MemberNumberChanged', data: { from: '2026.0001', to: '2026.0099' } },
        { type: 'PersonalDataRecorded', data: { ...personal, dataHash: 'data#2' } },
      ]);
    });
    it('attaches the coop’s external id to a membership it did not make, once', () => {
      const movedIn: MemberEvent[] = [
        { type: 'MemberJoined', data: { ...joined[0]!.data, externalId: null } } as MemberEvent,
        joined[1]!,
      ];
      const attached: MemberEvent = { type: 'ExternalIdAttached', data: { externalId: 'KM-7' } };
      expect(when(movedIn, upsert({ externalId: 'KM-7' }))).toEqual([attached]);
      expect(when([...movedIn, attached], upsert({ externalId: 'KM-7' }))).toEqual([]);
      expect(refusal([...movedIn, attached], upsert({ externalId: 'KM-8' })).code).toBe(
        'external_id_changed',
      );
    });
    it('refuses a departure the coop reports for a day to come', () => {
      const leaving = { reason: 'resigned', leftOn: '2026-08-01' } as const;
      expect(refusal(joined, upsert({ leaving, today: '2026-07-31' })).code).toBe('left_in_future');
      expect(when(joined, upsert({ leaving, today: '2026-08-01' }))).toHaveLength(1);
    });
    it('records a departure the coop reports, once', () => {
      const left = when(joined, upsert({ leaving: { reason: 'resigned', leftOn: '2026-06-30' } }));
      expect(left).toEqual([
        {
          type: 'MemberLeft',
          data: { coopId: 'ksp-1', reason: 'resigned', leftOn: '2026-06-30', movedToCoopId: null },
        },
      ]);
      expect(
        when(
          [...joined, ...left],
          upsert({ leaving: { reason: 'resigned', leftOn: '2026-06-30' } }),
        ),
      ).toEqual([]);
    });
    it('records a move away the coop reports, without naming the coop moved to', () => {
      const moved = { reason: 'moved', leftOn: '2026-06-30' } as const;
      const left = when(joined, upsert({ leaving: moved }));
      expect(left).toEqual([
        {
          type: 'MemberLeft',
          data: { coopId: 'ksp-1', reason: 'moved', leftOn: '2026-06-30', movedToCoopId: null },
        },
      ]);
      expect(when([], upsert({ leaving: moved })).map((e) => e.type)).toEqual([
        'MemberJoined',
        'PersonalDataRecorded',
        'MemberLeft',
      ]);
    });
    it('records the batch of each change, and ignores an item of an earlier batch', () => {
      const renumbered = when(joined, upsert({ memberNumber: '2026.0002', batchSequence: 62 }));
      expect(renumbered).toEqual([
        {
          type: 'MemberNumberChanged',
          data: { from: '2026.0001', to: '2026.0002', batchSequence: 62 },
        },
      ]);
      const after = [...joined, ...renumbered];
      expect(when(after, upsert({ memberNumber: '2026.0003', batchSequence: 61 }))).toEqual([]);
      expect(when(after, upsert({ memberNumber: '2026.0003', batchSequence: 63 }))).toEqual([
        {
          type: 'MemberNumberChanged',
          data: { from: '2026.0002', to: '2026.0003', batchSequence: 63 },
        },
      ]);
      // History recorded before batches were kept is never stale.
      expect(when(joined, upsert({ memberNumber: '2026.0003', batchSequence: 1 }))).toHaveLength(1);
    });
    it('creates an already-departed member in one go (onboarding history)', () => {
      expect(
        when([], upsert({ leaving: { reason: 'deceased', leftOn: '2026-03-01' } })).map(
          (e) => e.type,
        ),
      ).toEqual(['MemberJoined', 'PersonalDataRecorded', 'MemberLeft']);
    });
    it('refuses to record data of an erased person again', () => {
      expect(
        refusal(
          joined,
          upsert({ personalData: { ...personal, dataHash: 'data#3' }, personErased: true }),
        ).code,
      ).toBe('person_erased');
    });
    describe('what a membership keeps for ever, on the stream as it is when decided', () => {
      // A departure recorded by hand while a batch item for the member was under way.
      const departed: MemberEvent[] = [
        ...joined,
        {
          type: 'MemberLeft',
          data: { coopId: 'ksp-1', reason: 'resigned', leftOn: '2026-06-30', movedToCoopId: null },
        },
      ];
      it('refuses to change a member who left, when the item does not report the departure', () => {
        const renumber = upsert({ memberNumber: '2026.0099' });
        expect(refusal(departed, renumber)).toMatchObject({
          code: 'member_left',
          pointer: '/left',
        });
      });
      it('refuses an item that reports another departure than the one recorded', () => {
        const other = { reason: 'expelled', leftOn: '2026-06-30' } as const;
        expect(refusal(departed, upsert({ leaving: other })).code).toBe('left_changed');
        const later = { reason: 'resigned', leftOn: '2026-07-01' } as const;
        expect(refusal(departed, upsert({ leaving: later })).code).toBe('left_changed');
      });
      it('takes an item that reports the departure as recorded', () => {
        const same = { reason: 'resigned', leftOn: '2026-06-30' } as const;
        expect(when(departed, upsert({ leaving: same }))).toEqual([]);
      });
      it('refuses another joining date or member coop', () => {
        expect(refusal(joined, upsert({ joinedOn: '2026-02-02' }))).toMatchObject({
          code: 'joined_on_changed',
          pointer: '/joinedOn',
        });
        const coopMember = upsert({
          coopId: 'puskopdit',
          membership: { kind: 'coop', memberCoopId: 'ksp-1' },
          personalData: null,
          coop: { coopId: 'puskopdit', kind: 'secondary', status: 'active' },
          memberCoop: primary,
        });
        const coopJoined = when([], coopMember);
        const otherCoop = upsert({
          ...coopMember,
          membership: { kind: 'coop', memberCoopId: 'ksp-2' },
        } as Partial<Extract<MemberCommand, { type: 'UpsertMember' }>>);
        expect(refusal(coopJoined, otherCoop).code).toBe('member_coop_changed');
      });
    });
    it('refuses to turn a person into a coop', () => {
      expect(
        refusal(
          joined,
          upsert({ membership: { kind: 'coop', memberCoopId: 'x' }, personalData: null }),
        ).code,
      ).toBe('member_kind_changed');
    });
  });

  describe('LeaveCoop', () => {
    it('ends a membership with its reason and date', () => {
      expect(
        when(joined, {
          type: 'LeaveCoop',
          today: TODAY,
          reason: 'moved',
          leftOn: '2026-09-01',
          movedToCoopId: 'ksp-2',
        }),
      ).toEqual([
        {
          type: 'MemberLeft',
          data: { coopId: 'ksp-1', reason: 'moved', leftOn: '2026-09-01', movedToCoopId: 'ksp-2' },
        },
      ]);
    });
    it('names the membership a move made in the coop moved to', () => {
      const left = when(joined, {
        type: 'LeaveCoop',
        today: TODAY,
        reason: 'moved',
        leftOn: '2026-09-01',
        movedToCoopId: 'ksp-2',
        movedToMemberId: 'm-2',
      });
      expect(left).toEqual([
        {
          type: 'MemberLeft',
          data: {
            coopId: 'ksp-1',
            reason: 'moved',
            leftOn: '2026-09-01',
            movedToCoopId: 'ksp-2',
            movedToMemberId: 'm-2',
          },
        },
      ]);
      expect(given([...joined, ...left])).toMatchObject({
        status: 'left',
        leftReason: 'moved',
        movedToCoopId: 'ksp-2',
      });
    });
    it('names no coop moved to for a resignation', () => {
      expect(
        when(joined, {
          type: 'LeaveCoop',
          today: TODAY,
          reason: 'resigned',
          leftOn: '2026-09-01',
          movedToCoopId: null,
        }),
      ).toEqual([
        {
          type: 'MemberLeft',
          data: { coopId: 'ksp-1', reason: 'resigned', leftOn: '2026-09-01', movedToCoopId: null },
        },
      ]);
    });
    it.each([
      [
        'twice',
        [
          ...joined,
          {
            type: 'MemberLeft',
            data: {
              coopId: 'ksp-1',
              reason: 'resigned',
              leftOn: '2026-05-01',
              movedToCoopId: null,
            },
          },
        ],
        'resigned',
        '2026-06-01',
        null,
        'member_left',
      ],
      ['before joining', joined, 'resigned', '2026-01-01', null, 'left_before_joined'],
      ['as moved without the new coop', joined, 'moved', '2026-06-01', null, 'move_needs_coop'],
      ['when not a member', [], 'resigned', '2026-06-01', null, 'member_not_found'],
      ['on a day to come', joined, 'resigned', '2027-01-01', null, 'left_in_future'],
    ] as const)('refuses to leave %s', (_, history, reason, leftOn, movedToCoopId, code) => {
      expect(
        refusal([...history], { type: 'LeaveCoop', reason, leftOn, movedToCoopId, today: TODAY })
          .code,
      ).toBe(code);
    });
  });

  describe('EndMembershipOnExit', () => {
    const memberCoop: MemberEvent[] = [
      {
        type: 'MemberJoined',
        data: {
          memberId: 'm-9',
          coopId: 'puskopdit',
          memberNumber: 'P-01',
          externalId: null,
          joinedOn: '2026-02-01',
          kind: 'coop',
          memberCoopId: 'ksp-1',
        },
      },
    ];
    const exit = (exitedOn: string, reason: 'resigned' | 'expelled' = 'resigned') =>
      ({ type: 'EndMembershipOnExit', exitedOn, reason, today: TODAY }) as const;
    it('ends a member coop’s membership on the day it exited, with the exit’s reason', () => {
      expect(when(memberCoop, exit('2026-09-30', 'expelled'))).toEqual([
        {
          type: 'MemberLeft',
          data: {
            coopId: 'puskopdit',
            reason: 'expelled',
            leftOn: '2026-09-30',
            movedToCoopId: null,
          },
        },
      ]);
    });
    it('ends nothing once the membership has ended, by the exit retried or by hand before it', () => {
      const ended = when(memberCoop, exit('2026-09-30'));
      expect(when([...memberCoop, ...ended], exit('2026-09-30'))).toEqual([]);
      const byHand = when(memberCoop, {
        type: 'LeaveCoop',
        reason: 'resigned',
        leftOn: '2026-06-30',
        movedToCoopId: null,
        today: TODAY,
      });
      expect(when([...memberCoop, ...byHand], exit('2026-09-30'))).toEqual([]);
    });
    it('ends a membership begun after the exit’s date on its first day', () => {
      expect(when(memberCoop, exit('2026-01-15'))[0]!.data).toMatchObject({
        leftOn: '2026-02-01',
      });
    });
    it('ends no person’s membership', () => {
      expect(refusal(joined, exit('2026-09-30')).code).toBe('not_a_coop');
    });
    it('refuses an exit dated before a membership of the coop began', () => {
      const memberships = [{ memberId: 'm-9', coopId: 'puskopdit', joinedOn: '2026-02-01' }];
      expect(() => admitExitDate(memberships, '2026-02-01')).not.toThrow();
      expect(() => admitExitDate(memberships, '2026-01-31')).toThrow(
        expect.objectContaining({ code: 'exit_before_membership' }),
      );
    });
  });

  describe('EndMembershipOnDeath', () => {
    const died = (diedOn: string) =>
      ({ type: 'EndMembershipOnDeath', diedOn, today: TODAY }) as const;
    const leftAs = (reason: LeftReason, leftOn: string): MemberEvent => ({
      type: 'MemberLeft',
      data: {
        coopId: 'ksp-1',
        reason,
        leftOn,
        movedToCoopId: reason === 'moved' ? 'ksp-2' : null,
      },
    });
    it('ends a person’s membership as deceased on the day another coop recorded', () => {
      expect(when(joined, died('2026-09-30'))).toEqual([leftAs('deceased', '2026-09-30')]);
    });
    it.each([
      ['the death retried', leftAs('deceased', '2026-09-30')],
      ['a resignation before it', leftAs('resigned', '2026-06-30')],
      ['a move before it', leftAs('moved', '2026-06-30')],
    ])('ends nothing once the membership has ended, by %s', (_, ended) => {
      expect(when([...joined, ended], died('2026-09-30'))).toEqual([]);
    });
    it('ends a membership begun after the day of death on its first day', () => {
      expect(when(joined, died('2026-01-15'))).toEqual([leftAs('deceased', '2026-02-01')]);
    });
    it('ends no coop’s membership, and no membership that is not there', () => {
      const memberCoop: MemberEvent = {
        type: 'MemberJoined',
        data: {
          memberId: 'm-9',
          coopId: 'puskopdit',
          memberNumber: 'P-01',
          externalId: null,
          joinedOn: '2026-02-01',
          kind: 'coop',
          memberCoopId: 'ksp-1',
        },
      };
      expect(refusal([memberCoop], died('2026-09-30')).code).toBe('not_a_person');
      expect(refusal([], died('2026-09-30')).code).toBe('member_not_found');
    });
    it('refuses a death dated before another membership of the person began', () => {
      const others = [{ memberId: 'm-2', coopId: 'ksp-2', joinedOn: '2026-05-01' }];
      expect(() => admitDeathDate(others, '2026-05-01')).not.toThrow();
      expect(() => admitDeathDate([], '2026-01-01')).not.toThrow();
      expect(() => admitDeathDate(others, '2026-04-30')).toThrow(
        expect.objectContaining({ code: 'died_before_membership', pointer: '/leftOn' }),
      );
    });
  });

  describe('RecordPersonalData', () => {
    it('records changed data, ignores unchanged data, and refuses another person’s', () => {
      expect(
        when(joined, {
          type: 'RecordPersonalData',
          personalData: { ...personal, dataHash: 'data#2' },
          personErased: false,
        }),
      ).toHaveLength(1);
      expect(
        when(joined, { type: 'RecordPersonalData', personalData: personal, personErased: false }),
      ).toEqual([]);
      expect(
        refusal(joined, {
          type: 'RecordPersonalData',
          personalData: { ...personal, personId: 'person-2' },
          personErased: false,
        }).code,
      ).toBe('not_this_person');
    });
  });

  describe('admitMove', () => {
    const leftAs = (reason: 'moved' | 'deceased', movedToCoopId: string | null): MemberEvent[] => [
      ...joined,
      {
        type: 'MemberLeft',
        data: { coopId: 'ksp-1', reason, leftOn: '2026-05-01', movedToCoopId },
      },
    ];
    const refusalOf = (run: () => unknown): DomainError => {
      try {
        run();
      } catch (error) {
        if (error instanceof DomainError) return error;
        throw error;
      }
      throw new Error('accepted');
    };
    it('moves an active member on or after the day they joined', () => {
      expect(admitMove(given(joined), 'ksp-2', '2026-02-01', TODAY)).toBe('leave');
    });
    it('finishes a move already recorded to the same coop (a retry)', () => {
      expect(admitMove(given(leftAs('moved', 'ksp-2')), 'ksp-2', '2026-05-01', TODAY)).toBe(
        'finish',
      );
    });
    it.each([
      ['a deceased member', leftAs('deceased', null), '2026-06-01', 'member_left', 'conflict'],
      [
        'a member moved elsewhere',
        leftAs('moved', 'ksp-3'),
        '2026-06-01',
        'member_left',
        'conflict',
      ],
      ['before the member joined', joined, '2026-01-31', 'moved_before_joined', 'rejected'],
      ['on a day to come', joined, '2027-01-01', 'moved_in_future', 'rejected'],
      ['a member that does not exist', [], '2026-06-01', 'member_not_found', 'not_found'],
    ] as const)('refuses to move %s', (_, history, on, code, kind) => {
      expect(refusalOf(() => admitMove(given([...history]), 'ksp-2', on, TODAY))).toMatchObject({
        code,
        kind,
      });
    });
  });
  describe('admitKnownPerson', () => {
    const left = (coopId: string, leftOn: string, leftReason: LeftReason = 'resigned') => ({
      coopId,
      status: 'left' as const,
      leftOn,
      leftReason,
    });
    const codeOf = (run: () => void) => {
      try {
        run();
      } catch (error) {
        if (error instanceof DomainError) return error.code;
        throw error;
      }
      return undefined;
    };
    it('takes a person back from the day their membership there ended, and elsewhere at any date', () => {
      expect(
        codeOf(() => admitKnownPerson([left('ksp-1', '2026-05-31')], 'ksp-1', '2026-05-31')),
      ).toBeUndefined();
      expect(
        codeOf(() => admitKnownPerson([left('ksp-2', '2026-05-31')], 'ksp-1', '2026-03-01')),
      ).toBeUndefined();
    });
    it('refuses a joining within an ended membership of the same coop', () => {
      expect(
        codeOf(() => admitKnownPerson([left('ksp-1', '2026-05-31')], 'ksp-1', '2026-05-30')),
      ).toBe('membership_overlaps');
    });
    it('refuses a person who left any coop as deceased', () => {
      expect(
        codeOf(() =>
          admitKnownPerson([left('ksp-2', '2026-04-01', 'deceased')], 'ksp-1', '2026-06-01'),
        ),
      ).toBe('member_deceased');
    });
  });

  describe('a member coop’s departure', () => {
    const memberCoop: MemberEvent[] = [
      {
        type: 'MemberJoined',
        data: {
          memberId: 'm-9',
          coopId: 'puskopdit',
          memberNumber: 'P-01',
          externalId: 'P-AGT-1',
          joinedOn: '2026-02-01',
          kind: 'coop',
          memberCoopId: 'ksp-1',
        },
      },
    ];
    const leaveAs = (reason: LeftReason): MemberCommand => ({
      type: 'LeaveCoop',
      today: TODAY,
      reason,
      leftOn: '2026-03-01',
      movedToCoopId: reason === 'moved' ? 'ksp-2' : null,
    });
    const syncedLeaving = (reason: LeftReason): MemberCommand => ({
      type: 'UpsertMember',
      ...joinPerson({
        memberId: 'm-9',
        coopId: 'puskopdit',
        memberNumber: 'P-01',
        externalId: 'P-AGT-1',
        membership: { kind: 'coop', memberCoopId: 'ksp-1' },
        personalData: null,
        coop: { coopId: 'puskopdit', kind: 'secondary', status: 'active' },
        memberCoop: primary,
      }),
      leaving: { reason, leftOn: '2026-03-01' },
      personErased: false,
    });
    it.each(['resigned', 'expelled'] as const)('ends it as %s', (reason) => {
      expect(when(memberCoop, leaveAs(reason))[0]!.data).toMatchObject({ reason });
      expect(when(memberCoop, syncedLeaving(reason))[0]!.data).toMatchObject({ reason });
    });
    it.each(['deceased', 'moved'] as const)(
      'refuses to end it as %s, by hand or by sync',
      (reason) => {
        const byHand = refusal(memberCoop, leaveAs(reason));
        expect(byHand).toMatchObject({ code: 'coop_leave_reason', pointer: '/reason' });
        const bySync = refusal(memberCoop, syncedLeaving(reason));
        expect(bySync).toMatchObject({ code: 'coop_leave_reason', pointer: '/left/reason' });
        expect(refusal([], syncedLeaving(reason)).code).toBe('coop_leave_reason');
      },
    );
    it('still folds a member coop’s departure recorded as deceased before it was refused', () => {
      const stored: MemberEvent = {
        type: 'MemberLeft',
        data: {
          coopId: 'puskopdit',
          reason: 'deceased',
          leftOn: '2026-03-01',
          movedToCoopId: null,
        },
      };
      expect(given([...memberCoop, stored])).toMatchObject({
        status: 'left',
        leftReason: 'deceased',
      });
    });
  });
});
