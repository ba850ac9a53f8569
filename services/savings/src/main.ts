import { mainAlone } from '@kopfed/host';
import { loadSavingsConfig } from './config';
import { savingsModule } from './module';

/** Runs the savings service alone (the distributed deployment): its store, the bus, its API. */
mainAlone(loadSavingsConfig, { module: savingsModule, accessStore: 'access' });
