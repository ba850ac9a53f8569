import { conflict, notFound, rejected, unreachable, type Decider } from '@kopfed/domain';
import type { IsoDate } from '../shared/dates';
import { classificationOf, type Product, type ProductIdentity, type ProductTerms } from './product';
import { termsFromWire, termsToWire, type WireTerms } from './product-terms';
import { rateCapOn } from './rate-caps';

/**
 * A coop's savings product catalogue and savings policy, one stream per coop
 * (`savingsproducts-<coopId>`): products with versioned terms, and the withdrawal size above
 * which a second person must approve (maker-checker), also versioned.
 */
export type ProductIdentityData = Omit<ProductIdentity, 'classification'> & {
  classification: ProductIdentity['classification'];
  name: string;
};

export type CatalogueEvent =
  | { type: 'ProductDefined'; data: ProductIdentityData & { terms: WireTerms } }
  | { type: 'ProductRevised'; data: { code: string; terms: WireTerms } }
  | {
      type: 'SavingsPolicySet';
      data: { effectiveFrom: string; withdrawalApprovalThreshold: string };
    };

export type CatalogueCommand =
  | {
      type: 'DefineProduct';
      product: Omit<ProductIdentityData, 'classification'>;
      terms: ProductTerms;
    }
  | { type: 'ReviseProduct'; code: string; terms: ProductTerms; today: IsoDate }
  | {
      type: 'SetSavingsPolicy';
      effectiveFrom: IsoDate;
      withdrawalApprovalThreshold: bigint;
      today: IsoDate;
    };

export interface PolicyVersion {
  effectiveFrom: IsoDate;
  withdrawalApprovalThreshold: bigint;
}

export interface CatalogueState {
  products: Record<string, Product>;
  policy: PolicyVersion[];
}

/** Until a coop sets its own, withdrawals above Rp50,000,000 need a second person's approval. */
export const DEFAULT_APPROVAL_THRESHOLD = 50_000_000n;

export function approvalThresholdOn(state: CatalogueState, date: IsoDate): bigint {
  let threshold = DEFAULT_APPROVAL_THRESHOLD;
  for (const v of state.policy)
    if (v.effectiveFrom <= date) threshold = v.withdrawalApprovalThreshold;
  return threshold;
}

export const catalogueDecider: Decider<CatalogueState, CatalogueCommand, CatalogueEvent> = {
  initialState: () => ({ products: {}, policy: [] }),
  evolve(state, event) {
    switch (event.type) {
      case 'ProductDefined': {
        const { terms, ...identity } = event.data;
        const product: Product = { ...identity, versions: [termsFromWire(terms)] };
        return { ...state, products: { ...state.products, [identity.code]: product } };
      }
      case 'ProductRevised': {
        const product = state.products[event.data.code]!;
        const versions = [...product.versions, termsFromWire(event.data.terms)];
        return {
          ...state,
          products: { ...state.products, [product.code]: { ...product, versions } },
        };
      }
      case 'SavingsPolicySet':
        return {
          ...state,
          policy: [
            ...state.policy,
            {
              effectiveFrom: event.data.effectiveFrom,
              withdrawalApprovalThreshold: BigInt(event.data.withdrawalApprovalThreshold),
            },
          ],
        };
      default:
        return unreachable(event, 'catalogue event');
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'DefineProduct':
        return define(command, state);
      case 'ReviseProduct':
        return revise(command, state);
      case 'SetSavingsPolicy':
        return setPolicy(command, state);
      default:
        return unreachable(command, 'catalogue command');
    }
  },
};

function define(
  command: Extract<CatalogueCommand, { type: 'DefineProduct' }>,
  state: CatalogueState,
): CatalogueEvent[] {
  const { product, terms } = command;
  if (Object.hasOwn(state.products, product.code)) {
    throw conflict(
      'product-exists',
      `Product ${product.code} is already defined; revise its terms instead.`,
    );
  }
  const identity = { ...product, classification: classificationOf(product.kind) };
  checkIdentity(identity);
  checkTerms(identity, terms);
  return [{ type: 'ProductDefined', data: { ...identity, terms: termsToWire(terms) } }];
}

