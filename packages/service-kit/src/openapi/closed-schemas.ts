/** A JSON Schema (2020-12, as OpenAPI 3.1 uses) seen as plain data. */
type Schema = { [keyword: string]: unknown };

const MAX_NODES = 10_000;

/**
 * JSON pointers of the object schemas in `schema` that accept fields they do not name. Request
 * schemas must have none, so an unknown field is a 400 rather than silently dropped. Refs are
 * resolved against `root` (the OpenAPI document).
 */
export function openObjects(schema: unknown, root: unknown, at = ''): string[] {
  const open: string[] = [];
  const seenRefs = new Set<string>();
  const stack: { node: unknown; pointer: string }[] = [{ node: schema, pointer: at }];
  for (let visited = 0; visited < MAX_NODES; visited++) {
    const next = stack.pop();
    if (!next) break;
    const { node, pointer } = next;
    if (!isSchema(node)) continue;
    const ref = node.$ref;
    if (typeof ref === 'string') {
      if (!seenRefs.has(ref)) {
        seenRefs.add(ref);
        stack.push({ node: resolveRef(root, ref), pointer: ref });
      }
      continue;
    }
    if (isObjectSchema(node) && takesUnnamedFields(node)) open.push(pointer || '/');
    for (const [keyword, value] of Object.entries(node)) {
      for (const [suffix, child] of children(keyword, value)) {
        stack.push({ node: child, pointer: `${pointer}/${keyword}${suffix}` });
      }
    }
  }
  return open;
}

function children(keyword: string, value: unknown): [string, unknown][] {
  switch (keyword) {
    case 'properties':
    case 'patternProperties':
    case '$defs':
      return isSchema(value) ? Object.entries(value).map(([k, v]) => [`/${k}`, v]) : [];
    case 'items':
    case 'additionalProperties':
    case 'not':
    case 'contains':
      return [['', value]];
    case 'prefixItems':
    case 'allOf':
    case 'anyOf':
    case 'oneOf':
      return Array.isArray(value) ? value.map((v, i) => [`/${i}`, v]) : [];
    default:
      return [];
  }
}

/**
 * Whether an object schema takes fields it does not name: no additionalProperties at all, or,
 * beside named properties, any value whatever (`{}` or `true`: a z.looseObject or a catchall of
 * unknown). A map (additionalProperties without named properties) is meant to take any name.
 */
function takesUnnamedFields(node: Schema): boolean {
  const extra = node.additionalProperties;
  if (extra === undefined) return node.unevaluatedProperties !== false;
  const anything = extra === true || (isSchema(extra) && Object.keys(extra).length === 0);
  return anything && isSchema(node.properties);
}

function isSchema(node: unknown): node is Schema {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

function isObjectSchema(node: Schema): boolean {
  const type = node.type;
  return (
    type === 'object' ||
    (Array.isArray(type) && type.includes('object')) ||
    isSchema(node.properties)
  );
}

/** Resolves a local ref such as `#/components/schemas/Money`. */
export function resolveRef(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = isSchema(node) ? node[key] : undefined;
  }
  return node;
}
