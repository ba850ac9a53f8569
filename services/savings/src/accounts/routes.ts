import { z } from 'zod';
import { defineRoute, type Route } from '@kopfed/service-kit';
import { rupiah } from '../shared/money';
import { READ, WRITE } from '../shared/policies';
import {
  AccountParams,
  Amount,
  CoopParams,
  EntityId,
  Funds,
  MaturityInstruction,
  ProductCode,
  Text,
} from '../shared/schemas';
import { ExternalId } from '@kopfed/batch-sync';
import type { Accounts } from './account-context';
import type { AccountService } from './account-service';
import { AccountView } from './account-view';
import { actorOf, viewOf } from './respond';

const OpenAccountRequest = z
  .strictObject({
    accountId: EntityId.optional().meta({
      description: 'Your id for the account; kopfed makes one when absent.',
    }),
    memberId: EntityId,
    productCode: ProductCode,
    initialDeposit: z.strictObject({ amount: Amount, via: Funds.default('cash') }).optional(),
    maturityInstruction: MaturityInstruction.optional().meta({
      description: 'Time deposits: what happens at maturity.',
    }),
    externalId: ExternalId.optional(),
  })
  .meta({ id: 'OpenSavingsAccount' });

const MoneyRequest = z.strictObject({
  amount: Amount,
  via: Funds.default('cash'),
  reference: Text.optional(),
});
const WithdrawalResult = z
  .object({
    outcome: z.enum(['completed', 'pending_approval']),
    withdrawalId: z.string().nullable(),
    account: AccountView,
  })
  .meta({ id: 'WithdrawalResult' });

