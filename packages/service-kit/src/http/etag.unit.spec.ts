import { HttpProblem } from '../problem/problem';
import { formatEtag, parseIfMatch } from './etag';

describe('ETag and If-Match', () => {
  it('formats a revision as a strong tag and reads it back', () => {
    expect(formatEtag(7)).toBe('"7"');
    expect(parseIfMatch(formatEtag(7))).toEqual({ kind: 'revision', revision: 7 });
    expect(parseIfMatch(undefined)).toEqual({ kind: 'absent' });
    expect(parseIfMatch(' * ')).toEqual({ kind: 'any' });
    expect(parseIfMatch('"x", "3"')).toEqual({ kind: 'revision', revision: 3 });
  });

  const problem = (header: string) => {
    try {
      parseIfMatch(header);
    } catch (error) {
      return error instanceof HttpProblem ? error.status : 'other';
    }
    return 'none';
  };

  it.each([
    ['3', 400],
    ['"3', 400],
    ['"3", "4"', 400],
    ['W/"3"', 412],
    ['"abc"', 412],
    ['"03"', 412],
    ['"99999999999999999"', 412],
  ])('answers If-Match %s with %s', (header, status) => {
    expect(problem(header)).toBe(status);
  });
});
