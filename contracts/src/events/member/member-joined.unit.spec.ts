import { catalog } from '../catalog';
import { MemberJoinedV2 } from './member-joined';

const person = {
  coopId: '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c01',
  memberId: '0193a3c3-0a4b-7c2d-8e1f-5a6b7c8d9e10',
  memberNumber: '2026.0153',
  joinedOn: '2026-02-02',
  memberKind: 'person',
};
const coop = {
  coopId: '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c00',
  memberId: '0193a3c3-0a4b-7c2d-8e1f-5a6b7c8d9e20',
  memberNumber: 'PK-0042',
  joinedOn: '2026-01-05',
  memberKind: 'coop',
  memberCoopId: '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c01',
};

describe('MemberJoined', () => {
  it('upcasts a v1 member to v2 with no external id', () => {
    expect(catalog.upcast('MemberJoined', 1, person)).toEqual({
      version: 2,
      data: { ...person, externalId: null },
    });
    expect(catalog.upcast('MemberJoined', 1, coop)).toEqual({
      version: 2,
      data: { ...coop, externalId: null },
    });
  });

  it('v2 requires the external id (possibly null) and nothing more — no personal data', () => {
    expect(MemberJoinedV2.safeParse(person).success).toBe(false);
    expect(MemberJoinedV2.safeParse({ ...person, externalId: 'AGT-1' }).success).toBe(true);
    expect(MemberJoinedV2.safeParse({ ...person, externalId: null, gender: 'male' }).success).toBe(
      false,
    );
  });

  it('a coop member names the member coop; a person member cannot', () => {
    const { memberCoopId: _, ...withoutCoop } = coop;
    expect(() => catalog.parse('MemberJoined', 1, withoutCoop)).toThrow();
    expect(() =>
      catalog.parse('MemberJoined', 1, { ...person, memberCoopId: coop.memberCoopId }),
    ).toThrow();
  });
});
