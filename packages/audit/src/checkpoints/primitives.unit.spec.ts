import fc from 'fast-check';
import {
  canonicalEventText,
  computeSeal,
  GENESIS_SEAL,
  type SealableEvent,
} from '@kopfed/eventstore';
import { signingKeyFromSeed, verifySignature, keyIdOfPublicKey } from '../keys/ed25519';
import { decodeSeed } from '../keys/node-key';
import {
  CHECKPOINT_FORMAT,
  CheckpointStatement,
  signatureHolds,
  statementText,
  type CheckpointStatement as Statement,
} from './checkpoint';
import { FingerprintTable, fnv1a } from './fingerprints';
import { sealTexts } from './seal-chain';

const event = (position: number, memo: string): SealableEvent => ({
  position,
  stream: 'account-1',
  revision: position - 1,
  id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
  type: 'SavingsDeposited',
  schemaVersion: 1,
  recordedAt: '2026-08-01T03:00:00.000Z',
  businessDate: '2026-08-01',
  dataJson: JSON.stringify({ memo }),
  metadataJson: '{}',
});

const statement: Statement = {
  format: CHECKPOINT_FORMAT,
  store: 'member',
  sequence: 3,
  lastPosition: 120,
  lastBatch: {
    batch: 40,
    firstPosition: 118,
    lastPosition: 120,
    seal: 'a'.repeat(64),
    stream: 'member-1',
    firstRevision: 4,
  },
  merkleRoot: 'b'.repeat(64),
  fingerprintsDigest: 'c'.repeat(64),
  previous: 'd'.repeat(64),
  signedAt: '2026-08-01T04:00:00.000Z',
};

describe('audit primitives', () => {
  it('restates the event store seal chain exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), (memos) => {
        const events = memos.map((memo, i) => event(i + 1, memo));
        expect(sealTexts(GENESIS_SEAL, events.map(canonicalEventText))).toBe(
          computeSeal(GENESIS_SEAL, events),
        );
      }),
    );
  });

  it('signs with Ed25519 and refuses another text, another key or a malformed signature', () => {
    const key = signingKeyFromSeed(Buffer.alloc(32, 1));
    const other = signingKeyFromSeed(Buffer.alloc(32, 2));
    const signature = key.sign('hello');
    expect(verifySignature(key.publicKey, 'hello', signature)).toBe(true);
    expect(verifySignature(key.publicKey, 'hellO', signature)).toBe(false);
    expect(verifySignature(other.publicKey, 'hello', signature)).toBe(false);
    expect(verifySignature(key.publicKey, 'hello', signature.slice(1))).toBe(false);
    expect(verifySignature('not a key', 'hello', signature)).toBe(false);
    expect(keyIdOfPublicKey(key.publicKey)).toBe(key.keyId);
    expect(key.keyId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('reads seeds in base64 and base64url, and refuses anything but 32 bytes', () => {
    const seed = Buffer.alloc(32, 0xfb);
    expect(decodeSeed(seed.toString('base64'), 'x')).toEqual(seed);
    expect(decodeSeed(`${seed.toString('base64url')}\n`, 'x')).toEqual(seed);
    expect(() => decodeSeed('c2hvcnQ=', 'KOPFED_AUDIT_SIGNING_KEY')).toThrow(
      /KOPFED_AUDIT_SIGNING_KEY/,
    );
  });

  it('signs the statement text, in which every field counts', () => {
    expect(CheckpointStatement.parse(JSON.parse(statementText(statement)))).toEqual(statement);
    const key = signingKeyFromSeed(Buffer.alloc(32, 3));
    const signature = {
      keyId: key.keyId,
      publicKey: key.publicKey,
      value: key.sign(statementText(statement)),
    };
    expect(signatureHolds(statement, signature)).toBe(true);
    expect(signatureHolds({ ...statement, lastPosition: 121 }, signature)).toBe(false);
    expect(
      signatureHolds(
        { ...statement, lastBatch: { ...statement.lastBatch, stream: 'member-2' } },
        signature,
      ),
    ).toBe(false);
    expect(signatureHolds(statement, { ...signature, keyId: '0'.repeat(32) })).toBe(false);
  });

  it('signs the stream heads root when there is one, and the older text unchanged when not', () => {
    expect(statementText(statement)).not.toContain('streamHeadsRoot');
    expect(statementText(statement)).toContain(
      `"fingerprintsDigest":"${'c'.repeat(64)}","previous"`,
    );
    const withHeads = { ...statement, streamHeadsRoot: 'e'.repeat(64) };
    expect(CheckpointStatement.parse(JSON.parse(statementText(withHeads)))).toEqual(withHeads);
    const key = signingKeyFromSeed(Buffer.alloc(32, 3));
    const signature = {
      keyId: key.keyId,
      publicKey: key.publicKey,
      value: key.sign(statementText(withHeads)),
    };
    expect(signatureHolds(withHeads, signature)).toBe(true);
    expect(signatureHolds(statement, signature)).toBe(false);
    expect(signatureHolds({ ...withHeads, streamHeadsRoot: 'f'.repeat(64) }, signature)).toBe(
      false,
    );
  });

  it('finds fingerprints by position across checkpoints, and refuses ranges that do not fit', () => {
    const table = new FingerprintTable();
    const bytes = (n: number, id: string) => {
      const b = Buffer.alloc(8 * n);
      for (let i = 0; i < n; i++) {
        b.writeUInt32BE(1000 + i, 8 * i);
        b.writeUInt32BE(fnv1a(`${id}${i}`), 8 * i + 4);
      }
      return b;
    };
    expect(table.add(0, 3, bytes(3, 'a'))).toBe(true);
    expect(table.add(3, 5, bytes(2, 'b'))).toBe(true);
    expect(table.add(4, 6, bytes(2, 'c'))).toBe(false);
    expect(table.add(5, 6, bytes(2, 'c'))).toBe(false);
    expect(table.leafAt(1)).toBe(1000);
    expect(table.leafAt(5)).toBe(1001);
    expect(table.leafAt(6)).toBeUndefined();
    expect(table.idAt(4)).toBe(fnv1a('b0'));
    expect(table.positionOfId(fnv1a('a0'), 4, 10)).toBe(1);
    expect(table.coveredThrough).toBe(5);
  });
});
