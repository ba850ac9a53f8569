import fc from 'fast-check';
import type { Candidate, Context } from './candidate';
import { isWrite, type Operation } from './operations';
import { fillPath, type RequestSpec } from './requests';

const BAD_PATH_VALUES = [
  '..',
  '.',
  ' ',
  '<script>',
  'ñandú',
  '-1',
  '1.5',
  'null',
  "' OR 1=1 --",
  'x'.repeat(300),
  'a/b',
];
const RAW_PATH_VALUES = ['%00', '%2F', '%20', '%E0%A4%A', '%'];
const BAD_QUERY_VALUES = [
  '',
  '-1',
  '1.5',
  'abc',
  '1e3',
  'x'.repeat(300),
  'true',
  '0',
  '99999999999',
  '%',
  '[]',
];
const UNKNOWN_QUERY = [
  'foo',
  'debug',
  'admin',
  '__proto__',
  'constructor',
  'coopId[]',
  'x'.repeat(100),
];

export function pathMutations({ operation, base, pathValues }: Context): fc.Arbitrary<Candidate>[] {
  const names = Object.keys(pathValues);
  if (names.length === 0) return [];
  const withParam = (name: string, encoded: string): RequestSpec => ({
    ...base,
    path: fillPath(operation.path, { ...pathValues, [name]: encoded }),
  });
  // Never empty: `/keys/` is another route (the list), not a malformed `/keys/{keyId}`.
  const values = fc.oneof(
    fc.constantFrom(...BAD_PATH_VALUES),
    fc.string({ minLength: 1, maxLength: 80 }),
  );
  return [
    fc.tuple(fc.constantFrom(...names), values).map(([name, value]) => ({
      kind: 'path:bad-value',
      spec: withParam(name, encodeURIComponent(value)),
      certain: false,
      check: { location: 'path' as const, name, value },
    })),
    fc.tuple(fc.constantFrom(...names), fc.constantFrom(...RAW_PATH_VALUES)).map(([name, raw]) => {
      const decoded = safeDecode(raw);
      return {
        kind: 'path:bad-encoding',
        spec: withParam(name, raw),
        certain: !decoded.ok,
        check: { location: 'path' as const, name, value: decoded.value },
      };
    }),
  ];
}

export function queryMutations({
  operation,
  base,
  validators,
}: Context): fc.Arbitrary<Candidate>[] {
  const declared = operation.parameters.filter((p) => p.in === 'query').map((p) => p.name);
  const mutations: fc.Arbitrary<Candidate>[] = [
    fc
      .tuple(fc.constantFrom(...UNKNOWN_QUERY), fc.constantFrom('1', 'true', ''))
      .filter(([name]) => !validators.declares('query', name))
      .map(([name, value]) => ({
        kind: 'query:unknown',
        spec: { ...base, query: { ...base.query, [name]: value } },
        certain: true,
      })),
  ];
  if (declared.length > 0) {
    mutations.push(
      fc
        .tuple(
          fc.constantFrom(...declared),
          fc.oneof(fc.constantFrom(...BAD_QUERY_VALUES), fc.string({ maxLength: 40 })),
        )
        .map(([name, value]) => ({
          kind: 'query:bad-value',
          spec: { ...base, query: { ...base.query, [name]: value } },
          certain: false,
          check: { location: 'query' as const, name, value },
        })),
      fc.constantFrom(...declared).map((name) => ({
        kind: 'query:repeated',
        spec: { ...base, query: { ...base.query, [name]: ['1', '2'] } },
        certain: true,
      })),
    );
  }
  return mutations;
}

export function headerMutations(
  operation: Operation,
  base: RequestSpec,
): fc.Arbitrary<Candidate>[] {
  const mutations: fc.Arbitrary<Candidate>[] = [];
  if (isWrite(operation)) {
    mutations.push(
      fc.constantFrom('has space', 'x'.repeat(256), 'ünïcode', '').map((key) => ({
        kind: 'header:idempotency-key',
        spec: { ...base, headers: { ...base.headers, 'Idempotency-Key': key } },
        certain: true,
      })),
    );
  }
  if (operation.parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'if-match')) {
    mutations.push(
      fc.constantFrom('zero', '"1', 'W/', '"a" "b"', '"abc"', 'W/"0"').map((value) => ({
        kind: 'header:if-match',
        spec: { ...base, headers: { ...base.headers, 'If-Match': value } },
        certain: true,
      })),
    );
  }
  return mutations;
}

function safeDecode(raw: string): { ok: boolean; value: string } {
  try {
    return { ok: true, value: decodeURIComponent(raw) };
  } catch {
    return { ok: false, value: raw };
  }
}
