export { createNode, SERVICES, type FederationNode, type ServiceName } from './node';
export { loadConfig, ConfigError, type NodeConfig } from './config';
