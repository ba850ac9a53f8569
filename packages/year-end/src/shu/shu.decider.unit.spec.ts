import { DomainError } from '@kopfed/domain';
import { shuDecider, type ShuCommand, type ShuEvent, type ShuSimulationData } from './shu.decider';

const simulation = (simulationId: string): ShuSimulationData => ({
  simulationId,
  coopId: 'kop-a',
  financialYear: 2026,
  currency: 'IDR',
  surplus: '1000',
  allocation: {
    reserve: '50',
    memberCapital: '25',
    memberBusiness: '25',
    board: '0',
    staff: '0',
    education: '0',
    social: '0',
  },
  basesFrom: 'request',
  pools: {
    reserve: '500',
    memberCapital: '250',
    memberBusiness: '250',
    board: '0',
    staff: '0',
    education: '0',
    social: '0',
  },
  members: [
    { memberId: 'm-1', capitalShare: '250', businessShare: '0', total: '250' },
    { memberId: 'm-2', capitalShare: '0', businessShare: '250', total: '250' },
    { memberId: 'm-3', capitalShare: '0', businessShare: '0', total: '0' },
  ],
  simulatedAt: '2027-02-01T02:00:00.000Z',
});

function given(events: ShuEvent[]) {
  const state = events.reduce(shuDecider.evolve, shuDecider.initialState());
  return {
    when: (command: ShuCommand) => shuDecider.decide(command, state),
    refuses: (command: ShuCommand) => {
      try {
        shuDecider.decide(command, state);
      } catch (error) {
        if (error instanceof DomainError) return error;
        throw error;
      }
      throw new Error('expected a refusal');
    },
  };
}

const simulated = (id: string): ShuEvent => ({ type: 'ShuSimulated', data: simulation(id) });
const TODAY = '2027-03-02';
const approve = (simulationId: string, ratHeldOn = '2027-03-01'): ShuCommand => ({
  type: 'ApproveShu',
  simulationId,
  ratReference: 'RAT-2027/01',
  ratHeldOn,
  approvedAt: '2027-03-02T01:00:00.000Z',
  today: TODAY,
});
const distribute = (simulationId: string, businessDate = TODAY): ShuCommand => ({
  type: 'DistributeShu',
  simulationId,
  businessDate,
  distributedAt: '2027-03-02T01:00:00.000Z',
  today: TODAY,
});

describe('SHU decider', () => {
  it('distributes the approved simulation, crediting every member with a share', () => {
    const [approved] = given([simulated('2026-1'), simulated('2026-2')]).when(approve('2026-2'));
    const events = given([simulated('2026-1'), simulated('2026-2'), approved!]).when(
      distribute('2026-2'),
    );
    expect(events).toEqual([
      {
        type: 'ShuDistributed',
        data: expect.objectContaining({
          simulationId: '2026-2',
          financialYear: 2026,
          credits: [
            { memberId: 'm-1', amount: '250' },
            { memberId: 'm-2', amount: '250' },
          ],
          // The books divide the SHU by the approved pools (reserve to cadangan, …).
          pools: simulation('2026-2').pools,
        }),
      },
    ]);
  });

  it('refuses a second distribution of the same year', () => {
    const history = [simulated('2026-1')];
    history.push(...given(history).when(approve('2026-1')));
    history.push(...given(history).when(distribute('2026-1')));
    expect(given(history).refuses(distribute('2026-1'))).toMatchObject({
      code: 'shu-already-distributed',
      kind: 'conflict',
    });
  });

  it('distributes nothing before the RAT approves, nor a simulation it did not approve', () => {
    expect(given([simulated('2026-1')]).refuses(distribute('2026-1'))).toMatchObject({
      code: 'shu-not-approved',
    });
    const approved = given([simulated('2026-1'), simulated('2026-2')]).when(approve('2026-1'));
    expect(
      given([simulated('2026-1'), simulated('2026-2'), ...approved]).refuses(distribute('2026-2')),
    ).toMatchObject({ code: 'shu-not-approved' });
  });

  it('approves only at a RAT held after the financial year, and distributes on or after it', () => {
    expect(given([simulated('2026-1')]).refuses(approve('2026-1', '2026-12-31'))).toMatchObject({
      code: 'shu-rat-before-year-end',
      kind: 'rejected',
      pointer: '/ratHeldOn',
    });
    const history = [simulated('2026-1'), ...given([simulated('2026-1')]).when(approve('2026-1'))];
    for (const businessDate of ['2026-06-30', '2027-02-28'])
      expect(given(history).refuses(distribute('2026-1', businessDate))).toMatchObject({
        code: 'shu-distribution-before-rat',
        kind: 'rejected',
        pointer: '/businessDate',
      });
    expect(given(history).when(distribute('2026-1', '2027-03-01'))).toHaveLength(1);
  });

  it('approves no RAT held after today, and distributes on no date after today', () => {
    // A RAT dated 2072 (meant 2027) would hold the distribution back until 2072, for good.
    for (const ratHeldOn of ['2072-01-15', '2027-03-03'])
      expect(given([simulated('2026-1')]).refuses(approve('2026-1', ratHeldOn))).toMatchObject({
        code: 'shu-rat-held-ahead',
        kind: 'rejected',
        pointer: '/ratHeldOn',
      });
    const approved = given([simulated('2026-1')]).when(approve('2026-1', TODAY));
    expect(approved).toHaveLength(1);
    const history = [simulated('2026-1'), ...approved];
    for (const businessDate of ['2072-01-20', '2027-03-03'])
      expect(given(history).refuses(distribute('2026-1', businessDate))).toMatchObject({
        code: 'shu-distribution-dated-ahead',
        kind: 'rejected',
        pointer: '/businessDate',
      });
    expect(given(history).when(distribute('2026-1', TODAY))).toHaveLength(1);
  });

  it('approves once, and takes no new simulation after approval', () => {
    const history = [simulated('2026-1'), ...given([simulated('2026-1')]).when(approve('2026-1'))];
    expect(given(history).refuses(approve('2026-1'))).toMatchObject({
      code: 'shu-already-approved',
    });
    const { simulationId: _, ...next } = simulation('2026-2');
    expect(given(history).refuses({ type: 'SimulateShu', simulation: next })).toMatchObject({
      code: 'shu-already-approved',
    });
    expect(given([simulated('2026-1')]).when({ type: 'SimulateShu', simulation: next })).toEqual([
      { type: 'ShuSimulated', data: simulation('2026-2') },
    ]);
    expect(given([]).refuses(approve('2026-9'))).toMatchObject({ kind: 'not_found' });
  });
});
