import request from 'supertest';
import { as, BASE as base, useAccountsHttp } from '../testing/accounts-http';
import { COOPS, idr } from '../testing/savings-harness';

const world = useAccountsHttp();
const { post, get, open } = world;
const balanceOf = async (accountId: string) =>
  (await get(`/accounts/${accountId}`, world.h.keys.coopA).expect(200)).body.balance;

describe('concurrency', () => {
  it('200 concurrent withdrawals never overdraw, and the final balance is exact', async () => {
    await open('m-2', 'SUKARELA', {
      accountId: 'race',
      initialDeposit: { amount: idr(1_010_000) },
    }).then((r) => expect(r.status).toBe(201));
    // 200 × 7,000 = 1,400,000 asked for; 1,000,000 can go (10,000 must stay): 142 succeed.
    const responses = await Promise.all(
      Array.from({ length: 200 }, () =>
        post('/accounts/race/withdrawals', world.h.keys.coopA, { amount: idr(7_000) }),
      ),
    );
    const ok = responses.filter((r) => r.status === 200).length;
    const refused = responses.filter((r) => r.status === 422);
    expect(ok).toBe(142);
    expect(refused).toHaveLength(58);
    for (const r of refused) expect(r.body.code).toBe('insufficient-funds');
    const account = await get('/accounts/race', world.h.keys.coopA).expect(200);
    expect(account.body.balance).toEqual(idr(1_010_000 - 142 * 7_000));
    expect(account.headers.etag).toBe(`"${1 + 142}"`);
  });
});

describe('maker-checker', () => {
  it('a withdrawal above the threshold waits, reserves its money, and needs another person', async () => {
    await request(world.server)
      .put(`${base}/coops/${COOPS.A}/savings-policy`)
      .set(as(world.h.keys.coopA))
      .send({ effectiveFrom: '2026-03-10', withdrawalApprovalThreshold: idr(1_000_000) })
      .expect(200);
    await open('m-1', 'SUKARELA', { accountId: 'big', initialDeposit: { amount: idr(5_000_000) } });
    const asked = await post('/accounts/big/withdrawals', world.h.keys.coopA, {
      amount: idr(3_000_000),
      withdrawalId: 'w-1',
    });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ outcome: 'pending_approval', withdrawalId: 'w-1' });
    expect(asked.body.account).toMatchObject({
      balance: idr(5_000_000),
      availableBalance: idr(2_000_000),
    });
    const self = await post('/accounts/big/withdrawals/w-1/approve', world.h.keys.coopA);
    expect(self.status).toBe(422);
    expect(self.body.code).toBe('four-eyes');
    const approved = await post(
      '/accounts/big/withdrawals/w-1/approve',
      world.h.keys.coopA2,
    ).expect(200);
    expect(approved.body).toMatchObject({
      balance: idr(2_000_000),
      availableBalance: idr(2_000_000),
      pendingWithdrawals: [],
    });
    await post('/accounts/big/withdrawals', world.h.keys.coopA, {
      amount: idr(1_500_000),
      withdrawalId: 'w-2',
    }).expect(202);
    await post('/accounts/big/withdrawals/w-2/reject', world.h.keys.treasurerP, {
      reason: 'not verified',
    }).expect(200);
    const after = await get('/accounts/big', world.h.keys.auditorP).expect(200);
    expect(after.body.availableBalance).toEqual(idr(2_000_000));
  });
});

