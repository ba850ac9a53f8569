import { registerCheckpointCommands } from '../audit/checkpoint-commands';
import { registerProofCommands } from '../audit/proof-commands';
import { registerRebuildCheck } from '../audit/rebuild-command';
import { registerVerify } from '../audit/verify-command';
import type { CommandModule } from '../command-module';

/**
 * `kopfed audit …`: tamper evidence for auditors — verify, rebuild-check, seal, checkpoints,
 * keygen, countersign, prove, check-proof. Replay of the books, export and period close come
 * with the settlement service's books.
 */
export const auditCommands: CommandModule = {
  name: 'audit',
  register(program) {
    const audit = program
      .command('audit')
      .description(
        'Verify the stores’ history, rebuild-check projections, sign and countersign checkpoints, prove events',
      );
    registerVerify(audit);
    registerRebuildCheck(audit);
    registerCheckpointCommands(audit);
    registerProofCommands(audit);
  },
};
