import type { Server } from 'node:http';
import request, { type Response } from 'supertest';

/** A request as the suite builds it: path already filled in and percent-encoded. */
export interface RequestSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body?: { json: unknown } | { raw: string; contentType: string };
}

export function fillPath(
  template: string,
  encodedValues: Readonly<Record<string, string>>,
): string {
  return template.replace(/\{([^}]+)\}/g, (_match, name: string) => encodedValues[name] ?? 'x');
}

export async function send(server: Server, spec: RequestSpec, token?: string): Promise<Response> {
  const queryString = Object.entries(spec.query)
    .flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value]).map(
        (v) => `${encodeURIComponent(name)}=${encodeURIComponent(v)}`,
      ),
    )
    .join('&');
  const url = queryString ? `${spec.path}?${queryString}` : spec.path;
  let test = request(server)[spec.method](url);
  for (const [name, value] of Object.entries(spec.headers)) test = test.set(name, value);
  if (token !== undefined) test = test.set('Authorization', `Bearer ${token}`);
  if (spec.body && 'json' in spec.body)
    return test.set('Content-Type', 'application/json').send(JSON.stringify(spec.body.json));
  if (spec.body) return test.set('Content-Type', spec.body.contentType).send(spec.body.raw);
  return test;
}

/** What every error must look like: RFC 9457 problem details, no stack. */
export function problemViolation(response: Response): string | undefined {
  if (!/^application\/problem\+json/.test(response.headers['content-type'] ?? '')) {
    return `answered ${response.status} with content type ${String(response.headers['content-type'])}`;
  }
  const body = response.body as Record<string, unknown>;
  if (
    typeof body.type !== 'string' ||
    !body.type.startsWith('https://kopfed.dev/problems/') ||
    typeof body.title !== 'string' ||
    typeof body.detail !== 'string' ||
    body.status !== response.status
  ) {
    return `answered ${response.status} with a body that is not problem details: ${response.text.slice(0, 200)}`;
  }
  if (/\n\s+at .+\(.*:\d+:\d+\)/.test(response.text)) return 'sent a stack trace';
  return undefined;
}
