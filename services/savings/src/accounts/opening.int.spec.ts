import request from 'supertest';
import { reserve } from '@kopfed/eventstore';
import { MembershipDirectory } from '../membership/membership-directory';
import { CatalogueStore } from '../products/catalogue-store';
import { as, BASE, useAccountsHttp } from '../testing/accounts-http';
import { COOPS, idr, PRODUCTS } from '../testing/savings-harness';
import { Accounts } from './account-context';
import { AccountService } from './account-service';

const world = useAccountsHttp();
const { open, get } = world;

const members = async (memberId: string) =>
  (await get(`/accounts?memberId=${memberId}`, world.h.keys.coopA).expect(200)).body.items;

describe('one pokok and one wajib account per member', () => {
  it('a refused opening leaves the member free to open it with a corrected request', async () => {
    // Rp150,000 is more than the Rp100,000 share.
    const refused = await open('m-1', 'POKOK', { initialDeposit: { amount: idr(150_000) } });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('pokok-exceeds-share');
    expect(await members('m-1')).toEqual([]);
    const opened = await open('m-1', 'POKOK', { initialDeposit: { amount: idr(100_000) } });
    expect(opened.status).toBe(201);
    const second = await open('m-1', 'POKOK');
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('member-has-product-account');
  });

  it('of concurrent openings, refused and accepted, exactly one account opens', async () => {
    const responses = await Promise.all(
      [150_000, 50_000, 200_000, 50_000, 150_000].map((amount) =>
        open('m-2', 'POKOK', { initialDeposit: { amount: idr(amount) } }),
      ),
    );
    // Whichever comes first of the Rp50,000 ones opens it; the others are refused either way.
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 201).every((s) => s === 409 || s === 422)).toBe(true);
    const accounts = (await members('m-2')) as { productCode: string; balance: unknown }[];
    expect(accounts.filter((a) => a.productCode === 'POKOK')).toEqual([
      expect.objectContaining({ balance: idr(50_000) }),
    ]);
  });

  it('a claim an attempt left behind (its process died) is given back when that account is refused', async () => {
    await reserve(world.h.store, `savings-${COOPS.A}-m-1-WAJIB`, 'wj-crashed');
    const blocked = await open('m-1', 'WAJIB', { accountId: 'wj-1' });
    expect(blocked.body.code).toBe('member-has-product-account');
    const refused = await open('m-1', 'WAJIB', {
      accountId: 'wj-crashed',
      maturityInstruction: { kind: 'roll_over' },
    });
    expect(refused.body.code).toBe('maturity-not-allowed');
    expect((await open('m-1', 'WAJIB', { accountId: 'wj-1' })).status).toBe(201);
  });

  it('a claim whose opening was refused, left by a process that died, no longer blocks the member', async () => {
    await world.h.joinPerson(COOPS.A, 'm-5');
    await reserve(world.h.store, `savings-${COOPS.A}-m-5-POKOK`, 'pk-5');
    await world.h.store.append(
      'account-pk-5',
      [
        {
          id: '0190a000-0000-7000-8000-000000000005',
          type: 'AccountOpeningRefused',
          schemaVersion: 1,
          data: {
            accountId: 'pk-5',
            memberId: 'm-5',
            productCode: 'POKOK',
            on: '2026-03-10',
            code: 'pokok-exceeds-share',
          },
          metadata: { coopId: COOPS.A },
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    expect((await open('m-5', 'POKOK', { accountId: 'pk-5b' })).status).toBe(201);
  });

  it('a refused opening leaves its account id free for the corrected request', async () => {
    await world.h.joinPerson(COOPS.A, 'm-3');
    const refused = await open('m-3', 'POKOK', {
      accountId: 'pk-3',
      initialDeposit: { amount: idr(150_000) },
    });
    expect(refused.body.code).toBe('pokok-exceeds-share');
    const opened = await open('m-3', 'POKOK', {
      accountId: 'pk-3',
      initialDeposit: { amount: idr(100_000) },
    });
    expect(opened.status).toBe(201);
    expect((await open('m-3', 'POKOK', { accountId: 'pk-3b' })).body.code).toBe(
      'member-has-product-account',
    );
    await world.h.savings.projection.catchUp();
    expect(await members('m-3')).toEqual([
      expect.objectContaining({ accountId: 'pk-3', balance: idr(100_000) }),
    ]);
  });

  it('a refusal in one process does not give back the claim another process is opening under', async () => {
    const h = world.h;
    await h.joinPerson(COOPS.A, 'm-4');
    let refused: { status: number; code: string } | undefined;
    // This process appends the account just after another refused a request for the same id.
    const store = new Proxy(h.store, {
      get(target, prop) {
        if (prop === 'append')
          return async (...args: Parameters<typeof target.append>) => {
            if (args[0] === 'account-pk-4' && !refused) {
              const r = await open('m-4', 'POKOK', {
                accountId: 'pk-4',
                initialDeposit: { amount: idr(150_000) },
              });
              refused = { status: r.status, code: r.body.code };
            }
            return target.append(...args);
          };
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function'
          ? (value as (...a: unknown[]) => unknown).bind(target)
          : value;
      },
    });
    const db = h.savings.accounts.db;
    const accounts = new Accounts(
      store,
      db,
      new CatalogueStore(store),
      new MembershipDirectory(db),
      () => h.now(),
    );
    await new AccountService(accounts).open(
      COOPS.A,
      {
        accountId: 'pk-4',
        memberId: 'm-4',
        productCode: 'POKOK',
        initialDeposit: { amount: 100_000n, via: 'cash' },
      },
      { keyId: 'k', metadata: { coopId: COOPS.A } },
    );
    expect(refused).toEqual({ status: 422, code: 'pokok-exceeds-share' });
    const second = await open('m-4', 'POKOK', { accountId: 'pk-4b' });
    expect(second.body.code).toBe('member-has-product-account');
    await h.savings.projection.catchUp();
    expect(await members('m-4')).toEqual([
      expect.objectContaining({ accountId: 'pk-4', balance: idr(100_000) }),
    ]);
  });
});

describe('a time deposit that moves to another account at maturity', () => {
  const deposit = (accountId: string) => ({
    initialDeposit: { amount: idr(2_000_000), via: 'bank' },
    maturityInstruction: { kind: 'move_to_account', accountId },
  });

  beforeAll(async () => {
    const h = world.h;
    await request(h.app)
      .post(`${BASE}/coops/${COOPS.B}/products`)
      .set(as(h.keys.coopB))
      .send(PRODUCTS.SUKARELA)
      .expect(201);
    await h.joinPerson(COOPS.B, 'm-1');
    await request(h.app)
      .post(`${BASE}/coops/${COOPS.B}/accounts`)
      .set(as(h.keys.coopB))
      .send({ accountId: 'b-sk', memberId: 'm-1', productCode: 'SUKARELA' })
      .expect(201);
    for (const [accountId, memberId, productCode] of [
      ['m1-sk', 'm-1', 'SUKARELA'],
      ['m2-sk', 'm-2', 'SUKARELA'],
      ['m1-bj', 'm-1', 'BERJANGKA_3'],
    ] as const) {
      const extra = productCode === 'BERJANGKA_3' ? deposit('m1-sk') : {};
      expect((await open(memberId, productCode, { accountId, ...extra })).status).toBe(201);
    }
  });

  it.each([
    ['an account of another coop (its m-1 is another person)', 'b-sk', 'maturity-target-not-found'],
    ['an account that does not exist', 'nowhere', 'maturity-target-not-found'],
    ['another member’s account', 'm2-sk', 'maturity-target-other-member'],
    ['a time deposit, which takes no top-up', 'm1-bj', 'maturity-target-refuses-money'],
  ])('is refused when it names %s', async (_name, target, code) => {
    const head = await world.h.store.headPosition();
    const refused = await open('m-1', 'BERJANGKA_3', deposit(target));
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      code,
      errors: [{ pointer: '/maturityInstruction/accountId' }],
    });
    expect(await world.h.store.headPosition()).toBe(head);
  });

  it('is refused with 409 when it names a closed account', async () => {
    await open('m-1', 'SUKARELA', { accountId: 'm1-closed' });
    await world.post('/accounts/m1-closed/close', world.h.keys.coopA, { via: 'cash' }).expect(200);
    const head = await world.h.store.headPosition();
    const refused = await open('m-1', 'BERJANGKA_3', deposit('m1-closed'));
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('maturity-target-closed');
    expect(await world.h.store.headPosition()).toBe(head);
  });

  it('names an open account of the same member at the same coop', async () => {
    const opened = await open('m-1', 'BERJANGKA_3', deposit('m1-sk'));
    expect(opened.status).toBe(201);
  });
});
