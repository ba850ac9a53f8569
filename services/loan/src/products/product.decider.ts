import { conflict, notFound, rejected, unreachable, type Decider } from '@kopfed/domain';
import { KOLEKTIBILITAS_POLICIES, policyOn } from '../policies/kolektibilitas';
import { rateCapOn, type RateCapPolicy } from '../policies/rate-cap';
import { assertValidTerms, type LoanProductTerms } from './terms';

/**
 * A coop's loan product: its terms as data with effective dates. A loan takes the version in
 * force on the day it is applied for and keeps a copy, so a later version never changes it.
 */
export interface ProductVersion {
  effectiveFrom: string;
  terms: LoanProductTerms;
}

export type ProductEvent = {
  type: 'LoanProductVersionDefined';
  data: {
    coopId: string;
    productCode: string;
    effectiveFrom: string;
    terms: LoanProductTerms;
    definedBy: string;
  };
};

export type ProductCommand = {
  type: 'DefineLoanProductVersion';
  coopId: string;
  productCode: string;
  effectiveFrom: string;
  terms: LoanProductTerms;
  definedBy: string;
  rateCaps?: readonly RateCapPolicy[];
};

export interface ProductState {
  coopId?: string;
  productCode?: string;
  versions: ProductVersion[];
}

export const productDecider: Decider<ProductState, ProductCommand, ProductEvent> = {
  initialState: () => ({ versions: [] }),
  evolve(state, event) {
    switch (event.type) {
      case 'LoanProductVersionDefined': {
        const { coopId, productCode, effectiveFrom, terms } = event.data;
        return { coopId, productCode, versions: [...state.versions, { effectiveFrom, terms }] };
      }
      default:
        return unreachable(event.type, 'product event');
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'DefineLoanProductVersion':
        return defineVersion(command, state);
      default:
        return unreachable(command.type, 'product command');
    }
  },
};

function defineVersion(command: ProductCommand, state: ProductState): ProductEvent[] {
  const latest = state.versions[state.versions.length - 1];
  if (latest && command.effectiveFrom <= latest.effectiveFrom) {
    if (
      command.effectiveFrom === latest.effectiveFrom &&
      JSON.stringify(command.terms) === JSON.stringify(latest.terms)
    )
      return [];
    throw conflict(
      'product_version_not_after_latest',
      `a new version must take effect after ${latest.effectiveFrom}, the latest one's date; history is not rewritten`,
      { latestEffectiveFrom: latest.effectiveFrom },
    );
  }
  const cap = rateCapOn(command.effectiveFrom, command.rateCaps, '/effectiveFrom');
  // Loans under the version are classified from their first day: a table must be in force.
  policyOn(command.effectiveFrom, KOLEKTIBILITAS_POLICIES, '/effectiveFrom');
  assertValidTerms(command.terms, cap);
  const { coopId, productCode, effectiveFrom, terms, definedBy } = command;
  return [
    {
      type: 'LoanProductVersionDefined',
      data: { coopId, productCode, effectiveFrom, terms, definedBy },
    },
  ];
}

/** The version in force on a date: the latest that had taken effect. */
export function versionOn(state: ProductState, date: string): ProductVersion {
  if (state.versions.length === 0) throw notFound('product_not_found', 'no such loan product');
  let found: ProductVersion | undefined;
  for (const version of state.versions) if (version.effectiveFrom <= date) found = version;
  if (!found)
    throw rejected(
      'product_not_in_force',
      `the product takes effect on ${state.versions[0]!.effectiveFrom}`,
      '/productCode',
    );
  return found;
}
