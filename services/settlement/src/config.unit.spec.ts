import { ConfigError, loadSettlementConfig, loadSettlementSettings } from './config';

const SERVERS = {
  KOPFED_EVENTSTORE_URL: 'sqlite:/var/kopfed',
  KOPFED_BUS_URL: 'kafka://kafka:9092',
};

describe('settlement configuration', () => {
  it('runs alone against the store and bus it is given, with defaults for the rest', () => {
    expect(loadSettlementConfig({ ...SERVERS, INIT_CWD: '/srv' })).toMatchObject({
      port: 8084,
      eventStoreUrl: 'sqlite:/var/kopfed',
      busUrl: 'kafka://kafka:9092',
      readModelsFile: '/srv/data/settlement-read-models.db',
      expirySweepMs: 1_000,
      leaseTtlMs: 15_000,
      adminCoopId: 'federation',
      nightlyCloseOfBusiness: true,
    });
    expect(loadSettlementSettings({}).savings).toBeUndefined();
  });

  it('names every variable that is wrong or missing', () => {
    expect(() => loadSettlementConfig({})).toThrow(ConfigError);
    expect(() => loadSettlementConfig({})).toThrow(
      /KOPFED_EVENTSTORE_URL: is required but not set; KOPFED_BUS_URL: is required but not set/,
    );
    expect(() => loadSettlementConfig({ ...SERVERS, PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadSettlementConfig({ ...SERVERS, KOPFED_EVENTSTORE_URL: 'mysql://x' })).toThrow(
      /KOPFED_EVENTSTORE_URL/,
    );
    expect(() => loadSettlementConfig({ ...SERVERS, KOPFED_BUS_URL: 'rabbit://x' })).toThrow(
      /KOPFED_BUS_URL/,
    );
    expect(() => loadSettlementSettings({ KOPFED_SAVINGS_URL: 'http://savings:8082' })).toThrow(
      /KOPFED_SAVINGS_API_KEY: is needed/,
    );
    expect(() =>
      loadSettlementConfig({ ...SERVERS, KOPFED_SAVINGS_URL: 'http://savings:8082' }),
    ).toThrow(/KOPFED_SAVINGS_API_KEY: is needed/);
    expect(() =>
      loadSettlementSettings({
        KOPFED_SAVINGS_URL: 'ftp://x',
        KOPFED_SAVINGS_API_KEY: `kpf_${'a'.repeat(16)}_${'b'.repeat(32)}`,
      }),
    ).toThrow(/KOPFED_SAVINGS_URL/);
  });

  it('takes the savings service’s address and key together, and treats blank as unset', () => {
    const key = `kpf_${'0'.repeat(16)}_${'s'.repeat(40)}`;
    expect(
      loadSettlementSettings({
        KOPFED_SAVINGS_URL: 'http://savings:8082',
        KOPFED_SAVINGS_API_KEY: key,
      }).savings,
    ).toEqual({ baseUrl: 'http://savings:8082', apiKey: key });
    expect(
      loadSettlementSettings({ KOPFED_SAVINGS_URL: '', KOPFED_SAVINGS_API_KEY: '' }).savings,
    ).toBeUndefined();
  });
});
