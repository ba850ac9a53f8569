import {
  AUDIT_STORE,
  checkInclusionProof,
  checkStreamProof,
  existingNodeCache,
  findStoreFiles,
  InclusionProof,
  ProofService,
  ReadOnlySqliteStore,
  SignersResponse,
  StreamProof,
} from '@kopfed/audit';
import { dataDirOf, failed, print, printJson, readJsonFile, readJsonFileAs } from './options';

export interface ProveOptions {
  event: string;
  checkpoint?: number;
  dataDir?: string;
}

export interface CheckProofOptions {
  trust: string[];
  signers?: string;
}

/** `kopfed audit prove`: an event's inclusion proof in a signed checkpoint, read-only. */
export async function prove(options: ProveOptions): Promise<void> {
  // Read-only: proving an event changes nothing in the node's files, or in a copy of them.
  const stores = new Map<string, ReadOnlySqliteStore>();
  try {
    for (const { name, file } of findStoreFiles(dataDirOf(options)))
      stores.set(name, new ReadOnlySqliteStore(file));
    const audit = stores.get(AUDIT_STORE);
    const proofs = new ProofService(stores, audit && existingNodeCache(audit.database));
    const location = await proofs.locate(options.event);
    if (!location) return failed(`no event ${options.event} in any store`);
    printJson(await proofs.inclusion(location.store, location.position, options.checkpoint));
  } finally {
    for (const store of stores.values()) await store.close();
  }
}

/** `kopfed audit check-proof`: an inclusion or stream proof checked offline; exit 1 if not. */
export function checkProof(file: string, options: CheckProofOptions): void {
  const json = readJsonFile(file);
  const trusted = options.trust.length > 0 ? options.trust : undefined;
  const revoked = options.signers ? revocationsIn(options.signers) : undefined;
  const inclusion = InclusionProof.safeParse(json);
  const stream = StreamProof.safeParse(json);
  const check = inclusion.success
    ? checkInclusionProof(inclusion.data, trusted, revoked)
    : stream.success
      ? checkStreamProof(stream.data, trusted, revoked)
      : { valid: false as const, reason: 'not an inclusion or stream proof' };
  if (!check.valid) return failed(`the proof does not hold: ${check.reason}`);
  print('the proof holds');
  // What a valid proof does not show (a page of the stream, a checkpoint signed before
  // stream heads were): the auditor must see it, not only the verdict.
  for (const warning of check.warnings ?? []) print(`warning: ${warning}`);
}

/** The keys a signer list says are revoked, with the instant from which each no longer counts. */
function revocationsIn(file: string): Map<string, string> {
  const { signers } = readJsonFileAs(
    file,
    'a signer list (GET /api/audit/v1/signers)',
    SignersResponse,
  );
  return new Map(
    signers.flatMap((s) => (s.revokedAt === null ? [] : [[s.keyId, s.revokedAt] as const])),
  );
}
