import { ConfigError, loadConfig } from './config';

describe('loan service configuration', () => {
  it('has defaults', () => {
    const config = loadConfig({ INIT_CWD: '/srv/kopfed' });
    expect(config).toMatchObject({
      port: 8083,
      eventStoreUrl: 'sqlite:/srv/kopfed/data',
      dataDir: '/srv/kopfed/data',
      busUrl: 'in-process',
      nightlyCloseOfBusiness: true,
    });
  });

  it.each([
    ['PORT', { PORT: '70000' }],
    ['KOPFED_EVENTSTORE_URL', { KOPFED_EVENTSTORE_URL: 'kurrentdb://localhost:2113' }],
    ['KOPFED_NIGHTLY_CLOSE_OF_BUSINESS', { KOPFED_NIGHTLY_CLOSE_OF_BUSINESS: 'sometimes' }],
    ['KOPFED_BUS_URL', { KOPFED_BUS_URL: 'amqp://x' }],
    ['KOPFED_ADMIN_KEY', { KOPFED_ADMIN_KEY: 'secret' }],
  ])('names the bad variable %s', (name, env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(name));
  });

  it('takes the data directory, and an explicit SQLite store', () => {
    expect(
      loadConfig({ INIT_CWD: '/srv/kopfed', KOPFED_DATA_DIR: 'loans', PORT: '9000' }),
    ).toMatchObject({
      port: 9000,
      dataDir: '/srv/kopfed/loans',
      eventStoreUrl: 'sqlite:/srv/kopfed/loans',
    });
    expect(
      loadConfig({ INIT_CWD: '/srv/kopfed', KOPFED_EVENTSTORE_URL: 'sqlite:/var/lib/loan' }),
    ).toMatchObject({ eventStoreUrl: 'sqlite:/var/lib/loan', dataDir: '/srv/kopfed/data' });
  });

  it('takes kafka and an in-memory store', () => {
    expect(
      loadConfig({
        KOPFED_BUS_URL: 'kafka://k1:9092,k2:9092',
        KOPFED_EVENTSTORE_URL: 'sqlite::memory:',
      }),
    ).toMatchObject({
      busUrl: 'kafka://k1:9092,k2:9092',
      eventStoreUrl: 'sqlite::memory:',
    });
  });
});
