import type { SqliteProjectionDefinition } from '@kopfed/messaging';
import { stmt } from '../sql';
import { idOf } from '../stream-ids';
import type { AgreementEvent } from './agreement.decider';

export const agreementProjection: SqliteProjectionDefinition = {
  name: 'member-agreements-v1',
  types: ['CooperationAgreementSigned', 'CooperationAgreementTerminated'],
  setUp(db) {
    db.exec(`CREATE TABLE IF NOT EXISTS agreements (
      agreement_id TEXT PRIMARY KEY,
      coop_id TEXT NOT NULL,
      partner_coop_id TEXT NOT NULL,
      valid_from TEXT NOT NULL,
      valid_until TEXT NOT NULL,
      terminated_on TEXT
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS agreements_by_coop ON agreements(coop_id);
    CREATE INDEX IF NOT EXISTS agreements_by_partner ON agreements(partner_coop_id);`);
  },
  reset(db) {
    db.exec('DROP TABLE IF EXISTS agreements');
  },
  apply(db, event) {
    const e = { type: event.type, data: event.data } as AgreementEvent;
    switch (e.type) {
      case 'CooperationAgreementSigned':
        stmt(db, 'INSERT OR REPLACE INTO agreements VALUES (?, ?, ?, ?, ?, NULL)').run(
          e.data.agreementId,
          e.data.coopId,
          e.data.partnerCoopId,
          e.data.validFrom,
          e.data.validUntil,
        );
        return;
      case 'CooperationAgreementTerminated':
        stmt(db, 'UPDATE agreements SET terminated_on = ? WHERE agreement_id = ?').run(
          e.data.terminatedOn,
          idOf(event.stream),
        );
        return;
    }
  },
};
