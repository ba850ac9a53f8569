import Database from 'better-sqlite3';
import { EventStoreUnavailableError } from '../errors';
import { answered, unavailableIfLocked } from './lock-timeout';

const sqliteError = (code: string) => new Database.SqliteError(`failed with ${code}`, code);

describe('a SQLite lock timeout', () => {
  it.each(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_LOCKED'])(
    'is %s: the store did not answer, with the original as the cause',
    (code) => {
      const original = sqliteError(code);
      const translated = unavailableIfLocked(original);
      expect(translated).toBeInstanceOf(EventStoreUnavailableError);
      expect((translated as Error).cause).toBe(original);
      expect(() =>
        answered(() => {
          throw original;
        }),
      ).toThrow(EventStoreUnavailableError);
    },
  );

  it.each(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_FULL', 'SQLITE_CORRUPT', 'SQLITE_IOERR'])(
    'is not %s, which stays as it is',
    (code) => {
      const original = sqliteError(code);
      expect(unavailableIfLocked(original)).toBe(original);
    },
  );
});
