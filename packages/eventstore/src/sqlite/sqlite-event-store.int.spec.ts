import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEventStoreConformance } from '../conformance/event-store-conformance';

describeEventStoreConformance({
  name: 'SQLite',
  contiguousPositions: true,
  fresh: () => ({
    url: `sqlite:${mkdtempSync(join(tmpdir(), 'kopfed-es-'))}`,
    service: 'conformance',
  }),
});
