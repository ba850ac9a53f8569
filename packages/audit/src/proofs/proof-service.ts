import type { EventStore } from '@kopfed/eventstore';
import { CheckpointIndex, type StoredCheckpoint } from '../checkpoints/checkpoint-index';
import { logSourceOf } from '../checkpoints/log-source';
import type { MerkleNodeCache } from '../checkpoints/node-cache';
import { InclusionProver, ProofUnavailableError } from './inclusion-prover';
import { sqliteDatabaseOf } from '../verify/read-only-store';
import { STREAM_PROOF_FORMAT, type InclusionProof, type StreamProof } from './proof-format';

export interface EventLocation {
  store: string;
  position: number;
  stream: string;
  revision: number;
  /** The tenant, from the event's metadata, when it has one. */
  coopId: string | undefined;
}

/** Largest stream proof given at once; ask again from `fromRevision` for the rest. */
export const MAX_STREAM_PROOF_EVENTS = 1_000;

/** Inclusion proofs and stream (balance) proofs over a node's stores. */
export class ProofService {
  constructor(
    private readonly stores: ReadonlyMap<string, EventStore>,
    private readonly cache?: MerkleNodeCache,
  ) {}

  /** Finds an event by id in whichever SQLite store holds it. */
  async locate(eventId: string): Promise<EventLocation | undefined> {
    for (const [name, store] of this.stores) {
      const db = sqliteDatabaseOf(store);
      if (!db) continue;
      const body = db
        .prepare<[string], string>('SELECT body FROM events WHERE id = ?')
        .pluck(true)
        .get(eventId);
      if (body === undefined) continue;
      const event = JSON.parse(body) as {
        position: number;
        stream: string;
        revision: number;
        metadata: { coopId?: unknown };
      };
      const coopId = typeof event.metadata.coopId === 'string' ? event.metadata.coopId : undefined;
      return {
        store: name,
        position: event.position,
        stream: event.stream,
        revision: event.revision,
        coopId,
      };
    }
    return undefined;
  }

  /** The event at `position` of `store` in checkpoint `sequence`, or the first checkpoint covering it. */
  async inclusion(storeName: string, position: number, sequence?: number): Promise<InclusionProof> {
    const store = this.store(storeName);
    const checkpoint = await this.checkpoint(storeName, position, sequence);
    return new InclusionProver(storeName, logSourceOf(store), this.cache).prove(position, {
      statement: checkpoint.data.statement,
      signature: checkpoint.data.signature,
    });
  }

  /**
   * The balance proof hook: the events of `stream` up to a checkpoint (the newest when no
   * sequence is given), each with its audit path. The books fold them into the balance.
   */
  async stream(
    storeName: string,
    stream: string,
    options: { sequence?: number; fromRevision?: number; maxEvents?: number } = {},
  ): Promise<StreamProof> {
    const store = this.store(storeName);
    const index = new CheckpointIndex(store, storeName);
    const checkpoint =
      options.sequence === undefined ? await index.latest() : await index.at(options.sequence);
    if (!checkpoint) throw new ProofUnavailableError(`${storeName} has no such checkpoint yet`);
    const { statement, signature } = checkpoint.data;
    const fromRevision = options.fromRevision ?? 0;
    const limit = Math.min(options.maxEvents ?? MAX_STREAM_PROOF_EVENTS, MAX_STREAM_PROOF_EVENTS);
    const events = await store.readStream(stream, { fromRevision, maxCount: limit + 1 });
    const covered = events.filter((e) => e.position <= statement.lastPosition);
    const included = covered.slice(0, limit);
    const prover = new InclusionProver(storeName, logSourceOf(store), this.cache);
    const proofs = [];
    for (const event of included) {
      const proof = await prover.prove(event.position, { statement, signature });
      proofs.push({
        position: proof.position,
        canonicalText: proof.canonicalText,
        auditPath: proof.auditPath,
      });
    }
    return {
      format: STREAM_PROOF_FORMAT,
      store: storeName,
      stream,
      fromRevision,
      checkpoint: { statement, signature },
      events: proofs,
      complete: covered.length <= limit,
    };
  }

  private async checkpoint(
    storeName: string,
    position: number,
    sequence?: number,
  ): Promise<StoredCheckpoint> {
    const index = new CheckpointIndex(this.store(storeName), storeName);
    const checkpoint =
      sequence === undefined ? await index.covering(position) : await index.at(sequence);
    if (!checkpoint)
      throw new ProofUnavailableError(
        sequence === undefined
          ? `no checkpoint of ${storeName} covers position ${position} yet`
          : `${storeName} has no checkpoint ${sequence}`,
      );
    return checkpoint;
  }

  private store(name: string): EventStore {
    const store = this.stores.get(name);
    if (!store) throw new ProofUnavailableError(`no store named ${name}`);
    return store;
  }
}
