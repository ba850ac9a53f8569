import fc from 'fast-check';
import { InMemoryCoopDirectory } from './coop-directory';
import { assertPolicy, authorise, type ProtectedPolicy } from './policy';
import { ROLES, type Principal, type Role } from './principal';

// P is the parent of A and B; T is the parent of P (a tertiary); X is elsewhere.
const directory = new InMemoryCoopDirectory([
  ['A', 'P'],
  ['B', 'P'],
  ['P', 'T'],
]);
const principal = (role: Role, coopId: string): Principal => ({
  keyId: `${role}-${coopId}`,
  role,
  coopId,
});
const scoped: ProtectedPolicy = {
  roles: ROLES,
  coopScope: { pathParam: 'coopId' },
  access: 'read',
};
const check = (policy: ProtectedPolicy, who: Principal, coopId: string, method = 'GET') =>
  authorise(policy, { principal: who, method, params: { coopId } }, directory).allowed;

describe('authorise', () => {
  it('keeps a coop to its own coop', () => {
    expect(check(scoped, principal('coop', 'A'), 'A')).toBe(true);
    expect(check(scoped, principal('coop', 'A'), 'B')).toBe(false);
    expect(check(scoped, principal('coop', 'P'), 'A')).toBe(false);
  });

  it('lets a treasurer and an auditor reach their coop and every coop below it', () => {
    for (const role of ['treasurer', 'auditor'] as const) {
      expect(check(scoped, principal(role, 'P'), 'A')).toBe(true);
      expect(check(scoped, principal(role, 'P'), 'P')).toBe(true);
      expect(check(scoped, principal(role, 'T'), 'B')).toBe(true);
      expect(check(scoped, principal(role, 'P'), 'T')).toBe(false);
      expect(check(scoped, principal(role, 'A'), 'B')).toBe(false);
      expect(check(scoped, principal(role, 'P'), 'X')).toBe(false);
    }
  });

  it('lets an admin reach every coop', () => {
    expect(check(scoped, principal('admin', 'A'), 'X')).toBe(true);
  });

  it('denies roles the policy does not list', () => {
    const treasurerOnly: ProtectedPolicy = { roles: ['treasurer'], coopScope: 'federation' };
    expect(check(treasurerOnly, principal('admin', 'P'), 'A')).toBe(false);
    expect(check(treasurerOnly, principal('treasurer', 'P'), 'A')).toBe(true);
  });

  it('never lets an auditor write, whatever the policy says', () => {
    fc.assert(
      fc.property(
        fc.subarray([...ROLES], { minLength: 1 }),
        fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE'),
        fc.constantFrom('A', 'B', 'P', 'T', 'X'),
        (roles, method, coopId) => {
          const policy: ProtectedPolicy = { roles, coopScope: { pathParam: 'coopId' } };
          expect(check(policy, principal('auditor', 'T'), coopId, method)).toBe(false);
        },
      ),
    );
  });

  it('never lets a coop reach another coop, whoever its parent is', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('A', 'B', 'P', 'T', 'X'),
        fc.constantFrom('A', 'B', 'P', 'T', 'X'),
        (own, target) => {
          expect(check(scoped, principal('coop', own), target)).toBe(own === target);
        },
      ),
    );
  });

  it('reads the coop from the path parameter only: a missing one is denied', () => {
    const decision = authorise(
      scoped,
      { principal: principal('coop', 'A'), method: 'GET', params: {} },
      directory,
    );
    expect(decision.allowed).toBe(false);
  });
});

describe('assertPolicy', () => {
  it.each([
    ['no policy', undefined],
    ['no roles', { roles: [], coopScope: 'federation' }],
    ['an unknown role', { roles: ['root'], coopScope: 'federation' }],
    ['a scope parameter the path lacks', { roles: ['coop'], coopScope: { pathParam: 'memberId' } }],
    ['a write open to auditors', { roles: ['auditor'], coopScope: 'federation' }],
  ])('refuses %s', (_what, policy) => {
    expect(() => assertPolicy(policy, 'POST', ['coopId'])).toThrow();
  });

  it('accepts public, and a read open to auditors', () => {
    expect(() => assertPolicy('public', 'GET', [])).not.toThrow();
    expect(() =>
      assertPolicy({ roles: ['auditor'], coopScope: { pathParam: 'coopId' } }, 'GET', ['coopId']),
    ).not.toThrow();
  });
});

describe('InMemoryCoopDirectory', () => {
  it('refuses a cycle', () => {
    const tree = new InMemoryCoopDirectory([['A', 'P']]);
    expect(() => tree.setParent('P', 'A')).toThrow(/cycle/);
    expect(() => tree.setParent('A', 'A')).toThrow(/cycle/);
  });

  it('knows the children of a parent as they stand now, a coop that moved under its new one', () => {
    const tree = new InMemoryCoopDirectory([
      ['A', 'P'],
      ['B', 'P'],
      ['C', 'Q'],
    ]);
    expect([...tree.childrenOf('P')].sort()).toEqual(['A', 'B']);
    tree.setParent('B', 'Q');
    expect(tree.childrenOf('P')).toEqual(['A']);
    expect([...tree.childrenOf('Q')].sort()).toEqual(['B', 'C']);
    expect(tree.childrenOf('A')).toEqual([]);
  });
});
