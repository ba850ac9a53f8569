/**
 * A progress line on stderr that rewrites itself in place (`\r`), for long CLI work. Drawn
 * only on a terminal, at most every 100 ms; `finish` clears it so the result starts clean.
 */
export class ProgressLine {
  private lastDrawMs = 0;
  private drawn = false;
  private readonly startedMs = Date.now();

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly enabled: boolean = process.stderr.isTTY === true,
  ) {}

  update(label: string, done: number, total: number, unit = 'events'): void {
    const now = Date.now();
    if (!this.enabled || (now - this.lastDrawMs < 100 && done < total)) return;
    this.lastDrawMs = now;
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const width = 24;
    const filled = Math.round(fraction * width);
    const rate = done / Math.max(0.001, (now - this.startedMs) / 1000);
    const line =
      `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(fraction * 100)}% ` +
      `${done.toLocaleString('en')}/${total.toLocaleString('en')} ${unit}, ${Math.round(rate).toLocaleString('en')}/s`;
    this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 120) - 1)}\u001b[K`);
    this.drawn = true;
  }

  finish(): void {
    if (this.drawn) this.stream.write('\r\u001b[K');
    this.drawn = false;
  }
}
