import { notFound } from '@kopfed/domain';
import { handleCommand, loadAggregate } from '@kopfed/eventstore';
import { defineRoute, type Route } from '@kopfed/service-kit';
import { z } from 'zod';
import type { LoanContext } from '../context';
import { CoopParams, ProductParams, coopRead, coopWrite } from '../shared/http-schemas';
import { productStream } from '../shared/streams';
import { productDecider, type ProductEvent, type ProductState } from './product.decider';
import { DefineVersionBody, ProductOut, productView, termsOf } from './schemas';

export async function loadProduct(ctx: LoanContext, coopId: string, productCode: string) {
  return loadAggregate<ProductState, ProductEvent>(
    ctx.store,
    productStream(coopId, productCode),
    productDecider,
    (e) => e as unknown as ProductEvent,
  );
}

export function productRoutes(ctx: LoanContext): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/loan-products/{productCode}/versions',
      operationId: 'defineLoanProductVersion',
      summary: 'Define a loan product, or a new version of its terms from a date',
      description:
        'Terms are data with an effective date: a loan takes the version in force when it is applied for. A product whose effective annual rate could exceed the cap (Permenkop 8/2023 Ps. 27: 24%) is refused.',
      tags: ['products'],
      request: { params: ProductParams, body: DefineVersionBody },
      responses: { 201: ProductOut },
      policy: coopWrite,
      ifMatch: true,
      handler: async ({ params, body }, rc) => {
        const result = await handleCommand(ctx.store, {
          stream: productStream(params.coopId, params.productCode),
          decider: productDecider,
          command: {
            type: 'DefineLoanProductVersion',
            coopId: params.coopId,
            productCode: params.productCode,
            effectiveFrom: body.effectiveFrom,
            terms: termsOf(body.terms),
            definedBy: rc.principal.keyId,
          },
          ...(rc.expectedRevision === undefined ? {} : { expectedRevision: rc.expectedRevision }),
          metadata: rc.metadata,
        });
        return {
          status: 201,
          body: productView(params.coopId, params.productCode, result.state.versions),
          ...(result.revision === undefined ? {} : { etag: result.revision }),
          location: `/api/loan/v1/coops/${params.coopId}/loan-products/${params.productCode}`,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/loan-products/{productCode}',
      operationId: 'getLoanProduct',
      summary: 'A loan product with every version of its terms',
      tags: ['products'],
      request: { params: ProductParams },
      responses: { 200: ProductOut },
      policy: coopRead,
      ifMatch: true,
      handler: async ({ params }) => {
        const { state, revision } = await loadProduct(ctx, params.coopId, params.productCode);
        if (revision === undefined) throw notFound('product_not_found', 'no such loan product');
        return {
          status: 200,
          body: productView(params.coopId, params.productCode, state.versions),
          etag: revision,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/loan-products',
      operationId: 'listLoanProducts',
      summary: "A coop's loan products",
      tags: ['products'],
      request: { params: CoopParams },
      responses: { 200: z.object({ products: z.array(ProductOut) }) },
      policy: coopRead,
      handler: async ({ params }) => {
        await ctx.book.catchUp();
        const rows = ctx.db
          .prepare<[string], { product_code: string; versions: string }>(
            'SELECT product_code, versions FROM loan_products WHERE coop_id = ? ORDER BY product_code LIMIT 500',
          )
          .all(params.coopId);
        return {
          status: 200,
          body: {
            products: rows.map((r) =>
              productView(
                params.coopId,
                r.product_code,
                JSON.parse(r.versions) as ProductState['versions'],
              ),
            ),
          },
        };
      },
    }),
  ];
}
