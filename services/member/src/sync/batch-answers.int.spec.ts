import request from 'supertest';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import { memberModule } from '../module';
import { COOP, federation, memberItems, person } from '../testing/federation';

/** A resent batch answers as its first sending did (BRIEF §4): a rejection stays a rejection. */
describe('the answers a resent member batch gets', () => {
  let fixture: HostFixture;
  let f: Awaited<ReturnType<typeof federation>>;
  const post = (body: unknown) =>
    request(fixture.app)
      .post(`/api/member/v1/coops/${COOP.A}/member-batches`)
      .set(f.auth(f.coopA))
      .send(body as object);
  const store = () => fixture.stores.get('member')!;

  beforeAll(async () => {
    fixture = await hostFixture([memberModule]);
    f = await federation(fixture);
  });
  afterAll(() => fixture.close());

  it('rejects again an item the first sending rejected, never calling it unchanged', async () => {
    const [x, y] = memberItems(600, 2);
    await post({ sequence: 1, items: [x, y] }).expect(200);
    const batch2 = {
      sequence: 2,
      items: [{ ...x!, memberNumber: y!.memberNumber }, ...memberItems(602, 1)],
    };
    const first = await post(batch2).expect(200);
    expect(first.body.results).toMatchObject([
      { externalId: 'AGT-600', status: 'rejected', problem: { code: 'member_number_taken' } },
      { externalId: 'AGT-602', status: 'created' },
    ]);
    const again = await post(batch2).expect(200);
    expect(again.body).toMatchObject({
      duplicateSequence: true,
      results: [first.body.results[0], { externalId: 'AGT-602', status: 'unchanged' }],
      counts: { created: 0, updated: 0, unchanged: 1, rejected: 1 },
    });
    expect(again.body.results[1].id).toBe(first.body.results[1].id);
  });

  it('keeps no personal data in the answers it records', async () => {
    const [a, b, c] = memberItems(610, 3);
    const items = [
      a,
      // The NIK of a member already in the coop.
      { ...b!, person: { ...b!.person, nik: a!.person.nik } },
      // A NIK whose date does not match the birth date.
      { ...c!, person: { ...c!.person, birthDate: '1961-01-01' } },
    ];
    const first = await post({ sequence: 3, items }).expect(200);
    expect(first.body.results.map((r: { status: string }) => r.status)).toEqual([
      'created',
      'rejected',
      'rejected',
    ]);
    const again = await post({ sequence: 3, items }).expect(200);
    expect(again.body.results.slice(1)).toEqual(first.body.results.slice(1));
    const recorded = await store().readStream(`memberbatch-${COOP.A}-3`);
    expect(recorded.map((e) => e.type)).toEqual(['MemberBatchAnswered']);
    const text = JSON.stringify(recorded);
    for (const item of items) {
      const p = item!.person;
      for (const value of [p.name, p.nik, p.birthDate, p.address.line])
        expect(text).not.toContain(value);
    }
  });

  it('answers a batch recorded before answers were kept as it always did', async () => {
    const [known] = memberItems(620, 1);
    await post({ sequence: 4, items: [known] }).expect(200);
    // Batch 5 as an earlier version recorded it: its sequence, and no answers.
    await store().append(
      `membersync-${COOP.A}`,
      [
        {
          id: '0190f0c0-0000-7000-8000-000000000005',
          type: 'SyncBatchReceived',
          schemaVersion: 1,
          data: {
            sequence: 5,
            receivedOn: '2026-05-01',
            items: 2,
            created: 0,
            updated: 1,
            unchanged: 0,
            rejected: 1,
          },
        },
      ],
      { expectedRevision: 'any' },
    );
    const renumbered = { ...known!, memberNumber: 'S-620b', person: person(620) };
    const resent = await post({ sequence: 5, items: [renumbered, ...memberItems(621, 1)] }).expect(
      200,
    );
    expect(resent.body.results).toMatchObject([
      { externalId: 'AGT-620', status: 'unchanged' },
      { externalId: 'AGT-621', status: 'rejected', problem: { code: 'batch_already_received' } },
    ]);
  });
});
