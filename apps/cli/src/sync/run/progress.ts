/** What the progress line shows. */
export interface ProgressCounts {
  rows: number;
  totalRows: number;
  batches: number;
  totalBatches: number;
  rejected: number;
  retries: number;
}

const REDRAW_MS = 100;
const LOG_EVERY_MS = 2_000;

/**
 * A progress line on stderr: redrawn in place on a terminal, a plain line now and then when
 * stderr is a file or a pipe (logs stay readable).
 */
export class Progress {
  private last = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly label: string,
    private readonly enabled: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  update(counts: ProgressCounts, final = false): void {
    if (!this.enabled) return;
    const now = this.now();
    const tty = this.stream.isTTY === true;
    if (!final && now - this.last < (tty ? REDRAW_MS : LOG_EVERY_MS)) return;
    this.last = now;
    const line = render(this.label, counts);
    this.stream.write(tty ? `\r\x1b[2K${line}${final ? '\n' : ''}` : `${line}\n`);
  }
}

export function render(label: string, c: ProgressCounts): string {
  const width = 24;
  const share = c.totalBatches === 0 ? 1 : c.batches / c.totalBatches;
  const filled = Math.round(share * width);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
  return `${label} [${bar}] ${Math.floor(share * 100)}% rows ${c.rows}/${c.totalRows} · batches ${c.batches}/${c.totalBatches} · rejected ${c.rejected} · retries ${c.retries}`;
}
