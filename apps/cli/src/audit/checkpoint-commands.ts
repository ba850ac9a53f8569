import type { Command } from 'commander';
import type * as Checkpoints from './checkpoints';
import { checkpointNumberArgument } from './options';

// Loaded when the command runs (see CommandModule).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const work = (): typeof Checkpoints => require('./checkpoints') as typeof Checkpoints;

export function registerCheckpointCommands(audit: Command): void {
  audit
    .command('seal')
    .description(
      'Sign a checkpoint of every store now (the node also does this on its own, every minute)',
    )
    .option('--data-dir <dir>', 'the node’s data directory (default: KOPFED_DATA_DIR or ./data)')
    .action((options: Checkpoints.SealOptions) => work().seal(options));

  audit
    .command('checkpoints')
    .description(
      'Export every store’s signed checkpoints and their countersignatures as JSON, to keep outside the node',
    )
    .option('--data-dir <dir>', 'the node’s data directory (default: KOPFED_DATA_DIR or ./data)')
    .option('--store <name>', 'only this store')
    .option('--out <file>', 'write to this file instead of stdout')
    .action((options: Checkpoints.CheckpointsOptions) => work().exportCheckpoints(options));

  audit
    .command('keygen')
    .description(
      'Make an Ed25519 key for an auditor or a coop to countersign with: keep the seed, register the public key',
    )
    .option('--out <file>', 'write the seed to this file (mode 0600) instead of printing it')
    .action((options: Checkpoints.KeygenOptions) => work().keygen(options));

  audit
    .command('countersign')
    .description(
      'Countersign a checkpoint from an export with your key: prints the body for POST /api/audit/v1/countersignatures',
    )
    .requiredOption(
      '--export <file>',
      'the checkpoint export (kopfed audit checkpoints, or GET /api/audit/v1/checkpoints)',
    )
    .requiredOption('--store <name>', 'the store')
    .requiredOption('--sequence <n>', 'the checkpoint number', checkpointNumberArgument)
    .requiredOption('--key-file <file>', 'your seed (kopfed audit keygen --out)')
    .option('--node-key <keyId>', 'refuse unless the checkpoint is signed by this node key')
    .action((options: Checkpoints.CountersignOptions) => work().countersign(options));
}
