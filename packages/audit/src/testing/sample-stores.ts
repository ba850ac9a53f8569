import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type NewEvent } from '@kopfed/eventstore';
import { AUDIT_STORE } from '../checkpoints/checkpoint';
import { SqliteMerkleNodeCache } from '../checkpoints/node-cache';
import { SealingLoop } from '../checkpoints/sealing-loop';
import { signingKeyFromSeed } from '../keys/ed25519';
import { AuditStore } from '../signers/audit-store';

export interface SampleStores {
  dataDir: string;
  /** A seed for the node key the checkpoints were signed with. */
  seed: Buffer;
}

export const SAMPLE_SEED = Buffer.alloc(32, 7);

let counter = 0;
function deposit(n: number): NewEvent {
  counter += 1;
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    type: 'SavingsDeposited',
    schemaVersion: 1,
    data: { amount: { amount: String(10_000 + n * 17), currency: 'IDR' }, memo: `setoran ${n}` },
    metadata: { coopId: 'ksp-sejahtera' },
    recordedAt: '2026-08-01T03:00:00.000Z',
    businessDate: '2026-08-01',
  };
}

/**
 * A data directory with a `ledger` store (appends of 1 to 3 events to five account streams),
 * checkpointed twice with more appends between, and its audit store. `layout` says which
 * append sits where, for tests that tamper with a known event.
 */
export async function buildSampleStores(
  appendsBefore = 40,
  appendsAfter = 10,
): Promise<SampleStores> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-audit-'));
  const ledger = new SqliteEventStore({ file: join(dataDir, 'ledger.db') });
  const audit = new SqliteEventStore({ file: join(dataDir, `${AUDIT_STORE}.db`) });
  const loop = new SealingLoop({
    stores: new Map([
      ['ledger', ledger],
      [AUDIT_STORE, audit],
    ]),
    audit: new AuditStore(audit),
    key: signingKeyFromSeed(SAMPLE_SEED),
    nodeCache: new SqliteMerkleNodeCache(audit.database),
    clock: () => new Date('2026-08-01T04:00:00.000Z'),
  });
  const appendSome = async (from: number, count: number) => {
    for (let k = from; k < from + count; k++) {
      const events = Array.from({ length: 1 + (k % 3) }, (_, i) => deposit(k * 10 + i));
      await ledger.append(`account-${k % 5}`, events, { expectedRevision: 'any' });
    }
  };
  await appendSome(0, appendsBefore);
  await loop.sealAll();
  await appendSome(appendsBefore, appendsAfter);
  await loop.sealAll();
  await loop.stop();
  await ledger.close();
  await audit.close();
  return { dataDir, seed: SAMPLE_SEED };
}
