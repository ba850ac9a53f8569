import { ConfigError, loadSettlementConfig, loadSettlementSettings } from './config';

describe('settlement configuration', () => {
  it('has defaults for running alone', () => {
    expect(loadSettlementConfig({})).toMatchObject({
      port: 8084,
      eventStoreUrl: 'sqlite:./data',
      busUrl: 'in-process',
      expirySweepMs: 1_000,
    });
    expect(loadSettlementSettings({}).savings).toBeUndefined();
  });

  it('names the variable that is wrong', () => {
    expect(() => loadSettlementConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadSettlementConfig({ KOPFED_EVENTSTORE_URL: 'mysql://x' })).toThrow(
      /KOPFED_EVENTSTORE_URL/,
    );
    expect(() => loadSettlementConfig({ KOPFED_BUS_URL: 'rabbit://x' })).toThrow(/KOPFED_BUS_URL/);
    expect(() => loadSettlementSettings({ KOPFED_SAVINGS_URL: 'http://savings:8082' })).toThrow(
      /KOPFED_SAVINGS_API_KEY: is needed/,
    );
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
