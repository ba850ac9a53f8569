import { z } from 'zod';
import { defineRoute, type Route } from '@kopfed/service-kit';
import { INTEREST_BASES } from '../interest/accrual';
import { rupiah, wire } from '../shared/money';
import { READ, WRITE } from '../shared/policies';
import {
  AmountOrZero,
  BusinessDate,
  CoopParams,
  CoopIdParam,
  MoneyView,
  ProductCode,
  Text,
} from '../shared/schemas';
import type { CatalogueStore } from './catalogue-store';
import { INTEREST_POSTINGS, PRODUCT_KINDS, type Product, type ProductTerms } from './product';
import { approvalThresholdOn, DEFAULT_APPROVAL_THRESHOLD } from './product-catalogue.decider';

const BasisPoints = z.int().min(0).max(10_000);

const TermsRequest = z.strictObject({
  effectiveFrom: BusinessDate,
  rateBasisPoints: BasisPoints.default(0).meta({
    description: 'Interest a year in basis points: 900 is 9% (the cap).',
  }),
  minimumBalanceForInterest: AmountOrZero.optional(),
  minimumBalance: AmountOrZero.optional().meta({
    description: 'Sukarela: the floor withdrawals may not cross.',
  }),
  pokokAmount: AmountOrZero.optional().meta({ description: 'Pokok: the share each member pays.' }),
  wajibMonthlyAmount: AmountOrZero.optional().meta({ description: 'Wajib: owed each month.' }),
  earlyWithdrawalPenaltyBasisPoints: BasisPoints.default(0),
  minimumPlacement: AmountOrZero.optional(),
});
type TermsRequest = z.output<typeof TermsRequest>;

const DefineProductRequest = z
  .strictObject({
    code: ProductCode,
    name: Text,
    kind: z.enum(PRODUCT_KINDS),
    securesLoans: z.boolean().default(false),
    interest: z
      .strictObject({ basis: z.enum(INTEREST_BASES), posting: z.enum(INTEREST_POSTINGS) })
      .nullable()
      .default(null),
    termMonths: z.int().min(1).max(120).nullable().default(null),
    terms: TermsRequest,
  })
  .meta({ id: 'DefineSavingsProduct' });

const TermsView = z.object({
  effectiveFrom: z.string(),
  rateBasisPoints: z.int(),
  minimumBalanceForInterest: MoneyView,
  minimumBalance: MoneyView,
  pokokAmount: MoneyView.nullable(),
  wajibMonthlyAmount: MoneyView.nullable(),
  earlyWithdrawalPenaltyBasisPoints: z.int(),
  minimumPlacement: MoneyView,
});
const ProductView = z
  .object({
    code: z.string(),
    name: z.string(),
    kind: z.enum(PRODUCT_KINDS),
    classification: z.enum(['equity', 'liability']),
    securesLoans: z.boolean(),
    interest: z.object({ basis: z.string(), posting: z.string() }).nullable(),
    termMonths: z.int().nullable(),
    versions: z.array(TermsView),
  })
  .meta({ id: 'SavingsProduct' });
const PolicyView = z
  .object({
    coopId: z.string(),
    withdrawalApprovalThreshold: MoneyView,
    versions: z.array(
      z.object({ effectiveFrom: z.string(), withdrawalApprovalThreshold: MoneyView }),
    ),
  })
  .meta({ id: 'SavingsPolicy' });

/** Terms from a request whose terms sit at `at` (`/terms` or the body itself). */
function terms(t: TermsRequest, at: '/terms' | ''): ProductTerms {
  const amount = (m: { amount: string; currency: string } | undefined, field: string) =>
    m ? rupiah(m, `${at}/${field}`) : 0n;
  return {
    effectiveFrom: t.effectiveFrom,
    rateBasisPoints: t.rateBasisPoints,
    minimumBalanceForInterest: amount(t.minimumBalanceForInterest, 'minimumBalanceForInterest'),
    minimumBalance: amount(t.minimumBalance, 'minimumBalance'),
    pokokAmount: t.pokokAmount ? amount(t.pokokAmount, 'pokokAmount') : null,
    wajibMonthlyAmount: t.wajibMonthlyAmount
      ? amount(t.wajibMonthlyAmount, 'wajibMonthlyAmount')
      : null,
    earlyWithdrawalPenaltyBasisPoints: t.earlyWithdrawalPenaltyBasisPoints,
    minimumPlacement: amount(t.minimumPlacement, 'minimumPlacement'),
  };
}

function view(p: Product): z.input<typeof ProductView> {
  return {
    code: p.code,
    name: p.name,
    kind: p.kind,
    classification: p.classification,
    securesLoans: p.securesLoans,
    interest: p.interest,
    termMonths: p.termMonths,
    versions: p.versions.map((v) => ({
      effectiveFrom: v.effectiveFrom,
      rateBasisPoints: v.rateBasisPoints,
      minimumBalanceForInterest: wire(v.minimumBalanceForInterest),
      minimumBalance: wire(v.minimumBalance),
      pokokAmount: v.pokokAmount === null ? null : wire(v.pokokAmount),
      wajibMonthlyAmount: v.wajibMonthlyAmount === null ? null : wire(v.wajibMonthlyAmount),
      earlyWithdrawalPenaltyBasisPoints: v.earlyWithdrawalPenaltyBasisPoints,
      minimumPlacement: wire(v.minimumPlacement),
    })),
  };
}

