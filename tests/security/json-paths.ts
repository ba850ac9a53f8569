/** A path into a JSON value: object keys and array indexes. */
export type Path = (string | number)[];

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function nodePaths(value: unknown, path: Path = [], depth = 0): Path[] {
  const paths: Path[] = [path];
  if (depth > 8) return paths;
  if (Array.isArray(value))
    value.forEach((item, i) => paths.push(...nodePaths(item, [...path, i], depth + 1)));
  else if (isPlainObject(value))
    for (const [key, item] of Object.entries(value))
      paths.push(...nodePaths(item, [...path, key], depth + 1));
  return paths;
}

export function at(value: unknown, path: Path): unknown {
  return path.reduce<unknown>(
    (node, key) => (node as Record<string | number, unknown> | undefined)?.[key],
    value,
  );
}

/** A copy of `value` with the node at `path` replaced (or removed, for undefined). */
export function setAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [key = '', ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...(value as unknown[])];
    copy[Number(key)] = setAt(copy[Number(key)], rest, replacement) ?? null;
    return copy;
  }
  const copy: Record<string, unknown> = { ...(isPlainObject(value) ? value : {}) };
  const child = setAt(copy[key], rest, replacement);
  if (child === undefined) delete copy[key];
  else copy[key] = child;
  return copy;
}
