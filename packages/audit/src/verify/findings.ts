/**
 * What `verify` found wrong with a store. The kinds say what happened to the history:
 *   altered    an event's bytes differ from what was sealed (or its index columns from its body)
 *   removed    an event that was sealed or checkpointed is gone
 *   inserted   an event is where no sealed batch put one
 *   reordered  an event sits at another place than the one it was sealed at
 *   signature  a checkpoint or countersignature does not hold, or its key is not registered
 */
export type FindingKind = 'altered' | 'removed' | 'inserted' | 'reordered' | 'signature';

export interface Finding {
  kind: FindingKind;
  store: string;
  /** Global position of the event concerned, when it can be told. */
  position: number | null;
  stream: string | null;
  revision: number | null;
  eventId: string | null;
  detail: string;
}

export type FindingInput = Omit<Finding, 'store' | 'stream' | 'revision' | 'eventId'> &
  Partial<Pick<Finding, 'stream' | 'revision' | 'eventId'>>;

/** A moved event also has a body that differs where it now sits: "reordered" says more. */
const KIND_ORDER: readonly FindingKind[] = [
  'reordered',
  'inserted',
  'removed',
  'altered',
  'signature',
];

/** Findings reported per store: the earliest matter, and one damaged store can produce millions. */
export const MAX_FINDINGS = 100;

export class FindingLog {
  private found: Finding[] = [];
  private total = 0;

  constructor(private readonly store: string) {}

  add(input: FindingInput): Finding {
    const finding: Finding = {
      store: this.store,
      stream: null,
      revision: null,
      eventId: null,
      ...input,
    };
    this.total += 1;
    this.found.push(finding);
    // Findings arrive out of log order (revisions are checked per stream): keep the earliest.
    if (this.found.length > 10 * MAX_FINDINGS) this.found = this.sorted();
    return finding;
  }

  /** Whether a finding was made at a position in [from, through]. */
  anyWithin(from: number, through: number): boolean {
    return this.found.some(
      (f) => f.position !== null && f.position >= from && f.position <= through,
    );
  }

  /** Every finding made, including those no longer kept. */
  get count(): number {
    return this.total;
  }

  /**
   * The earliest MAX_FINDINGS in log order; at one position, the finding that names a stream
   * first, then the one that says most about what happened (see KIND_ORDER).
   */
  sorted(): Finding[] {
    const ordered = [...this.found].sort(
      (a, b) =>
        (a.position ?? Number.MAX_SAFE_INTEGER) - (b.position ?? Number.MAX_SAFE_INTEGER) ||
        Number(b.stream !== null) - Number(a.stream !== null) ||
        KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind),
    );
    const seen = new Set<string>();
    return ordered
      .filter((f) => {
        const key = `${f.position ?? 'none'}|${f.kind}|${f.detail}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      })
      .slice(0, MAX_FINDINGS);
  }
}

/** One line for people: "altered: position 42, stream account-7, revision 3 — batch 17 …". */
export function describeFinding(f: Finding): string {
  const where = [
    f.position === null ? undefined : `position ${f.position}`,
    f.stream === null ? undefined : `stream ${f.stream}`,
    f.revision === null ? undefined : `revision ${f.revision}`,
    f.eventId === null ? undefined : `event ${f.eventId}`,
  ].filter((part) => part !== undefined);
  return `${f.kind}: ${where.length > 0 ? where.join(', ') : 'the store as a whole'} — ${f.detail}`;
}
