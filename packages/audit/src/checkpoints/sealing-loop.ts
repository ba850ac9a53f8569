import { randomUUID } from 'node:crypto';
import { WrongExpectedRevisionError, type EventStore } from '@kopfed/eventstore';
import type { SigningKey } from '../keys/ed25519';
import { isRevokedAt } from '../signers/audit-records';
import type { AuditStore } from '../signers/audit-store';
import { AUDIT_STORE, type SignedCheckpoint } from './checkpoint';
import type { MerkleNodeCache } from './node-cache';
import { CheckpointSealer } from './sealer';

export interface SealingLogger {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface SealingOptions {
  /** Every store to checkpoint, by name; the audit store among them or not. */
  stores: ReadonlyMap<string, EventStore>;
  audit: AuditStore;
  key: SigningKey;
  nodeCache?: MerkleNodeCache;
  /** A checkpoint at least this often while events arrive (default 60 s). */
  intervalMs?: number;
  /** …and whenever this many events wait (default 10,000). */
  everyEvents?: number;
  /** How often the loop looks (default 1 s). */
  tickMs?: number;
  logger?: SealingLogger;
  clock?: () => Date;
}

const LEASE = 'audit-sealer';

/**
 * Keeps every store checkpointed: each tick, a store whose uncovered events reach
 * `everyEvents`, or that has any and was last sealed `intervalMs` ago, is sealed — under a
 * lease, so that two processes on the same files (the node and `kopfed audit seal`) never
 * race for the same checkpoint. The audit store goes last: sealing the others witnesses into it.
 */
export class SealingLoop {
  private readonly sealers: [string, CheckpointSealer][];
  private readonly lastSealedAt = new Map<string, number>();
  private readonly owner = `sealer-${randomUUID()}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: SealingOptions) {
    const names = [...options.stores.keys()].sort(
      (a, b) => Number(a === AUDIT_STORE) - Number(b === AUDIT_STORE) || a.localeCompare(b),
    );
    this.sealers = names.map((name) => [
      name,
      new CheckpointSealer({
        name,
        store: options.stores.get(name)!,
        key: options.key,
        ...(name === AUDIT_STORE ? {} : { witness: options.audit }),
        ...(options.nodeCache ? { nodeCache: options.nodeCache } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
      }),
    ]);
  }

  /** Registers the node's key as a node signer (once) and starts ticking. */
  async start(): Promise<void> {
    await this.registerNodeKey();
    this.schedule();
  }

  /** Seals every store now, whatever the schedule says. */
  async sealAll(): Promise<Map<string, SignedCheckpoint[]>> {
    await this.registerNodeKey();
    const sealed = new Map<string, SignedCheckpoint[]>();
    for (const [name, sealer] of this.sealers)
      sealed.set(name, await this.sealUnderLease(name, sealer));
    return sealed;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    for (const [name] of this.sealers)
      await this.options.stores.get(name)!.leases.release(LEASE, this.owner);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => this.schedule());
    }, this.options.tickMs ?? 1_000);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    for (const [name, sealer] of this.sealers) {
      if (this.stopped) return;
      try {
        const pending = await sealer.pendingEvents();
        const last = this.lastSealedAt.get(name) ?? Number.NEGATIVE_INFINITY;
        const due =
          pending >= (this.options.everyEvents ?? 10_000) ||
          (pending > 0 && now - last >= (this.options.intervalMs ?? 60_000));
        if (due) await this.sealUnderLease(name, sealer);
      } catch (error) {
        this.options.logger?.error({ err: error, store: name }, 'audit checkpoint failed');
      }
    }
  }

  private async sealUnderLease(
    name: string,
    sealer: CheckpointSealer,
  ): Promise<SignedCheckpoint[]> {
    await this.assertKeyNotRevoked(name);
    const store = this.options.stores.get(name)!;
    if (!(await store.leases.acquire(LEASE, this.owner, 60_000))) return [];
    try {
      const sealed = await sealer.seal();
      this.lastSealedAt.set(name, Date.now());
      const last = sealed[sealed.length - 1]?.statement;
      if (last)
        this.options.logger?.info(
          { store: name, sequence: last.sequence, lastPosition: last.lastPosition },
          'audit checkpoint signed',
        );
      return sealed;
    } catch (error) {
      // Another writer took the next checkpoint revision: reload and try again next tick.
      if (error instanceof WrongExpectedRevisionError) sealer.reset();
      throw error;
    }
  }

  /** A checkpoint signed with a revoked key fails verify: better none, and a loud error. */
  private async assertKeyNotRevoked(name: string): Promise<void> {
    const { key, audit, clock } = this.options;
    const signer = await audit.signer(key.keyId);
    if (!isRevokedAt(signer, (clock?.() ?? new Date()).toISOString())) return;
    // Tried again after the interval, not every tick: the error is the same until a new key.
    this.lastSealedAt.set(name, Date.now());
    throw new SigningKeyRevokedError(
      `the node's signing key ${key.keyId} was revoked from ${signer!.revokedAt} (${signer!.revocationReason}): no checkpoint is signed until the node has a new key (KOPFED_AUDIT_SIGNING_KEY)`,
    );
  }

  private async registerNodeKey(): Promise<void> {
    const { key, audit } = this.options;
    await audit.registerSigner({
      keyId: key.keyId,
      publicKey: key.publicKey,
      role: 'node',
      coopId: null,
      name: 'node checkpoint key',
      registeredBy: 'sealer',
    });
  }
}

/** The node's checkpoint key is revoked: the sealer signs nothing with it. */
export class SigningKeyRevokedError extends Error {
  override readonly name = 'SigningKeyRevokedError';
}
