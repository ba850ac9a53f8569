import { randomUUID } from 'node:crypto';
import { deterministicUuid, WrongExpectedRevisionError, type EventStore } from '@kopfed/eventstore';
import { AUDIT_EVENT_TYPES, AUDIT_STREAMS, type SignedCheckpoint } from '../checkpoints/checkpoint';
import {
  AUDIT_RECORD_CATEGORIES,
  foldAuditRecords,
  type AuditRecords,
  type CheckpointCountersigned,
  type Signer,
  type SignerRegistered,
  type SignerRevoked,
} from './audit-records';

const PAGE = 1_000;
/** The audit store is small (signers, one witness per checkpoint): read it whole, but bounded. */
const MAX_RECORDS = 10_000_000;

/** Reads and writes the audit store's records through the event store port. */
export class AuditStore {
  constructor(readonly store: EventStore) {}

  async records(): Promise<AuditRecords> {
    const events = [];
    for (let after = 0; events.length < MAX_RECORDS;) {
      const page = await this.store.readAll({
        after,
        categories: AUDIT_RECORD_CATEGORIES,
        maxCount: PAGE,
      });
      events.push(...page);
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.position;
    }
    return foldAuditRecords(events);
  }

  /** Registers a signer once: 'registered', or 'exists' when that key was registered before. */
  async registerSigner(signer: SignerRegistered): Promise<'registered' | 'exists'> {
    try {
      await this.store.append(
        AUDIT_STREAMS.signer(signer.keyId),
        [
          {
            id: randomUUID(),
            type: AUDIT_EVENT_TYPES.signerRegistered,
            schemaVersion: 1,
            data: signer,
          },
        ],
        { expectedRevision: 'no_stream' },
      );
      return 'registered';
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return 'exists';
      throw error;
    }
  }

  /**
   * Revokes a registered signer once: its stream holds the registration alone (revision 0)
   * until then, so of two revocations at once only one is written; 'not_revocable' when the
   * key is unknown or already revoked.
   */
  async revokeSigner(revocation: SignerRevoked): Promise<'revoked' | 'not_revocable'> {
    try {
      await this.store.append(
        AUDIT_STREAMS.signer(revocation.keyId),
        [
          {
            id: randomUUID(),
            type: AUDIT_EVENT_TYPES.signerRevoked,
            schemaVersion: 1,
            data: revocation,
          },
        ],
        { expectedRevision: 0 },
      );
      return 'revoked';
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return 'not_revocable';
      throw error;
    }
  }

  /** One signer, read from its own stream: cheap enough for the sealer to ask before signing. */
  async signer(keyId: string): Promise<Signer | undefined> {
    const events = await this.store.readStream(AUDIT_STREAMS.signer(keyId), { maxCount: 10 });
    return foldAuditRecords(events).signers.get(keyId);
  }

  /** Witness n of a store sits at revision n-1 of its witness stream: written once, in order. */
  async witness(
    checkpoint: SignedCheckpoint,
    checkpointPosition: number,
    checkpointEventId: string,
  ): Promise<void> {
    const { store, sequence } = checkpoint.statement;
    await this.store.append(
      AUDIT_STREAMS.witness(store),
      [
        {
          id: deterministicUuid('audit-witness', store, String(sequence), checkpointEventId),
          type: AUDIT_EVENT_TYPES.checkpointWitnessed,
          schemaVersion: 1,
          data: { checkpoint, checkpointPosition, checkpointEventId },
        },
      ],
      { expectedRevision: sequence === 1 ? 'no_stream' : sequence - 2 },
    );
  }

  /** How many checkpoints of `store` are witnessed. */
  async witnessed(store: string): Promise<number> {
    const revision = await this.store.streamRevision(AUDIT_STREAMS.witness(store));
    return revision === undefined ? 0 : revision + 1;
  }

  /** Records a countersignature; the same key countersigning the same checkpoint again is a no-op. */
  async countersign(countersignature: CheckpointCountersigned): Promise<void> {
    const { store, sequence, signature } = countersignature;
    await this.store.append(
      AUDIT_STREAMS.countersignatures(store),
      [
        {
          id: deterministicUuid('audit-countersignature', store, String(sequence), signature.keyId),
          type: AUDIT_EVENT_TYPES.checkpointCountersigned,
          schemaVersion: 1,
          data: countersignature,
        },
      ],
      { expectedRevision: 'any' },
    );
  }
}
