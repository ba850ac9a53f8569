import { rejected, unreachable, type Decider, type DomainEvent } from '@kopfed/domain';
import {
  accountCode,
  coopId as toCoopId,
  DEFAULT_SHU_SLOTS,
  defaultGlMapping,
  glMappingProblems,
  type AccountCode,
  type Chart,
  type GlMapping,
  type LoanProductGl,
  type SavingsProductGl,
} from '@kopfed/ledger';

/** A coop's GL mapping as stored and sent: account codes as strings, per product code. */
export interface GlMappingJson {
  effectiveFrom: string;
  cash: string;
  bank: string;
  depositWithParent: string;
  settlementInTransit: string;
  clearing: string;
  taxPayable: string;
  /** Absent from mappings set before the SHU slots existed: the default chart's accounts. */
  undividedShu?: string;
  reserve?: string;
  shuPayable?: string;
  savings: Record<string, Record<keyof SavingsProductGl, string>>;
  loans: Record<string, Record<keyof LoanProductGl, string>>;
}

export type GlMappingEvent =
  | DomainEvent<'GlMappingSet', { coopId: string; mapping: GlMappingJson; setAt: string }>
  | DomainEvent<
      'MemberClearingAssigned',
      { coopId: string; memberCoopId: string; account: string; assignedAt: string }
    >;

export type GlMappingCommand =
  | { type: 'SetGlMapping'; coopId: string; mapping: GlMappingJson; chart: Chart; now: string }
  | {
      type: 'AssignMemberClearing';
      coopId: string;
      memberCoopId: string;
      account: string;
      now: string;
    };

export interface GlMappingState {
  /** By effective date; setting a date again replaces that version. */
  versions: Map<string, GlMappingJson>;
  /** At a parent: its clearing sub-account for each member coop. */
  memberClearing: Map<string, string>;
}

const codes = <K extends string>(record: Record<K, string>): Record<K, AccountCode> =>
  Object.fromEntries(
    Object.entries(record).map(([k, v]) => [k, accountCode(v as string)]),
  ) as Record<K, AccountCode>;

/** The ledger's GlMapping of a stored version, with the member clearing accounts. */
export function toGlMapping(
  coopId: string,
  json: GlMappingJson,
  memberClearing: ReadonlyMap<string, string>,
): GlMapping {
  const { effectiveFrom, savings, loans, ...slots } = json;
  return {
    ...codes({ ...DEFAULT_SHU_SLOTS, ...slots }),
    coopId: toCoopId(coopId),
    effectiveFrom,
    savings: Object.fromEntries(Object.entries(savings).map(([p, gl]) => [p, codes(gl)])),
    loans: Object.fromEntries(Object.entries(loans).map(([p, gl]) => [p, codes(gl)])),
    memberClearing: Object.fromEntries([...memberClearing].map(([m, a]) => [m, accountCode(a)])),
  };
}

/** The mapping of a coop that set none: the default chart's accounts, in force since 1900. */
export function defaultMappingJson(coopId: string): GlMappingJson {
  const {
    coopId: _coop,
    effectiveFrom,
    memberClearing: _members,
    savings,
    loans,
    ...slots
  } = defaultGlMapping(toCoopId(coopId), '1900-01-01');
  return { effectiveFrom, ...slots, savings: { ...savings }, loans: { ...loans } };
}

/** The versions in force by date: the default until the first one the coop set. */
export function mappingsOf(coopId: string, state: GlMappingState): GlMapping[] {
  const fallback = defaultMappingJson(coopId);
  const set = [...state.versions.values()];
  const versions = state.versions.has(fallback.effectiveFrom) ? set : [fallback, ...set];
  return versions.map((json) => toGlMapping(coopId, json, state.memberClearing));
}

export const glMappingDecider: Decider<GlMappingState, GlMappingCommand, GlMappingEvent> = {
  initialState: () => ({ versions: new Map(), memberClearing: new Map() }),
  evolve(state, event) {
    switch (event.type) {
      case 'GlMappingSet':
        return {
          ...state,
          versions: new Map(state.versions).set(
            event.data.mapping.effectiveFrom,
            event.data.mapping,
          ),
        };
      case 'MemberClearingAssigned':
        return {
          ...state,
          memberClearing: new Map(state.memberClearing).set(
            event.data.memberCoopId,
            event.data.account,
          ),
        };
      default:
        return unreachable(event, 'GL mapping event');
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'SetGlMapping': {
        const problems = glMappingProblems(
          toGlMapping(command.coopId, command.mapping, state.memberClearing),
          command.chart,
        );
        if (problems.length > 0) {
          throw rejected(
            'gl-mapping-invalid',
            `The GL mapping does not fit the chart: ${problems.join('; ')}.`,
            undefined,
            { problems },
          );
        }
        return [
          {
            type: 'GlMappingSet',
            data: { coopId: command.coopId, mapping: command.mapping, setAt: command.now },
          },
        ];
      }
      case 'AssignMemberClearing': {
        if (state.memberClearing.has(command.memberCoopId)) return [];
        const { coopId, memberCoopId, account, now } = command;
        return [
          {
            type: 'MemberClearingAssigned',
            data: { coopId, memberCoopId, account, assignedAt: now },
          },
        ];
      }
      default:
        return unreachable(command, 'GL mapping command');
    }
  },
};
