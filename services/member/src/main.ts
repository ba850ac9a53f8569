import { mainAlone } from '@kopfed/host';
import { loadMemberConfig } from './config';
import { memberModule } from './module';

/** Runs the member service alone (the distributed deployment): its store, the bus, its API. */
mainAlone(loadMemberConfig, { module: memberModule, accessStore: 'member-access' });
