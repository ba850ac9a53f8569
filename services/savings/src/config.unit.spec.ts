import { ConfigError, loadSavingsConfig } from './config';

const servers = {
  KOPFED_EVENTSTORE_URL: 'kurrentdb://kurrent:2113?tls=false',
  KOPFED_BUS_URL: 'kafka://k1:9092,k2:9092',
};

describe('savings configuration', () => {
  it('needs the event store and the bus when run alone, naming both', () => {
    expect(() => loadSavingsConfig({})).toThrow(ConfigError);
    expect(() => loadSavingsConfig({})).toThrow(
      /KOPFED_EVENTSTORE_URL: is required but not set; KOPFED_BUS_URL: is required but not set/,
    );
  });

  it('reads the store and the bus from the environment, with defaults for the rest; blank means unset', () => {
    expect(
      loadSavingsConfig({
        ...servers,
        PORT: '9000',
        LOG_LEVEL: '',
        KOPFED_DATA_DIR: '/srv/kopfed',
      }),
    ).toMatchObject({
      port: 9000,
      eventStoreUrl: 'kurrentdb://kurrent:2113?tls=false',
      busUrl: 'kafka://k1:9092,k2:9092',
      logLevel: 'info',
      readModelsFile: '/srv/kopfed/savings-read-models.db',
      adminCoopId: 'federation',
      nightlyCloseOfBusiness: true,
      tracing: { serviceName: 'kopfed-savings' },
    });
  });

  it('takes a read-model file of its own and resolves a relative store directory', () => {
    const config = loadSavingsConfig({
      KOPFED_EVENTSTORE_URL: 'sqlite:data',
      KOPFED_BUS_URL: 'in-process',
      KOPFED_READ_MODELS_FILE: '/data/rm.db',
      KOPFED_NIGHTLY_CLOSE_OF_BUSINESS: 'false',
      INIT_CWD: '/work',
    });
    expect(config).toMatchObject({
      eventStoreUrl: 'sqlite:/work/data',
      readModelsFile: '/data/rm.db',
      nightlyCloseOfBusiness: false,
    });
  });

  it.each([
    ['PORT', '70000'],
    ['KOPFED_EVENTSTORE_URL', 'postgres://x'],
    ['KOPFED_BUS_URL', 'rabbitmq://x'],
    ['LOG_LEVEL', 'loud'],
    ['KOPFED_ADMIN_KEY', 'secret'],
    ['KOPFED_ADMIN_COOP_ID', 'a b'],
  ])('names the bad variable %s', (name, value) => {
    const env = { ...servers, [name]: value };
    expect(() => loadSavingsConfig(env)).toThrow(ConfigError);
    expect(() => loadSavingsConfig(env)).toThrow(new RegExp(`${name}: `));
  });
});
