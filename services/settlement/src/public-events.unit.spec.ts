import { catalog } from '@kopfed/contracts';
import type { RecordedEvent } from '@kopfed/eventstore';
import { settlementPublication } from './public-events';

const recorded = (type: string, data: unknown): RecordedEvent => ({
  id: '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1caa',
  stream: 'shu-ksp-a-2026',
  revision: 2,
  position: 41,
  type,
  schemaVersion: 1,
  data,
  metadata: { correlationId: 'c-1' },
  recordedAt: '2027-03-15T03:00:00.000Z',
  businessDate: '2027-03-15',
});

describe('the settlement service’s public events', () => {
  it('publishes a year’s SHU distribution with each member’s credit in rupiah, valid against its contract', () => {
    const message = settlementPublication.encode(
      recorded('ShuDistributed', {
        simulationId: '2026-2',
        coopId: 'ksp-a',
        financialYear: 2026,
        currency: 'IDR',
        credits: [
          { memberId: 'm-1', amount: '700001' },
          { memberId: 'm-2', amount: '299999' },
        ],
        businessDate: '2027-03-15',
        distributedAt: '2027-03-15T03:00:00.000Z',
      }),
      undefined,
    );
    expect(message?.key).toBe('ksp-a/2026');
    const event = catalog.fromEnvelope(JSON.parse(message!.value));
    expect(event.name).toBe('ShuDistributed');
    expect(event.data).toEqual({
      coopId: 'ksp-a',
      financialYear: 2026,
      simulationId: '2026-2',
      currency: 'IDR',
      credits: [
        { memberId: 'm-1', amount: { amount: '700001', currency: 'IDR' } },
        { memberId: 'm-2', amount: { amount: '299999', currency: 'IDR' } },
      ],
      businessDate: '2027-03-15',
      distributedAt: '2027-03-15T03:00:00.000Z',
    });
  });

  it('keeps simulations and approvals private', () => {
    expect(settlementPublication.encode(recorded('ShuSimulated', {}), undefined)).toBeUndefined();
    expect(settlementPublication.encode(recorded('ShuApproved', {}), undefined)).toBeUndefined();
  });
});
