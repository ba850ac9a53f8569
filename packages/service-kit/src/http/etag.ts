import { HttpProblem } from '../problem/problem';

/**
 * ETags of aggregate resources are the stream revision as a strong tag: `"7"`. A client sends
 * it back in `If-Match`; the handler passes the revision to handleCommand as expectedRevision,
 * and a stream that has moved on answers 412.
 */
export function formatEtag(revision: number): string {
  return `"${revision}"`;
}

export type IfMatch =
  | { kind: 'absent' }
  /** `*`: any current representation; handlers of existing aggregates answer 404 otherwise. */
  | { kind: 'any' }
  | { kind: 'revision'; revision: number };

const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;
const REVISION = /^(0|[1-9]\d{0,14})$/;
/** Bounds the work a hostile header can cause. */
const MAX_TAGS = 32;

/**
 * Parses `If-Match` (RFC 9110 §13.1.1). A malformed header is a 400; a well-formed tag that is
 * not one of ours (a weak tag, or not a revision) can never match, so it is a 412 at once.
 */
export function parseIfMatch(header: string | undefined): IfMatch {
  if (header === undefined) return { kind: 'absent' };
  const value = header.trim();
  if (value === '*') return { kind: 'any' };
  const tags = value.split(',').map((tag) => tag.trim());
  if (tags.length > MAX_TAGS || tags.some((tag) => !ENTITY_TAG.test(tag))) {
    throw new HttpProblem('bad-request', 'If-Match must be * or a list of entity tags like "3".', {
      errors: [{ in: 'header', parameter: 'If-Match', detail: 'not an entity tag list' }],
    });
  }
  const revisions = new Set<number>();
  for (const tag of tags) {
    const [, weak, opaque = ''] = ENTITY_TAG.exec(tag) ?? [];
    // If-Match compares strongly: a weak tag matches nothing.
    if (weak === undefined && REVISION.test(opaque)) revisions.add(Number(opaque));
  }
  const [revision, ...others] = revisions;
  if (revision === undefined) {
    throw new HttpProblem('precondition-failed', 'No entity tag in If-Match is current.');
  }
  if (others.length > 0) {
    throw new HttpProblem('bad-request', 'Send one entity tag in If-Match.', {
      errors: [{ in: 'header', parameter: 'If-Match', detail: 'more than one entity tag' }],
    });
  }
  return { kind: 'revision', revision };
}
