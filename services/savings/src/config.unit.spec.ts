import { ConfigError, loadSavingsConfig } from './config';

describe('savings configuration', () => {
  it('has defaults for running alone on the embedded store', () => {
    expect(loadSavingsConfig({})).toMatchObject({
      port: 8082,
      eventStoreUrl: 'sqlite:./data',
      busUrl: 'in-process',
      adminCoopId: 'federation',
    });
  });

  it('reads the store and the bus from the environment; blank means unset', () => {
    expect(
      loadSavingsConfig({
        PORT: '9000',
        KOPFED_EVENTSTORE_URL: 'kurrentdb://kurrent:2113?tls=false',
        KOPFED_BUS_URL: 'kafka://k1:9092,k2:9092',
        LOG_LEVEL: '',
      }),
    ).toMatchObject({
      port: 9000,
      eventStoreUrl: 'kurrentdb://kurrent:2113?tls=false',
      busUrl: 'kafka://k1:9092,k2:9092',
      logLevel: 'info',
    });
  });

  it.each([
    ['PORT', '70000'],
    ['KOPFED_EVENTSTORE_URL', 'postgres://x'],
    ['KOPFED_BUS_URL', 'rabbitmq://x'],
    ['LOG_LEVEL', 'loud'],
  ])('names the bad variable %s', (name, value) => {
    expect(() => loadSavingsConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadSavingsConfig({ [name]: value })).toThrow(new RegExp(name));
  });
});
