import { Captured } from '../testing/captured';
import { Progress, render } from './progress';

const counts = { rows: 1_500, totalRows: 3_000, batches: 2, totalBatches: 4, rejected: 3, retries: 7 };

describe('the progress line', () => {
  it('shows rows, batches, rejected rows and retries with a bar', () => {
    expect(render('savings', counts)).toBe(
      'savings [############------------] 50% rows 1500/3000 · batches 2/4 · rejected 3 · retries 7',
    );
    expect(render('members', { ...counts, batches: 0, totalBatches: 0 })).toContain('[########################] 100%');
  });

  it('redraws in place on a terminal, at most every 100 ms, and always the final line', () => {
    let now = 0;
    const tty = Object.assign(new Captured(), { isTTY: true });
    const progress = new Progress(tty, 'members', true, () => now);
    now = 150;
    progress.update(counts);
    now = 200;
    progress.update({ ...counts, batches: 3 });
    progress.update({ ...counts, batches: 4 }, true);
    expect(tty.text.split('\r\x1b[2K')).toEqual(['', expect.stringContaining('batches 2/4'), expect.stringMatching(/batches 4\/4.*\n$/)]);
  });

  it('writes a plain line every 2 s to a log, and nothing when turned off', () => {
    let now = 0;
    const log = new Captured();
    const progress = new Progress(log, 'loans', true, () => now);
    for (now = 2_000; now <= 5_000; now += 500) progress.update(counts);
    expect(log.text.trim().split('\n')).toHaveLength(2);
    const off = new Captured();
    new Progress(off, 'loans', false).update(counts, true);
    expect(off.text).toBe('');
  });
});
