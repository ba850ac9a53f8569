import { GROUP_SIZE, kopfedGroups, rawInsert, storeAlone } from './ledger';

describe('the raw ledger baseline of the peers benchmark', () => {
  it('inserts exactly the rows kopfed made durable for the transfer groups, one batch per group', async () => {
    const groups = 3;
    const { timing, rows } = await kopfedGroups(groups, 2, 'spec');
    expect(timing.ops).toBe(groups * GROUP_SIZE);
    // One append call per group: its TransferGroupSubmitted event and its seal.
    expect(rows.batches).toHaveLength(groups);
    expect(rows.events.map((e) => e.type)).toEqual(Array(groups).fill('TransferGroupSubmitted'));

    const raw = await rawInsert(rows, groups * GROUP_SIZE);
    expect(raw.events).toBe(rows.events.length);
    expect(raw.batches).toBe(rows.batches.length);
    expect(raw.timing.ops).toBe(groups * GROUP_SIZE);

    // The store by itself: the same events again, one append per group.
    const alone = await storeAlone(rows, groups * GROUP_SIZE);
    expect(alone.events).toBe(rows.events.length);
    expect(alone.batches).toBe(rows.batches.length);
    expect(alone.timing.ops).toBe(groups * GROUP_SIZE);
  });
});
