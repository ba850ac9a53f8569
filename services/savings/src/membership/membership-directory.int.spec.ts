import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { catalog } from '@kopfed/contracts';
import { MembershipDirectory } from './membership-directory';

type MemberEvent =
  'CoopRegistered' | 'CoopStatusChanged' | 'MemberJoined' | 'MemberLeft' | 'ExternalIdAttached';

describe('MembershipDirectory', () => {
  let db: Database.Database;
  let directory: MembershipDirectory;

  const deliver = async (name: MemberEvent, data: Record<string, unknown>, id = uuidv7()) => {
    const envelope = catalog.toEnvelope(name, {
      id,
      subject: String(data.memberId ?? data.coopId),
      time: '2026-03-10T03:00:00.000Z',
      businessDate: '2026-03-10',
      data: data as never,
    });
    await directory.consumption().handler({
      topic: catalog.topicOf('member'),
      key: envelope.subject,
      value: JSON.stringify(envelope),
      headers: {},
      attempt: 1,
    });
  };
  const coopStatus = (coopId: string, from: string, to: string, reason: string) =>
    deliver('CoopStatusChanged', { coopId, from, to, reason, effectiveOn: '2026-03-10' });
  const join = (coopId: string, memberId: string, externalId: string | null = null) =>
    deliver('MemberJoined', {
      coopId,
      memberId,
      memberNumber: memberId,
      joinedOn: '2026-02-01',
      memberKind: 'person',
      externalId,
    });
  const leave = (coopId: string, memberId: string) =>
    deliver('MemberLeft', { coopId, memberId, reason: 'resigned', leftOn: '2026-03-10' });

  beforeEach(async () => {
    db = new Database(':memory:');
    directory = new MembershipDirectory(db);
    await deliver('CoopRegistered', {
      coopId: 'coop-a',
      kind: 'primary',
      name: 'Koperasi A',
      legalEntityNumber: 'AHU-A',
      nikKoperasi: null,
      province: '32',
      parentCoopId: 'coop-p',
      registeredOn: '2026-01-02',
    });
    await coopStatus('coop-a', 'applied', 'active', 'approved');
  });
  afterEach(() => db.close());

  it('answers who a member is, and nothing for someone who never joined', async () => {
    await join('coop-a', 'm-1', 'ext-1');
    expect(directory.member('coop-a', 'm-1')).toEqual({
      coopId: 'coop-a',
      coopKind: 'primary',
      coopStatus: 'active',
      memberId: 'm-1',
      memberKind: 'person',
      memberCoopId: null,
      externalId: 'ext-1',
      memberActive: true,
      leftOn: null,
    });
    expect(directory.member('coop-a', 'm-2')).toBeUndefined();
    expect(directory.member('coop-b', 'm-1')).toBeUndefined();
  });

  it('sees a member leave and rejoin after having answered about them', async () => {
    await join('coop-a', 'm-1');
    expect(directory.member('coop-a', 'm-1')?.memberActive).toBe(true);
    await leave('coop-a', 'm-1');
    expect(directory.member('coop-a', 'm-1')?.memberActive).toBe(false);
    await join('coop-a', 'm-1');
    expect(directory.member('coop-a', 'm-1')?.memberActive).toBe(true);
  });

  it('keeps the day a member left, until they join again', async () => {
    await join('coop-a', 'm-1');
    await leave('coop-a', 'm-1');
    expect(directory.member('coop-a', 'm-1')).toMatchObject({
      memberActive: false,
      leftOn: '2026-03-10',
    });
    await join('coop-a', 'm-1');
    expect(directory.member('coop-a', 'm-1')?.leftOn).toBeNull();
  });

  it('adds the day a member left to a table made before it was kept', async () => {
    const old = new Database(':memory:');
    old.exec(`
      CREATE TABLE savings_coops (
        coop_id TEXT PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL, parent_coop_id TEXT
      ) WITHOUT ROWID;
      CREATE TABLE savings_members (
        coop_id TEXT NOT NULL, member_id TEXT NOT NULL, kind TEXT NOT NULL, member_coop_id TEXT,
        external_id TEXT, active INTEGER NOT NULL, PRIMARY KEY (coop_id, member_id)
      ) WITHOUT ROWID;
      INSERT INTO savings_coops VALUES ('coop-a', 'primary', 'active', NULL);
      INSERT INTO savings_members VALUES ('coop-a', 'm-1', 'person', NULL, NULL, 0);
    `);
    const migrated = new MembershipDirectory(old);
    new MembershipDirectory(old);
    // A departure kept before the day was: known to have left, not when.
    expect(migrated.member('coop-a', 'm-1')).toMatchObject({ memberActive: false, leftOn: null });
    old.close();
  });

  it("sees the coop's status change for every member it has answered about", async () => {
    await join('coop-a', 'm-1');
    await join('coop-a', 'm-2');
    expect(directory.member('coop-a', 'm-1')?.coopStatus).toBe('active');
    expect(directory.member('coop-a', 'm-2')?.coopStatus).toBe('active');
    await coopStatus('coop-a', 'active', 'suspended', 'rat_not_held');
    expect(directory.member('coop-a', 'm-1')?.coopStatus).toBe('suspended');
    expect(directory.member('coop-a', 'm-2')?.coopStatus).toBe('suspended');
  });

  it('finds a moved-in member by the external id its coop attached, after having answered about them', async () => {
    await join('coop-a', 'm-1');
    expect(directory.member('coop-a', 'm-1')?.externalId).toBeNull();
    expect(directory.memberIdByExternalId('coop-a', 'KM-1')).toBeUndefined();
    await deliver('ExternalIdAttached', { coopId: 'coop-a', memberId: 'm-1', externalId: 'KM-1' });
    expect(directory.memberIdByExternalId('coop-a', 'KM-1')).toBe('m-1');
    expect(directory.member('coop-a', 'm-1')?.externalId).toBe('KM-1');
  });

  it('takes an attached external id only for a member it saw join', async () => {
    const id = uuidv7();
    const attached = { coopId: 'coop-a', memberId: 'm-9', externalId: 'KM-9' };
    // Not recorded as handled: the consumer retries it, or dead-letters it, never drops it.
    await expect(deliver('ExternalIdAttached', attached, id)).rejects.toThrow('never joined');
    await join('coop-a', 'm-9');
    await deliver('ExternalIdAttached', attached, id);
    await deliver('ExternalIdAttached', attached, id);
    expect(directory.memberIdByExternalId('coop-a', 'KM-9')).toBe('m-9');
  });

  it('answers a member that joined after a miss', async () => {
    expect(directory.member('coop-a', 'm-3')).toBeUndefined();
    await join('coop-a', 'm-3');
    expect(directory.member('coop-a', 'm-3')?.memberActive).toBe(true);
  });

  it('hands out copies: changing an answer changes nothing it answers next', async () => {
    await join('coop-a', 'm-1');
    const first = directory.member('coop-a', 'm-1')!;
    first.memberActive = false;
    first.coopStatus = 'exited';
    expect(directory.member('coop-a', 'm-1')).toMatchObject({
      memberActive: true,
      coopStatus: 'active',
    });
  });
});
