export { buildProgram } from './program';
export type { CommandModule } from './command-module';