function revise(
  command: Extract<CatalogueCommand, { type: 'ReviseProduct' }>,
  state: CatalogueState,
): CatalogueEvent[] {
  const product = Object.hasOwn(state.products, command.code)
    ? state.products[command.code]
    : undefined;
  if (!product) throw notFound('product-not-found', `No product ${command.code}.`);
  const latest = product.versions.at(-1)!;
  // Interest already posted was computed on the old terms: terms change from now on, never backwards.
  if (command.terms.effectiveFrom < command.today) {
    throw rejected(
      'effective-date-in-past',
      'New terms take effect today or later.',
      '/effectiveFrom',
    );
  }
  if (command.terms.effectiveFrom <= latest.effectiveFrom) {
    throw rejected(
      'effective-date-not-after-latest',
      `Terms already change on ${latest.effectiveFrom}; a revision must take effect after that.`,
      '/effectiveFrom',
    );
  }
  checkTerms(product, command.terms);
  return [
    { type: 'ProductRevised', data: { code: command.code, terms: termsToWire(command.terms) } },
  ];
}

function setPolicy(
  command: Extract<CatalogueCommand, { type: 'SetSavingsPolicy' }>,
  state: CatalogueState,
): CatalogueEvent[] {
  if (command.effectiveFrom < command.today) {
    throw rejected(
      'effective-date-in-past',
      'A policy takes effect today or later.',
      '/effectiveFrom',
    );
  }
  const latest = state.policy.at(-1);
  if (latest && command.effectiveFrom <= latest.effectiveFrom) {
    throw rejected(
      'effective-date-not-after-latest',
      `The policy already changes on ${latest.effectiveFrom}.`,
      '/effectiveFrom',
    );
  }
  return [
    {
      type: 'SavingsPolicySet',
      data: {
        effectiveFrom: command.effectiveFrom,
        withdrawalApprovalThreshold: command.withdrawalApprovalThreshold.toString(),
      },
    },
  ];
}

function checkIdentity(identity: ProductIdentity): void {
  if (identity.kind === 'berjangka' && identity.termMonths === null) {
    throw rejected(
      'term-required',
      'A time deposit (berjangka) product has a term in months.',
      '/termMonths',
    );
  }
  if (identity.kind !== 'berjangka' && identity.termMonths !== null) {
    throw rejected(
      'term-not-allowed',
      'Only time deposits (berjangka) have a term.',
      '/termMonths',
    );
  }
  if (
    identity.kind === 'berjangka' &&
    identity.interest?.posting === 'yearly' &&
    identity.termMonths! < 12
  ) {
    throw rejected(
      'posting-longer-than-term',
      'A deposit shorter than a year posts interest monthly.',
      '/interest/posting',
    );
  }
}

function checkTerms(identity: ProductIdentity, terms: ProductTerms): void {
  const cap = rateCapOn(terms.effectiveFrom);
  if (terms.rateBasisPoints > cap.maxRateBasisPoints) {
    throw rejected(
      'rate-above-cap',
      `Savings interest may not exceed ${cap.maxRateBasisPoints / 100}% a year (${cap.source}).`,
      '/terms/rateBasisPoints',
      { maxRateBasisPoints: cap.maxRateBasisPoints, source: cap.source },
    );
  }
  if (terms.rateBasisPoints > 0 && identity.interest === null) {
    throw rejected(
      'interest-basis-required',
      'A product that pays interest names its basis and posting.',
      '/interest',
    );
  }
  const need = (ok: boolean, code: string, message: string, pointer: string) => {
    if (!ok) throw rejected(code, message, pointer);
  };
  need(
    (identity.kind === 'pokok') === (terms.pokokAmount !== null) && (terms.pokokAmount ?? 1n) > 0n,
    'pokok-amount',
    'Simpanan pokok, and only it, has a positive share amount.',
    '/terms/pokokAmount',
  );
  need(
    (identity.kind === 'wajib') === (terms.wajibMonthlyAmount !== null) &&
      (terms.wajibMonthlyAmount ?? 1n) > 0n,
    'wajib-amount',
    'Simpanan wajib, and only it, has a positive monthly amount.',
    '/terms/wajibMonthlyAmount',
  );
  need(
    identity.kind === 'sukarela' || terms.minimumBalance === 0n,
    'minimum-balance-not-allowed',
    'Only simpanan sukarela has a minimum balance.',
    '/terms/minimumBalance',
  );
  need(
    identity.kind === 'berjangka' ||
      (terms.earlyWithdrawalPenaltyBasisPoints === 0 && terms.minimumPlacement === 0n),
    'time-deposit-terms-not-allowed',
    'Only time deposits have a placement minimum and an early-withdrawal penalty.',
    '/terms',
  );
}
