import { conflict, notFound, rejected, unreachable, type Decider } from '@kopfed/domain';
import type { ShuPool } from './allocation';

/** A member's part of a simulation, amounts as decimal strings (events are plain JSON). */
export interface MemberShareData {
  memberId: string;
  capitalShare: string;
  businessShare: string;
  total: string;
}

export interface ShuSimulationData {
  simulationId: string;
  coopId: string;
  financialYear: number;
  currency: string;
  surplus: string;
  /** Absent from simulations recorded before the surplus was checked against the books. */
  surplusFrom?: 'request' | 'books';
  allocation: Record<ShuPool, string>;
  basesFrom: 'request' | 'books';
  pools: Record<ShuPool, string>;
  members: MemberShareData[];
  simulatedAt: string;
}

/**
 * One coop's SHU for one financial year, a stream `shu-<coopId>-<year>`: simulated as often
 * as the board likes, one simulation approved by the RAT (rapat anggota tahunan, the annual
 * members' meeting), then distributed into the members' savings exactly once.
 */
export type ShuEvent =
  | { type: 'ShuSimulated'; data: ShuSimulationData }
  | {
      type: 'ShuApproved';
      data: { simulationId: string; ratReference: string; ratHeldOn: string; approvedAt: string };
    }
  | {
      type: 'ShuDistributed';
      data: {
        simulationId: string;
        coopId: string;
        financialYear: number;
        currency: string;
        /** Each member's total credited to its savings account (zero shares are left out). */
        credits: { memberId: string; amount: string }[];
        /**
         * The approved simulation's pools, which the books divide the SHU into. Absent from
         * distributions recorded before they were carried: those books divide the members'
         * credits only.
         */
        pools?: Record<ShuPool, string>;
        businessDate: string;
        distributedAt: string;
      };
    };

export type ShuCommand =
  /** The decider numbers the simulation: `<financialYear>-<n>`, n counting from 1. */
  | { type: 'SimulateShu'; simulation: Omit<ShuSimulationData, 'simulationId'> }
  | {
      type: 'ApproveShu';
      simulationId: string;
      ratReference: string;
      ratHeldOn: string;
      approvedAt: string;
      /** Today's business date (Asia/Jakarta): a RAT is not approved before it is held. */
      today: string;
    }
  | {
      type: 'DistributeShu';
      simulationId: string;
      businessDate: string;
      distributedAt: string;
      /** Today's business date (Asia/Jakarta): a distribution is not dated ahead of it. */
      today: string;
    };

export interface ShuState {
  simulations: ReadonlyMap<string, ShuSimulationData>;
  approved: { simulationId: string; ratReference: string; ratHeldOn: string } | null;
  distributed: { simulationId: string; businessDate: string } | null;
}

export const shuDecider: Decider<ShuState, ShuCommand, ShuEvent> = {
  initialState: () => ({ simulations: new Map(), approved: null, distributed: null }),
  evolve(state, event) {
    switch (event.type) {
      case 'ShuSimulated':
        return {
          ...state,
          simulations: new Map(state.simulations).set(event.data.simulationId, event.data),
        };
      case 'ShuApproved': {
        const { simulationId, ratReference, ratHeldOn } = event.data;
        return { ...state, approved: { simulationId, ratReference, ratHeldOn } };
      }
      case 'ShuDistributed':
        return {
          ...state,
          distributed: {
            simulationId: event.data.simulationId,
            businessDate: event.data.businessDate,
          },
        };
      default:
        return unreachable(event, 'SHU event');
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'SimulateShu':
        if (state.approved)
          throw conflict(
            'shu-already-approved',
            `The RAT already approved simulation ${state.approved.simulationId} for this year.`,
          );
        return [
          {
            type: 'ShuSimulated',
            data: {
              simulationId: `${command.simulation.financialYear}-${state.simulations.size + 1}`,
              ...command.simulation,
            },
          },
        ];
      case 'ApproveShu': {
        const simulation = state.simulations.get(command.simulationId);
        if (!simulation)
          throw notFound('shu-simulation-not-found', `No SHU simulation ${command.simulationId}.`);
        if (state.approved)
          throw conflict(
            'shu-already-approved',
            `The RAT already approved simulation ${state.approved.simulationId} for this year.`,
          );
        // The RAT approves the accounts of a financial year that is over.
        const yearEnd = `${simulation.financialYear}-12-31`;
        if (command.ratHeldOn <= yearEnd)
          throw rejected(
            'shu-rat-before-year-end',
            `The RAT dividing the SHU of ${simulation.financialYear} is held after ${yearEnd}, not on ${command.ratHeldOn}.`,
            '/ratHeldOn',
          );
        // Approval happens once and holds distribution back until the RAT: a RAT "held" in
        // the future is a typo that would lock the year with nothing to correct it.
        if (command.ratHeldOn > command.today)
          throw rejected(
            'shu-rat-held-ahead',
            `The RAT is held on ${command.ratHeldOn}, after today's business date ${command.today} (Asia/Jakarta): record its decision once it is held.`,
            '/ratHeldOn',
          );
        const { simulationId, ratReference, ratHeldOn, approvedAt } = command;
        return [
          { type: 'ShuApproved', data: { simulationId, ratReference, ratHeldOn, approvedAt } },
        ];
      }
      case 'DistributeShu': {
        const simulation = state.simulations.get(command.simulationId);
        if (!simulation)
          throw notFound('shu-simulation-not-found', `No SHU simulation ${command.simulationId}.`);
        if (state.distributed)
          throw conflict(
            'shu-already-distributed',
            `The SHU of ${simulation.financialYear} was already distributed on ${state.distributed.businessDate}; it is distributed once.`,
          );
        if (state.approved?.simulationId !== command.simulationId)
          throw conflict(
            'shu-not-approved',
            'Only the simulation the RAT approved is distributed.',
          );
        if (command.businessDate < state.approved.ratHeldOn)
          throw rejected(
            'shu-distribution-before-rat',
            `The SHU is distributed on or after the RAT that approved it (${state.approved.ratHeldOn}), not on ${command.businessDate}.`,
            '/businessDate',
          );
        // A year is distributed once: a date ahead of today would be recorded for good.
        if (command.businessDate > command.today)
          throw rejected(
            'shu-distribution-dated-ahead',
            `The distribution is dated ${command.businessDate}, after today's business date ${command.today} (Asia/Jakarta).`,
            '/businessDate',
          );
        return [
          {
            type: 'ShuDistributed',
            data: {
              simulationId: simulation.simulationId,
              coopId: simulation.coopId,
              financialYear: simulation.financialYear,
              currency: simulation.currency,
              credits: simulation.members
                .filter((m) => m.total !== '0')
                .map((m) => ({ memberId: m.memberId, amount: m.total })),
              pools: { ...simulation.pools },
              businessDate: command.businessDate,
              distributedAt: command.distributedAt,
            },
          },
        ];
      }
      default:
        return unreachable(command, 'SHU command');
    }
  },
};
