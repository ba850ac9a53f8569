import { z } from 'zod';
import { CoopId, MemberId } from '@kopfed/contracts';
import { notFound, rejected } from '@kopfed/domain';
import {
  handleCommand,
  jakartaBusinessDate,
  loadAggregate,
  type EventStore,
  type RecordedEvent,
} from '@kopfed/eventstore';
import { defineRoute, type Route } from '@kopfed/service-kit';
import { allocateShu, SHU_POOLS, type MemberBasis, type ShuPool } from './allocation';
import { shuDecider, type ShuEvent, type ShuSimulationData, type ShuState } from './shu.decider';

/**
 * Where the bases come from when a simulation request brings none: by default average
 * savings in simpanan pokok + wajib for jasa modal, interest and fees paid for jasa usaha
 * (BRIEF §5; which balances and transactions count is the source's configuration).
 * `null` when the books here hold nothing to base a split on.
 */
export interface ShuBasesSource {
  basesFor(coopId: string, financialYear: number): Promise<MemberBasis[] | null>;
}

/** A financial year as the coop's books here closed it. */
export interface ClosedYear {
  /** Income less expense of the year (rupiah), which the close put into SHU tahun berjalan. */
  result: bigint;
  /** The year after is closed too: what the RAT did not divide has gone to SHU ditahan. */
  carriedForward: boolean;
}

/** Where the year's surplus comes from when the books are kept here. */
export interface ShuSurplusSource {
  /** `null` when the coop keeps no books here or has not closed the year. */
  closedYear(coopId: string, financialYear: number): Promise<ClosedYear | null>;
  /** True when the coop keeps its books here and has not closed the year yet. */
  yearOpen(coopId: string, financialYear: number): Promise<boolean>;
}

export interface ShuRoutesDeps {
  store: EventStore;
  clock: () => Date;
  bases?: ShuBasesSource;
  surplus?: ShuSurplusSource;
  /** Where the routes are mounted, for Location headers. */
  basePath?: string;
}

const MAX_MEMBERS = 200_000;
const Percent = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,6})?$/)
  .describe('percent of the surplus, e.g. "25" or "12.5"');
const Basis = z
  .string()
  .regex(/^\d{1,20}(\.\d{1,6})?$/)
  .describe('decimal number ≥ 0');
const Rupiah = z
  .string()
  .regex(/^(0|[1-9]\d{0,17})$/)
  .describe('whole rupiah as a decimal string');
const FinancialYear = z.number().int().min(1900).max(9999);
const SimulationId = z.string().regex(/^\d{4}-\d{1,6}$/);
const Params = z.strictObject({ coopId: CoopId, simulationId: SimulationId });

const Allocation = z.strictObject(
  Object.fromEntries(SHU_POOLS.map((p) => [p, Percent])) as Record<ShuPool, typeof Percent>,
);
const SimulateBody = z.strictObject({
  financialYear: FinancialYear,
  surplus: Rupiah.optional().describe(
    'the year’s surplus in whole rupiah; taken from the books when they closed the year (and must then match them), required otherwise',
  ),
  allocation: Allocation,
  bases: z
    .array(
      z.strictObject({
        memberId: MemberId,
        memberNumber: z
          .string()
          .regex(/^[A-Za-z0-9._/-]{1,32}$/)
          .optional(),
        capitalBasis: Basis,
        businessBasis: Basis,
      }),
    )
    .max(MAX_MEMBERS)
    .optional(),
});

const Pools = z.object(
  Object.fromEntries(SHU_POOLS.map((p) => [p, Rupiah])) as Record<ShuPool, typeof Rupiah>,
);
const SimulationView = z.object({
  simulationId: z.string(),
  coopId: z.string(),
  financialYear: z.number().int(),
  currency: z.string(),
  surplus: Rupiah,
  surplusFrom: z.enum(['request', 'books']),
  allocation: z.record(z.string(), z.string()),
  basesFrom: z.enum(['request', 'books']),
  pools: Pools,
  members: z.array(
    z.object({
      memberId: z.string(),
      capitalShare: Rupiah,
      businessShare: Rupiah,
      total: Rupiah,
    }),
  ),
  simulatedAt: z.string(),
  status: z.enum(['simulated', 'approved', 'distributed']),
  approval: z.object({ ratReference: z.string(), ratHeldOn: z.string() }).nullable(),
  distributedOn: z.string().nullable(),
});

const WRITERS = {
  roles: ['coop', 'treasurer', 'admin'] as const,
  coopScope: { pathParam: 'coopId' },
};
const READERS = {
  roles: ['coop', 'treasurer', 'auditor', 'admin'] as const,
  coopScope: { pathParam: 'coopId' },
};
const TAGS = ['shu'];

const streamOf = (coopId: string, year: number | string) => `shu-${coopId}-${year}`;
const yearOf = (simulationId: string) => simulationId.slice(0, 4);
const asEvent = (e: RecordedEvent) => ({ type: e.type, data: e.data }) as ShuEvent;

