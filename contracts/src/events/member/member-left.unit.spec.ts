import { catalog } from '../catalog';
import { MemberLeftV2 } from './member-left';

const resigned = {
  coopId: '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c01',
  memberId: '0193a3c3-0a4b-7c2d-8e1f-5a6b7c8d9e10',
  reason: 'resigned',
  leftOn: '2026-09-30',
};
const moved = {
  ...resigned,
  reason: 'moved',
  movedToCoopId: '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c02',
  movedToMemberId: '0193a3c3-0a4b-7c2d-8e1f-5a6b7c8d9e11',
};

describe('MemberLeft', () => {
  it('upcasts a v1 departure to v2 naming no coop moved to', () => {
    expect(catalog.upcast('MemberLeft', 1, resigned)).toEqual({ version: 2, data: resigned });
    expect(catalog.upcast('MemberLeft', 1, { ...resigned, reason: 'moved' })).toEqual({
      version: 2,
      data: { ...resigned, reason: 'moved' },
    });
  });

  it('v2 names the coop and the membership moved to, both optional', () => {
    expect(MemberLeftV2.parse(moved)).toEqual(moved);
    const { movedToMemberId: _, ...withoutMember } = moved;
    expect(MemberLeftV2.safeParse(withoutMember).success).toBe(true);
    expect(MemberLeftV2.safeParse(resigned).success).toBe(true);
    expect(MemberLeftV2.safeParse({ ...moved, movedToCoopId: 'not a coop id' }).success).toBe(
      false,
    );
    expect(MemberLeftV2.safeParse({ ...moved, person: 'x' }).success).toBe(false);
  });

  it('is published as v2', () => {
    expect(catalog.latest('MemberLeft').version).toBe(2);
  });
});
