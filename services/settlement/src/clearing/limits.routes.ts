import { z } from 'zod';
import { rejected } from '@kopfed/domain';
import { defineRoute, type CoopDirectory, type Route } from '@kopfed/service-kit';
import { requireParentReach } from '../shared/access';
import {
  CoopId,
  CurrencyCode,
  MoneyOut,
  NonNegativeMoney,
  SettlementModel,
} from '../shared/schemas';
import type { LimitsService } from './engine/limits-service';

const LimitsParams = z.strictObject({ coopId: CoopId, currency: CurrencyCode });
const MoneyOrNull = MoneyOut.nullable();
const LimitsOut = z.object({
  coopId: z.string(),
  parentCoopId: z.string().nullable(),
  currencies: z.array(
    z.object({
      currency: z.string(),
      netDebitCap: MoneyOrNull,
      alarmAtBasisPoints: z.int().nullable(),
      autoLiquidityLoan: z.boolean(),
      liquidityCover: MoneyOut,
      netDebit: MoneyOut,
      pendingDebit: MoneyOut,
      position: MoneyOut,
      capHeadroom: MoneyOrNull,
      coverHeadroom: MoneyOrNull,
      alarm: z.object({ raisedAt: z.string(), position: MoneyOut }).nullable(),
    }),
  ),
});
const ConfigBody = z.strictObject({
  windowMinutes: z
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .describe('each batch window; windows start at midnight Asia/Jakarta'),
  defaultModel: SettlementModel,
  coverProducts: z
    .array(z.string().regex(/^[A-Z0-9_]{1,32}$/))
    .max(50)
    .nullable()
    .default(null)
    .describe(
      "savings products at the parent that count as a member coop's liquidity cover; null: all",
    ),
});
const ConfigOut = z.object({
  windowMinutes: z.int(),
  defaultModel: SettlementModel,
  coverProducts: z.array(z.string()).nullable(),
});

const currencyMatches = (path: string, body: string, pointer: string) => {
  if (path !== body)
    throw rejected(
      'currency-mismatch',
      `The path names ${path}; the amount is in ${body}.`,
      pointer,
    );
};

export function limitsRoutes(limits: LimitsService, directory: CoopDirectory): Route[] {
  return [
    defineRoute({
      method: 'PUT',
      path: '/coops/{coopId}/limits/{currency}',
      operationId: 'setCoopLimits',
      summary: "Set a member coop's net debit cap and alarm share in one currency",
      tags: ['limits'],
      request: {
        params: LimitsParams,
        body: z.strictObject({
          netDebitCap: NonNegativeMoney,
          alarmAtBasisPoints: z
            .int()
            .min(1)
            .max(10_000)
            .default(8_000)
            .describe('alarm when the position passes this share of the cap'),
          autoLiquidityLoan: z
            .boolean()
            .default(false)
            .describe('a net debit above the cover at settlement becomes a liquidity loan'),
        }),
      },
      responses: { 200: LimitsOut },
      policy: { roles: ['treasurer', 'admin'], coopScope: { pathParam: 'coopId' } },
      handler: async ({ params, body }, ctx) => {
        requireParentReach(ctx, directory, params.coopId);
        currencyMatches(params.currency, body.netDebitCap.currency, '/netDebitCap/currency');
        const { netDebitCap, ...rest } = body;
        const view = await limits.setLimits(
          params.coopId,
          { ...rest, netDebitCap: { ...netDebitCap } },
          ctx.metadata,
        );
        return { status: 200, body: view };
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/coops/{coopId}/liquidity-cover/{currency}',
      operationId: 'setLiquidityCover',
      summary: "State a member coop's liquidity cover (its deposit with the parent) by hand",
      description: 'Deposits the savings service reports move the cover too.',
      tags: ['limits'],
      request: { params: LimitsParams, body: z.strictObject({ amount: NonNegativeMoney }) },
      responses: { 200: LimitsOut },
      policy: { roles: ['treasurer', 'admin'], coopScope: { pathParam: 'coopId' } },
      handler: async ({ params, body }, ctx) => {
        requireParentReach(ctx, directory, params.coopId);
        currencyMatches(params.currency, body.amount.currency, '/amount/currency');
        return {
          status: 200,
          body: await limits.setCover(params.coopId, { ...body.amount }, ctx.metadata),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/limits',
      operationId: 'getCoopLimits',
      summary: "A coop's limits, position and headroom per currency",
      tags: ['limits'],
      request: { params: z.strictObject({ coopId: CoopId }) },
      responses: { 200: LimitsOut },
      policy: {
        roles: ['coop', 'treasurer', 'auditor', 'admin'],
        coopScope: { pathParam: 'coopId' },
      },
      handler: async ({ params }) => ({ status: 200, body: limits.view(params.coopId) }),
    }),
    defineRoute({
      method: 'GET',
      path: '/alarms',
      operationId: 'listNetDebitAlarms',
      summary: 'Coops whose position has passed their alarm share of the cap',
      tags: ['limits'],
      responses: {
        200: z.object({
          items: z.array(
            z.object({
              coopId: z.string(),
              currency: z.string(),
              raisedAt: z.string(),
              position: MoneyOut,
              netDebitCap: MoneyOut,
            }),
          ),
        }),
      },
      policy: { roles: ['treasurer', 'auditor', 'admin'], coopScope: 'federation' },
      handler: async (_input, ctx) => ({
        status: 200,
        body: { items: limits.alarms().filter((a) => ctx.reaches(a.coopId)) },
      }),
    }),
    defineRoute({
      method: 'PUT',
      path: '/coops/{coopId}/clearing-config',
      operationId: 'configureClearing',
      summary: "A parent's batch window and default settlement model",
      tags: ['limits'],
      request: { params: z.strictObject({ coopId: CoopId }), body: ConfigBody },
      responses: { 200: ConfigOut },
      policy: { roles: ['treasurer', 'admin'], coopScope: { pathParam: 'coopId' } },
      handler: async ({ params, body }, ctx) => ({
        status: 200,
        body: await limits.configure(params.coopId, body, ctx.metadata),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/clearing-config',
      operationId: 'getClearingConfig',
      summary: "A parent's batch window and default settlement model",
      tags: ['limits'],
      request: { params: z.strictObject({ coopId: CoopId }) },
      responses: { 200: ConfigOut },
      policy: {
        roles: ['coop', 'treasurer', 'auditor', 'admin'],
        coopScope: { pathParam: 'coopId' },
      },
      handler: async ({ params }) => ({ status: 200, body: limits.configOf(params.coopId) }),
    }),
  ];
}
