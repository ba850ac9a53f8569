import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '@kopfed/eventstore';
import { statementText } from '../checkpoints/checkpoint';
import { SqliteMerkleNodeCache } from '../checkpoints/node-cache';
import { signingKeyFromSeed } from '../keys/ed25519';
import { buildSampleStores, SAMPLE_SEED } from '../testing/sample-stores';
import { ProofUnavailableError } from './inclusion-prover';
import { checkInclusionProof, checkStreamProof, type StreamProof } from './proof-format';
import { ProofService } from './proof-service';

let dataDir: string;
let ledger: SqliteEventStore;
let audit: SqliteEventStore;
let proofs: ProofService;
const nodeKey = signingKeyFromSeed(SAMPLE_SEED);
const nodeKeyId = nodeKey.keyId;

/** The proof as a node gave it before checkpoints signed the stream heads: no root, no head. */
function olderKindOf({ head: _head, ...proof }: StreamProof): StreamProof {
  const { streamHeadsRoot: _root, ...statement } = proof.checkpoint.statement;
  const signature = {
    ...proof.checkpoint.signature,
    value: nodeKey.sign(statementText(statement)),
  };
  return { ...proof, checkpoint: { statement, signature } };
}

beforeAll(async () => {
  // 300 appends: past 256 events, so proofs use cached subtrees as well as hashed leaves.
  ({ dataDir } = await buildSampleStores(300, 10));
  ledger = new SqliteEventStore({ file: join(dataDir, 'ledger.db') });
  audit = new SqliteEventStore({ file: join(dataDir, 'audit.db') });
  proofs = new ProofService(
    new Map([['ledger', ledger]]),
    new SqliteMerkleNodeCache(audit.database),
  );
});
afterAll(async () => {
  await ledger.close();
  await audit.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('inclusion and stream proofs', () => {
  it('proves events by id against the first checkpoint covering them, checkable with the proof alone', async () => {
    const head = await ledger.headPosition();
    for (const position of [1, 2, 255, 256, 257, 511, 598, head - 1]) {
      const [event] = await ledger.readAll({ after: position - 1, maxCount: 1 });
      const location = await proofs.locate(event!.id);
      expect(location).toMatchObject({ store: 'ledger', position, coopId: 'ksp-sejahtera' });
      const proof = await proofs.inclusion('ledger', position);
      expect(proof.checkpoint.statement.lastPosition).toBeGreaterThanOrEqual(position);
      expect(checkInclusionProof(proof, [nodeKeyId])).toEqual({ valid: true });
    }
  });

  it('finds nothing wrong with a proof only when nothing in it was changed', async () => {
    const proof = await proofs.inclusion('ledger', 300);
    const text = proof.canonicalText.replace('setoran', 'setorin');
    expect(checkInclusionProof({ ...proof, canonicalText: text }).valid).toBe(false);
    expect(checkInclusionProof({ ...proof, position: 301 }).valid).toBe(false);
    const bent = [...proof.auditPath];
    bent[2] = '0'.repeat(64);
    expect(checkInclusionProof({ ...proof, auditPath: bent }).valid).toBe(false);
    const statement = {
      ...proof.checkpoint.statement,
      lastPosition: proof.checkpoint.statement.lastPosition + 1,
    };
    expect(
      checkInclusionProof({
        ...proof,
        treeSize: statement.lastPosition,
        checkpoint: { ...proof.checkpoint, statement },
      }).valid,
    ).toBe(false);
    expect(checkInclusionProof({ ...proof, store: 'savings' })).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/ledger/),
    });
    expect(checkInclusionProof(proof, ['0'.repeat(32)])).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/not trusted/),
    });
  });

  it('refuses a checkpoint signed by a key revoked by then, and holds one signed before', async () => {
    const proof = await proofs.inclusion('ledger', 300);
    const { signedAt } = proof.checkpoint.statement;
    const { keyId } = proof.checkpoint.signature;
    const at = (ms: number) => new Date(Date.parse(signedAt) + ms).toISOString();
    expect(checkInclusionProof(proof, undefined, new Map([[keyId, at(0)]]))).toEqual({
      valid: false,
      reason: `the checkpoint was signed at ${signedAt} by ${keyId}, revoked from ${at(0)}: it does not count`,
    });
    expect(checkInclusionProof(proof, undefined, new Map([[keyId, at(1)]]))).toEqual({
      valid: true,
    });
    // Another key's revocation is nothing to this checkpoint.
    expect(checkInclusionProof(proof, undefined, new Map([['0'.repeat(32), at(-1)]]))).toEqual({
      valid: true,
    });
  });

  it('proves against a named later checkpoint, and says when none covers the event yet', async () => {
    const proof = await proofs.inclusion('ledger', 5, 2);
    expect(proof.checkpoint.statement.sequence).toBe(2);
    expect(checkInclusionProof(proof).valid).toBe(true);
    const head = await ledger.headPosition();
    await expect(proofs.inclusion('ledger', head)).rejects.toThrow(ProofUnavailableError);
    await expect(proofs.inclusion('ledger', 5, 9)).rejects.toThrow(/no checkpoint 9/);
  });

  it('takes large subtrees from the node cache, and proves the same from the events alone', async () => {
    const cache = new SqliteMerkleNodeCache(audit.database);
    const hits: string[] = [];
    const spy = {
      get: (store: string, level: number, index: number) => {
        const node = cache.get(store, level, index);
        if (node) hits.push(`${level}/${index}`);
        return node;
      },
      put: () => undefined,
    };
    const cached = await new ProofService(new Map([['ledger', ledger]]), spy).inclusion(
      'ledger',
      257,
    );
    expect(hits).toContain('8/0');
    const bare = new ProofService(new Map([['ledger', ledger]]));
    expect(await bare.inclusion('ledger', 257)).toEqual(cached);
  });

  it('gives a stream’s events up to a checkpoint with their proofs, in revision order', async () => {
    const proof = await proofs.stream('ledger', 'account-3', { sequence: 1 });
    expect(proof.complete).toBe(true);
    expect(proof.events.length).toBeGreaterThan(100);
    expect(proof.events.every((e) => e.position <= proof.checkpoint.statement.lastPosition)).toBe(
      true,
    );
    expect(checkStreamProof(proof, [nodeKeyId])).toEqual({ valid: true });
    const page = await proofs.stream('ledger', 'account-3', {
      sequence: 1,
      fromRevision: 10,
      maxEvents: 5,
    });
    expect(page).toMatchObject({ fromRevision: 10, complete: false });
    expect(checkStreamProof(page).valid).toBe(true);
    const gap = { ...proof, events: proof.events.filter((_, i) => i !== 3) };
    expect(checkStreamProof(gap)).toMatchObject({ valid: false, reason: 'revision 3 is missing' });
    expect(checkStreamProof({ ...proof, store: 'savings' }).valid).toBe(false);
  });

  it('finds a stream proof with its last events dropped, against the head its checkpoint signed', async () => {
    const proof = await proofs.stream('ledger', 'account-3', { sequence: 1 });
    const head = proof.head!;
    const last = JSON.parse(proof.events.at(-1)!.canonicalText) as { revision: number };
    expect(head).toMatchObject({ lastRevision: last.revision, index: expect.any(Number) });
    expect(head.lastPosition).toBe(proof.events.at(-1)!.position);

    const shortened = { ...proof, events: proof.events.slice(0, -1) };
    expect(checkStreamProof(shortened, [nodeKeyId])).toEqual({
      valid: false,
      reason: `the proof ends at revision ${last.revision - 1}, but account-3 reached revision ${last.revision} at checkpoint 1 of ledger: its last 1 event(s) are missing`,
    });
    expect(checkStreamProof({ ...proof, events: [] }).valid).toBe(false);
    // Passed off as a page, it holds, and says it is not the whole stream.
    expect(checkStreamProof({ ...shortened, complete: false })).toEqual({
      valid: true,
      warnings: [expect.stringMatching(/not the whole stream/)],
    });
    // Nor can the head be dropped, moved back, or taken from another stream.
    const { head: _dropped, ...headless } = shortened;
    expect(checkStreamProof(headless)).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/gives none for account-3/),
    });
    const movedBack = {
      ...head,
      lastRevision: last.revision - 1,
      lastPosition: shortened.events.at(-1)!.position,
    };
    expect(checkStreamProof({ ...shortened, head: movedBack })).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/is not the one checkpoint 1 of ledger signed/),
    });
    const other = await proofs.stream('ledger', 'account-4', { sequence: 1 });
    expect(checkStreamProof({ ...shortened, head: other.head! }).valid).toBe(false);
  });

  it('still checks a proof of the older kind, saying it cannot show the stream is whole', async () => {
    const older = olderKindOf(await proofs.stream('ledger', 'account-3', { sequence: 1 }));
    const warning = expect.stringMatching(
      /checkpoint 1 of ledger was signed before checkpoints signed the streams' heads: the proof cannot show that it holds the last events of account-3/,
    );
    expect(checkStreamProof(older, [nodeKeyId])).toEqual({ valid: true, warnings: [warning] });
    // Its last events can be dropped unseen: the very gap the stream heads close.
    const shortened = { ...older, events: older.events.slice(0, -1) };
    expect(checkStreamProof(shortened, [nodeKeyId])).toEqual({ valid: true, warnings: [warning] });
    // A current proof cannot pass for one of the older kind: its root is in the signed text.
    const current = await proofs.stream('ledger', 'account-3', { sequence: 1 });
    const { streamHeadsRoot: _root, ...stripped } = current.checkpoint.statement;
    const downgraded = { ...current, checkpoint: { ...current.checkpoint, statement: stripped } };
    expect(checkStreamProof(downgraded).valid).toBe(false);
  });

  it('gives no stream proof for a stream with no events in the checkpoint, nor past its head', async () => {
    await expect(proofs.stream('ledger', 'account-none', { sequence: 1 })).rejects.toThrow(
      /account-none has no events in checkpoint 1 of ledger/,
    );
    const { head } = await proofs.stream('ledger', 'account-3', { sequence: 1 });
    const tail = await proofs.stream('ledger', 'account-3', {
      sequence: 1,
      fromRevision: head!.lastRevision + 1,
    });
    expect(tail.events).toEqual([]);
    expect(checkStreamProof(tail)).toEqual({
      valid: true,
      warnings: [expect.stringMatching(/starts at revision/)],
    });
    await expect(
      proofs.stream('ledger', 'account-3', { sequence: 1, fromRevision: head!.lastRevision + 2 }),
    ).rejects.toThrow(ProofUnavailableError);
  });
});
