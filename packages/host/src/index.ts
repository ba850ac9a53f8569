export { ServiceHost, type HostOptions, type HostedService } from './service-host';
export { CoopTree } from './coop-tree';
export { msUntilJakartaMidnight, businessDateJustEnded } from './business-clock';
export { mainAlone, runServiceAlone, type AloneConfig, type AloneOptions } from './run-alone';
export { drainOnClose, SHUTDOWN_GRACE_MS } from './drain';
