import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deterministicUuid, SqliteEventStore, type NewEvent } from '@kopfed/eventstore';
import {
  accountCode,
  coopId,
  credit,
  debit,
  DEFAULT_CHART,
  encodeLedgerEvent,
  entryId,
  type JournalEntry,
  type LedgerEvent,
} from '@kopfed/ledger';
import { money } from '@kopfed/money';
import { AUDIT_STORE } from '../checkpoints/checkpoint';
import { SqliteMerkleNodeCache } from '../checkpoints/node-cache';
import { SealingLoop } from '../checkpoints/sealing-loop';
import { signingKeyFromSeed } from '../keys/ed25519';
import { AuditStore } from '../signers/audit-store';
import { SAMPLE_SEED } from './sample-stores';

export const KAS = accountCode('1-110');
export const SUKARELA = accountCode('2-110');
export const POKOK = accountCode('3-100');
export const BUNGA_PINJAMAN = accountCode('4-110');
export const BEBAN_UMUM = accountCode('5-210');

/** A ledger event as the settlement service stores it, recorded when it says. */
export function ledgerEvent(event: LedgerEvent, recordedAt: string, key: string): NewEvent {
  const stored = encodeLedgerEvent(event);
  return {
    id: deterministicUuid('sample-books', key),
    type: stored.type,
    schemaVersion: 1,
    data: stored.data,
    recordedAt,
    businessDate: recordedAt.slice(0, 10),
  };
}

export function chartConfigured(coop: string, at: string): LedgerEvent {
  return {
    type: 'ChartConfigured',
    data: {
      coopId: coopId(coop),
      accounts: [...DEFAULT_CHART.accounts.values()],
      roles: DEFAULT_CHART.roles,
      configuredAt: at,
    },
  };
}

export function sampleEntry(
  coop: string,
  id: string,
  businessDate: string,
  from: string,
  to: string,
  amount: bigint,
  recordedAt = `${businessDate}T03:00:00.000Z`,
): JournalEntry {
  return {
    entryId: entryId(id),
    coopId: coopId(coop),
    businessDate,
    recordedAt,
    description: `entry ${id}`,
    lines: [debit(accountCode(from), money(amount)), credit(accountCode(to), money(amount))],
    source: { eventId: `src-${id}`, type: 'Sample' },
  };
}

/**
 * Coop KSP-A's history, with the books it must give (checked by hand in replay.int.spec.ts):
 * a pokok paid in 2025, loan interest earned and a general expense in 2026, a sukarela
 * deposit in July, and interest dated 1 April but only recorded on 1 August.
 */
export const KSP_A_ENTRIES: readonly JournalEntry[] = [
  sampleEntry('KSP-A', 'a1', '2025-12-20', '1-110', '3-100', 1_000_000n),
  sampleEntry('KSP-A', 'a2', '2026-02-01', '1-110', '4-110', 500_000n),
  sampleEntry('KSP-A', 'a3', '2026-03-01', '5-210', '1-110', 200_000n),
  sampleEntry('KSP-A', 'a4', '2026-07-15', '1-110', '2-110', 300_000n),
  sampleEntry('KSP-A', 'a5', '2026-04-01', '1-110', '4-110', 50_000n, '2026-08-01T03:00:00.000Z'),
];

/** A data directory whose settlement store holds two coops' ledgers, sealed by a checkpoint. */
export async function buildSampleBooks(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-books-'));
  const settlement = new SqliteEventStore({ file: join(dataDir, 'settlement.db') });
  const audit = new SqliteEventStore({ file: join(dataDir, `${AUDIT_STORE}.db`) });
  const configured = '2025-01-01T00:00:00.000Z';
  for (const coop of ['KSP-A', 'KSP-B'])
    await settlement.append(
      `ledger-${coop}`,
      [ledgerEvent(chartConfigured(coop, configured), configured, `chart-${coop}`)],
      { expectedRevision: 'no_stream' },
    );
  for (const entry of KSP_A_ENTRIES)
    await settlement.append(
      'ledger-KSP-A',
      [ledgerEvent({ type: 'EntryPosted', data: { entry } }, entry.recordedAt, entry.entryId)],
      { expectedRevision: 'any' },
    );
  const b1 = sampleEntry('KSP-B', 'b1', '2026-05-05', '1-110', '3-100', 7_000n);
  await settlement.append(
    'ledger-KSP-B',
    [ledgerEvent({ type: 'EntryPosted', data: { entry: b1 } }, b1.recordedAt, 'b1')],
    { expectedRevision: 'any' },
  );
  const loop = new SealingLoop({
    stores: new Map([
      ['settlement', settlement],
      [AUDIT_STORE, audit],
    ]),
    audit: new AuditStore(audit),
    key: signingKeyFromSeed(SAMPLE_SEED),
    nodeCache: new SqliteMerkleNodeCache(audit.database),
    clock: () => new Date('2026-08-02T04:00:00.000Z'),
  });
  await loop.sealAll();
  await loop.stop();
  await settlement.close();
  await audit.close();
  return dataDir;
}
