export { ServiceHost, type HostOptions, type HostedService } from './service-host';
export { CoopTree } from './coop-tree';
export { msUntilJakartaMidnight, businessDateJustEnded } from './business-clock';
