import type * as Program from './program';
import { buildProgram } from './program';

describe('kopfed CLI', () => {
  it('registers every command group and rejects an unknown command', async () => {
    const seen: string[] = [];
    const program = buildProgram([
      {
        name: 'demo',
        register: (p) => void p.command('demo').action(() => void seen.push('demo')),
      },
    ]);
    await program.parseAsync(['node', 'kopfed', 'demo']);
    expect(seen).toEqual(['demo']);
    const strict = buildProgram([]);
    strict.configureOutput({ writeErr: () => undefined });
    await expect(strict.parseAsync(['node', 'kopfed', 'nonsense'])).rejects.toThrow();
  });

  it('registers its commands without loading their work: each run loads its own command only', () => {
    // What the commands' work loads (the audit package, the event stores, every service's
    // projections, the sync agent): registering every command must load none of it.
    const work = [
      '@kopfed/audit',
      '@kopfed/eventstore',
      '@kopfed/node/src/audit/projection-sources',
      './sync/run/agent',
      './commands/migrate-run',
    ];
    jest.isolateModules(() => {
      for (const name of work)
        jest.doMock(name, () => {
          throw new Error(`${name} loaded to register the commands`);
        });
      const { buildProgram: build } = jest.requireActual<typeof Program>('./program');
      const program = build();
      expect(program.commands.map((c) => c.name())).toEqual(['audit', 'sync', 'migrate']);
      expect(program.commands[0]!.commands.map((c) => c.name())).toEqual([
        'verify',
        'replay',
        'export',
        'rebuild-check',
        'seal',
        'checkpoints',
        'keygen',
        'countersign',
        'prove',
        'check-proof',
      ]);
    });
  });
});
