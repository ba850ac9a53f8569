import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    expect(loadConfig({})).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      logLevel: 'info',
      adminCoopId: 'federation',
      idempotencyRetentionDays: 30,
      bodyLimitBytes: 1024 * 1024,
      rateLimit: { ratePerSecond: 2000, burst: 20000 },
    });
    expect(loadConfig({}).adminKey).toBeUndefined();
    expect(loadConfig({}).oidc).toBeUndefined();
  });

  it('runs every service unless KOPFED_SERVICES names a subset', () => {
    expect(loadConfig({}).services).toBeUndefined();
    expect(loadConfig({ KOPFED_SERVICES: 'member, savings,member' }).services).toEqual([
      'member',
      'savings',
    ]);
    expect(() => loadConfig({ KOPFED_SERVICES: 'member,payroll' })).toThrow(
      /KOPFED_SERVICES\.1: each must be one of member, savings, loan, settlement/,
    );
  });

  it('reads the admin key, limits and identity provider', () => {
    const adminKey = `kpf_0123456789abcdef_${'A'.repeat(43)}`;
    expect(
      loadConfig({
        KOPFED_ADMIN_KEY: adminKey,
        KOPFED_RATE_LIMIT_PER_SECOND: '5',
        KOPFED_RATE_LIMIT_BURST: '10',
        KOPFED_IDEMPOTENCY_RETENTION_DAYS: '90',
        KOPFED_OIDC_ISSUER: 'https://id.example.coop',
        KOPFED_OIDC_AUDIENCE: 'kopfed',
        KOPFED_OIDC_JWKS_URL: 'https://id.example.coop/jwks.json',
      }),
    ).toMatchObject({
      adminKey,
      rateLimit: { ratePerSecond: 5, burst: 10 },
      idempotencyRetentionDays: 90,
      oidc: { issuer: 'https://id.example.coop', audience: 'kopfed' },
    });
    expect(loadConfig({ KOPFED_ADMIN_KEY: '' }).adminKey).toBeUndefined();
  });

  it('takes a blank variable, empty or spaces only, as not set: its default applies', () => {
    const defaults = loadConfig({});
    expect(loadConfig({ PORT: '' }).port).toBe(8080);
    expect(loadConfig({ PORT: ' ' }).port).toBe(8080);
    expect(loadConfig({ HOST: '' }).host).toBe(defaults.host);
    expect(loadConfig({ HOST: '  ' }).host).toBe(defaults.host);
    expect(loadConfig({ KOPFED_DATA_DIR: '' }).dataDir).toBe(defaults.dataDir);
    expect(loadConfig({ KOPFED_DATA_DIR: '\t' }).dataDir).toBe(defaults.dataDir);
    expect(loadConfig({ LOG_LEVEL: ' ' }).logLevel).toBe('info');
    expect(loadConfig({ KOPFED_SERVICES: ' ' }).services).toBeUndefined();
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['KOPFED_ADMIN_KEY', { KOPFED_ADMIN_KEY: 'hunter2' }],
    ['KOPFED_ADMIN_COOP_ID', { KOPFED_ADMIN_COOP_ID: '../etc' }],
    ['KOPFED_RATE_LIMIT_PER_SECOND', { KOPFED_RATE_LIMIT_PER_SECOND: '0' }],
    ['KOPFED_RATE_LIMIT_BURST', { KOPFED_RATE_LIMIT_BURST: '1.5' }],
    ['KOPFED_IDEMPOTENCY_RETENTION_DAYS', { KOPFED_IDEMPOTENCY_RETENTION_DAYS: '7' }],
    ['KOPFED_BODY_LIMIT_BYTES', { KOPFED_BODY_LIMIT_BYTES: '10' }],
    [
      'KOPFED_OIDC_JWKS_URL',
      { KOPFED_OIDC_ISSUER: 'https://id.example', KOPFED_OIDC_AUDIENCE: 'k' },
    ],
    ['KOPFED_OIDC_ISSUER', { KOPFED_OIDC_ISSUER: 'not a url' }],
  ])('names %s when it is invalid', (variable, env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`${variable}:`));
  });

  it('never echoes a bad admin key', () => {
    expect(() => loadConfig({ KOPFED_ADMIN_KEY: 'kpf_secret-looking-value' })).not.toThrow(
      /secret-looking/,
    );
  });
});
