import { z } from 'zod';
import { notFound } from '@kopfed/domain';
import { defineRoute, type AuthenticatedContext, type Route } from '@kopfed/service-kit';
import { requireReach } from '../shared/access';
import { CoopId, MoneyOut, PositiveMoney, Reference } from '../shared/schemas';
import type { PaymentState } from './payment.decider';
import type { PaymentRunner } from './payment-runner';

const PaymentId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,60}$/)
  .describe('chosen by the client; used once');
const Party = z.strictObject({
  coopId: CoopId,
  accountId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
});
const PaymentIn = z.strictObject({
  paymentId: PaymentId,
  payer: Party,
  payee: Party,
  amount: PositiveMoney,
  reference: Reference.optional(),
});
const PartyOut = z.object({ coopId: z.string(), accountId: z.string() });
const PaymentOut = z.object({
  paymentId: z.string(),
  payer: PartyOut,
  payee: PartyOut,
  amount: MoneyOut,
  reference: z.string().nullable(),
  status: z.enum(['in_progress', 'undoing', 'completed', 'failed']),
  stepsDone: z.array(z.string()),
  refusal: z.object({ step: z.string(), code: z.string(), detail: z.string() }).nullable(),
  stalled: z
    .object({ step: z.string(), code: z.string(), detail: z.string(), since: z.string() })
    .nullable()
    .describe(
      "a step past the pivot the payer's savings refuse (the payee is credited already): retried until done, for the treasurer to resolve",
    ),
  transferId: z.string(),
});

/**
 * The payment as `caller` may see it. Why the payer's savings or the parent refused (the
 * member's balance, the coop's cap and position) is the payer's business: the payee's coop
 * learns the step and the code only.
 */
function paymentOut(state: PaymentState, ctx: AuthenticatedContext) {
  const request = state.request!;
  const { refusal } = state;
  const payersOwn =
    refusal !== null && refusal.step !== 'credit' && !ctx.reaches(request.payer.coopId);
  const { stalled } = state;
  const payerHidden = stalled !== null && !ctx.reaches(request.payer.coopId);
  return {
    ...request,
    status: state.status,
    stepsDone: state.done,
    refusal: payersOwn ? { ...refusal, detail: "The payer's side refused the payment." } : refusal,
    stalled: payerHidden ? { ...stalled, detail: "The payer's side refuses the step." } : stalled,
    transferId: `pay-${request.paymentId}`,
  };
}

export function paymentRoutes(runner: PaymentRunner): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/payments',
      operationId: 'payMemberOfAnotherCoop',
      summary:
        "Pay from a member's savings at one coop to a member's savings at another, through the parent",
      description:
        "Holds the payer's savings, reserves the inter-coop transfer, credits the payee, posts the transfer and captures the hold; a refusal undoes what was done. 201 when it ended now, 202 while a step waits for a retry.",
      tags: ['payments'],
      request: { body: PaymentIn },
      responses: { 200: PaymentOut, 201: PaymentOut, 202: PaymentOut },
      policy: { roles: ['coop', 'treasurer', 'admin'], coopScope: 'federation' },
      handler: async ({ body }, ctx) => {
        requireReach(ctx, body.payer.coopId, '/payer/coopId');
        const request = {
          ...body,
          amount: { amount: body.amount.amount, currency: body.amount.currency },
          reference: body.reference ?? null,
        };
        const { state, created } = await runner.request(request, ctx.metadata);
        const ended = state.status === 'completed' || state.status === 'failed';
        return { status: !created ? 200 : ended ? 201 : 202, body: paymentOut(state, ctx) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/payments/{paymentId}',
      operationId: 'getPayment',
      summary: 'A payment and how far it has gone',
      tags: ['payments'],
      request: { params: z.strictObject({ paymentId: PaymentId }) },
      responses: { 200: PaymentOut },
      policy: { roles: ['coop', 'treasurer', 'auditor', 'admin'], coopScope: 'federation' },
      handler: async ({ params }, ctx) => {
        const state = await runner.state(params.paymentId);
        if (
          !state.request ||
          !(ctx.reaches(state.request.payer.coopId) || ctx.reaches(state.request.payee.coopId))
        ) {
          throw notFound('payment-not-found', `No payment ${params.paymentId}.`);
        }
        return { status: 200, body: paymentOut(state, ctx) };
      },
    }),
  ];
}
