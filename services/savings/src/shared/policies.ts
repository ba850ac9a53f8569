/** A coop's own staff or system, its parent's treasurer, and the node's admin change a coop's savings. */
export const WRITE = {
  roles: ['coop', 'treasurer', 'admin'],
  coopScope: { pathParam: 'coopId' },
} as const;
/** Auditors read too, and change nothing. */
export const READ = {
  roles: ['coop', 'treasurer', 'auditor', 'admin'],
  coopScope: { pathParam: 'coopId' },
} as const;
