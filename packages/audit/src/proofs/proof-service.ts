import type { EventStore } from '@kopfed/eventstore';
import { statementDigest, type CheckpointStatement } from '../checkpoints/checkpoint';
import { CheckpointIndex, type StoredCheckpoint } from '../checkpoints/checkpoint-index';
import { logSourceOf } from '../checkpoints/log-source';
import type { MerkleNodeCache } from '../checkpoints/node-cache';
import { StreamHeadsTree, type StreamHead } from '../merkle/stream-heads';
import { InclusionProver, ProofUnavailableError } from './inclusion-prover';
import { sqliteDatabaseOf } from '../verify/read-only-store';
import {
  STREAM_PROOF_FORMAT,
  type InclusionProof,
  type StreamHeadProof,
  type StreamProof,
} from './proof-format';

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

/** A checkpoint's stream heads, rebuilt from the log: kept for the next stream proof at it. */
interface HeadsAt {
  key: string;
  heads: StreamHead[];
  tree: StreamHeadsTree;
}

/** Inclusion proofs and stream (balance) proofs over a node's stores. */
export class ProofService {
  /** One checkpoint's heads only: an auditor proves many streams at the same checkpoint. */
  private lastHeads: HeadsAt | undefined;

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
    const head = await this.headProof(storeName, store, statement, stream);
    if (head && fromRevision > head.lastRevision + 1)
      throw new ProofUnavailableError(
        `${stream} reached only revision ${head.lastRevision} at checkpoint ${statement.sequence}`,
      );
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
      ...(head ? { head } : {}),
    };
  }

  /**
   * The stream's head in the checkpoint's stream heads tree, rebuilt from the log (one pass
   * over it) and held to the signed root; none for a checkpoint that signs no heads.
   */
  private async headProof(
    storeName: string,
    store: EventStore,
    statement: CheckpointStatement,
    stream: string,
  ): Promise<StreamHeadProof | undefined> {
    if (statement.streamHeadsRoot === undefined) return undefined;
    const key = `${storeName}:${statementDigest(statement)}`;
    if (this.lastHeads?.key !== key) {
      const heads = await logSourceOf(store).streamHeads(statement.lastPosition);
      const tree = await StreamHeadsTree.built(heads);
      if (tree.root().toString('hex') !== statement.streamHeadsRoot)
        throw new ProofUnavailableError(
          `the log no longer matches the stream heads of checkpoint ${statement.sequence} of ${storeName}: run verify`,
        );
      this.lastHeads = { key, heads, tree };
    }
    const { heads, tree } = this.lastHeads;
    const index = tree.index(stream);
    if (index === undefined)
      throw new ProofUnavailableError(
        `${stream} has no events in checkpoint ${statement.sequence} of ${storeName}`,
      );
    const head = heads[index]!;
    return {
      lastRevision: head.lastRevision,
      lastPosition: head.lastPosition,
      index,
      streamCount: tree.size,
      auditPath: (await tree.path(stream)).map((node) => node.toString('hex')),
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
