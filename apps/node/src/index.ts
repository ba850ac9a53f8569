export {
  createNode,
  SERVICES,
  ACCESS,
  type FederationNode,
  type NodeOptions,
  type ServiceName,
  type StoreName,
} from './node';
export { SERVICE_MODULES } from './services';
export { loadConfig, ConfigError, type NodeConfig } from './config';
