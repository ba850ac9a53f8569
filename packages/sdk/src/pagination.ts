/** A page of a cursor-paginated list, as kopfed's list endpoints return it. */
export interface CursorPage<Item> {
  items: Item[];
  nextCursor: string | null;
}

export interface PageOptions {
  /** Stops a runaway listing: more pages than this is an error. */
  maxPages?: number;
}

const DEFAULT_MAX_PAGES = 100_000;

/**
 * Every page of a list, fetched one at a time as the caller iterates:
 * `for await (const page of pages((cursor) => ok(client.member.GET(path, { params: { path, query: { cursor } } }))))`.
 */
export async function* pages<Page extends CursorPage<unknown>>(
  fetchPage: (cursor: string | undefined) => Promise<Page>,
  options: PageOptions = {},
): AsyncGenerator<Page, void, undefined> {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let count = 1; count <= maxPages; count++) {
    const page = await fetchPage(cursor);
    yield page;
    if (page.nextCursor === null) return;
    if (seen.has(page.nextCursor)) {
      throw new Error(`the server returned cursor ${page.nextCursor} twice: stopping`);
    }
    seen.add(page.nextCursor);
    cursor = page.nextCursor;
  }
  throw new Error(`more than ${maxPages} pages: stopping (raise maxPages if this is expected)`);
}

/** Every item of a list, across its pages. */
export async function* items<Item>(
  fetchPage: (cursor: string | undefined) => Promise<CursorPage<Item>>,
  options: PageOptions = {},
): AsyncGenerator<Item, void, undefined> {
  for await (const page of pages(fetchPage, options)) yield* page.items;
}
