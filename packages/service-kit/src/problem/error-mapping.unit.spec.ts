import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { conflict, notFound, rejected } from '@kopfed/domain';
import {
  EventStoreClosedError,
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
} from '@kopfed/eventstore';
import { mapError } from './error-mapping';
import { HttpProblem } from './problem';

const map = (error: unknown, hadIfMatch = false) => mapError(error, { hadIfMatch });

function catching(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected it to throw');
}

describe('mapError', () => {
  it('maps domain refusals by kind, keeping the code, pointer and details', () => {
    expect(
      map(rejected('rate-above-cap', 'Above 24% p.a.', '/rate', { capBasisPoints: 2400 })),
    ).toEqual({
      facts: {
        code: 'rate-above-cap',
        title: 'Refused by a business rule',
        status: 422,
        detail: 'Above 24% p.a.',
        errors: [{ in: 'body', pointer: '/rate', detail: 'Above 24% p.a.' }],
        details: { capBasisPoints: 2400 },
      },
      unexpected: false,
    });
    expect(map(conflict('already-closed', 'Closed.')).facts).toMatchObject({
      status: 409,
      code: 'already-closed',
    });
    expect(map(notFound('member-not-found', 'No such member.')).facts).toMatchObject({
      status: 404,
    });
  });

  it('maps a lost race to 409, or to 412 when the client sent If-Match', () => {
    const error = new WrongExpectedRevisionError('loan-1', 3, 4);
    expect(map(error).facts).toMatchObject({ status: 409, code: 'concurrency-conflict' });
    expect(map(error, true).facts).toMatchObject({ status: 412, code: 'precondition-failed' });
  });

  it('maps body parser errors to 400, 413 and 415', () => {
    const parserError = (type: string, status: number) =>
      Object.assign(new Error('x'), { type, status });
    expect(map(parserError('entity.parse.failed', 400)).facts.code).toBe('malformed-json');
    expect(map(parserError('entity.too.large', 413)).facts.status).toBe(413);
    expect(map(parserError('charset.unsupported', 415)).facts.status).toBe(415);
    expect(map(Object.assign(new URIError('bad'), { status: 400 })).facts.status).toBe(400);
  });

  it('keeps its own problems as they are, and a closing store is a 503', () => {
    const problem = new HttpProblem('rate-limited', 'Slow down.', {
      headers: { 'Retry-After': '2' },
    });
    expect(map(problem).facts).toMatchObject({ status: 429, headers: { 'Retry-After': '2' } });
    expect(map(new EventStoreClosedError()).facts).toMatchObject({
      status: 503,
      headers: { 'Retry-After': '2' },
    });
  });

  it('maps a store that did not answer to 503 with Retry-After, a warning rather than a bug', () => {
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    expect(map(new EventStoreUnavailableError(busy))).toEqual({
      facts: {
        code: 'unavailable',
        title: 'The service cannot answer now; try again shortly',
        status: 503,
        detail: 'The event store did not answer; try again shortly.',
        headers: { 'Retry-After': '2' },
      },
      unexpected: false,
      warning: 'the event store did not answer',
    });
  });

  it('maps a read model or inbox file locked past its busy timeout to the same 503', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kopfed-locked-'));
    const holder = new Database(join(dir, 'read-models.db'));
    const waiter = new Database(join(dir, 'read-models.db'), { timeout: 20 });
    try {
      holder.pragma('journal_mode = WAL');
      holder.exec('CREATE TABLE t (x INTEGER); BEGIN IMMEDIATE; INSERT INTO t VALUES (1)');
      const locked = catching(() => waiter.prepare('INSERT INTO t VALUES (2)').run());
      // Not `instanceof SqliteError`: the addon keeps the class of the first test file a Jest
      // worker loaded it in.
      expect(locked).toMatchObject({ name: 'SqliteError', code: 'SQLITE_BUSY' });
      expect(map(locked)).toEqual({
        facts: {
          code: 'unavailable',
          title: 'The service cannot answer now; try again shortly',
          status: 503,
          detail: 'A database stayed locked by other work; try again shortly.',
          headers: { 'Retry-After': '2' },
        },
        unexpected: false,
        warning: 'a database stayed locked past its busy timeout',
      });
      // Any other SQLite failure is a bug, not an outage.
      holder.exec('ROLLBACK');
      const constraint = catching(() => waiter.exec('CREATE TABLE t (x INTEGER)'));
      expect(map(constraint)).toMatchObject({ unexpected: true, facts: { status: 500 } });
    } finally {
      waiter.close();
      holder.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hides everything else behind a generic 500, flagged for the log', () => {
    const mapped = map(new TypeError('cannot read property nik of undefined'));
    expect(mapped.unexpected).toBe(true);
    expect(mapped.facts).toMatchObject({ status: 500, code: 'internal-error' });
    expect(JSON.stringify(mapped.facts)).not.toContain('nik');
    expect(map(Object.assign(new Error('teapot'), { status: 418, type: 'x' })).facts.status).toBe(
      400,
    );
  });
});