describe('a decision on a withdrawal, sent again', () => {
  it('is answered as it ended for its checker, and refused as decided for anyone else', async () => {
    // The threshold is Rp1,000,000 from the maker-checker case above.
    await open('m-1', 'SUKARELA', {
      accountId: 'twice',
      initialDeposit: { amount: idr(5_000_000) },
    });
    const ask = (withdrawalId: string) =>
      post('/accounts/twice/withdrawals', world.h.keys.coopA, {
        amount: idr(2_000_000),
        withdrawalId,
      }).expect(202);
    const approve = (withdrawalId: string, key: string) =>
      post(`/accounts/twice/withdrawals/${withdrawalId}/approve`, key);
    const reject = (withdrawalId: string, key: string) =>
      post(`/accounts/twice/withdrawals/${withdrawalId}/reject`, key, { reason: 'no' });
    await ask('w-a');
    await approve('w-a', world.h.keys.coopA2).expect(200);
    const retried = await approve('w-a', world.h.keys.coopA2);
    expect([retried.status, retried.body.balance]).toEqual([200, idr(3_000_000)]);
    const second = await approve('w-a', world.h.keys.treasurerP);
    expect([second.status, second.body.code]).toEqual([409, 'withdrawal-approved']);
    const late = await reject('w-a', world.h.keys.treasurerP);
    expect([late.status, late.body.code]).toEqual([409, 'withdrawal-approved']);

    await ask('w-r');
    await reject('w-r', world.h.keys.treasurerP).expect(200);
    await reject('w-r', world.h.keys.treasurerP).expect(200);
    const afterRejection = await approve('w-r', world.h.keys.coopA2);
    expect([afterRejection.status, afterRejection.body.code]).toEqual([409, 'withdrawal-rejected']);
    expect(await balanceOf('twice')).toEqual(idr(3_000_000));

    // A close that waited: its approval, sent again once the account is closed.
    const closing = await post('/accounts/twice/close', world.h.keys.coopA, { via: 'cash' });
    expect(closing.status).toBe(202);
    const closeId = closing.body.withdrawalId as string;
    await approve(closeId, world.h.keys.coopA2).expect(200);
    const again = await approve(closeId, world.h.keys.coopA2);
    expect([again.status, again.body.status]).toEqual([200, 'closed']);
    const other = await approve(closeId, world.h.keys.treasurerP);
    expect([other.status, other.body.code]).toEqual([409, 'withdrawal-approved']);
  });
});

describe('withdrawal ids', () => {
  it('a withdrawal id is used once: a resend after approval or rejection pays nothing again', async () => {
    // The threshold is Rp1,000,000 from the maker-checker case above.
    await open('m-1', 'SUKARELA', {
      accountId: 'w-once',
      initialDeposit: { amount: idr(9_000_000) },
    });
    const ask = (withdrawalId: string, amount = 2_000_000) =>
      post('/accounts/w-once/withdrawals', world.h.keys.coopA, {
        amount: idr(amount),
        withdrawalId,
      });
    await ask('w-paid').expect(202);
    await post('/accounts/w-once/withdrawals/w-paid/approve', world.h.keys.coopA2).expect(200);
    const resent = await ask('w-paid');
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({ outcome: 'completed', withdrawalId: 'w-paid' });
    expect(resent.body.account.pendingWithdrawals).toEqual([]);
    const other = await ask('w-paid', 3_000_000);
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('withdrawal-id-used');

    await ask('w-no').expect(202);
    await post('/accounts/w-once/withdrawals/w-no/reject', world.h.keys.coopA2, {
      reason: 'not verified',
    }).expect(200);
    const again = await ask('w-no');
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('withdrawal-rejected');

    await ask('w-small', 100_000).expect(200);
    const small = await ask('w-small', 100_000);
    expect(small.status).toBe(200);
    expect(small.body).toMatchObject({ outcome: 'completed', withdrawalId: 'w-small' });
    const after = await get('/accounts/w-once', world.h.keys.coopA).expect(200);
    expect(after.body).toMatchObject({
      balance: idr(6_900_000),
      availableBalance: idr(6_900_000),
      pendingWithdrawals: [],
    });
    expect(after.headers.etag).toBe('"7"');
  });
});

describe('holds', () => {
  it('places, partly captures (releasing the rest) and releases holds; available = balance − holds', async () => {
    await open('m-2', 'SUKARELA', {
      accountId: 'held',
      initialDeposit: { amount: idr(1_000_000) },
    });
    const placed = await post('/accounts/held/holds', world.h.keys.treasurerP, {
      holdId: 'pay-1',
      amount: idr(400_000),
      reason: 'inter-coop payment',
      expiresAt: '2026-03-11T00:00:00Z',
    }).expect(201);
    expect(placed.body).toMatchObject({ balance: idr(1_000_000), availableBalance: idr(600_000) });
    const tooMuch = await post('/accounts/held/withdrawals', world.h.keys.coopA, {
      amount: idr(595_000),
    });
    expect(tooMuch.status).toBe(422);
    const again = await post('/accounts/held/holds', world.h.keys.treasurerP, {
      holdId: 'pay-1',
      amount: idr(1),
      reason: 'other',
      expiresAt: '2026-03-11T00:00:00Z',
    });
    expect(again.status).toBe(409);
    const captured = await post('/accounts/held/holds/pay-1/capture', world.h.keys.treasurerP, {
      amount: idr(300_000),
      via: 'settlement_in_transit',
    }).expect(200);
    expect(captured.body).toMatchObject({
      balance: idr(700_000),
      availableBalance: idr(700_000),
      holds: [],
    });
    const late = await post('/accounts/held/holds/pay-1/release', world.h.keys.coopA);
    expect([late.status, late.body.code]).toEqual([409, 'hold-captured']);
    await post('/accounts/held/holds', world.h.keys.coopA, {
      holdId: 'loan-1',
      amount: idr(100_000),
      reason: 'loan',
      expiresAt: '2026-04-01T00:00:00Z',
    }).expect(201);
    const released = await post('/accounts/held/holds/loan-1/release', world.h.keys.coopA).expect(
      200,
    );
    expect(released.body.availableBalance).toEqual(idr(700_000));
  });

  it('an expired hold can no longer be captured', async () => {
    await post('/accounts/held/holds', world.h.keys.coopA, {
      holdId: 'short',
      amount: idr(1_000),
      reason: 'x',
      expiresAt: '2026-03-10T04:00:00Z',
    }).expect(201);
    world.h.setNow('2026-03-10T05:00:00.000Z');
    const late = await post('/accounts/held/holds/short/capture', world.h.keys.coopA, {
      via: 'cash',
    });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('hold-expired');
    const view = await get('/accounts/held', world.h.keys.coopA).expect(200);
    expect(view.body.availableBalance).toEqual(view.body.balance);
    world.h.setNow('2026-03-10T03:00:00.000Z');
  });
});

