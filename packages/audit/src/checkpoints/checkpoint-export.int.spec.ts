import Database from 'better-sqlite3';
import { EVENTS_TABLE_DDL } from '@kopfed/eventstore';
import { signingKeyFromSeed } from '../keys/ed25519';
import {
  AUDIT_EVENT_TYPES,
  AUDIT_STREAMS,
  CHECKPOINT_FORMAT,
  statementText,
  type CheckpointEventData,
  type CheckpointStatement,
} from './checkpoint';
import { exportStoreCheckpoints, MAX_EXPORTED_CHECKPOINTS } from './checkpoint-export';

const key = signingKeyFromSeed(Buffer.alloc(32, 7));
const hex = (n: number) => n.toString(16).padStart(64, '0');

/** A store holding `count` checkpoint events of `ledger` (and nothing the export reads besides). */
function storeWithCheckpoints(count: number): Database.Database {
  const db = new Database(':memory:');
  db.exec(EVENTS_TABLE_DDL);
  const insert = db.prepare(
    `INSERT INTO events (position, id, stream, revision, category, type, recorded_at, business_date, batch, body)
     VALUES (?, ?, ?, ?, 'auditcheckpoints', ?, '2026-08-01T00:00:00.000Z', '2026-08-01', ?, ?)`,
  );
  db.transaction(() => {
    for (let sequence = 1; sequence <= count; sequence++) {
      const statement: CheckpointStatement = {
        format: CHECKPOINT_FORMAT,
        store: 'ledger',
        sequence,
        lastPosition: sequence,
        lastBatch: {
          batch: sequence,
          firstPosition: sequence,
          lastPosition: sequence,
          seal: hex(sequence),
          stream: 'account-1',
          firstRevision: sequence - 1,
        },
        merkleRoot: hex(sequence),
        fingerprintsDigest: hex(0),
        previous: null,
        signedAt: '2026-08-01T00:00:00.000Z',
      };
      const data: CheckpointEventData = {
        statement,
        signature: {
          keyId: key.keyId,
          publicKey: key.publicKey,
          value: key.sign(statementText(statement)),
        },
        frontier: [],
        leafFingerprints: '',
      };
      const id = crypto.randomUUID();
      insert.run(
        sequence,
        id,
        AUDIT_STREAMS.checkpoints('ledger'),
        sequence - 1,
        AUDIT_EVENT_TYPES.checkpointSigned,
        sequence,
        JSON.stringify({ position: sequence, id, data }),
      );
    }
  })();
  return db;
}

describe('exporting a store’s checkpoints', () => {
  it('gives every checkpoint when no count is asked, past one page of them', () => {
    const count = MAX_EXPORTED_CHECKPOINTS + 2;
    const db = storeWithCheckpoints(count);
    try {
      const all = exportStoreCheckpoints('ledger', db, undefined);
      expect(all).toHaveLength(count);
      expect(all.at(-1)!.checkpoint.statement.sequence).toBe(count);
      expect(all.every((c, i) => c.checkpoint.statement.sequence === i + 1)).toBe(true);
      const page = exportStoreCheckpoints('ledger', db, undefined, count - 2, 100);
      expect(page.map((c) => c.checkpoint.statement.sequence)).toEqual([
        count - 2,
        count - 1,
        count,
      ]);
    } finally {
      db.close();
    }
  });
});
