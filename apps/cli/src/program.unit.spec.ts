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
});
