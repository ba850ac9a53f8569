import { randomBytes } from 'node:crypto';
import { SqliteKeyStore } from './key-store';
import { PersonVault } from './person-vault';
import type { PersonalData } from './personal-data';

const siti: PersonalData = {
  name: 'Siti Aminah',
  nik: '3374025708850002',
  birthDate: '1985-08-17',
  gender: 'female',
  address: { line: 'Jl. Pemuda 12', province: '33' },
  phone: '081234567890',
};

describe('PersonVault', () => {
  const keys = new SqliteKeyStore(':memory:');
  const vault = new PersonVault(keys, randomBytes(32));
  afterAll(() => keys.close());

  it('seals personal data so that neither name nor NIK appears, and opens it again', () => {
    const sealed = vault.seal('p-1', siti);
    expect(sealed).not.toContain('Siti');
    expect(sealed).not.toContain(siti.nik);
    expect(vault.open('p-1', sealed)).toEqual(siti);
  });

  it('uses a different ciphertext each time and refuses a blob moved to another person', () => {
    const a = vault.seal('p-2', siti);
    expect(vault.seal('p-2', siti)).not.toBe(a);
    vault.seal('p-3', siti);
    expect(() => vault.open('p-3', a)).toThrow();
  });

  it('makes every sealed copy unreadable once the person is erased', () => {
    const sealed = vault.seal('p-4', siti);
    expect(vault.erase('p-4')).toBe(true);
    expect(vault.open('p-4', sealed)).toBe('erased');
    expect(vault.isErased('p-4')).toBe(true);
  });

  it('never makes an erased person a key again, so data sealed after an erasure is refused', () => {
    vault.seal('p-8', siti);
    vault.erase('p-8');
    // A request under way when the erasure landed seals afterwards: no new key, a 409.
    expect(() => vault.seal('p-8', siti)).toThrow(
      expect.objectContaining({ code: 'person_erased', kind: 'conflict' }),
    );
    vault.ensureKeys(['p-8']);
    expect(() => vault.seal('p-8', siti)).toThrow(
      expect.objectContaining({ code: 'person_erased' }),
    );
    expect(vault.isErased('p-8')).toBe(true);
    // A person erased before any key was made is buried too.
    expect(vault.erase('p-9')).toBe(false);
    expect(() => vault.seal('p-9', siti)).toThrow(
      expect.objectContaining({ code: 'person_erased' }),
    );
  });

  it('zeroes the unwrapped key in memory when the person is erased', () => {
    vault.ensureKeys(['p-7']);
    vault.seal('p-7', siti);
    const cache = (vault as unknown as { cache: { get(id: string): Buffer | undefined } }).cache;
    const key = cache.get('p-7')!;
    expect(key.equals(Buffer.alloc(32))).toBe(false);
    vault.erase('p-7');
    expect(key.equals(Buffer.alloc(32))).toBe(true);
  });

  it('opens data it has just sealed for the read models only while the person has a key', () => {
    const sealed = vault.seal('p-5', siti);
    vault.seal('p-6', siti);
    expect(() => vault.openTrusted('p-6', sealed)).toThrow();
    expect(vault.openTrusted('p-5', vault.seal('p-5', siti))).toEqual(siti);
    const erasedAfterSealing = vault.seal('p-5', siti);
    vault.erase('p-5');
    expect(vault.openTrusted('p-5', erasedAfterSealing)).toBe('erased');
    expect(vault.openTrusted('p-5', sealed)).toBe('erased');
  });

  it('hashes a NIK per coop with the node secret', () => {
    expect(vault.nikHash('coop-a', siti.nik)).toBe(vault.nikHash('coop-a', siti.nik));
    expect(vault.nikHash('coop-b', siti.nik)).not.toBe(vault.nikHash('coop-a', siti.nik));
    expect(new PersonVault(keys, randomBytes(32)).nikHash('coop-a', siti.nik)).not.toBe(
      vault.nikHash('coop-a', siti.nik),
    );
    expect(vault.nikHash('coop-a', siti.nik)).not.toContain(siti.nik);
  });
});

describe('PersonVault data hashes and bulk keys', () => {
  const keys = new SqliteKeyStore(':memory:');
  const vault = new PersonVault(keys, randomBytes(32));
  afterAll(() => keys.close());

  it('hashes equal data equally whatever the field order, and differently per person', () => {
    const reordered = {
      phone: siti.phone,
      gender: siti.gender,
      address: siti.address,
      birthDate: siti.birthDate,
      nik: siti.nik,
      name: siti.name,
    } as PersonalData;
    expect(vault.dataHash('p-1', reordered)).toBe(vault.dataHash('p-1', siti));
    expect(vault.dataHash('p-2', siti)).not.toBe(vault.dataHash('p-1', siti));
    expect(vault.dataHash('p-1', { ...siti, phone: '0811111111' })).not.toBe(
      vault.dataHash('p-1', siti),
    );
  });

  it('creates many keys at once and keeps existing ones', () => {
    const sealed = vault.seal('bulk-1', siti);
    vault.ensureKeys(['bulk-1', 'bulk-2', 'bulk-3']);
    expect(vault.open('bulk-1', sealed)).toEqual(siti);
    expect(vault.isErased('bulk-3')).toBe(false);
  });

  it('keeps a key another vault stored, and caches only the keys it stored itself', () => {
    const master = randomBytes(32);
    const shared = new SqliteKeyStore(':memory:');
    const first = new PersonVault(shared, master);
    const second = new PersonVault(shared, master);
    const sealed = first.seal('shared-1', siti);
    second.ensureKeys(['shared-1', 'shared-2', 'shared-2']);
    expect(second.open('shared-1', sealed)).toEqual(siti);
    expect(first.open('shared-2', second.seal('shared-2', siti))).toEqual(siti);
    shared.close();
  });
});
