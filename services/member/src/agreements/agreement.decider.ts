import { conflict, notFound, rejected, unreachable, type Decider } from '@kopfed/domain';

/**
 * A cooperation agreement (perjanjian kerja sama) between two coops: under the closed-loop
 * rule (BRIEF §5) a coop transacts with another coop only while one is in force.
 */
export type AgreementEvent =
  | {
      type: 'CooperationAgreementSigned';
      data: {
        agreementId: string;
        coopId: string;
        partnerCoopId: string;
        validFrom: string;
        validUntil: string;
      };
    }
  | { type: 'CooperationAgreementTerminated'; data: { terminatedOn: string } };

export type AgreementCommand =
  | {
      type: 'SignAgreement';
      agreementId: string;
      coopId: string;
      partnerCoopId: string;
      validFrom: string;
      validUntil: string;
      /** Both coops as the handler found them. */
      coopActive: boolean;
      partnerActive: boolean;
    }
  | { type: 'TerminateAgreement'; on: string };

export interface AgreementState {
  coopId?: string;
  partnerCoopId?: string;
  validFrom?: string;
  validUntil?: string;
  terminatedOn?: string;
}

export const agreementDecider: Decider<AgreementState, AgreementCommand, AgreementEvent> = {
  initialState: () => ({}),
  evolve(state, event) {
    switch (event.type) {
      case 'CooperationAgreementSigned': {
        const { coopId, partnerCoopId, validFrom, validUntil } = event.data;
        return { coopId, partnerCoopId, validFrom, validUntil };
      }
      case 'CooperationAgreementTerminated':
        return { ...state, terminatedOn: event.data.terminatedOn };
      default:
        return unreachable(event, 'agreement event');
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'SignAgreement': {
        if (state.coopId) throw conflict('agreement_exists', 'this agreement is already signed');
        if (command.coopId === command.partnerCoopId)
          throw rejected(
            'same_coop',
            'an agreement is between two different coops',
            '/partnerCoopId',
          );
        if (!command.coopActive || !command.partnerActive)
          throw rejected('coop_not_active', 'both coops must be active', '/partnerCoopId');
        if (command.validUntil < command.validFrom)
          throw rejected('period_reversed', 'validUntil is before validFrom', '/validUntil');
        const { agreementId, coopId, partnerCoopId, validFrom, validUntil } = command;
        return [
          {
            type: 'CooperationAgreementSigned',
            data: { agreementId, coopId, partnerCoopId, validFrom, validUntil },
          },
        ];
      }
      case 'TerminateAgreement':
        if (!state.coopId) throw notFound('agreement_not_found', 'no such agreement');
        if (state.terminatedOn)
          throw conflict('agreement_terminated', 'the agreement is already terminated');
        if (command.on < state.validFrom!)
          throw rejected('terminated_before_start', 'terminated before it began', '/on');
        return [{ type: 'CooperationAgreementTerminated', data: { terminatedOn: command.on } }];
      default:
        return unreachable(command, 'agreement command');
    }
  },
};

/** In force on `date`: signed, started, not past its end, not terminated before that date. */
export function inForce(state: AgreementState, date: string): boolean {
  return (
    state.validFrom !== undefined &&
    state.validFrom <= date &&
    date <= state.validUntil! &&
    (state.terminatedOn === undefined || date < state.terminatedOn)
  );
}
