import { memberModule } from '@kopfed/member';
import type { ServiceModule } from '@kopfed/service-kit';

/**
 * The domain services the node serves, each under `/api/<name>/v1` with its OpenAPI
 * document. A service lands by adding its module here.
 */
export const SERVICE_MODULES: readonly ServiceModule[] = [memberModule];
