import { join } from 'node:path';
import { SqliteEventStore } from '@kopfed/eventstore';
import { person } from '@kopfed/member/src/testing/federation';
import { apiKey, registerFederation } from '../e2e/federation';
import { PatientClient } from '../e2e/http';
import { ADMIN_KEY, sleep, type NodeProcess } from '../e2e/node-process';

/**
 * The node benchmarks' workload: a federation set up through the public API, and a mix of
 * the commands primary coops send all day. Shared by `node` and `scaling`.
 */

const MEMBERS_PER_COOP = 10;
const PARENT = 'bench-p';
const SETUP_CONCURRENCY = 8;
/** The most items a member or loan sync batch takes. */
const BATCH_ITEMS = 1_000;

/** The coop a coop's transfers go to: the next one of the federation, the last paying the first. */
function payeeOf(coopIds: readonly string[], from: string): string {
  return coopIds[(coopIds.indexOf(from) + 1) % coopIds.length]!;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );
}
const idr = (amount: number | bigint) => ({ amount: String(amount), currency: 'IDR' });

export interface Fixture {
  coopIds: readonly string[];
  /** Coops that send commands; the rest only receive transfers. */
  tokens: Map<string, string>;
  accounts: { coopId: string; accountId: string }[];
  loans: { coopId: string; loanId: string }[];
}

/** Asks again until the services that learn of members from events have caught up. */
async function eventually(what: string, attempt: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await attempt()) return;
    await sleep(50);
  }
  throw new Error(`${what}: not ready after 30 s`);
}

/**
 * Coops, members, sukarela accounts, loans and clearing limits, through the public API.
 * `loaded` coops get the members, accounts and loans; `counterparties` only take part in
 * transfers (a workload of one primary coop still pays another).
 */
