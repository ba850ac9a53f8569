import { randomUUID } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { GENESIS_SEAL, type EventStore } from '@kopfed/eventstore';
import type { SigningKey } from '../keys/ed25519';
import { leafHash, MerkleFrontier } from '../merkle/merkle-tree';
import { StreamHeadsTree, type StreamHead } from '../merkle/stream-heads';
import type { AuditStore } from '../signers/audit-store';
import {
  AUDIT_EVENT_TYPES,
  AUDIT_STREAMS,
  CHECKPOINT_FORMAT,
  CheckpointEventData,
  fingerprintsDigest,
  statementDigest,
  statementText,
  type BatchReference,
  type CheckpointStatement,
  type SignedCheckpoint,
} from './checkpoint';
import { fingerprintOf } from './fingerprints';
import { LogDamagedError, logSourceOf, type BatchWithTexts, type LogSource } from './log-source';
import { CACHED_LEVEL, type CachedNode, type MerkleNodeCache } from './node-cache';
import { sealTexts } from './seal-chain';

export interface SealerOptions {
  /** The store's name: its SQLite file is `<name>.db`. */
  name: string;
  store: EventStore;
  key: SigningKey;
  /** Where each checkpoint is witnessed (absent when sealing the audit store itself). */
  witness?: AuditStore;
  nodeCache?: MerkleNodeCache;
  /** Events per checkpoint when catching up on a long log. */
  maxEventsPerCheckpoint?: number;
  clock?: () => Date;
}

interface SealerState {
  frontier: MerkleFrontier;
  /** Every stream's head at frontier.size: rebuilt from the log when the sealer starts. */
  heads: StreamHeadsTree;
  sequence: number;
  lastBatch: BatchReference | undefined;
  previousDigest: string | null;
  /** Position of this store's newest checkpoint event. */
  checkpointPosition: number;
}

/** Per round: the sealer never loops unboundedly, even if every read returns one batch. */
const MAX_ROUNDS = 1_000_000;
/**
 * Events read, checked and hashed between two turns of the event loop. A slice of 1,000 held
 * the node's loop for about 20 ms under load, long enough to show in its p99; a slice of 250
 * holds it about a quarter of that (docs/performance.md, "The sealer's stream heads, hashed at
 * the end").
 */
export const SLICE_EVENTS = 250;

/**
 * Signs checkpoints of one store. Each round reads whole sealed batches after the last
 * checkpoint, checks every batch against its seal (a damaged log is never signed), extends the
 * incremental Merkle tree, and appends the signed checkpoint to the store's checkpoint stream
 * with the expected revision, then witnesses it in the audit store.
 */
export class CheckpointSealer {
  private state: SealerState | undefined;
  private readonly source: LogSource;
  private readonly maxEvents: number;
  private readonly clock: () => Date;

  constructor(private readonly options: SealerOptions) {
    this.source = logSourceOf(options.store);
    this.maxEvents = options.maxEventsPerCheckpoint ?? 10_000;
    if (!Number.isInteger(this.maxEvents) || this.maxEvents < 1)
      throw new RangeError('maxEventsPerCheckpoint must be a whole number of at least 1');
    this.clock = options.clock ?? (() => new Date());
  }

  /** Events not yet covered by a checkpoint, not counting this store's own newest checkpoint. */
  async pendingEvents(): Promise<number> {
    const state = await this.loaded();
    const head = await this.source.headPosition();
    const ownTail =
      state.checkpointPosition > state.frontier.size && state.checkpointPosition <= head;
    return head - state.frontier.size - (ownTail ? 1 : 0);
  }

  /** Seals everything committed when called; returns the checkpoints signed (none if nothing new). */
  async seal(): Promise<SignedCheckpoint[]> {
    if ((await this.pendingEvents()) <= 0) return [];
    const head = await this.source.headPosition();
    const signed: SignedCheckpoint[] = [];
    for (let round = 0; round < MAX_ROUNDS && this.state!.frontier.size < head; round++) {
      const checkpoint = await this.sealNext(this.state!);
      if (!checkpoint) break;
      signed.push(checkpoint);
    }
    return signed;
  }

