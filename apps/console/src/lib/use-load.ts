import { useCallback, useEffect, useState } from 'react';
import { ProblemError, type Problem } from './api';

export type Loaded<T> =
  | { state: 'loading' }
  | { state: 'failed'; problem: Problem }
  | { state: 'ready'; data: T };

export const asProblem = (error: unknown): Problem =>
  error instanceof ProblemError
    ? error.problem
    : { title: error instanceof Error ? error.message : String(error), status: 0 };

/** Runs a load when its inputs change; `reload` runs it again after an action. */
export function useLoad<T>(load: () => Promise<T>, inputs: readonly unknown[]) {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setLoaded({ state: 'loading' });
    load().then(
      (data) => current && setLoaded({ state: 'ready', data }),
      (error: unknown) => current && setLoaded({ state: 'failed', problem: asProblem(error) }),
    );
    return () => {
      current = false;
    };
    // The caller names the inputs the load depends on (the load itself is a fresh closure).
  }, [...inputs, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { loaded, reload };
}
