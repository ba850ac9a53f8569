/** RFC 9457 problem details, as every kopfed API answers a refusal. */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  code?: string;
  errors?: { pointer?: string; detail?: string; message?: string }[];
  [extension: string]: unknown;
}

export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

const asProblem = (status: number, body: unknown, statusText: string): Problem => {
  if (body && typeof body === 'object' && 'title' in body) {
    return { ...(body as Problem), status: (body as Problem).status ?? status };
  }
  return { title: statusText || `HTTP ${status}`, status };
};

/** A fresh key per user action; getRandomValues works on plain-http LAN nodes too. */
function idempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** A proxy's HTML error page is not a problem document: the status alone then explains it. */
function jsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export interface Api {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  /** The raw text of a GET (for downloads). */
  text(path: string): Promise<string>;
}

/** The public HTTP APIs, with the signed-in API key (none for the public page). */
export function createApi(apiKey: string | null): Api {
  const headers = (json: boolean): Record<string, string> => ({
    Accept: 'application/json, application/problem+json',
    ...(json ? { 'Content-Type': 'application/json' } : {}),
    ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}),
  });
  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    const init: RequestInit = { method, headers: headers(body !== undefined) };
    if (body !== undefined) init.body = JSON.stringify(body);
    if (method === 'POST') {
      (init.headers as Record<string, string>)['Idempotency-Key'] = idempotencyKey();
    }
    const response = await fetch(path, init);
    if (!response.ok) {
      const parsed = jsonOrNull(await response.text());
      throw new ProblemError(asProblem(response.status, parsed, response.statusText));
    }
    return response;
  }
  return {
    async get<T>(path: string) {
      return (await (await call('GET', path)).json()) as T;
    },
    async post<T>(path: string, body?: unknown) {
      return (await (await call('POST', path, body)).json()) as T;
    },
    async text(path: string) {
      return (await call('GET', path)).text();
    },
  };
}

export const API = {
  access: '/api/access/v1',
  member: '/api/member/v1',
  savings: '/api/savings/v1',
  loan: '/api/loan/v1',
  settlement: '/api/settlement/v1',
  audit: '/api/audit/v1',
} as const;

export const enc = encodeURIComponent;
