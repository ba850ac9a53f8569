import type { AuthenticatedContext } from '@kopfed/service-kit';
import type { Accounts } from './account-context';
import type { Actor } from './account-service';
import type { AccountState } from './account-state';
import { accountView, type AccountView } from './account-view';

export function actorOf(ctx: AuthenticatedContext): Actor {
  return {
    keyId: ctx.principal.keyId,
    metadata: ctx.metadata,
    ...(ctx.expectedRevision === undefined ? {} : { expectedRevision: ctx.expectedRevision }),
    ...(ctx.idempotencyKey === undefined
      ? {}
      : { idempotency: { scope: ctx.principal.coopId, key: ctx.idempotencyKey } }),
  };
}

/** The account after a command, with its ETag (the stream revision). */
export async function viewOf(
  accounts: Accounts,
  result: { state: AccountState; revision: number | undefined },
): Promise<{ body: AccountView; etag?: number }> {
  const state = result.state;
  if (state.status === 'none') throw new Error('a command left no account');
  const product = await accounts.catalogue
    .product(state.coopId, state.product.code)
    .catch(() => undefined);
  return {
    body: accountView(state, accounts.now(), product),
    ...(result.revision === undefined ? {} : { etag: result.revision }),
  };
}
