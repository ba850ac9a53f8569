/**
 * The settlement service's integration events: one file per event (see ../member for the pattern),
 * each listed here. The catalog takes them from this list.
 */
export const SETTLEMENT_EVENTS = [] as const;