export async function setUp(
  node: NodeProcess,
  loaded: readonly string[],
  counterparties: readonly string[] = [],
  membersPerCoop = MEMBERS_PER_COOP,
): Promise<Fixture> {
  const coopIds = [...loaded, ...counterparties];
  const admin = new PatientClient(node.url, ADMIN_KEY);
  const { treasurerToken } = await registerFederation(
    admin,
    (t) => new PatientClient(node.url, t),
    PARENT,
    coopIds,
  );
  const treasurer = new PatientClient(node.url, treasurerToken);
  // The closed-loop rule (BRIEF §5): each coop pays the next one under an agreement. Signed
  // first, so settlement has heard of every agreement long before the first transfer.
  const signed = new Set<string>();
  for (const coopId of coopIds) {
    const partner = payeeOf(coopIds, coopId);
    const pair = [coopId, partner].sort().join(' ');
    if (partner === coopId || signed.has(pair)) continue;
    signed.add(pair);
    await treasurer.expect(201, 'POST', `/api/member/v1/coops/${coopId}/cooperation-agreements`, {
      partnerCoopId: partner,
      validFrom: '2000-01-01',
      validUntil: '2099-12-31',
    });
  }
  const fixture: Fixture = { coopIds, tokens: new Map(), accounts: [], loans: [] };
  const setUpCoop = async (coopId: string) => {
    const coop = new PatientClient(node.url, await apiKey(admin, 'coop', coopId));
    fixture.tokens.set(coopId, coop.token);
    await treasurer.expect(200, 'PUT', `/api/settlement/v1/coops/${coopId}/limits/IDR`, {
      netDebitCap: idr(1_000_000_000_000),
      alarmAtBasisPoints: 9_000,
    });
    await treasurer.expect(200, 'PUT', `/api/settlement/v1/coops/${coopId}/liquidity-cover/IDR`, {
      amount: idr(1_000_000_000_000),
    });
    if (!loaded.includes(coopId)) return;
    const people = Array.from({ length: membersPerCoop }, (_, i) => ({
      externalId: `${coopId}-m${i}`,
      memberNumber: `M-${i}`,
      kind: 'person',
      joinedOn: '2026-01-15',
      person: person(coopIds.indexOf(coopId) * membersPerCoop + i),
    }));
    for (const [index, items] of chunks(people, BATCH_ITEMS).entries()) {
      await coop.expect(200, 'POST', `/api/member/v1/coops/${coopId}/member-batches`, {
        sequence: index + 1,
        items,
      });
    }
    await coop.expect(201, 'POST', `/api/savings/v1/coops/${coopId}/products`, {
      code: 'SUKARELA',
      name: 'Simpanan sukarela',
      kind: 'sukarela',
      terms: { effectiveFrom: '2026-01-01' },
    });
    await coop.expect(201, 'POST', `/api/loan/v1/coops/${coopId}/loan-products/ANUITAS/versions`, {
      effectiveFrom: '2026-01-01',
      terms: {
        name: 'Pinjaman anuitas',
        method: 'ANNUITY',
        annualRatePercent: '12',
        minTermMonths: 1,
        maxTermMonths: 60,
        minPrincipal: idr(1_000_000),
        maxPrincipal: idr(500_000_000),
      },
    });
    // The coop's books post the new loan product's money as they post the default one's.
    const mapping = (await treasurer.expect(
      200,
      'GET',
      `/api/settlement/v1/coops/${coopId}/gl-mapping`,
    )) as { loans: Record<string, unknown> } & Record<string, unknown>;
    const {
      coopId: _coop,
      effectiveFrom: _from,
      memberClearing: _clearing,
      ...mappingIn
    } = mapping;
    await treasurer.expect(200, 'PUT', `/api/settlement/v1/coops/${coopId}/gl-mapping/2026-01-01`, {
      ...mappingIn,
      loans: { ...mapping.loans, ANUITAS: mapping.loans.PINJAMAN },
    });
    const members: { memberId: string; externalId: string }[] = [];
    for (let cursor: string | null = ''; cursor !== null;) {
      const page = (await coop.expect(
        200,
        'GET',
        `/api/member/v1/coops/${coopId}/members?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      )) as { items: { memberId: string; externalId: string }[]; nextCursor: string | null };
      members.push(...page.items);
      cursor = page.nextCursor;
    }
    for (const [i, member] of members.entries()) {
      const accountId = `${coopId}-s${i}`;
      await eventually(`savings knows ${member.memberId}`, async () => {
        const opened = await coop.send('POST', `/api/savings/v1/coops/${coopId}/accounts`, {
          accountId,
          memberId: member.memberId,
          productCode: 'SUKARELA',
          initialDeposit: { amount: idr(100_000_000), via: 'cash' },
        });
        return opened.status === 201;
      });
      fixture.accounts.push({ coopId, accountId });
    }
    const loanIds = new Set<string>();
    let sequence = 0;
    // A loan and its disbursement per member: half a batch of members per batch.
    for (const [part, borrowers] of chunks(members, BATCH_ITEMS / 2).entries()) {
      // A rejected item stays rejected in its batch: each attempt is a new batch (sequence).
      await eventually(`loan knows the members of ${coopId}`, async () => {
        sequence += 1;
        const batch = await coop.send('POST', `/api/loan/v1/coops/${coopId}/loan-sync-batches`, {
          sequence,
          items: borrowers.flatMap((m, j) => {
            const i = part * (BATCH_ITEMS / 2) + j;
            return [
              {
                kind: 'loan',
                externalId: `L-${i}`,
                memberExternalId: m.externalId,
                productCode: 'ANUITAS',
                principal: idr(50_000_000),
                termMonths: 24,
                appliedOn: '2026-06-01',
              },
              {
                kind: 'disbursement',
                externalId: `D-${i}`,
                loanExternalId: `L-${i}`,
                disbursedOn: '2026-06-02',
                via: { kind: 'cash' },
              },
            ];
          }),
        });
        const items = (batch.body as { results?: { status: string; id?: string }[] }).results ?? [];
        const failed = items.filter(
          (item) => !['created', 'updated', 'unchanged'].includes(item.status),
        );
        if (batch.status !== 200 || failed.length > 0) return false;
        for (const item of items) loanIds.add(item.id!);
        return true;
      });
    }
    for (const loanId of loanIds) fixture.loans.push({ coopId, loanId });
  };
  // A few coops at a time, as many primary coops' systems would: a thousand coops in minutes.
  let next = 0;
  await Promise.all(
    Array.from({ length: SETUP_CONCURRENCY }, async () => {
      while (next < coopIds.length) await setUpCoop(coopIds[next++]!);
    }),
  );
  const order = (a: { coopId: string }, b: { coopId: string }) =>
    coopIds.indexOf(a.coopId) - coopIds.indexOf(b.coopId);
  fixture.accounts.sort((a, b) => order(a, b) || a.accountId.localeCompare(b.accountId));
  fixture.loans.sort((a, b) => order(a, b) || a.loanId.localeCompare(b.loanId));
  return fixture;
}

/** One request of the mix: 40% deposits, 20% withdrawals, 20% repayments, 20% inter-coop payments. */
export function mixed(fixture: Fixture, n: number) {
  const kind = n % 10;
  const auth = (coopId: string) => ({
    authorization: `Bearer ${fixture.tokens.get(coopId)}`,
    'idempotency-key': `bench-${n}`,
  });
  if (kind < 6) {
    const { coopId, accountId } = fixture.accounts[n % fixture.accounts.length]!;
    const what = kind < 4 ? 'deposits' : 'withdrawals';
    return {
      method: 'POST',
      path: `/api/savings/v1/coops/${coopId}/accounts/${accountId}/${what}`,
      headers: auth(coopId),
      body: { amount: idr(1_000 + (n % 1_000)), via: 'cash' },
    };
  }
  if (kind < 8) {
    const { coopId, loanId } = fixture.loans[n % fixture.loans.length]!;
    return {
      method: 'POST',
      path: `/api/loan/v1/coops/${coopId}/loans/${loanId}/repayments`,
      headers: auth(coopId),
      body: { amount: idr(10_000), via: { kind: 'cash' } },
    };
  }
  // From a coop with accounts, to the coop it has an agreement with.
  const { coopId: from } = fixture.accounts[n % fixture.accounts.length]!;
  const to = payeeOf(fixture.coopIds, from);
  return {
    method: 'POST',
    path: '/api/settlement/v1/transfers',
    headers: auth(from),
    body: { transferId: `bench-t-${n}`, fromCoopId: from, toCoopId: to, amount: idr(5_000) },
  };
}

/** Events in every store of a data directory. */
export function eventsIn(dataDir: string, stores: readonly string[]): number {
  let total = 0;
  for (const name of stores) {
    const store = new SqliteEventStore({ file: join(dataDir, `${name}.db`) });
    total += (store.database.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    void store.close();
  }
  return total;
}

/** Old activity: events of a stream category no projection or relay subscribes to. */
export async function fillTo(dataDir: string, total: number, already: number): Promise<number> {
  const missing = Math.max(0, total - already);
  const store = new SqliteEventStore({ file: join(dataDir, 'savings.db') });
  const batch = 10_000;
  for (let written = 0; written < missing; written += batch) {
    const size = Math.min(batch, missing - written);
    await store.append(
      `benchhistory-${already + written}`,
      Array.from({ length: size }, (_, i) => ({
        id: `00000000-0000-4000-8000-${String(already + written + i).padStart(12, '0')}`,
        type: 'HistoricalActivity',
        schemaVersion: 1,
        data: { n: already + written + i, note: 'imported history' },
      })),
      { expectedRevision: 'no_stream' },
    );
  }
  await store.close();
  return missing;
}
