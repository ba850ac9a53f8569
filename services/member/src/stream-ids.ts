/** Stream names of the member service's aggregates: `<category>-<id>`. */
export const streams = {
  coop: (coopId: string) => `coop-${coopId}`,
  member: (memberId: string) => `member-${memberId}`,
  person: (personId: string) => `person-${personId}`,
  agreement: (agreementId: string) => `agreement-${agreementId}`,
  memberSync: (coopId: string) => `membersync-${coopId}`,
  /** What one sync batch answered for its items (see sync/batch-answers.ts). */
  memberBatch: (coopId: string, sequence: number) => `memberbatch-${coopId}-${sequence}`,
} as const;

/** The id part of a stream name. */
export function idOf(stream: string): string {
  return stream.slice(stream.indexOf('-') + 1);
}
