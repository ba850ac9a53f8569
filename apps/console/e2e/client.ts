/** A caller of the node's public HTTP APIs, as the test reads the figures the console should show. */
export class Client {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | null,
  ) {}

  async call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        'Content-Type': 'application/json',
        ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
  }

  async expect<T>(status: number, method: string, path: string, body?: unknown): Promise<T> {
    const result = await this.call(method, path, body);
    if (result.status !== status)
      throw new Error(`${method} ${path}: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body as T;
  }

  get<T>(path: string): Promise<T> {
    return this.expect<T>(200, 'GET', path);
  }
}
