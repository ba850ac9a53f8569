import { rejected, unreachable, type Decider } from '@kopfed/domain';
import { Decimal } from '@kopfed/money';
import { versionOn, type ProductState } from '../products/product.decider';

/**
 * Which of a parent coop's loan products lends its member coops the shortfall a settlement
 * leaves above their liquidity cover (LiquidityLoanRequested), and for how many months. One
 * designation per coop; designating again replaces it. A liquidity loan is applied for on it
 * and then approved (maker-checker) and disbursed like any other loan.
 */
export type DesignationEvent = {
  type: 'LiquidityLoanProductDesignated';
  data: {
    coopId: string;
    productCode: string;
    termMonths: number;
    designatedOn: string;
    designatedBy: string;
  };
};

export type DesignationCommand = {
  type: 'DesignateLiquidityLoanProduct';
  coopId: string;
  productCode: string;
  /** The product as stored: it must be in force on `designatedOn`. */
  product: ProductState;
  termMonths: number;
  designatedOn: string;
  designatedBy: string;
};

export interface Designation {
  productCode: string;
  termMonths: number;
  designatedOn: string;
  designatedBy: string;
}

export interface DesignationState {
  coopId: string | null;
  designation: Designation | null;
}

export const designationDecider: Decider<DesignationState, DesignationCommand, DesignationEvent> = {
  initialState: () => ({ coopId: null, designation: null }),
  evolve(state, event) {
    switch (event.type) {
      case 'LiquidityLoanProductDesignated': {
        const { coopId, ...designation } = event.data;
        return { coopId, designation };
      }
      default:
        return unreachable(event.type, 'liquidity loan designation event');
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'DesignateLiquidityLoanProduct':
        return designate(command, state);
      default:
        return unreachable(command.type, 'liquidity loan designation command');
    }
  },
};

function designate(command: DesignationCommand, state: DesignationState): DesignationEvent[] {
  const { coopId, productCode, termMonths, designatedOn, designatedBy } = command;
  // Not found, or not yet in force: the product must lend on the day it is designated.
  const { terms } = versionOn(command.product, designatedOn);
  if (termMonths < terms.minTermMonths || termMonths > terms.maxTermMonths)
    throw rejected(
      'term_out_of_range',
      `the product runs from ${terms.minTermMonths} to ${terms.maxTermMonths} months`,
      '/termMonths',
    );
  // Settlement names no savings account to hold: a liquidity loan cannot be secured that way.
  if (!Decimal.parse(terms.collateralSharePercent).isZero())
    throw rejected(
      'liquidity_product_secured',
      `product ${productCode} requires a savings hold of ${terms.collateralSharePercent}% of the principal; a liquidity loan is applied for without one`,
      '/productCode',
    );
  const current = state.designation;
  if (current && current.productCode === productCode && current.termMonths === termMonths)
    return [];
  return [
    {
      type: 'LiquidityLoanProductDesignated',
      data: { coopId, productCode, termMonths, designatedOn, designatedBy },
    },
  ];
}
