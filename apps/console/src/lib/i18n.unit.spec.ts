import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { en } from './i18n-en';
import { id } from './i18n-id';

/** Every literal key the screens ask for: t('…'). */
function keysUsed(dir: string): Set<string> {
  const keys = new Set<string>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) keysUsed(path).forEach((k) => keys.add(k));
    else if (name.endsWith('.tsx'))
      for (const m of readFileSync(path, 'utf8').matchAll(/\bt\('([^']+)'\)/g)) keys.add(m[1]!);
  }
  return keys;
}

describe('the console speaks Bahasa Indonesia and English', () => {
  it('has the same keys in both languages', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(id).sort());
  });

  it('translates every key a screen asks for', () => {
    const missing = [...keysUsed(join(__dirname, '..'))].filter((k) => !(k in id));
    expect(missing).toEqual([]);
  });

  it('has no empty translation', () => {
    expect(Object.entries({ ...id, ...en }).filter(([, v]) => v.trim() === '')).toEqual([]);
  });
});
