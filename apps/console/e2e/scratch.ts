import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNode } from '@kopfed/node';
import { memberModule } from '@kopfed/member';
import { savingsModule } from '@kopfed/savings';
import { loanModule } from '@kopfed/loan';
import { settlementModule } from '@kopfed/settlement';
import { auditModule } from '@kopfed/audit';

async function main() {
  const t0 = Date.now();
  const node = await createNode({ dataDir: mkdtempSync(join(tmpdir(), 'kc-')), modules: [memberModule, savingsModule, loanModule, settlementModule, auditModule] });
  console.log('started in', Date.now() - t0, node.services.map(s=>s.name));
  await node.close();
}
main().catch((e) => { console.error(e); process.exit(1); });
