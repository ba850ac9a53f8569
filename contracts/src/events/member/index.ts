export * from './vocabulary';
export * from './coop-registered';
export * from './coop-status-changed';
export * from './coop-rat-held';
export * from './cooperation-agreement-signed';
export * from './member-joined';
export * from './member-left';
export * from './person-erased';
