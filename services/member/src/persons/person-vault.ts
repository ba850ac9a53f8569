import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { conflict } from '@kopfed/domain';
import type { KeyStore } from './key-store';
import { PersonalData } from './personal-data';
import { RandomPool } from './random-pool';

const SEALED_PREFIX = 'pd1';
const ALGORITHM = 'aes-256-gcm';
/** Person keys kept unwrapped in memory: enough for a sync batch and its read models. */
const KEY_CACHE_SIZE = 10_000;
/** Data just sealed, kept until the directory first opens it: two sync batches' worth. */
const JUST_SEALED_SIZE = 2_000;

/**
 * Seals and opens personal data with a key per person (AES-256-GCM, the person id as
 * associated data so a sealed blob cannot be moved to another person). Person keys are
 * stored wrapped by the node's master key. Erasing a person destroys the key: every sealed
 * copy, in events, read models and backups, stays unreadable for ever.
 */
export class PersonVault {
  private readonly wrappingKey: Buffer;
  private readonly nikKey: Buffer;
  private readonly dataKey: Buffer;
  /** Unwrapped person keys recently used (bounded; erasure evicts). A key leaving is zeroed. */
  private readonly cache = new LRUCache<string, Buffer>({
    max: KEY_CACHE_SIZE,
    dispose: (key) => key.fill(0),
  });
  private readonly random = new RandomPool();
  /**
   * Sealed blobs made moments ago and their data, so the directory projection, which opens
   * each one right after it is recorded, need not decrypt what this process just encrypted.
   * Memory only, bounded, and each entry goes at its first use.
   */
  private readonly justSealed = new LRUCache<string, { personId: string; data: PersonalData }>({
    max: JUST_SEALED_SIZE,
  });

  constructor(
    private readonly keys: KeyStore,
    masterKey: Buffer,
  ) {
    if (masterKey.length !== 32) throw new RangeError('the master key is 32 bytes');
    this.wrappingKey = Buffer.from(
      hkdfSync('sha256', masterKey, Buffer.alloc(0), 'kopfed person key wrapping', 32),
    );
    this.nikKey = Buffer.from(
      hkdfSync('sha256', masterKey, Buffer.alloc(0), 'kopfed nik hmac', 32),
    );
    this.dataKey = Buffer.from(
      hkdfSync('sha256', masterKey, Buffer.alloc(0), 'kopfed personal data hmac', 32),
    );
  }

  /**
   * A keyed hash of a NIK within a coop, for the uniqueness check: equal NIKs in one coop
   * hash equal, yet the hash reveals nothing without the node's secret.
   */
  nikHash(coopId: string, nik: string): string {
    return createHmac('sha256', this.nikKey).update(`${coopId}\u0000${nik}`).digest('base64url');
  }

  /**
   * A keyed hash of a person's data, so a resent sync item is recognised as unchanged
   * without sealing it again (a seal differs every time: it has a random IV).
   */
  dataHash(personId: string, data: PersonalData): string {
    return createHmac('sha256', this.dataKey)
      .update(`${personId}\u0000${canonical(data)}`)
      .digest('base64url');
  }

  /**
   * Creates the keys of many new persons in one write (bulk sync), and keeps them unwrapped
   * for the seals and read models that follow. A person who already has a key keeps it.
   * An erased person gets no key (the key store keeps their tombstone).
   */
  ensureKeys(personIds: readonly string[]): void {
    const fresh = [...new Set(personIds)]
      .filter((id) => !this.cache.has(id))
      .map((id) => [id, this.random.take(32)] as const);
    if (fresh.length === 0) return;
    const stored = this.keys.putManyIfAbsent(fresh.map(([id, key]) => [id, this.wrap(key)]));
    for (const [id, key] of fresh) if (stored.has(id)) this.cache.set(id, key);
  }

  /** Seals with the person's key, made on first use; an erased person gets none (409). */
  seal(personId: string, data: PersonalData): string {
    const key = this.personKey(personId, true);
    if (!key) throw conflict('person_erased', 'this person was erased');
    const iv = this.random.takeNonSecret(12);
    const cipher = createCipheriv(ALGORITHM, key, iv);
    cipher.setAAD(Buffer.from(personId, 'utf8'));
    const body = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()]);
    const sealed = [
      SEALED_PREFIX,
      iv.toString('base64url'),
      body.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
    ].join('.');
    this.justSealed.set(sealed, { personId, data });
    return sealed;
  }

  /** The person's data, or 'erased' when the key has been destroyed. */
  open(personId: string, sealed: string): PersonalData | 'erased' {
    const text = this.openText(personId, sealed);
    return text === null ? 'erased' : PersonalData.parse(JSON.parse(text));
  }

  /**
   * For read models that sealed the data themselves: the GCM tag already proves it is what
   * was sealed, so it is only parsed, not validated again.
   */
  openTrusted(personId: string, sealed: string): PersonalData | 'erased' {
    const recent = this.justSealed.get(sealed);
    if (recent) this.justSealed.delete(sealed);
    if (recent?.personId === personId && this.personKey(personId, false)) return recent.data;
    const text = this.openText(personId, sealed);
    return text === null ? 'erased' : (JSON.parse(text) as PersonalData);
  }

  /** The plaintext JSON, or null when the person's key has been destroyed. */
  private openText(personId: string, sealed: string): string | null {
    const key = this.personKey(personId, false);
    if (!key) return null;
    const [prefix, iv, body, tag] = sealed.split('.');
    if (prefix !== SEALED_PREFIX || !iv || !body || !tag)
      throw new Error('not sealed personal data');
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(personId, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(body, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }

  erase(personId: string): boolean {
    this.cache.delete(personId);
    const sealedForPerson = [...this.justSealed.entries()]
      .filter(([, recent]) => recent.personId === personId)
      .map(([sealed]) => sealed);
    for (const sealed of sealedForPerson) this.justSealed.delete(sealed);
    return this.keys.destroy(personId);
  }

  isErased(personId: string): boolean {
    return this.keys.get(personId) === undefined;
  }

  private personKey(personId: string, create: boolean): Buffer | undefined {
    const cached = this.cache.get(personId);
    if (cached) return cached;
    let wrapped = this.keys.get(personId);
    if (!wrapped && create)
      wrapped = this.keys.putIfAbsent(personId, this.wrap(this.random.take(32)));
    if (!wrapped) return undefined;
    const key = this.unwrap(wrapped);
    this.cache.set(personId, key);
    return key;
  }

  private wrap(key: Buffer): Buffer {
    const iv = this.random.takeNonSecret(12);
    const cipher = createCipheriv(ALGORITHM, this.wrappingKey, iv);
    const body = Buffer.concat([cipher.update(key), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  private unwrap(wrapped: Buffer): Buffer {
    const decipher = createDecipheriv(ALGORITHM, this.wrappingKey, wrapped.subarray(0, 12));
    decipher.setAuthTag(wrapped.subarray(12, 28));
    return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
  }
}

/** JSON with keys sorted, so equal data hashes equal whatever order the fields came in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(
      ([, v]) => v !== undefined,
    );
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
