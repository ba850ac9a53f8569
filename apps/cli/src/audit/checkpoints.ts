import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AUDIT_STORE,
  AuditStore,
  CHECKPOINT_EXPORT_FORMAT,
  CheckpointExport,
  decodeSeed,
  exportStoreCheckpoints,
  findStoreFiles,
  loadNodeSigningKey,
  newSeed,
  openReadOnly,
  readAuditRecords,
  SealingLoop,
  signatureHolds,
  signingKeyFromSeed,
  SqliteMerkleNodeCache,
  statementText,
} from '@kopfed/audit';
import { SqliteEventStore } from '@kopfed/eventstore';
import { dataDirOf, failed, print, printJson, readJsonFileAs } from './options';
import { isSqliteFile, isStreamPath, writeFileWhole } from './report-files';

export interface SealOptions {
  dataDir?: string;
}

export interface CheckpointsOptions {
  dataDir?: string;
  store?: string;
  out?: string;
}

export interface KeygenOptions {
  out?: string;
}

export interface CountersignOptions {
  export: string;
  store: string;
  sequence: number;
  keyFile: string;
  nodeKey?: string;
}

/** `kopfed audit seal`: a signed checkpoint of every store, now. */
export async function seal(options: SealOptions): Promise<void> {
  const dataDir = dataDirOf(options);
  const files = findStoreFiles(dataDir);
  // A mistyped directory must not get an audit store and a node signing key of its own.
  if (files.length === 0) failed(`no event stores in ${dataDir}: nothing to seal`);
  const stores = new Map<string, SqliteEventStore>();
  for (const { name, file } of files) stores.set(name, new SqliteEventStore({ file }));
  if (!stores.has(AUDIT_STORE))
    stores.set(AUDIT_STORE, new SqliteEventStore({ file: join(dataDir, `${AUDIT_STORE}.db`) }));
  const audit = stores.get(AUDIT_STORE)!;
  const loop = new SealingLoop({
    stores,
    audit: new AuditStore(audit),
    key: loadNodeSigningKey(dataDir, process.env),
    nodeCache: new SqliteMerkleNodeCache(audit.database),
  });
  try {
    for (const [store, sealed] of await loop.sealAll()) {
      const last = sealed[sealed.length - 1]?.statement;
      print(
        last
          ? `${store}: checkpoint ${last.sequence} through position ${last.lastPosition}, root ${last.merkleRoot}`
          : `${store}: nothing new to seal (or the running node holds the sealer's lease)`,
      );
    }
  } finally {
    await loop.stop();
    for (const store of stores.values()) await store.close();
  }
}

/** `kopfed audit checkpoints`: every store's signed checkpoints, as JSON to keep elsewhere. */
export function exportCheckpoints(options: CheckpointsOptions): void {
  const dataDir = dataDirOf(options);
  // A mistyped --out (data/audit.db for data/audit.json) would put the export in its place.
  if (options.out && isSqliteFile(options.out))
    failed(
      `${options.out} is a SQLite database (an event store?): not replacing it with the export`,
    );
  const all = findStoreFiles(dataDir);
  const files = all.filter((f) => !options.store || f.name === options.store);
  // An export of nothing, kept as the auditor's anchor, would hold the node to nothing.
  if (files.length === 0)
    failed(`no ${options.store ? `${options.store} store` : 'event stores'} in ${dataDir}`);
  const auditFile = all.find((f) => f.name === AUDIT_STORE);
  const records = auditFile ? readAuditRecords(auditFile) : undefined;
  const exported: CheckpointExport = {
    format: CHECKPOINT_EXPORT_FORMAT,
    exportedAt: new Date().toISOString(),
    stores: files.map(({ name, file }) => {
      const db = openReadOnly(file);
      try {
        return { store: name, checkpoints: exportStoreCheckpoints(name, db, records) };
      } finally {
        db.close();
      }
    }),
  };
  if (options.out) writeFileWhole(options.out, `${JSON.stringify(exported, null, 2)}\n`);
  else printJson(exported);
}

/** `kopfed audit keygen`: an Ed25519 seed to countersign with, and its public key. */
export function keygen(options: KeygenOptions): void {
  const seed = newSeed();
  const key = signingKeyFromSeed(decodeSeed(seed, 'seed'));
  if (options.out) {
    if (existsSync(options.out) && !isStreamPath(options.out))
      failed(`${options.out} exists: not overwriting a key`);
    writeFileWhole(options.out, `${seed}\n`, { mode: 0o600, exclusive: true });
  }
  printJson({ keyId: key.keyId, publicKey: key.publicKey, ...(options.out ? {} : { seed }) });
}

/** `kopfed audit countersign`: the body that countersigns one exported checkpoint. */
export function countersign(options: CountersignOptions): void {
  const exported = readJsonFileAs(
    options.export,
    'a checkpoint export (kopfed audit checkpoints)',
    CheckpointExport,
  );
  const found = exported.stores
    .find((s) => s.store === options.store)
    ?.checkpoints.find((c) => c.checkpoint.statement.sequence === options.sequence);
  if (!found) return failed(`the export has no checkpoint ${options.sequence} of ${options.store}`);
  const { statement, signature } = found.checkpoint;
  if (!signatureHolds(statement, signature))
    return failed('the node’s signature of this checkpoint does not hold');
  if (options.nodeKey && signature.keyId !== options.nodeKey)
    return failed(`signed by ${signature.keyId}, not by ${options.nodeKey}`);
  const key = signingKeyFromSeed(
    decodeSeed(readFileSync(options.keyFile, 'utf8'), options.keyFile),
  );
  printJson({
    store: options.store,
    sequence: options.sequence,
    keyId: key.keyId,
    signature: key.sign(statementText(statement)),
  });
}