export function productRoutes(catalogue: CatalogueStore, today: () => string): Route[] {
  const ProductParams = z.strictObject({ coopId: CoopIdParam, productCode: ProductCode });
  const revision = (r: number | undefined) => (r === undefined ? {} : { etag: r });
  const policyView = async (coopId: string) => {
    const { state, revision: r } = await catalogue.catalogue(coopId);
    return {
      body: {
        coopId,
        withdrawalApprovalThreshold: wire(approvalThresholdOn(state, today())),
        versions: [
          {
            effectiveFrom: '0001-01-01',
            withdrawalApprovalThreshold: wire(DEFAULT_APPROVAL_THRESHOLD),
          },
          ...state.policy.map((p) => ({
            effectiveFrom: p.effectiveFrom,
            withdrawalApprovalThreshold: wire(p.withdrawalApprovalThreshold),
          })),
        ],
      },
      ...revision(r),
    };
  };
  return [
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/products',
      operationId: 'defineSavingsProduct',
      summary:
        'Define a savings product (pokok, wajib, sukarela or berjangka) with its first terms',
      tags: ['products'],
      request: { params: CoopParams, body: DefineProductRequest },
      responses: { 201: ProductView },
      policy: WRITE,
      handler: async ({ params, body }, ctx) => {
        const { terms: t, ...identity } = body;
        const result = await catalogue.handle(
          params.coopId,
          { type: 'DefineProduct', product: identity, terms: terms(t, '/terms') },
          ctx.metadata,
        );
        return {
          status: 201,
          body: view(result.state.products[body.code]!),
          ...revision(result.revision),
          location: `/api/savings/v1/coops/${params.coopId}/products/${body.code}`,
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/products/{productCode}/revisions',
      operationId: 'reviseSavingsProduct',
      summary: 'New terms for a product from a date on (rates above 9% p.a. are refused)',
      tags: ['products'],
      request: { params: ProductParams, body: TermsRequest.meta({ id: 'SavingsProductTerms' }) },
      responses: { 200: ProductView },
      policy: WRITE,
      ifMatch: true,
      handler: async ({ params, body }, ctx) => {
        const result = await catalogue.handle(
          params.coopId,
          {
            type: 'ReviseProduct',
            code: params.productCode,
            terms: terms(body, ''),
            today: today(),
          },
          ctx.metadata,
          ctx.expectedRevision,
        );
        return {
          status: 200,
          body: view(result.state.products[params.productCode]!),
          ...revision(result.revision),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/products',
      operationId: 'listSavingsProducts',
      summary: 'A coop’s savings products with every version of their terms',
      tags: ['products'],
      request: { params: CoopParams },
      responses: { 200: z.object({ items: z.array(ProductView) }) },
      policy: READ,
      handler: async ({ params }) => {
        const { state } = await catalogue.catalogue(params.coopId);
        return { status: 200, body: { items: Object.values(state.products).map(view) } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/products/{productCode}',
      operationId: 'getSavingsProduct',
      summary: 'One savings product',
      tags: ['products'],
      request: { params: ProductParams },
      responses: { 200: ProductView },
      policy: READ,
      ifMatch: true,
      handler: async ({ params }) => {
        const product = await catalogue.product(params.coopId, params.productCode);
        const { revision: r } = await catalogue.catalogue(params.coopId);
        return { status: 200, body: view(product), ...revision(r) };
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/coops/{coopId}/savings-policy',
      operationId: 'setSavingsPolicy',
      summary:
        'Set from a date on the withdrawal size above which a second person approves (maker-checker)',
      tags: ['products'],
      request: {
        params: CoopParams,
        body: z
          .strictObject({ effectiveFrom: BusinessDate, withdrawalApprovalThreshold: AmountOrZero })
          .meta({ id: 'SetSavingsPolicy' }),
      },
      responses: { 200: PolicyView },
      policy: WRITE,
      handler: async ({ params, body }, ctx) => {
        await catalogue.handle(
          params.coopId,
          {
            type: 'SetSavingsPolicy',
            effectiveFrom: body.effectiveFrom,
            withdrawalApprovalThreshold: rupiah(
              body.withdrawalApprovalThreshold,
              '/withdrawalApprovalThreshold',
            ),
            today: today(),
          },
          ctx.metadata,
        );
        return { status: 200, ...(await policyView(params.coopId)) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/savings-policy',
      operationId: 'getSavingsPolicy',
      summary: 'The coop’s maker-checker threshold, now and as versions',
      tags: ['products'],
      request: { params: CoopParams },
      responses: { 200: PolicyView },
      policy: READ,
      handler: async ({ params }) => ({ status: 200, ...(await policyView(params.coopId)) }),
    }),
  ];
}
