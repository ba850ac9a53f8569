import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { COOPS, idr, PRODUCTS, savingsHarness } from '../testing/savings-harness';
import { ACCOUNTS_DDL } from './account-projection';
import { ACCOUNTS_FILE, openAccountsFile } from './accounts-file';

const tableNames = (db: Database.Database) =>
  db
    .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .pluck(true)
    .all();

describe('the accounts read model in a file of its own', () => {
  it('is written by its thread into savings-accounts.db, not the store file, and reads back', async () => {
    const h = await savingsHarness({ file: true });
    try {
      const dataDir = dirname(h.store.database.name);
      expect(h.savings.accounts.db.name).toBe(join(dataDir, ACCOUNTS_FILE));
      await h.joinPerson(COOPS.A, 'm-1');
      await request(h.app)
        .post(`/api/savings/v1/coops/${COOPS.A}/products`)
        .set('Authorization', `Bearer ${h.keys.coopA}`)
        .send(PRODUCTS.SUKARELA)
        .expect(201);
      await request(h.app)
        .post(`/api/savings/v1/coops/${COOPS.A}/accounts`)
        .set('Authorization', `Bearer ${h.keys.coopA}`)
        .send({
          accountId: 'own-file',
          memberId: 'm-1',
          productCode: 'SUKARELA',
          initialDeposit: { amount: idr(250_000) },
        })
        .expect(201);
      await h.savings.projection.catchUp();
      // Another connection sees what the thread committed.
      const reader = new Database(join(dataDir, ACCOUNTS_FILE), { readonly: true });
      try {
        expect(
          reader
            .prepare('SELECT balance FROM savings_accounts WHERE account_id = ?')
            .get('own-file'),
        ).toEqual({ balance: 250_000 });
      } finally {
        reader.close();
      }
      expect(tableNames(h.store.database)).not.toContain('savings_accounts');
      const listed = await request(h.app)
        .get(`/api/savings/v1/coops/${COOPS.A}/accounts`)
        .set('Authorization', `Bearer ${h.keys.coopA}`)
        .expect(200);
      expect(JSON.stringify(listed.body)).toContain('own-file');
    } finally {
      await h.close();
    }
  });

  it('drops the read model an earlier version kept in the store file, keeping other checkpoints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kopfed-accounts-file-'));
    const former = new Database(':memory:');
    try {
      former.exec(ACCOUNTS_DDL);
      former.exec(
        'CREATE TABLE savings_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL) WITHOUT ROWID',
      );
      former
        .prepare('INSERT INTO savings_checkpoints VALUES (?, ?), (?, ?)')
        .run('savings-accounts-v4', 120, 'another-read-model', 7);
      const file = await openAccountsFile(dir, former);
      await file.close();
      expect(tableNames(former)).toEqual(['savings_checkpoints']);
      expect(former.prepare('SELECT name, position FROM savings_checkpoints').all()).toEqual([
        { name: 'another-read-model', position: 7 },
      ]);
      expect(existsSync(join(dir, ACCOUNTS_FILE))).toBe(true);
    } finally {
      former.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
