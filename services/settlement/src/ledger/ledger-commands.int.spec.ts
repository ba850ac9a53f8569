import { expectBooksBalance } from '../testing/books';
import { A, idr, settlementHarness, type Harness } from '../testing/harness';

describe('reversing an entry again: the same request gets the reversal made, another is refused', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await settlementHarness();
    const opening = await entry('open-1', '2026-10-01', 1_000_000, '1-110', '3-300');
    expect(opening.status).toBe(201);
  });
  afterAll(async () => {
    await expectBooksBalance(h.settlement, [A]);
    await h.close();
  });

  function entry(entryId: string, businessDate: string, amount: number, dr: string, cr: string) {
    return h.post(`/coops/${A}/journal-entries`, {
      entryId,
      businessDate,
      description: 'Jurnal umum',
      lines: [
        { account: dr, debit: idr(amount) },
        { account: cr, credit: idr(amount) },
      ],
    });
  }
  const reverse = (entryId: string, body: { reason: string; businessDate?: string }) =>
    h.post(`/coops/${A}/journal-entries/${entryId}/reversal`, body);
  const journalSize = async () => (await h.settlement.ledgers.journal(A)).length;

  it('refuses a request dated otherwise than the reversal made, and posts nothing', async () => {
    await entry('oops-1', '2026-10-05', 70_000, '5-210', '1-110');
    const first = await reverse('oops-1', {
      reason: 'dicatat dua kali',
      businessDate: '2026-10-06',
    });
    expect(first.status).toBe(201);
    const size = await journalSize();
    const later = await reverse('oops-1', {
      reason: 'dicatat dua kali',
      businessDate: '2026-11-20',
    });
    expect(later.body).toMatchObject({ status: 409, code: 'entry-already-reversed' });
    expect(await journalSize()).toBe(size);
    // The same request again, or without a date, is a retry.
    const again = await reverse('oops-1', {
      reason: 'dicatat dua kali',
      businessDate: '2026-10-06',
    });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect((await reverse('oops-1', { reason: 'dicatat dua kali' })).body).toEqual(first.body);
  });

  it('answers an identical retry with a long reason (the description cuts it) with the same reversal', async () => {
    await entry('oops-2', '2026-10-07', 40_000, '5-210', '1-110');
    const reason = `${'Salah posting akun beban; '.repeat(19)}x`.slice(0, 480);
    expect(reason).toHaveLength(480);
    const first = await reverse('oops-2', { reason, businessDate: '2026-10-08' });
    expect(first.status).toBe(201);
    const again = await reverse('oops-2', { reason, businessDate: '2026-10-08' });
    expect(again.status).toBe(201);
    expect(again.body.entryId).toBe(first.body.entryId);
  });

  it('refuses a reason that only ends the one given', async () => {
    await entry('oops-3', '2026-10-09', 30_000, '5-210', '1-110');
    expect((await reverse('oops-3', { reason: 'akun salah: dobel' })).status).toBe(201);
    const size = await journalSize();
    expect((await reverse('oops-3', { reason: 'dobel' })).body).toMatchObject({
      status: 409,
      code: 'entry-already-reversed',
    });
    expect(await journalSize()).toBe(size);
  });
});
