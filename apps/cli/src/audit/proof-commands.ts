import type { Command } from 'commander';
import { checkpointNumberArgument } from './options';
import type * as Proofs from './proofs';

// Loaded when the command runs (see CommandModule).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const work = (): typeof Proofs => require('./proofs') as typeof Proofs;

export function registerProofCommands(audit: Command): void {
  audit
    .command('prove')
    .description(
      'Print the inclusion proof of an event in a signed checkpoint (checkable offline with check-proof)',
    )
    .requiredOption('--event <id>', 'the event id')
    .option(
      '--checkpoint <n>',
      'prove against this checkpoint (default: the first covering the event)',
      checkpointNumberArgument,
    )
    .option('--data-dir <dir>', 'the node’s data directory (default: KOPFED_DATA_DIR or ./data)')
    .action((options: Proofs.ProveOptions) => work().prove(options));

  audit
    .command('check-proof')
    .description(
      'Check an inclusion or stream proof with nothing but the proof (and the node keys you trust); exit 1 if it fails',
    )
    .argument('<file>', 'the proof, as JSON')
    .option(
      '--trust <keyId>',
      'a node key id to trust; repeatable (default: any key whose signature holds)',
      (id: string, ids: string[]) => [...ids, id],
      [],
    )
    .option(
      '--signers <file>',
      "the node's signer list (the answer of GET /api/audit/v1/signers): a checkpoint signed by a key revoked by then does not hold",
    )
    .action((file: string, options: Proofs.CheckProofOptions) => work().checkProof(file, options));
}