describe('a release racing a capture', () => {
  it('one of them wins; the other is told how the hold ended, and the balance agrees', async () => {
    await open('m-2', 'SUKARELA', {
      accountId: 'race-h',
      initialDeposit: { amount: idr(1_000_000) },
    });
    for (let round = 0; round < 10; round++) {
      const holdId = `pay-${round}`;
      await post('/accounts/race-h/holds', world.h.keys.treasurerP, {
        holdId,
        amount: idr(10_000),
        reason: 'inter-coop payment',
        expiresAt: '2027-01-01T00:00:00Z',
      }).expect(201);
      const [captured, released] = await Promise.all([
        post(`/accounts/race-h/holds/${holdId}/capture`, world.h.keys.treasurerP, {
          via: 'settlement_in_transit',
        }),
        post(`/accounts/race-h/holds/${holdId}/release`, world.h.keys.treasurerP),
      ]);
      const outcome = [captured.status, released.status];
      if (outcome[0] === 200)
        expect([released.status, released.body.code]).toEqual([409, 'hold-captured']);
      else
        expect([captured.status, captured.body.code, released.status]).toEqual([
          409,
          'hold-released',
          200,
        ]);
    }
    const events = await world.h.store.readStream('account-race-h');
    const captures = events.filter((e) => e.type === 'HoldCaptured').length;
    expect(await balanceOf('race-h')).toEqual(idr(1_000_000 - captures * 10_000));
  });
});

describe('captures obey the rules of a withdrawal', () => {
  const place = (accountId: string, holdId: string, amount: number) =>
    post(`/accounts/${accountId}/holds`, world.h.keys.coopA, {
      holdId,
      amount: idr(amount),
      reason: 'payment',
      expiresAt: '2027-01-01T00:00:00Z',
    }).expect(201);

  it('one key cannot pay out above the approval threshold by placing and capturing a hold', async () => {
    // The coop's threshold is Rp1,000,000 (maker-checker above).
    await open('m-1', 'SUKARELA', { accountId: 'cap', initialDeposit: { amount: idr(5_000_000) } });
    await place('cap', 'cash-1', 2_000_000);
    const refused = await post('/accounts/cap/holds/cash-1/capture', world.h.keys.coopA, {
      via: 'cash',
    });
    expect([refused.status, refused.body.code]).toEqual([422, 'capture-needs-approval']);
    expect(await balanceOf('cap')).toEqual(idr(5_000_000));
    await post('/accounts/cap/holds/cash-1/capture', world.h.keys.coopA, {
      via: 'cash',
      amount: idr(1_000_000),
    }).expect(200);
    expect(await balanceOf('cap')).toEqual(idr(4_000_000));
    // Into settlement in transit (an inter-coop payment, approved where it was made) it goes.
    await place('cap', 'pay-2', 3_000_000);
    await post('/accounts/cap/holds/pay-2/capture', world.h.keys.coopA, {
      via: 'settlement_in_transit',
    }).expect(200);
    expect(await balanceOf('cap')).toEqual(idr(1_000_000));
  });

  it('a locked time deposit is not paid out by a capture (closing it early charges the penalty)', async () => {
    await open('m-1', 'BERJANGKA_3', {
      accountId: 'td-cap',
      initialDeposit: { amount: idr(2_000_000), via: 'bank' },
      maturityInstruction: { kind: 'roll_over' },
    });
    await place('td-cap', 'td-1', 500_000);
    const refused = await post('/accounts/td-cap/holds/td-1/capture', world.h.keys.coopA, {
      via: 'settlement_in_transit',
    });
    expect([refused.status, refused.body.code]).toEqual([422, 'time-deposit-locked']);
    expect(await balanceOf('td-cap')).toEqual(idr(2_000_000));
  });

  it('a hold id is used once: a retried placement after capture changes nothing', async () => {
    await open('m-1', 'SUKARELA', {
      accountId: 'once',
      initialDeposit: { amount: idr(1_000_000) },
    });
    const terms = {
      holdId: 'pay-1',
      amount: idr(300_000),
      reason: 'inter-coop payment',
      expiresAt: '2026-03-20T00:00:00Z',
    };
    await post('/accounts/once/holds', world.h.keys.coopA, terms).expect(201);
    const capture = { via: 'settlement_in_transit' };
    await post('/accounts/once/holds/pay-1/capture', world.h.keys.coopA, capture).expect(200);
    const retried = await post('/accounts/once/holds', world.h.keys.coopA, terms).expect(201);
    expect(retried.body).toMatchObject({ balance: idr(700_000), holds: [] });
    const other = await post('/accounts/once/holds', world.h.keys.coopA, {
      ...terms,
      amount: idr(200_000),
    });
    expect([other.status, other.body.code]).toEqual([409, 'hold-id-used']);
    // A retried capture is answered as it ended; another amount is refused.
    await post('/accounts/once/holds/pay-1/capture', world.h.keys.coopA, capture).expect(200);
    const more = await post('/accounts/once/holds/pay-1/capture', world.h.keys.coopA, {
      ...capture,
      amount: idr(100_000),
    });
    expect([more.status, more.body.code]).toEqual([409, 'hold-captured']);
    expect(await balanceOf('once')).toEqual(idr(700_000));
  });
});