  /**
   * Signs the next checkpoint: whole batches after the last one, up to `maxEvents` (at least
   * one batch). They are read, checked and hashed a slice at a time, with a turn of the event
   * loop between slices, so a node serving requests is never held for a whole checkpoint. The
   * stream heads move a slice at a time too: each stream a slice moved is hashed once, with
   * its last head in the slice, and the subtrees above them rehashed before the next slice.
   * With thousands of streams moving in a checkpoint, doing that at the end held the loop
   * for 30-40 ms (docs/performance.md, "The sealer's stream heads, hashed at the end").
   */
  private async sealNext(state: SealerState): Promise<SignedCheckpoint | undefined> {
    try {
      return await this.sealSlices(state);
    } catch (error) {
      // The heads moved in place: reload them with the rest of the state before the next round.
      this.state = undefined;
      throw error;
    }
  }

  private async sealSlices(state: SealerState): Promise<SignedCheckpoint | undefined> {
    const frontier = state.frontier.clone();
    const nodes: CachedNode[] = [];
    const fingerprints: Buffer[] = [];
    let previousSeal = state.lastBatch?.seal ?? GENESIS_SEAL;
    let expectedBatch = (state.lastBatch?.batch ?? 0) + 1;
    let last: BatchWithTexts | undefined;
    let events = 0;
    for (let full = false; !full && events < this.maxEvents;) {
      if (last) await setImmediate();
      const slice = await this.source.batchesAfter(
        expectedBatch - 1,
        Math.min(SLICE_EVENTS, this.maxEvents - events),
      );
      if (slice.length === 0) break;
      // A stream's head as the slice leaves it; a new stream keeps its first place.
      const moved = new Map<string, StreamHead>();
      for (const entry of slice) {
        const { batch, texts, ids } = entry;
        // As one read of `maxEvents`: whole batches, at least one, never past the limit after it.
        if (last && events + texts.length > this.maxEvents) {
          full = true;
          break;
        }
        if (batch.batch !== expectedBatch || batch.firstPosition !== frontier.size + 1)
          throw new LogDamagedError(
            `batch ${batch.batch} does not follow batch ${expectedBatch - 1}`,
          );
        if (sealTexts(previousSeal, texts) !== batch.seal)
          throw new LogDamagedError(`batch ${batch.batch} does not match its seal`);
        for (let i = 0; i < texts.length; i++) {
          const leaf = leafHash(texts[i]!);
          fingerprints.push(fingerprintOf(leaf, ids[i]!));
          frontier.append(leaf, (level, index, hash) => {
            if (level >= CACHED_LEVEL) nodes.push({ level, index, hash });
          });
        }
        moved.set(entry.stream, {
          stream: entry.stream,
          lastRevision: entry.firstRevision + texts.length - 1,
          lastPosition: batch.lastPosition,
        });
        previousSeal = batch.seal;
        expectedBatch += 1;
        events += texts.length;
        last = entry;
      }
      for (const head of moved.values()) state.heads.set(head);
      state.heads.settle();
    }
    if (!last) return undefined;
    return this.signAndAppend(state, frontier, last, fingerprints, nodes);
  }

