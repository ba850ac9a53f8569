import { registerCheckpointCommands } from '../audit/checkpoint-commands';
import { registerProofCommands } from '../audit/proof-commands';
import { registerRebuildCheck } from '../audit/rebuild-command';
import { registerReplayCommands } from '../audit/replay-commands';
import { registerVerify } from '../audit/verify-command';
import type { CommandModule } from '../command-module';

/**
 * `kopfed audit …`: for auditors — verify, replay, export, rebuild-check, seal, checkpoints,
 * keygen, countersign, prove, check-proof.
 */
export const auditCommands: CommandModule = {
  name: 'audit',
  register(program) {
    const audit = program
      .command('audit')
      .description(
        'Verify the stores’ history, replay and export the books, rebuild-check projections, sign and countersign checkpoints, prove events',
      );
    registerVerify(audit);
    registerReplayCommands(audit);
    registerRebuildCheck(audit);
    registerCheckpointCommands(audit);
    registerProofCommands(audit);
  },
};
