import type Database from 'better-sqlite3';
import { ConfigError } from '@kopfed/config';
import { catalog } from '@kopfed/contracts';
import { deterministicUuid, reserve, type EventMetadata } from '@kopfed/eventstore';
import { integrationEventHandler } from '@kopfed/messaging';
import type { ServiceInstance, ServiceModuleDeps } from '@kopfed/service-kit';
import { accountStream } from '../accounts/account-context';
import type { AccountService } from '../accounts/account-service';
import { maxDate, minDate } from '../shared/dates';
import { ProductCode } from '../shared/schemas';

type Consumption = NonNullable<ServiceInstance['consumes']>[number];

/**
 * An SHU share is not money paid in: the books debit utang SHU anggota (set up when the RAT's
 * division was distributed) and credit the member's savings, so the coop's cash is unchanged.
 */
const SHU_FUNDS = 'shu_payable';

/** The product a member's SHU share goes into unless `KOPFED_SAVINGS_SHU_PRODUCT` names another. */
export const DEFAULT_SHU_PRODUCT = 'SUKARELA';

export function shuProductOf(env: NodeJS.ProcessEnv): string {
  const code = env.KOPFED_SAVINGS_SHU_PRODUCT ?? DEFAULT_SHU_PRODUCT;
  if (!ProductCode.safeParse(code).success)
    throw new ConfigError([
      { variable: 'KOPFED_SAVINGS_SHU_PRODUCT', message: `must be a product code, got "${code}"` },
    ]);
  return code;
}

/**
 * A coop's SHU distribution (settlement's `ShuDistributed`) reaching the members' savings:
 * each member's share is deposited into their open account of the SHU product (SUKARELA by
 * default), or into a new one opened with it when they have none — a member who has left since
 * the year ended too: the share is theirs, and the coop pays it back to them as it pays out the
 * rest of a former member's savings. Exactly once per event and
 * member: the target account is claimed once (a reservation stream), so a redelivery finds
 * the same account, and the deposit's event ids derive from the event id, so it appends nothing new.
 */
export function shuCreditsConsumption(
  service: AccountService,
  deps: Pick<ServiceModuleDeps, 'env' | 'logger'>,
  /** Waits for the accounts read model to hold every account opened so far. */
  accountsCaughtUp: () => Promise<void>,
): Consumption {
  const productCode = shuProductOf(deps.env);
  const openAccount = openAccountQuery(service.accounts.db);
  return {
    topic: catalog.topicOf('settlement'),
    group: 'savings.shu',
    handler: integrationEventHandler(
      catalog,
      async (event) => {
        if (event.name !== 'ShuDistributed') return;
        // A member's account opened moments ago must be found, not opened a second time.
        await accountsCaughtUp();
        const d = event.data;
        const metadata: EventMetadata = {
          correlationId: event.envelope.correlationid,
          causationId: event.envelope.id,
          coopId: d.coopId,
        };
        // The shares are credited on the distribution's business date, the day the books take them
        // out of utang SHU, however late the message comes (never ahead of savings' today).
        const today = service.accounts.today();
        const creditedOn = minDate(d.businessDate, today);
        const failures: string[] = [];
        for (const { memberId, amount } of d.credits) {
          const key = `${event.envelope.id}:${memberId}`;
          const actor = { keyId: 'shu', metadata, idempotency: { scope: 'shu', key } };
          const existing = openAccount.get(d.coopId, memberId, productCode)?.account_id;
          const fresh = deterministicUuid('savings-shu-account', event.envelope.id, memberId);
          const claim = await reserve(
            service.accounts.store,
            `shu-credit-${key}`,
            existing ?? fresh,
            metadata,
          );
          const target = claim.reserved ? (existing ?? fresh) : claim.heldBy;
          const reference = `SHU-${d.financialYear}`;
          try {
            if (target === fresh) {
              // Opened with the share as its first deposit: once it exists, the share is in.
              if (await opened(service, fresh)) continue;
              // Opened that day, earning from it, as the share in an account held before does.
              await service.open(
                d.coopId,
                {
                  accountId: fresh,
                  memberId,
                  productCode,
                  openedOn: creditedOn,
                  initialDeposit: { amount: BigInt(amount.amount), via: SHU_FUNDS },
                },
                actor,
                creditedOn,
              );
            } else {
              // Nothing moves in before an account opened (`before-opening`).
              const { openedOn } = await service.accounts.known(d.coopId, target);
              await service.deposit(
                d.coopId,
                target,
                {
                  amount: BigInt(amount.amount),
                  via: SHU_FUNDS,
                  reference,
                  on: maxDate(creditedOn, openedOn),
                },
                actor,
              );
            }
          } catch (error) {
            failures.push(`${memberId}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
        if (failures.length > 0) {
          deps.logger.error(
            {
              coopId: d.coopId,
              financialYear: d.financialYear,
              eventId: event.envelope.id,
              failures,
            },
            'SHU shares not credited to savings',
          );
          // Redelivered, the shares already credited append nothing; these are tried again.
          throw new Error(`${failures.length} SHU share(s) not credited: ${failures.join('; ')}`);
        }
      },
      { only: ['ShuDistributed'] },
    ),
  };
}

async function opened(service: AccountService, accountId: string): Promise<boolean> {
  const events = await service.accounts.store.readStream(accountStream(accountId), { maxCount: 1 });
  return events.length > 0;
}

function openAccountQuery(db: Database.Database) {
  return db.prepare<[string, string, string], { account_id: string }>(
    `SELECT account_id FROM savings_accounts
      WHERE coop_id = ? AND member_id = ? AND product_code = ? AND status = 'open'
      ORDER BY opened_on, account_id LIMIT 1`,
  );
}
