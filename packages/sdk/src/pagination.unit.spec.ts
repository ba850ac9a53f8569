import { items, pages } from './pagination';

const book = ['a', 'b', 'c', 'd', 'e'];
const fetchPage = async (cursor: string | undefined) => {
  const start = cursor === undefined ? 0 : Number(cursor);
  const next = start + 2 < book.length ? String(start + 2) : null;
  return { items: book.slice(start, start + 2), nextCursor: next };
};

describe('cursor pagination', () => {
  it('walks every page in order, asking with the previous page’s cursor', async () => {
    const asked: (string | undefined)[] = [];
    const seen: string[][] = [];
    for await (const page of pages(async (cursor) => {
      asked.push(cursor);
      return fetchPage(cursor);
    })) {
      seen.push(page.items);
    }
    expect(asked).toEqual([undefined, '2', '4']);
    expect(seen).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('yields the items across pages and stops early when the caller does', async () => {
    const all: string[] = [];
    for await (const item of items(fetchPage)) all.push(item);
    expect(all).toEqual(book);
    let calls = 0;
    for await (const item of items(async (c) => (calls++, fetchPage(c)))) if (item === 'b') break;
    expect(calls).toBe(1);
  });

  it('stops on a cursor seen before and on too many pages', async () => {
    const loop = pages(async () => ({ items: [1], nextCursor: 'same' }));
    await expect((async () => { for await (const _ of loop); })()).rejects.toThrow(/cursor same twice/);
    let n = 0;
    const endless = pages(async () => ({ items: [n], nextCursor: String(++n) }), { maxPages: 3 });
    await expect((async () => { for await (const _ of endless); })()).rejects.toThrow(/more than 3 pages/);
  });
});
