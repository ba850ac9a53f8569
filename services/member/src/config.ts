import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The node's master key, from which every person key's wrapping key and the NIK hash secret
 * are derived: `KOPFED_MASTER_KEY` (32 bytes, base64), or a file created on first start
 * (mode 0600) beside the data. Losing it makes every person's data unreadable.
 */
export function loadMasterKey(env: NodeJS.ProcessEnv, file: string): Buffer {
  const fromEnv = env.KOPFED_MASTER_KEY;
  if (fromEnv !== undefined) {
    const key = Buffer.from(fromEnv, 'base64');
    if (key.length !== 32) throw new Error('KOPFED_MASTER_KEY: must be 32 bytes, base64-encoded');
    return key;
  }
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file}: not a 32-byte base64 master key`);
    return key;
  }
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}
