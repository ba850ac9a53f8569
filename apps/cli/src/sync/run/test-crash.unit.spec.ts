import { armTestCrash, crashIfArmed, parseTestCrash, testCrashLine } from './test-crash';

describe('the test crash point (test only)', () => {
  afterEach(() => armTestCrash(undefined));

  it('reads answered:<batch> and recorded:<batch>, and refuses anything else loudly', () => {
    expect(parseTestCrash('answered:7')).toEqual({ moment: 'answered', batch: 7 });
    expect(parseTestCrash('recorded:120')).toEqual({ moment: 'recorded', batch: 120 });
    for (const text of [
      '',
      'answered',
      'answered:0',
      'answered:-1',
      'answered:2.5',
      'sent:3',
      ' recorded:3',
      'recorded:3 ',
    ])
      expect(() => parseTestCrash(text)).toThrow('KOPFED_TEST_SYNC_CRASH');
  });

  it('crashes at the armed moment and batch only, and not at all unless armed', () => {
    const crashes: string[] = [];
    const everyMoment = () => {
      for (let batch = 1; batch <= 5; batch++) {
        crashIfArmed('answered', batch);
        crashIfArmed('recorded', batch);
      }
    };
    everyMoment();
    expect(crashes).toEqual([]);
    const point = { moment: 'answered', batch: 3 } as const;
    armTestCrash(point, () => crashes.push(testCrashLine(point)));
    everyMoment();
    expect(crashes).toEqual(['kopfed sync: test crash: batch 3 answered']);
  });
});
