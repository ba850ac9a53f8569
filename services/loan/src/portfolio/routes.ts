import { MONEY_MAX_DIGITS } from '@kopfed/contracts';
import { rejected } from '@kopfed/domain';
import { defineRoute, type Route } from '@kopfed/service-kit';
import { z } from 'zod';
import type { LoanContext } from '../context';
import {
  businessDateOf,
  CoopParams,
  coopRead,
  money as moneyOut,
  MoneyOut,
} from '../shared/http-schemas';
import { PortfolioQueries } from './portfolio';

const PublicPortfolioOut = z
  .object({
    asOf: z.string().describe('the last business date closed (today when none is)'),
    loans: z.int(),
    outstandingPrincipal: MoneyOut,
    byKolektibilitas: z.array(
      z.object({ kolektibilitas: z.string(), loans: z.int(), outstandingPrincipal: MoneyOut }),
    ),
    nplOutstanding: MoneyOut,
    nplRatioPercent: z
      .string()
      .nullable()
      .describe('(KL + D + M) ÷ total outstanding, half-up to 2 decimals'),
    healthy: z.boolean().describe('NPL ratio at or under 5%'),
  })
  .meta({ id: 'PublicLoanPortfolio' });

const PortfolioOut = z.object({
  coopId: z.string(),
  consolidated: z.boolean(),
  asOf: z.string().describe('the last business date closed (today when none is)'),
  coopIds: z.array(z.string()),
  loans: z.int(),
  outstandingPrincipal: MoneyOut,
  overdueAmount: MoneyOut,
  provisionRequired: MoneyOut,
  collateralHeld: MoneyOut,
  byKolektibilitas: z.array(
    z.object({
      kolektibilitas: z.string(),
      loans: z.int(),
      outstandingPrincipal: MoneyOut,
      provision: MoneyOut,
    }),
  ),
  nplOutstanding: MoneyOut,
  nplRatioPercent: z
    .string()
    .nullable()
    .describe('(KL + D + M) ÷ total outstanding, half-up to 2 decimals'),
  healthy: z.boolean().describe('NPL ratio at or under 5%'),
  ageing: z.array(
    z.object({
      bucket: z.string(),
      loans: z.int(),
      outstandingPrincipal: MoneyOut,
      overdueAmount: MoneyOut,
    }),
  ),
  byCoop: z.array(
    z.object({
      coopId: z.string(),
      loans: z.int(),
      outstandingPrincipal: MoneyOut,
      nplOutstanding: MoneyOut,
      provision: MoneyOut,
    }),
  ),
  interCoopOutstanding: MoneyOut.describe(
    'lent to member coops within the group: eliminated when the group’s books are consolidated',
  ),
  writtenOff: z.object({ loans: z.int(), claim: MoneyOut, recovered: MoneyOut }),
});

const MAX_TOTAL = 10n ** BigInt(MONEY_MAX_DIGITS) - 1n;

/**
 * A total as contract money (at most 18 digits). The sums themselves cannot overflow
 * (portfolio.ts), but a book past 10^18 rupiah cannot be stated: it is refused, never a 500.
 */
function money(amountMinor: bigint) {
  if (amountMinor > MAX_TOTAL || amountMinor < -MAX_TOTAL)
    throw rejected(
      'portfolio_total_out_of_range',
      `a portfolio total (${amountMinor}) is past the ${MONEY_MAX_DIGITS} digits money may have`,
    );
  return moneyOut(amountMinor);
}

export function portfolioRoutes(ctx: LoanContext): Route[] {
  const queries = new PortfolioQueries(ctx.db);
  return [
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/portfolio',
      operationId: 'getLoanPortfolio',
      summary: "A coop's loan portfolio, or its federation subtree's (consolidated)",
      tags: ['portfolio'],
      request: {
        params: CoopParams,
        query: z.strictObject({
          consolidated: z.enum(['true', 'false']).default('false'),
        }),
      },
      responses: { 200: PortfolioOut },
      policy: coopRead,
      handler: async ({ params, query }, rc) => {
        await ctx.book.catchUp();
        const asOf = (await ctx.closeOfBusiness.lastClosedDate()) ?? businessDateOf(ctx.clock);
        const consolidated = query.consolidated === 'true';
        // Only the coops the caller reaches are counted, in the totals as by coop.
        const p = queries.portfolio(params.coopId, consolidated, asOf, (c) => rc.reaches(c));
        return {
          status: 200,
          body: {
            coopId: params.coopId,
            consolidated,
            asOf,
            coopIds: p.coopIds,
            loans: p.loans,
            outstandingPrincipal: money(p.outstandingPrincipal),
            overdueAmount: money(p.overdueAmount),
            provisionRequired: money(p.provision),
            collateralHeld: money(p.collateralHeld),
            byKolektibilitas: p.byKolektibilitas.map((k) => ({
              kolektibilitas: k.kolektibilitas,
              loans: k.loans,
              outstandingPrincipal: money(k.outstandingPrincipal),
              provision: money(k.provision),
            })),
            nplOutstanding: money(p.nplOutstanding),
            nplRatioPercent: p.nplRatioPercent,
            healthy: p.healthy,
            ageing: p.ageing.map((a) => ({
              bucket: a.bucket,
              loans: a.loans,
              outstandingPrincipal: money(a.outstandingPrincipal),
              overdueAmount: money(a.overdueAmount),
            })),
            byCoop: p.byCoop.map((c) => ({
              coopId: c.coopId,
              loans: c.loans,
              outstandingPrincipal: money(c.outstandingPrincipal),
              nplOutstanding: money(c.nplOutstanding),
              provision: money(c.provision),
            })),
            interCoopOutstanding: money(p.interCoopOutstanding),
            writtenOff: {
              loans: p.writtenOff.loans,
              claim: money(p.writtenOff.claim),
              recovered: money(p.writtenOff.recovered),
            },
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/public/portfolio',
      operationId: 'publicLoanPortfolio',
      summary:
        'The federation’s loans by kolektibilitas and its NPL ratio, for the public transparency page (sums only: no loan, no borrower, no coop’s own figures)',
      tags: ['portfolio'],
      request: {},
      responses: { 200: PublicPortfolioOut },
      policy: 'public',
      handler: async () => {
        await ctx.book.catchUp();
        const asOf = (await ctx.closeOfBusiness.lastClosedDate()) ?? businessDateOf(ctx.clock);
        const p = queries.federation();
        return {
          status: 200,
          body: {
            asOf,
            loans: p.loans,
            outstandingPrincipal: money(p.outstandingPrincipal),
            byKolektibilitas: p.byKolektibilitas.map((k) => ({
              kolektibilitas: k.kolektibilitas,
              loans: k.loans,
              outstandingPrincipal: money(k.outstandingPrincipal),
            })),
            nplOutstanding: money(p.nplOutstanding),
            nplRatioPercent: p.nplRatioPercent,
            healthy: p.healthy,
          },
        };
      },
    }),
  ];
}
