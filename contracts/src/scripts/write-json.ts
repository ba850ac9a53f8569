import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { format, resolveConfig } from 'prettier';

/**
 * Writes JSON formatted as the repository's Prettier would, so `prettier --check` passes on
 * written files. With `exclusive`, fails instead of replacing an existing file.
 */
export async function writeJson(
  file: string,
  value: unknown,
  { exclusive = false }: { exclusive?: boolean } = {},
): Promise<void> {
  const config = (await resolveConfig(file)) ?? {};
  const text = await format(JSON.stringify(value), { ...config, filepath: file });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text, { flag: exclusive ? 'wx' : 'w' });
}
