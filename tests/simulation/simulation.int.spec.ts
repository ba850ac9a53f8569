import { InvariantViolation } from './invariants';
import { openWorld, simulate, SimulationFailure } from './simulation';
import { STEPS_PER_SEED } from './seeds';
import type { World } from './world';

/** The harness's own checks: a seed replays step for step, and a broken invariant is caught. */
describe('the simulation itself', () => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld();
  });
  afterAll(() => world.close());

  it('replays a seed step for step, in a world of its own or a shared one', async () => {
    const shared = await simulate(7, { steps: STEPS_PER_SEED, world, tenant: 9_007 });
    const alone = await simulate(7, { steps: STEPS_PER_SEED });
    expect(alone.trace).toEqual(shared.trace);
    expect(alone.counts).toEqual(shared.counts);
    const other = await simulate(8, { steps: STEPS_PER_SEED, world, tenant: 9_008 });
    expect(other.trace).not.toEqual(shared.trace);
  });

  it('catches a deposit applied twice, and names the seed that shows it', async () => {
    const run = simulate(11, {
      steps: STEPS_PER_SEED,
      world,
      tenant: 9_011,
      tamper: async (w, model) => {
        const [account] = model.accounts.values();
        if (!account) throw new Error('seed 11 opens no account');
        const stream = `account-${account.accountId}`;
        const [last] = await w.store('savings').readStream(stream, {
          direction: 'backwards',
          maxCount: 1,
        });
        await w.store('savings').append(
          stream,
          [
            {
              id: crypto.randomUUID(),
              type: 'Deposited',
              schemaVersion: 1,
              data: {
                amount: '1000',
                on: '2026-03-11',
                via: 'cash',
                reference: null,
                externalId: null,
              },
            },
          ],
          { expectedRevision: last!.revision },
        );
      },
    });
    await expect(run).rejects.toThrow(SimulationFailure);
    await expect(run).rejects.toThrow(/seed 11 failed[\s\S]*the store holds[\s\S]*SIM_SEED=11/);
  });

  it('catches a loan repayment applied twice, and names the seed that shows it', async () => {
    const run = simulate(15, {
      steps: STEPS_PER_SEED,
      world,
      tenant: 9_015,
      tamper: async (w, model) => {
        const loan = [...model.loans.values()].find((l) => l.repayments > 0);
        if (!loan) throw new Error('seed 15 repays no loan');
        const stream = `loan-${loan.loanId}`;
        const events = await w.store('loan').readStream(stream);
        const repaid = events.filter((e) => e.type === 'LoanRepaid').at(-1)!;
        await w.store('loan').append(
          stream,
          [
            {
              id: crypto.randomUUID(),
              type: 'LoanRepaid',
              schemaVersion: repaid.schemaVersion,
              data: repaid.data,
              metadata: repaid.metadata,
            },
          ],
          { expectedRevision: events.at(-1)!.revision },
        );
      },
    });
    await expect(run).rejects.toThrow(SimulationFailure);
    await expect(run).rejects.toThrow(
      /seed 15 failed[^\n]*loan L\d+: [^\n]*repay[\s\S]*SIM_SEED=15/,
    );
  });

  it('catches a deposit the bus never brought to the books', async () => {
    let dropped = 0;
    const run = simulate(12, {
      steps: STEPS_PER_SEED,
      world,
      tenant: 9_012,
      tamper: async (w, model) => {
        const [account] = model.accounts.values();
        if (!account) throw new Error('seed 12 opens no account');
        const token = await w.key('coop', account.coopId);
        const path = `/api/savings/v1/coops/${account.coopId}/accounts/${account.accountId}/deposits`;
        const reply = await w.request('POST', path, token, {
          body: { amount: { amount: '5000', currency: 'IDR' } },
        });
        expect(reply.status).toBe(200);
        account.balance += 5_000n;
        account.deposits++;
        await w.settle();
        dropped = w.bus.dropPending('settlement.books-savings');
      },
    });
    const failure = await run.catch((error: unknown) => error);
    expect(dropped).toBeGreaterThan(0);
    expect(failure).toBeInstanceOf(SimulationFailure);
    expect((failure as SimulationFailure).cause).toBeInstanceOf(InvariantViolation);
    expect((failure as SimulationFailure).message).toMatch(/books hold/);
  });
});
