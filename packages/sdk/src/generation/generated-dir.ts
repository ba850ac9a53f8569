import { resolve } from 'node:path';

/** Where the generated types live, one file per service, committed with the code. */
export const GENERATED_DIR = resolve(__dirname, '../generated');
