import { mainAlone } from '@kopfed/host';
import { loadSettlementConfig } from './config';
import { settlementModule } from './module';

/** Runs the settlement service alone (the distributed deployment): its store, the bus, its API. */
mainAlone(loadSettlementConfig, { module: settlementModule, accessStore: 'access' });