function view(state: ShuState, simulation: ShuSimulationData): z.infer<typeof SimulationView> {
  const approved = state.approved?.simulationId === simulation.simulationId;
  const distributed = state.distributed?.simulationId === simulation.simulationId;
  return {
    ...simulation,
    // Simulations recorded before the surplus was checked against the books took the request's.
    surplusFrom: simulation.surplusFrom ?? 'request',
    status: distributed ? 'distributed' : approved ? 'approved' : 'simulated',
    approval: approved
      ? { ratReference: state.approved!.ratReference, ratHeldOn: state.approved!.ratHeldOn }
      : null,
    distributedOn: distributed ? state.distributed!.businessDate : null,
  };
}

/**
 * SHU under the settlement service's `/api/settlement/v1`: simulate, approve at the RAT,
 * distribute once (BRIEF §5, issue 9).
 */
export function shuRoutes(deps: ShuRoutesDeps): Route[] {
  const base = deps.basePath ?? '/api/settlement/v1';
  const load = async (coopId: string, simulationId: string) => {
    const { state, revision } = await loadAggregate(
      deps.store,
      streamOf(coopId, yearOf(simulationId)),
      shuDecider,
      asEvent,
    );
    const simulation = state.simulations.get(simulationId);
    if (!simulation || simulation.coopId !== coopId)
      throw notFound('shu-simulation-not-found', `No SHU simulation ${simulationId} here.`);
    return { state, simulation, revision: revision! };
  };
  const basesOf = async (coopId: string, body: z.infer<typeof SimulateBody>) => {
    if (body.bases) return { bases: body.bases, from: 'request' as const };
    const fromBooks = deps.bases ? await deps.bases.basesFor(coopId, body.financialYear) : null;
    if (fromBooks === null)
      throw rejected(
        'shu-bases-required',
        'The books here hold no member bases for this year: send `bases`.',
        '/bases',
      );
    return { bases: fromBooks, from: 'books' as const };
  };
  const closedYear = (coopId: string, financialYear: number) =>
    deps.surplus ? deps.surplus.closedYear(coopId, financialYear) : Promise.resolve(null);
  /** What the books' close of the year leaves to divide, or why nothing may be divided. */
  const divisible = (year: number, booked: ClosedYear): bigint => {
    if (booked.carriedForward)
      throw rejected(
        'shu-year-carried-forward',
        `The books have closed ${year + 1} too: what was left of the SHU of ${year} is in SHU ditahan now, and is not divided.`,
      );
    if (booked.result <= 0n)
      throw rejected(
        'shu-no-surplus',
        booked.result === 0n
          ? `The books closed ${year} with neither surplus nor deficit: there is no SHU to divide.`
          : `The books closed ${year} with a deficit of ${-booked.result} rupiah: there is no SHU to divide.`,
      );
    return booked.result;
  };
  /**
   * The surplus a simulation divides. When the books here closed the year, theirs: the SHU
   * the distribution later takes out of SHU tahun berjalan. Otherwise (the coop keeps its
   * books elsewhere, or the year is still open) the request must say it.
   */
  const surplusOf = async (coopId: string, body: z.infer<typeof SimulateBody>) => {
    const booked = await closedYear(coopId, body.financialYear);
    if (booked === null) {
      if (body.surplus === undefined)
        throw rejected(
          'shu-surplus-required',
          `The books here have not closed ${body.financialYear}: send \`surplus\`.`,
          '/surplus',
        );
      return { surplus: body.surplus, from: 'request' as const };
    }
    const surplus = divisible(body.financialYear, booked);
    if (body.surplus !== undefined && BigInt(body.surplus) !== surplus)
      throw rejected(
        'shu-surplus-differs-from-books',
        `The books closed ${body.financialYear} with a surplus of ${surplus} rupiah, not ${body.surplus}; send that figure or leave \`surplus\` out.`,
        '/surplus',
      );
    return { surplus: surplus.toString(), from: 'books' as const };
  };
  /**
   * A simulation made before the books closed its year (or before they were corrected) is
   * approved and distributed only while it still divides what the books hold.
   */
  const assertMatchesBooks = async (coopId: string, simulation: ShuSimulationData) => {
    const booked = await closedYear(coopId, simulation.financialYear);
    if (booked === null) return;
    const surplus = divisible(simulation.financialYear, booked);
    if (BigInt(simulation.surplus) !== surplus)
      throw rejected(
        'shu-surplus-differs-from-books',
        `Simulation ${simulation.simulationId} divides ${simulation.surplus} rupiah, but the books closed ${simulation.financialYear} with a surplus of ${surplus}: simulate again.`,
      );
  };

  return [
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/shu-simulations',
      operationId: 'simulateShu',
      summary:
        'Simulate the SHU split: every pool and every member’s capital share, business share and total',
      tags: TAGS,
      request: { params: z.strictObject({ coopId: CoopId }), body: SimulateBody },
      responses: { 201: SimulationView },
      policy: WRITERS,
      handler: async ({ params, body }, ctx) => {
        const surplus = await surplusOf(params.coopId, body);
        const { bases, from } = await basesOf(params.coopId, body);
        const split = allocateShu({
          surplusMinor: BigInt(surplus.surplus),
          allocation: body.allocation,
          bases,
        });
        const result = await handleCommand(deps.store, {
          stream: streamOf(params.coopId, body.financialYear),
          decider: shuDecider,
          command: {
            type: 'SimulateShu',
            simulation: {
              coopId: params.coopId,
              financialYear: body.financialYear,
              currency: 'IDR',
              surplus: surplus.surplus,
              surplusFrom: surplus.from,
              allocation: { ...body.allocation },
              basesFrom: from,
              pools: Object.fromEntries(
                SHU_POOLS.map((p) => [p, split.pools[p].toString()]),
              ) as Record<ShuPool, string>,
              members: split.members.map((m) => ({
                memberId: m.memberId,
                capitalShare: m.capitalShareMinor.toString(),
                businessShare: m.businessShareMinor.toString(),
                total: m.totalMinor.toString(),
              })),
              simulatedAt: deps.clock().toISOString(),
            },
          },
          metadata: ctx.metadata,
          upcast: asEvent,
        });
        const simulated = result.events[0]!.data as ShuSimulationData;
        return {
          status: 201,
          body: view(result.state, simulated),
          etag: result.revision!,
          location: `${base}/coops/${params.coopId}/shu-simulations/${simulated.simulationId}`,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/shu-simulations/{simulationId}',
      operationId: 'getShuSimulation',
      summary: 'An SHU simulation, and whether the RAT approved it and it was distributed',
      tags: TAGS,
      request: { params: Params },
      responses: { 200: SimulationView },
      policy: READERS,
      handler: async ({ params }) => {
        const { state, simulation, revision } = await load(params.coopId, params.simulationId);
        return { status: 200, body: view(state, simulation), etag: revision };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/shu-simulations/{simulationId}/approval',
      operationId: 'approveShu',
      summary: 'Record the RAT decision approving this simulation as the year’s SHU',
      tags: TAGS,
      request: {
        params: Params,
        body: z.strictObject({
          ratReference: z
            .string()
            .regex(/^[A-Za-z0-9 ._/:-]{1,64}$/)
            .describe('the RAT decision, e.g. its minutes number'),
          ratHeldOn: z.iso.date(),
        }),
      },
      responses: { 200: SimulationView },
      policy: WRITERS,
      ifMatch: true,
      handler: async ({ params, body }, ctx) => {
        const loaded = await load(params.coopId, params.simulationId);
        await assertMatchesBooks(params.coopId, loaded.simulation);
        const now = deps.clock();
        const result = await handleCommand(deps.store, {
          stream: streamOf(params.coopId, yearOf(params.simulationId)),
          decider: shuDecider,
          command: {
            type: 'ApproveShu',
            simulationId: params.simulationId,
            ratReference: body.ratReference,
            ratHeldOn: body.ratHeldOn,
            approvedAt: now.toISOString(),
            today: jakartaBusinessDate(now),
          },
          metadata: ctx.metadata,
          upcast: asEvent,
          ...(ctx.expectedRevision === undefined ? {} : { expectedRevision: ctx.expectedRevision }),
        });
        const simulation = result.state.simulations.get(params.simulationId)!;
        return { status: 200, body: view(result.state, simulation), etag: result.revision! };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/shu-simulations/{simulationId}/distribution',
      operationId: 'distributeShu',
      summary:
        'Distribute the approved SHU into the members’ savings accounts; a year is distributed once',
      tags: TAGS,
      request: {
        params: Params,
        body: z.strictObject({ businessDate: z.iso.date() }),
      },
      responses: { 200: SimulationView },
      policy: WRITERS,
      ifMatch: true,
      handler: async ({ params, body }, ctx) => {
        const loaded = await load(params.coopId, params.simulationId);
        const { financialYear } = loaded.simulation;
        // Until the close, SHU tahun berjalan does not hold the year's result to divide.
        if (await deps.surplus?.yearOpen(params.coopId, financialYear))
          throw rejected(
            'shu-year-open',
            `The books here have not closed ${financialYear}: close the year (periods/close), then distribute its SHU.`,
          );
        await assertMatchesBooks(params.coopId, loaded.simulation);
        const now = deps.clock();
        const result = await handleCommand(deps.store, {
          stream: streamOf(params.coopId, yearOf(params.simulationId)),
          decider: shuDecider,
          command: {
            type: 'DistributeShu',
            simulationId: params.simulationId,
            businessDate: body.businessDate,
            distributedAt: now.toISOString(),
            today: jakartaBusinessDate(now),
          },
          metadata: ctx.metadata,
          upcast: asEvent,
          ...(ctx.expectedRevision === undefined ? {} : { expectedRevision: ctx.expectedRevision }),
        });
        const simulation = result.state.simulations.get(params.simulationId)!;
        return { status: 200, body: view(result.state, simulation), etag: result.revision! };
      },
    }),
  ];
}
