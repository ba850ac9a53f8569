import {
  agreementDecider,
  inForce,
  type AgreementCommand,
  type AgreementEvent,
} from './agreement.decider';
import { personDecider } from '../persons/person.decider';

const sign: AgreementCommand = {
  type: 'SignAgreement',
  agreementId: 'a-1',
  coopId: 'ksp-1',
  partnerCoopId: 'ksp-2',
  validFrom: '2026-01-01',
  validUntil: '2026-12-31',
  coopActive: true,
  partnerActive: true,
};
const signed: AgreementEvent = {
  type: 'CooperationAgreementSigned',
  data: {
    agreementId: 'a-1',
    coopId: 'ksp-1',
    partnerCoopId: 'ksp-2',
    validFrom: '2026-01-01',
    validUntil: '2026-12-31',
  },
};
const state = (events: AgreementEvent[]) =>
  events.reduce(agreementDecider.evolve, agreementDecider.initialState());

describe('cooperation agreement decider', () => {
  it('signs an agreement between two active coops', () => {
    expect(agreementDecider.decide(sign, state([]))).toEqual([signed]);
  });
  it.each([
    ['twice', [signed], sign, 'agreement_exists'],
    ['with itself', [], { ...sign, partnerCoopId: 'ksp-1' }, 'same_coop'],
    ['with an inactive partner', [], { ...sign, partnerActive: false }, 'coop_not_active'],
    ['ending before it starts', [], { ...sign, validUntil: '2025-12-31' }, 'period_reversed'],
    [
      'terminating what was never signed',
      [],
      { type: 'TerminateAgreement', on: '2026-05-01' },
      'agreement_not_found',
    ],
  ] as const)('refuses %s', (_, history, command, code) => {
    expect(() => agreementDecider.decide(command as AgreementCommand, state([...history]))).toThrow(
      expect.objectContaining({ code }),
    );
  });
  it('is in force within its period until terminated', () => {
    const terminated = agreementDecider.decide(
      { type: 'TerminateAgreement', on: '2026-07-01' },
      state([signed]),
    );
    const s = state([signed, ...terminated]);
    expect(inForce(state([signed]), '2026-01-01')).toBe(true);
    expect(inForce(state([signed]), '2027-01-01')).toBe(false);
    expect(inForce(s, '2026-06-30')).toBe(true);
    expect(inForce(s, '2026-07-01')).toBe(false);
  });
});

describe('person decider', () => {
  it('records an erasure once', () => {
    const command = {
      type: 'ErasePerson' as const,
      personId: 'p-1',
      memberIds: ['m-1'],
      erasedAt: '2026-05-01T00:00:00.000Z',
      requestedBy: 'key-1',
    };
    const erased = personDecider.decide(command, personDecider.initialState());
    expect(erased).toEqual([
      {
        type: 'PersonErased',
        data: {
          personId: 'p-1',
          memberIds: ['m-1'],
          erasedAt: '2026-05-01T00:00:00.000Z',
          requestedBy: 'key-1',
        },
      },
    ]);
    expect(() =>
      personDecider.decide(
        command,
        erased.reduce(personDecider.evolve, personDecider.initialState()),
      ),
    ).toThrow(expect.objectContaining({ code: 'person_erased' }));
  });
});
