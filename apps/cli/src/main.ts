import { CommanderError } from 'commander';
import { FAILED } from './audit/options';
import { buildProgram } from './program';

// A reader that quits early (`kopfed audit verify | head`) closes the pipe: the rest of the
// output has nowhere to go, and the command still ends with its own exit code.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    if (error instanceof CommanderError) {
      // Commander has printed its own errors; a command's refusal or failed check is ours to say.
      if (error.code === FAILED) process.stderr.write(`${error.message}\n`);
      process.exit(error.exitCode);
    }
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
