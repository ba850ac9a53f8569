import { Presets, SingleBar } from 'cli-progress';

/** Where the demo reports how far it is: a bar on a terminal, nothing in tests. */
export interface Progress {
  start(total: number): void;
  stage(name: string): void;
  tick(steps?: number): void;
  stop(): void;
}

export const silentProgress: Progress = {
  start: () => undefined,
  stage: () => undefined,
  tick: () => undefined,
  stop: () => undefined,
};

export function progressBar(stream: NodeJS.WriteStream = process.stderr): Progress {
  const bar = new SingleBar(
    {
      format: ' {bar} {percentage}% | {value}/{total} steps | {duration_formatted} | {stage}',
      hideCursor: true,
      stream,
      // Without a terminal (CI, a pipe) the bar still prints, once a few seconds.
      noTTYOutput: !stream.isTTY,
      notTTYSchedule: 5_000,
    },
    Presets.shades_classic,
  );
  let stage = '';
  return {
    start: (total) => bar.start(total, 0, { stage }),
    stage: (name) => {
      stage = name;
      bar.update({ stage });
    },
    tick: (steps = 1) => bar.increment(steps, { stage }),
    stop: () => bar.stop(),
  };
}
