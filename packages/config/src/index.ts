export { ConfigError, type ConfigIssue } from './config-error';
export { loadEnv, WHOLE_ENVIRONMENT } from './load-env';
export {
  commonEnvironment,
  BUS_URL,
  EVENT_STORE_URL,
  LOG_LEVELS,
  type CommonEnvironment,
  type CommonSettingsOptions,
  type LogLevel,
} from './settings';
export { toCommonConfig, type CommonConfig } from './common-config';
