import request from 'supertest';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import { memberModuleWith } from '../module';
import { streams } from '../stream-ids';
import { COOP, federation, memberItems, person } from '../testing/federation';
import { holdAppend } from '../testing/hold-append';

/** The module's wait before member_busy, shortened from its 10 s so the spec waits less. */
const BUSY_AFTER_MS = 300;

/**
 * member_busy (a write of the member waited too long for another, MemberWrites) says "not
 * yet". Inside a batch it is no item's answer: kept with the sequence, it would answer every
 * resend for ever and the change would never be applied. The whole batch is answered 409 with
 * Retry-After, as member_batch_in_progress is, and nothing is recorded for its sequence.
 */
describe('a batch with an item held up past MemberWrites’ wait', () => {
  let fixture: HostFixture;
  let f: Awaited<ReturnType<typeof federation>>;
  const api = (path: string) => `/api/member/v1${path}`;
  const store = () => fixture.stores.get('member')!;
  const sync = (sequence: number, items: unknown[], key: string) =>
    request(fixture.app)
      .post(api(`/coops/${COOP.A}/member-batches`))
      .set(f.auth(f.coopA))
      .set('Idempotency-Key', key)
      .send({ sequence, items });
  const recordedSequences = async () =>
    (await store().readStream(streams.memberSync(COOP.A))).map(
      (e) => (e.data as { sequence: number }).sequence,
    );
  /** Sends `items` as batch 2 while a correction by hand holds AGT-1 past the wait. */
  const whileAgt1IsHeld = async (items: unknown[], key: string) => {
    const first = await sync(1, memberItems(1, 1), 'batch-1').expect(200);
    const memberId = first.body.results[0].id as string;
    const hold = holdAppend(
      store(),
      (stream, events) =>
        stream === streams.member(memberId) && events[0]?.type === 'PersonalDataRecorded',
    );
    const put = request(fixture.app)
      .put(api(`/coops/${COOP.A}/members/${memberId}/personal-data`))
      .set(f.auth(f.coopA))
      .send(person(3))
      .then((res) => res);
    await hold.reached;
    const busy = await sync(2, items, key);
    hold.release();
    expect((await put).status).toBe(200);
    return { busy, memberId };
  };
  const agt1 = { ...memberItems(1, 1)[0], person: person(2) };

  beforeEach(async () => {
    fixture = await hostFixture([memberModuleWith({ memberBusyAfterMs: BUSY_AFTER_MS })]);
    f = await federation(fixture);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await fixture.close();
  });

  it('answers the whole batch 409 with Retry-After, and applies it sent again under the same key', async () => {
    const { busy } = await whileAgt1IsHeld([agt1], 'batch-2');
    expect({
      status: busy.status,
      retryAfter: busy.headers['retry-after'],
      code: busy.body.code,
    }).toEqual({ status: 409, retryAfter: '1', code: 'member_busy' });
    expect(await recordedSequences()).toEqual([1]);
    expect(await store().readStream(streams.memberBatch(COOP.A, 2))).toEqual([]);
    // The member is free now: the same batch sent again is applied, not refused again.
    const resend = await sync(2, [agt1], 'batch-2');
    expect(resend.status).toBe(200);
    expect(resend.headers['idempotent-replayed']).toBeUndefined();
    expect(resend.body.results[0].problem?.code).not.toBe('member_busy');
    expect(resend.body.results[0].status).toBe('updated');
    expect(await recordedSequences()).toEqual([1, 2]);
  });

  it('answers the items applied beside it unchanged when the batch is sent again', async () => {
    const agt5 = memberItems(5, 1)[0]!;
    const { busy } = await whileAgt1IsHeld([agt1, agt5], 'batch-2');
    expect(busy.status).toBe(409);
    // AGT-5 was applied in the first sending: found as it says, under the member it made.
    const resend = await sync(2, [agt1, agt5], 'batch-2').expect(200);
    const agt5Id = resend.body.results[1].id as string;
    expect(resend.body.results).toEqual([
      { externalId: 'AGT-1', status: 'updated', id: expect.any(String) },
      { externalId: 'AGT-5', status: 'unchanged', id: agt5Id },
    ]);
    const member = await request(fixture.app)
      .get(api(`/coops/${COOP.A}/members/${agt5Id}`))
      .set(f.auth(f.coopA))
      .expect(200);
    expect(member.body).toMatchObject({ externalId: 'AGT-5', memberNumber: 'S-5' });
    // The answers kept for the sequence are the resend's: sent once more, it is told the same.
    const again = await sync(2, [agt1, agt5], 'batch-2-again').expect(200);
    expect(again.body.duplicateSequence).toBe(true);
    expect(again.body.results).toEqual([
      { externalId: 'AGT-1', status: 'unchanged', id: resend.body.results[0].id },
      { externalId: 'AGT-5', status: 'unchanged', id: agt5Id },
    ]);
  });
});