export function accountRoutes(accounts: Accounts, service: AccountService): Route[] {
  const location = (coopId: string, accountId: string) =>
    `/api/savings/v1/coops/${coopId}/accounts/${accountId}`;
  return [
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/accounts',
      operationId: 'openSavingsAccount',
      summary: 'Open a savings account for an active member of the coop (closed loop)',
      tags: ['accounts'],
      request: { params: CoopParams, body: OpenAccountRequest },
      responses: { 201: AccountView },
      policy: WRITE,
      handler: async ({ params, body }, ctx) => {
        const result = await service.open(
          params.coopId,
          {
            memberId: body.memberId,
            productCode: body.productCode,
            ...(body.accountId ? { accountId: body.accountId } : {}),
            ...(body.initialDeposit
              ? {
                  initialDeposit: {
                    amount: rupiah(body.initialDeposit.amount, '/initialDeposit/amount'),
                    via: body.initialDeposit.via,
                  },
                }
              : {}),
            ...(body.maturityInstruction ? { maturityInstruction: body.maturityInstruction } : {}),
            ...(body.externalId ? { externalId: body.externalId } : {}),
          },
          actorOf(ctx),
        );
        const view = await viewOf(accounts, result);
        return { status: 201, ...view, location: location(params.coopId, view.body.accountId) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/accounts/{accountId}',
      operationId: 'getSavingsAccount',
      summary: 'An account now: balance, available balance, holds, unposted interest',
      tags: ['accounts'],
      request: { params: AccountParams },
      responses: { 200: AccountView },
      policy: READ,
      ifMatch: true,
      handler: async ({ params }) => {
        const { account, revision } = await accounts.account(params.coopId, params.accountId);
        return { status: 200, ...(await viewOf(accounts, { state: account, revision })) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/accounts/{accountId}/deposits',
      operationId: 'depositSavings',
      summary: 'Deposit into an account',
      tags: ['accounts'],
      request: { params: AccountParams, body: MoneyRequest.meta({ id: 'DepositSavings' }) },
      responses: { 200: AccountView },
      policy: WRITE,
      ifMatch: true,
      handler: async ({ params, body }, ctx) => {
        const result = await service.deposit(
          params.coopId,
          params.accountId,
          {
            amount: rupiah(body.amount, '/amount'),
            via: body.via,
            ...(body.reference ? { reference: body.reference } : {}),
          },
          actorOf(ctx),
        );
        return { status: 200, ...(await viewOf(accounts, result)) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/accounts/{accountId}/withdrawals',
      operationId: 'withdrawSavings',
      summary: 'Withdraw; above the coop’s threshold it waits for a second person’s approval (202)',
      tags: ['accounts'],
      request: {
        params: AccountParams,
        body: MoneyRequest.extend({ withdrawalId: EntityId.optional() }).meta({
          id: 'WithdrawSavings',
        }),
      },
      responses: { 200: WithdrawalResult, 202: WithdrawalResult },
      policy: WRITE,
      ifMatch: true,
      handler: async ({ params, body }, ctx) => {
        const result = await service.withdraw(
          params.coopId,
          params.accountId,
          {
            amount: rupiah(body.amount, '/amount'),
            via: body.via,
            ...(body.reference ? { reference: body.reference } : {}),
            ...(body.withdrawalId ? { withdrawalId: body.withdrawalId } : {}),
          },
          actorOf(ctx),
        );
        // A rerun is answered by what it asked for then: waiting still, or decided since.
        const requested = [...result.events, ...(result.replayed ?? [])].find(
          (e) => e.type === 'WithdrawalRequested',
        );
        const view = await viewOf(accounts, result);
        const withdrawalId =
          requested?.type === 'WithdrawalRequested'
            ? requested.data.withdrawalId
            : (body.withdrawalId ?? null);
        const waiting =
          withdrawalId !== null &&
          result.state.status !== 'none' &&
          Object.hasOwn(result.state.withdrawals, withdrawalId);
        const body202 = { outcome: 'pending_approval' as const, withdrawalId, account: view.body };
        return waiting
          ? { status: 202, body: body202, ...(view.etag === undefined ? {} : { etag: view.etag }) }
          : {
              status: 200,
              body: { outcome: 'completed' as const, withdrawalId, account: view.body },
              ...(view.etag === undefined ? {} : { etag: view.etag }),
            };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/accounts/{accountId}/close',
      operationId: 'closeSavingsAccount',
      summary:
        'Close an account and pay out its balance (pokok and wajib only after the membership ends)',
      tags: ['accounts'],
      request: {
        params: AccountParams,
        body: z.strictObject({ via: Funds.default('cash') }).meta({ id: 'CloseSavingsAccount' }),
      },
      responses: { 200: WithdrawalResult, 202: WithdrawalResult },
      policy: WRITE,
      ifMatch: true,
      handler: async ({ params, body }, ctx) => {
        const result = await service.close(
          params.coopId,
          params.accountId,
          { via: body.via },
          actorOf(ctx),
        );
        // A rerun of a close that waits for approval is answered as waiting still.
        const requested = [...result.events, ...(result.replayed ?? [])].find(
          (e) => e.type === 'WithdrawalRequested',
        );
        const view = await viewOf(accounts, result);
        const etag = view.etag === undefined ? {} : { etag: view.etag };
        const waiting =
          requested?.type === 'WithdrawalRequested' &&
          result.state.status !== 'none' &&
          Object.hasOwn(result.state.withdrawals, requested.data.withdrawalId);
        return waiting && requested?.type === 'WithdrawalRequested'
          ? {
              status: 202,
              body: {
                outcome: 'pending_approval' as const,
                withdrawalId: requested.data.withdrawalId,
                account: view.body,
              },
              ...etag,
            }
          : {
              status: 200,
              body: { outcome: 'completed' as const, withdrawalId: null, account: view.body },
              ...etag,
            };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/accounts/{accountId}/withdrawals/{withdrawalId}/approve',
      operationId: 'approveSavingsWithdrawal',
      summary: 'Approve a withdrawal waiting for a second person (not its maker)',
      tags: ['accounts'],
      request: { params: AccountParams.extend({ withdrawalId: EntityId }) },
      responses: { 200: AccountView },
      policy: WRITE,
      handler: async ({ params }, ctx) => {
        const result = await service.approve(
          params.coopId,
          params.accountId,
          params.withdrawalId,
          actorOf(ctx),
        );
        return { status: 200, ...(await viewOf(accounts, result)) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/accounts/{accountId}/withdrawals/{withdrawalId}/reject',
      operationId: 'rejectSavingsWithdrawal',
      summary: 'Reject a withdrawal waiting for approval; its money is available again',
      tags: ['accounts'],
      request: {
        params: AccountParams.extend({ withdrawalId: EntityId }),
        body: z.strictObject({ reason: Text }).meta({ id: 'RejectSavingsWithdrawal' }),
      },
      responses: { 200: AccountView },
      policy: WRITE,
      handler: async ({ params, body }, ctx) => {
        const result = await service.reject(
          params.coopId,
          params.accountId,
          params.withdrawalId,
          body.reason,
          actorOf(ctx),
        );
        return { status: 200, ...(await viewOf(accounts, result)) };
      },
    }),
  ];
}
