import fc from 'fast-check';
import { DomainError } from '@kopfed/domain';
import { PureClearing } from '../testing/pure-clearing';
import { exposureOf } from './limits';
import {
  bilateralRows,
  positionRows,
  positionsFromTransfers,
  sumOfNets,
  type TransferLeg,
} from './positions';
import { encodeClearing } from './snapshot';
import { decideClearingConfig } from './limits.decider';

const COOPS = ['c0', 'c1', 'c2', 'c3', 'c4'];
const PARENT = 'p';
const START = Date.parse('2026-11-28T01:00:00.000Z');

type Op =
  | { kind: 'transfer'; from: number; to: number; amount: number; pending: boolean; group: number }
  | { kind: 'post'; pick: number; percent: number }
  | { kind: 'void'; pick: number }
  | { kind: 'close'; pick: number }
  | { kind: 'tick'; minutes: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('transfer' as const),
      from: fc.nat(4),
      to: fc.nat(4),
      amount: fc.integer({ min: 1, max: 30_000 }),
      pending: fc.boolean(),
      group: fc.integer({ min: 1, max: 4 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('post' as const),
      pick: fc.nat(),
      percent: fc.integer({ min: 0, max: 100 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('void' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('tick' as const),
      minutes: fc.integer({ min: 1, max: 90 }),
    }),
  },
);

const idr = (amount: number | bigint) => ({ amount: String(amount), currency: 'IDR' });

function setUp(caps: readonly number[], covers: readonly (number | null)[]): PureClearing {
  const clearing = new PureClearing((coop) => (COOPS.includes(coop) ? PARENT : undefined));
  const now = new Date(START).toISOString();
  clearing.apply(
    'clearingconfig-p',
    decideClearingConfig(
      PARENT,
      { windowMinutes: 60, defaultModel: 'multilateral_net', coverProducts: null },
      now,
    ),
  );
  COOPS.forEach((coopId, i) => {
    const cover = covers[i] ?? null;
    clearing.limits({
      type: 'SetLimits',
      coopId,
      limits: {
        netDebitCap: idr(caps[i] ?? 0),
        alarmAtBasisPoints: 8_000,
        autoLiquidityLoan: cover === null,
      },
      now,
    });
    if (cover !== null) clearing.limits({ type: 'SetCover', coopId, cover: idr(cover), now });
  });
  return clearing;
}

const seen = { posted: 0, closed: 0, refused: new Set<string>() };

/** Runs the operations; refusals must change nothing. Returns the legs posted per batch. */
function run(
  clearing: PureClearing,
  ops: readonly Op[],
  check: () => void,
): Map<string, TransferLeg[]> {
  const legs = new Map<string, TransferLeg[]>();
  let clock = START;
  let n = 0;
  for (const o of ops) {
    const now = new Date(clock).toISOString();
    const before = JSON.stringify(encodeClearing(clearing.state));
    try {
      let events;
      if (o.kind === 'transfer') {
        const request = (k: number) => ({
          transferId: `t${n++}`,
          fromCoopId: COOPS[(o.from + k) % 5]!,
          // `to` is 1–5 places after `from`: 5 places is the coop itself, refused.
          toCoopId: COOPS[(o.from + k + 1 + (o.to % 5)) % 5]!,
          amount: idr(o.amount),
          pending: o.pending,
        });
        // Every pair of coops has signed a cooperation agreement for the whole run.
        const counterparties = (r: { fromCoopId: string; toCoopId: string }) => ({
          parents: { from: PARENT, to: PARENT },
          agreements: [
            {
              agreementId: `pks-${r.fromCoopId}-${r.toCoopId}`,
              coopId: r.fromCoopId,
              partnerCoopId: r.toCoopId,
              validFrom: '2000-01-01',
              validUntil: '2999-12-31',
              terminatedOn: null,
            },
          ],
        });
        const leg = (k: number) => {
          const r = request(k);
          return { request: r, counterparties: counterparties(r) };
        };
        events =
          o.group === 1
            ? clearing.transfer({ type: 'CreateTransfer', ...leg(0), now })
            : clearing.transfer({
                type: 'SubmitGroup',
                groupId: `g${n}`,
                legs: Array.from({ length: o.group }, (_, k) => leg(k)),
                now,
              });
      } else if (o.kind === 'post' || o.kind === 'void') {
        const ids = [...clearing.state.pending.keys()];
        if (ids.length === 0) continue;
        const transferId = ids[o.pick % ids.length]!;
        const reserved = BigInt(clearing.state.pending.get(transferId)!.record.amount.amount);
        events =
          o.kind === 'post'
            ? clearing.transfer({
                type: 'PostPending',
                transferId,
                amount: idr((reserved * BigInt(o.percent)) / 100n),
                now,
              })
            : clearing.transfer({ type: 'VoidPending', transferId, now });
      } else if (o.kind === 'close') {
        const open = [...clearing.state.batches.values()].filter((b) => b.status === 'open');
        if (open.length === 0) continue;
        events = clearing.close(open[o.pick % open.length]!.ref.batchId, now);
      } else {
        clock += o.minutes * 60_000;
        continue;
      }
      for (const event of events) {
        if (event.type === 'BatchClosed') seen.closed++;
        if (event.type === 'TransferPosted') {
          seen.posted++;
          const { transfer, posted, batch } = event.data;
          legs.set(batch.batchId, [
            ...(legs.get(batch.batchId) ?? []),
            {
              fromCoopId: transfer.fromCoopId,
              toCoopId: transfer.toCoopId,
              amountMinor: BigInt(posted.amount),
            },
          ]);
        }
        if (event.type === 'TransferGroupSubmitted') {
          for (const leg of event.data.legs) {
            if (!leg.batch) continue;
            seen.posted++;
            const { transfer } = leg;
            legs.set(leg.batch.batchId, [
              ...(legs.get(leg.batch.batchId) ?? []),
              {
                fromCoopId: transfer.fromCoopId,
                toCoopId: transfer.toCoopId,
                amountMinor: BigInt(transfer.amount.amount),
              },
            ]);
          }
        }
      }
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      seen.refused.add(error.code);
      expect(JSON.stringify(encodeClearing(clearing.state))).toBe(before);
    }
    check();
  }
  return legs;
}

describe('clearing house properties', () => {
  const setup = fc.record({
    caps: fc.array(
      fc.oneof(fc.integer({ min: 0, max: 120_000 }), fc.integer({ min: 60_000, max: 120_000 })),
      { minLength: 5, maxLength: 5 },
    ),
    covers: fc.array(fc.option(fc.integer({ min: 40_000, max: 150_000 })), {
      minLength: 5,
      maxLength: 5,
    }),
    ops: fc.array(op, { minLength: 20, maxLength: 150 }),
  });

  it('never lets a position exceed its cap or its cover, and keeps Σ net = 0 in every batch', () => {
    fc.assert(
      fc.property(setup, ({ caps, covers, ops }) => {
        const clearing = setUp(caps, covers);
        run(clearing, ops, () => {
          COOPS.forEach((coopId, i) => {
            const e = exposureOf(clearing.state, coopId, 'IDR');
            expect(e.positionMinor).toBeLessThanOrEqual(BigInt(caps[i]!));
            const cover = covers[i];
            if (cover !== null && cover !== undefined)
              expect(e.positionMinor).toBeLessThanOrEqual(BigInt(cover));
          });
          for (const batch of clearing.state.batches.values()) {
            if (batch.status === 'open') expect(sumOfNets(batch.positions)).toBe(0n);
            else
              expect(batch.lifecycle.positions.reduce((s, p) => s + BigInt(p.net.amount), 0n)).toBe(
                0n,
              );
          }
        });
      }),
      { numRuns: 100 },
    );
    // The runs did exercise the paths: postings, closes and both kinds of limit refusals.
    expect(seen.posted).toBeGreaterThan(1_000);
    expect(seen.closed).toBeGreaterThan(50);
    expect([...seen.refused]).toEqual(
      expect.arrayContaining([
        'net-debit-cap-exceeded',
        'liquidity-cover-exceeded',
        'transfer-to-self',
      ]),
    );
  });

  it('gives the same positions incrementally as recomputed from the batch’s transfers', () => {
    fc.assert(
      fc.property(setup, ({ caps, covers, ops }) => {
        const clearing = setUp(caps, covers);
        const legs = run(clearing, ops, () => undefined);
        for (const [batchId, batchLegs] of legs) {
          const recomputed = positionsFromTransfers(batchLegs);
          const batch = clearing.state.batches.get(batchId)!;
          if (batch.status === 'open') {
            expect(batch.positions).toEqual(recomputed);
          } else {
            expect(batch.lifecycle.positions).toEqual(positionRows(recomputed, 'IDR'));
            expect(batch.lifecycle.bilateral).toEqual(bilateralRows(recomputed, 'IDR'));
            expect(batch.lifecycle.transferCount).toBe(batchLegs.length);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('comes out identical when the state is rebuilt from its log', () => {
    fc.assert(
      fc.property(setup, ({ caps, covers, ops }) => {
        const clearing = setUp(caps, covers);
        run(clearing, ops, () => undefined);
        const replayed = new PureClearing(clearing.parentOf);
        for (const { stream, event } of clearing.log) replayed.apply(stream, [event]);
        expect(encodeClearing(replayed.state)).toEqual(encodeClearing(clearing.state));
      }),
      { numRuns: 60 },
    );
  });
});
