/** The time every service, store and the host see: it moves only when the scheduler moves it. */
export class VirtualClock {
  private nowMs: number;

  constructor(start: string) {
    this.nowMs = Date.parse(start);
    if (Number.isNaN(this.nowMs)) throw new Error(`VirtualClock: not an instant: ${start}`);
  }

  readonly now = (): Date => new Date(this.nowMs);

  /** Moves to 10:00 in Asia/Jakarta (03:00 UTC) on the next day: where every run begins. */
  nextMorning(): void {
    const day = 24 * 60 * 60 * 1000;
    const morning = Math.floor(this.nowMs / day) * day + day + 3 * 60 * 60 * 1000;
    this.nowMs = morning;
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`VirtualClock: time only moves forward (${ms} ms)`);
    this.nowMs += ms;
  }
}