describe('amounts', () => {
  it('a balance past 18 digits is refused, and the lists keep working', async () => {
    await open('m-2', 'SUKARELA', { accountId: 'huge', initialDeposit: { amount: idr(10_000) } });
    const largest = 999_999_999_999_999_999n;
    const statuses: number[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await post('/accounts/huge/deposits', world.h.keys.coopA, { amount: idr(largest) });
      statuses.push(r.status);
      if (r.status !== 200) expect(r.body.code).toBe('balance-limit-exceeded');
    }
    expect(statuses).toEqual([422, 422]);
    await post('/accounts/huge/deposits', world.h.keys.coopA, {
      amount: idr(largest - 10_000n),
    }).expect(200);
    expect(await balanceOf('huge')).toEqual(idr(largest));
    const listed = await get('/accounts?memberId=m-2', world.h.keys.coopA).expect(200);
    expect(
      listed.body.items.find((a: { accountId: string }) => a.accountId === 'huge'),
    ).toMatchObject({ balance: idr(largest) });
    await get('/totals', world.h.keys.coopA).expect(200);
  });
});

describe('transfers between a member’s accounts', () => {
  it('moves money once per transfer id, and refuses what the target refuses before touching the source', async () => {
    await open('m-2', 'WAJIB', { accountId: 'wj-2' });
    await open('m-2', 'SUKARELA', { accountId: 'sk-2', initialDeposit: { amount: idr(300_000) } });
    const moved = await post('/transfers', world.h.keys.coopA, {
      transferId: 't-1',
      fromAccountId: 'sk-2',
      toAccountId: 'wj-2',
      amount: idr(50_000),
    });
    expect(moved.status).toBe(201);
    expect(moved.body.outcome).toBe('completed');
    const again = await post('/transfers', world.h.keys.coopA, {
      transferId: 't-1',
      fromAccountId: 'sk-2',
      toAccountId: 'wj-2',
      amount: idr(50_000),
    });
    expect(again.status).toBe(201);
    expect((await get('/accounts/sk-2', world.h.keys.coopA)).body.balance).toEqual(idr(250_000));
    expect((await get('/accounts/wj-2', world.h.keys.coopA)).body.balance).toEqual(idr(50_000));
    const back = await post('/transfers', world.h.keys.coopA, {
      transferId: 't-2',
      fromAccountId: 'wj-2',
      toAccountId: 'sk-2',
      amount: idr(1),
    });
    expect(back.body.code).toBe('not-withdrawable-while-member');
    const otherMember = await post('/transfers', world.h.keys.coopA, {
      transferId: 't-3',
      fromAccountId: 'sk-2',
      toAccountId: 'big',
      amount: idr(1),
    });
    expect(otherMember.body.code).toBe('not-same-member');
  });
});
