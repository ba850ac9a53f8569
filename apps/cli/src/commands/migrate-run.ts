import { join } from 'node:path';
import { ReadOnlySqliteStore } from '@kopfed/audit';
import { EventStoreUnavailableError, openEventStore, type EventStore } from '@kopfed/eventstore';
import { copyStore, MigrationError, type CopyResult } from './migrate-copy';
import type { MigrationPlan } from './migrate-plan';
import { progressLine } from './migrate-progress';
import {
  compareLogs,
  verifySealChain,
  type CopyComparison,
  type SealChainReport,
} from './migrate-verify';

export interface RunOptions {
  maxAppendEvents: number;
  verifyOnly: boolean;
  /** Progress lines go here; none when undefined. */
  progress?: NodeJS.WriteStream;
}

export interface StoreOutcome {
  store: string;
  copy?: CopyResult;
  comparison: CopyComparison;
  sourceChain: SealChainReport;
  targetChain: SealChainReport;
  verified: boolean;
}

/** Copies (unless verifyOnly) and verifies each store of the plan, one after the other. */
export async function runMigration(
  plan: MigrationPlan,
  options: RunOptions,
): Promise<StoreOutcome[]> {
  const outcomes: StoreOutcome[] = [];
  for (const store of plan.stores) {
    // Read-only: the source (a stopped node's files, or a copy) is left as it was, byte for byte.
    const source = new ReadOnlySqliteStore(join(plan.sourceDir, `${store}.db`));
    let target: EventStore | undefined;
    try {
      target = openEventStore(plan.targetUrl, { service: store });
      outcomes.push(await migrateOne(store, source, target, options));
    } catch (error) {
      throw unreachableTarget(plan.targetUrl, error) ?? error;
    } finally {
      await Promise.all([source.close(), target?.close()]);
    }
  }
  return outcomes;
}

/**
 * KurrentDB's client says only "UnavailableError" when nothing answers (the store passes it on
 * as the cause of its EventStoreUnavailableError): name the target.
 */
function unreachableTarget(targetUrl: string, error: unknown): MigrationError | undefined {
  if (!(error instanceof EventStoreUnavailableError)) return;
  const { cause } = error;
  if (!(cause instanceof Error) || (cause as { type?: unknown }).type !== 'unavailable') return;
  return new MigrationError(
    `--to ${targetUrl}: no KurrentDB answers there (${cause.message}); is it running, and is tls= right?`,
    { cause: error },
  );
}

async function migrateOne(
  store: string,
  source: EventStore,
  target: EventStore,
  options: RunOptions,
): Promise<StoreOutcome> {
  let copy: CopyResult | undefined;
  if (!options.verifyOnly) {
    const line = options.progress ? progressLine(store, options.progress) : undefined;
    copy = await copyStore(source, target, {
      maxAppendEvents: options.maxAppendEvents,
      ...(line ? { onProgress: (p) => line.update(p) } : {}),
    });
    const head = await source.headPosition();
    line?.done({ position: head, head, copiedEvents: copy.copiedEvents });
  }
  const comparison = await compareLogs(source, target);
  const [sourceChain, targetChain] = [await verifySealChain(source), await verifySealChain(target)];
  const verified =
    comparison.mismatch === undefined &&
    sourceChain.broken === undefined &&
    targetChain.broken === undefined &&
    targetChain.events === comparison.targetEvents;
  return { store, ...(copy ? { copy } : {}), comparison, sourceChain, targetChain, verified };
}

/** One line per store for stdout. */
export function describeOutcome(outcome: StoreOutcome): string {
  const { store, copy, comparison, sourceChain, targetChain } = outcome;
  const n = (value: number) => value.toLocaleString('en');
  const parts = [
    copy
      ? `${n(copy.copiedEvents)} events copied in ${n(copy.appends)} appends` +
        (copy.resumedAfter > 0 ? ` (resumed after source position ${n(copy.resumedAfter)})` : '')
      : 'not copied (--verify-only)',
    `${n(comparison.targetEvents)}/${n(comparison.sourceEvents)} events in the target, in order` +
      (comparison.mismatch ? ` — MISMATCH: ${comparison.mismatch}` : ''),
    `target seal chain: ${n(targetChain.batches)} batches recomputed` +
      (targetChain.broken
        ? ` — BROKEN: ${targetChain.broken}`
        : ` (last seal ${targetChain.lastSeal.slice(0, 12)}…)`),
  ];
  if (sourceChain.broken) parts.push(`source seal chain BROKEN: ${sourceChain.broken}`);
  else if (sourceChain.lastSeal === targetChain.lastSeal && targetChain.batches > 0) {
    parts.push('identical to the source’s chain');
  }
  return `${store}: ${outcome.verified ? 'verified' : 'NOT VERIFIED'} — ${parts.join('; ')}`;
}
