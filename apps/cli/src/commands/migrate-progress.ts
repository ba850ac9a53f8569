import type { CopyProgress } from './migrate-copy';

/** Redraws at most this often on a terminal; prints a line this often when stderr is a file. */
const TERMINAL_INTERVAL_MS = 100;
const LOG_INTERVAL_MS = 5_000;

export interface ProgressLine {
  update(progress: CopyProgress): void;
  done(progress: CopyProgress): void;
}

/**
 * A progress line on stderr: `member  ██████░░░░  61%  61,000/100,000 events  12,345/s`,
 * redrawn in place on a terminal, printed every few seconds when stderr is a log.
 */
export function progressLine(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
  now: () => number = Date.now,
): ProgressLine {
  const started = now();
  let drawn = 0;
  const terminal = stream.isTTY === true;
  const render = (p: CopyProgress) => {
    const fraction = p.head === 0 ? 1 : Math.min(1, p.position / p.head);
    const width = 20;
    const filled = Math.round(fraction * width);
    const seconds = Math.max((now() - started) / 1_000, 0.001);
    const rate = Math.round(p.copiedEvents / seconds);
    return (
      `${label.padEnd(12)} ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ` +
      `${String(Math.floor(fraction * 100)).padStart(3)}%  ` +
      `position ${p.position.toLocaleString('en')}/${p.head.toLocaleString('en')}  ` +
      `${p.copiedEvents.toLocaleString('en')} events copied  ${rate.toLocaleString('en')}/s`
    );
  };
  return {
    update(progress) {
      const interval = terminal ? TERMINAL_INTERVAL_MS : LOG_INTERVAL_MS;
      if (now() - drawn < interval) return;
      drawn = now();
      stream.write(terminal ? `\r${render(progress)}` : `${render(progress)}\n`);
    },
    done(progress) {
      stream.write(terminal ? `\r${render(progress)}\n` : `${render(progress)}\n`);
    },
  };
}