  private async signAndAppend(
    state: SealerState,
    frontier: MerkleFrontier,
    last: BatchWithTexts,
    fingerprints: readonly Buffer[],
    nodes: readonly CachedNode[],
  ): Promise<SignedCheckpoint> {
    const fingerprintBytes = Buffer.concat(fingerprints);
    const statement: CheckpointStatement = {
      format: CHECKPOINT_FORMAT,
      store: this.options.name,
      sequence: state.sequence + 1,
      lastPosition: frontier.size,
      lastBatch: { ...last.batch, stream: last.stream, firstRevision: last.firstRevision },
      merkleRoot: frontier.root().toString('hex'),
      fingerprintsDigest: fingerprintsDigest(fingerprintBytes),
      streamHeadsRoot: state.heads.root().toString('hex'),
      previous: state.previousDigest,
      signedAt: this.clock().toISOString(),
    };
    const { key } = this.options;
    const checkpoint: SignedCheckpoint = {
      statement,
      signature: {
        keyId: key.keyId,
        publicKey: key.publicKey,
        value: key.sign(statementText(statement)),
      },
    };
    this.options.nodeCache?.put(this.options.name, nodes);
    const data: CheckpointEventData = {
      ...checkpoint,
      frontier: frontier.toJSON(),
      leafFingerprints: fingerprintBytes.toString('base64'),
    };
    const id = randomUUID();
    const { position } = await this.options.store.append(
      AUDIT_STREAMS.checkpoints(this.options.name),
      [{ id, type: AUDIT_EVENT_TYPES.checkpointSigned, schemaVersion: 1, data }],
      { expectedRevision: statement.sequence === 1 ? 'no_stream' : statement.sequence - 2 },
    );
    this.state = {
      frontier,
      heads: state.heads,
      sequence: statement.sequence,
      lastBatch: statement.lastBatch,
      previousDigest: statementDigest(statement),
      checkpointPosition: position,
    };
    await this.options.witness?.witness(checkpoint, position, id);
    return checkpoint;
  }

  /** Forgets the loaded state: the next call reloads it from the store (after a lost race). */
  reset(): void {
    this.state = undefined;
  }

  private async loaded(): Promise<SealerState> {
    if (this.state) return this.state;
    const stream = AUDIT_STREAMS.checkpoints(this.options.name);
    const [newest] = await this.options.store.readStream(stream, {
      direction: 'backwards',
      maxCount: 1,
    });
    if (!newest) {
      this.state = {
        frontier: MerkleFrontier.empty(),
        heads: new StreamHeadsTree(),
        sequence: 0,
        lastBatch: undefined,
        previousDigest: null,
        checkpointPosition: 0,
      };
      return this.state;
    }
    const data = CheckpointEventData.parse(newest.data);
    const { statement } = data;
    const frontier = MerkleFrontier.restore(statement.lastPosition, data.frontier);
    if (
      frontier.root().toString('hex') !== statement.merkleRoot ||
      statement.sequence !== newest.revision + 1
    )
      throw new LogDamagedError(
        `checkpoint ${statement.sequence} of ${this.options.name} does not hold together`,
      );
    const heads = await StreamHeadsTree.built(
      await this.source.streamHeads(statement.lastPosition),
    );
    // A checkpoint signed before stream heads existed has no root to hold them to.
    if (
      statement.streamHeadsRoot !== undefined &&
      heads.root().toString('hex') !== statement.streamHeadsRoot
    )
      throw new LogDamagedError(
        `the stream heads of ${this.options.name} are not those checkpoint ${statement.sequence} signed`,
      );
    this.state = {
      frontier,
      heads,
      sequence: statement.sequence,
      lastBatch: statement.lastBatch,
      previousDigest: statementDigest(statement),
      checkpointPosition: newest.position,
    };
    await this.witnessMissing(stream, statement.sequence);
    return this.state;
  }

  /** A crash between a checkpoint and its witness leaves the witness missing: write it now. */
  private async witnessMissing(stream: string, sequence: number): Promise<void> {
    const witness = this.options.witness;
    if (!witness) return;
    const witnessed = await witness.witnessed(this.options.name);
    if (witnessed >= sequence) return;
    const missing = await this.options.store.readStream(stream, { fromRevision: witnessed });
    for (const event of missing) {
      const { statement, signature } = CheckpointEventData.parse(event.data);
      await witness.witness({ statement, signature }, event.position, event.id);
    }
  }
}
