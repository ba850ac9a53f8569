import { conflict, unreachable, type Decider } from '@kopfed/domain';

/**
 * A data subject. Its stream records only the erasure: the personal data itself lives sealed
 * in the person's memberships, and erasure destroys the key that opens it (UU 27/2022 Ps. 8).
 * Memberships, balances and history stay; the person becomes unreadable.
 */
export type PersonEvent = {
  type: 'PersonErased';
  data: { personId: string; memberIds: string[]; erasedAt: string; requestedBy: string };
};
export type PersonCommand = {
  type: 'ErasePerson';
  personId: string;
  memberIds: string[];
  erasedAt: string;
  requestedBy: string;
};
export interface PersonState {
  erasedAt?: string;
}

export const personDecider: Decider<PersonState, PersonCommand, PersonEvent> = {
  initialState: () => ({}),
  evolve(state, event) {
    switch (event.type) {
      case 'PersonErased':
        return { erasedAt: event.data.erasedAt };
      default:
        return unreachable(event.type, 'person event');
    }
  },
  decide(command, state) {
    if (state.erasedAt)
      throw conflict('person_erased', `the person was erased at ${state.erasedAt}`);
    return [
      {
        type: 'PersonErased',
        data: {
          personId: command.personId,
          memberIds: command.memberIds,
          erasedAt: command.erasedAt,
          requestedBy: command.requestedBy,
        },
      },
    ];
  },
};
