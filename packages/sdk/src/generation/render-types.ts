import openapiTS, { astToString } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';
import { GENERATED_DIR } from './generated-dir';
import { documentSha256, stamped } from './stamp';

/**
 * The TypeScript types of one service's OpenAPI document (openapi-typescript 7), formatted
 * with the repository's Prettier settings so that `prettier --write` leaves them unchanged,
 * under a stamp naming the document they came from.
 */
export async function renderServiceTypes(service: string, document: object): Promise<string> {
  const ast = await openapiTS(JSON.stringify(document), {
    alphabetize: true,
    // A field with a default may be left out of a request; the SDK writes requests.
    defaultNonNullable: false,
    exportType: true,
    rootTypes: false,
  });
  const content = await formatTs(astToString(ast), `${GENERATED_DIR}/${service}.ts`);
  return stamped(`the ${service} service's OpenAPI document`, content, documentSha256(document));
}

/** Every generated file by name (`<service>.ts` and `index.ts`), from each service's document. */
export async function renderFiles(documents: Readonly<Record<string, object>>): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const [service, document] of Object.entries(documents)) {
    files.set(`${service}.ts`, await renderServiceTypes(service, document));
  }
  files.set('index.ts', await renderIndex(Object.keys(documents)));
  return files;
}

/** The generated folder's index: one namespace per service. */
export async function renderIndex(services: readonly string[]): Promise<string> {
  const lines = [...services].sort().map((service) => `export type * as ${service} from './${service}';`);
  const content = await formatTs(`${lines.join('\n')}\n`, `${GENERATED_DIR}/index.ts`);
  return stamped('the list of services', content);
}

async function formatTs(source: string, filepath: string): Promise<string> {
  const config = (await resolveConfig(filepath)) ?? {};
  return format(source, { ...config, filepath, parser: 'typescript' });
}
