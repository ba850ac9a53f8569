import { mainAlone } from '@kopfed/host';
import { loadConfig } from './config';
import { loanModule } from './module';

/** Runs the loan service alone (the distributed deployment): its store, the bus, its API. */
mainAlone(loadConfig, { module: loanModule, accessStore: 'loan-access' });
