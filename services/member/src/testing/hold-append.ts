import type { EventStore, NewEvent } from '@kopfed/eventstore';

/**
 * Holds the first append to `store` that `matches` until `release` is called, so that another
 * request runs in between (a race made to happen, not hoped for). `reached` resolves once the
 * append is held; `stream` names the stream it was for.
 */
export function holdAppend(
  store: EventStore,
  matches: (stream: string, events: readonly NewEvent[]) => boolean,
) {
  const append = store.append.bind(store);
  let reached!: () => void;
  let release!: () => void;
  let held = '';
  const whenReached = new Promise<void>((resolve) => (reached = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  let armed = true;
  jest.spyOn(store, 'append').mockImplementation(async (stream, events, options) => {
    if (armed && matches(stream, events)) {
      armed = false;
      held = stream;
      reached();
      await released;
    }
    return append(stream, events, options);
  });
  return { reached: whenReached, release, stream: () => held };
}
