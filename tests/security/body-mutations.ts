import fc from 'fast-check';
import type { Candidate, Context } from './candidate';
import { at, isPlainObject, nodePaths, setAt, type Path } from './json-paths';
import type { RequestSpec } from './requests';

const BAD_MONEY: unknown[] = [
  '-1',
  '-1500000',
  '1.5',
  '1500000.50',
  '0.1',
  '1e6',
  ' 100',
  '',
  '+100',
  '0x10',
  '１２３',
  '9'.repeat(40),
  -1,
  1.5,
  1e21,
  'NaN',
];
const BAD_DATES: unknown[] = [
  '2026-02-30',
  '2026-13-01',
  '2026-00-10',
  '26-01-01',
  '2026/01/01',
  'yesterday',
  '2026-01-01T25:00:00Z',
  '2026-01-01T00:00:00',
  '',
  20260101,
  '2026-1-1',
  '9999-99-99T99:99:99Z',
];
const WRONG_TYPES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  '',
  'x',
  [],
  {},
  [1, 'a'],
  { nested: {} },
];
const BROKEN_JSON = [
  '{',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  '{a:1}',
  '[1,2',
  'NaN',
  'undefined',
  '{"a":01}',
  '{"a":"\\x"}',
  '{"a":1}{"b":2}',
  '// c\n{}',
  '{"a":tru}',
  '"unterminated',
  '['.repeat(10_000),
  'null',
];
const HUGE_LENGTHS = [300, 5_000, 70_000];
/** Over the kit's default body limit (1 MiB): refused before it is parsed. */
const OVER_LIMIT = 1_100_000;
const MONEY_KEY =
  /amount|minor|balance|limit|cap|fee|price|total|principal|interest|penalty|money/i;
const DATE_KEY = /date|at$|time|until|from|to$/i;

/** Broken bodies: bad JSON, wrong media types, and valid JSON broken at one place. */
export function bodyMutations(context: Context): fc.Arbitrary<Candidate>[] {
  const { operation, base } = context;
  const options: fc.Arbitrary<Candidate>[] = [brokenJson(base), wrongMediaType(base)];
  const json = base.body && 'json' in base.body ? base.body.json : undefined;
  if (operation.bodySchema !== undefined) {
    const nodes = nodePaths(json);
    const objects = nodes.filter((path) => isPlainObject(at(json, path)));
    const withKeys = objects.filter((path) => Object.keys(at(json, path) as object).length > 0);
    const leaves = nodes.filter((path) => path.length > 0);
    const pick = (paths: Path[], prefer?: RegExp) => {
      const preferred = prefer ? paths.filter((p) => prefer.test(String(p.at(-1)))) : [];
      return fc.constantFrom(...(preferred.length > 0 ? preferred : paths));
    };
    options.push(
      fc
        .tuple(pick(nodes), fc.constantFrom(...WRONG_TYPES))
        .map(([path, value]) => bodyCandidate('body:wrong-type', base, json, path, value)),
      fc
        .tuple(
          pick(objects),
          fc.string({ minLength: 1, maxLength: 30 }),
          fc.constantFrom(...WRONG_TYPES, 'x'),
        )
        .map(([path, key, value]) =>
          bodyCandidate('body:unknown-field', base, json, [...path, `${key}_extra`], value),
        ),
      fc
        .constantFrom<unknown>([1], 'text', 42, true, [])
        .map((value) => bodyCandidate('body:not-an-object', base, json, [], value)),
    );
    if (withKeys.length > 0) {
      options.push(
        pick(withKeys).chain((path) =>
          fc
            .constantFrom(...Object.keys(at(json, path) as object))
            .map((key) =>
              bodyCandidate('body:missing-field', base, json, [...path, key], undefined),
            ),
        ),
      );
    }
    if (leaves.length > 0) {
      options.push(
        fc
          .tuple(pick(leaves), fc.constantFrom(...HUGE_LENGTHS))
          .map(([path, n]) => bodyCandidate('body:huge-string', base, json, path, 'x'.repeat(n))),
        fc
          .tuple(pick(leaves, MONEY_KEY), fc.constantFrom(...BAD_MONEY))
          .map(([path, value]) => bodyCandidate('body:bad-money', base, json, path, value)),
        fc
          .tuple(pick(leaves, DATE_KEY), fc.constantFrom(...BAD_DATES))
          .map(([path, value]) => bodyCandidate('body:bad-date', base, json, path, value)),
      );
    }
    options.push(
      fc.constant({
        kind: 'body:over-limit',
        spec: {
          ...base,
          body: {
            raw: JSON.stringify({ x: 'x'.repeat(OVER_LIMIT) }),
            contentType: 'application/json',
          },
        },
        certain: true,
      }),
    );
    if (operation.bodyRequired)
      options.push(fc.constant({ kind: 'body:missing', spec: withoutBody(base), certain: true }));
  } else {
    options.push(
      fc.constantFrom<unknown>({}, { x: 1 }, [1]).map((value) => ({
        kind: 'body:unexpected',
        spec: { ...base, body: { json: value } },
        certain: true,
      })),
    );
  }
  return options;
}

function brokenJson(base: RequestSpec): fc.Arbitrary<Candidate> {
  const text = JSON.stringify(base.body && 'json' in base.body ? base.body.json : { a: 1 });
  const truncated = fc
    .integer({ min: 1, max: Math.max(1, text.length - 1) })
    .map((n) => text.slice(0, n));
  return fc.oneof(fc.constantFrom(...BROKEN_JSON), truncated).map((raw) => ({
    kind: 'body:broken-json',
    spec: { ...base, body: { raw, contentType: 'application/json' } },
    certain: true,
  }));
}

function wrongMediaType(base: RequestSpec): fc.Arbitrary<Candidate> {
  return fc
    .constantFrom(
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/xml',
      'multipart/form-data; boundary=x',
    )
    .map((contentType) => ({
      kind: 'body:media-type',
      spec: {
        ...base,
        body: {
          raw: base.body && 'json' in base.body ? JSON.stringify(base.body.json) : 'a=1',
          contentType,
        },
      },
      certain: true,
    }));
}

function bodyCandidate(
  kind: string,
  base: RequestSpec,
  json: unknown,
  path: Path,
  value: unknown,
): Candidate {
  return {
    kind,
    spec: { ...base, body: { json: setAt(json, path, value) } },
    certain: false,
    check: 'body',
  };
}

function withoutBody(base: RequestSpec): RequestSpec {
  const { body: _body, ...rest } = base;
  return rest;
}
