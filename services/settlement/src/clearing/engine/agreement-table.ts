import type Database from 'better-sqlite3';
import type { CooperationAgreement } from '../agreements';

/** More agreements between one pair of coops than anyone signs; the newest are read first. */
const MAX_AGREEMENTS_PER_PAIR = 100;
/** Pairs whose agreements are kept in memory: a group of 100 legs asks for each leg's pair. */
const CACHED_PAIRS = 10_000;

interface AgreementRow {
  agreement_id: string;
  coop_id: string;
  partner_coop_id: string;
  valid_from: string;
  valid_until: string;
  terminated_on: string | null;
}

/**
 * The cooperation agreements the member service published, kept by settlement to apply the
 * closed-loop rule. Each event is an upsert by agreement id, so a redelivery changes nothing;
 * a termination that arrives before its signature is kept until the signature comes.
 */
export class AgreementTable {
  private readonly upsertSigned;
  private readonly upsertTerminated;
  private readonly forPair;
  /**
   * By pair, the lower coop id first: emptied whenever an agreement is signed or terminated.
   * Two levels, so that a lookup builds no key: a group asks once per leg.
   */
  private readonly cache = new Map<string, Map<string, CooperationAgreement[]>>();
  private cachedPairs = 0;

  constructor(db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS settlement_cooperation_agreements (
      agreement_id TEXT PRIMARY KEY,
      coop_id TEXT,
      partner_coop_id TEXT,
      valid_from TEXT,
      valid_until TEXT,
      terminated_on TEXT
    ) WITHOUT ROWID`);
    db.exec(`CREATE INDEX IF NOT EXISTS settlement_cooperation_agreements_pair
      ON settlement_cooperation_agreements (coop_id, partner_coop_id)`);
    this.upsertSigned = db.prepare<[string, string, string, string, string]>(
      `INSERT INTO settlement_cooperation_agreements
         (agreement_id, coop_id, partner_coop_id, valid_from, valid_until)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT (agreement_id) DO UPDATE SET
       coop_id = excluded.coop_id, partner_coop_id = excluded.partner_coop_id,
       valid_from = excluded.valid_from, valid_until = excluded.valid_until`,
    );
    this.upsertTerminated = db.prepare<[string, string]>(
      `INSERT INTO settlement_cooperation_agreements (agreement_id, terminated_on)
       VALUES (?, ?) ON CONFLICT (agreement_id) DO UPDATE SET terminated_on = excluded.terminated_on`,
    );
    this.forPair = db.prepare<[string, string, string, string, number], AgreementRow>(
      `SELECT * FROM settlement_cooperation_agreements
       WHERE valid_from IS NOT NULL
         AND ((coop_id = ? AND partner_coop_id = ?) OR (coop_id = ? AND partner_coop_id = ?))
       ORDER BY valid_until DESC, agreement_id LIMIT ?`,
    );
  }

  signed(agreement: Omit<CooperationAgreement, 'terminatedOn'>): void {
    const { agreementId, coopId, partnerCoopId, validFrom, validUntil } = agreement;
    this.upsertSigned.run(agreementId, coopId, partnerCoopId, validFrom, validUntil);
    this.forget();
  }

  terminated(agreementId: string, terminatedOn: string): void {
    this.upsertTerminated.run(agreementId, terminatedOn);
    this.forget();
  }

  /** The agreements signed between two coops, in either direction. */
  between(a: string, b: string): CooperationAgreement[] {
    const low = a < b ? a : b;
    const high = a < b ? b : a;
    const cached = this.cache.get(low)?.get(high);
    if (cached !== undefined) return cached;
    const found = this.read(a, b);
    if (this.cachedPairs >= CACHED_PAIRS) this.forget();
    let byHigh = this.cache.get(low);
    if (byHigh === undefined) {
      byHigh = new Map();
      this.cache.set(low, byHigh);
    }
    byHigh.set(high, found);
    this.cachedPairs++;
    return found;
  }

  private forget(): void {
    this.cache.clear();
    this.cachedPairs = 0;
  }

  private read(a: string, b: string): CooperationAgreement[] {
    return this.forPair.all(a, b, b, a, MAX_AGREEMENTS_PER_PAIR).map((r) => ({
      agreementId: r.agreement_id,
      coopId: r.coop_id,
      partnerCoopId: r.partner_coop_id,
      validFrom: r.valid_from,
      validUntil: r.valid_until,
      terminatedOn: r.terminated_on,
    }));
  }
}
