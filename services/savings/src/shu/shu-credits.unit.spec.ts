import { ConfigError } from '@kopfed/config';
import { DEFAULT_SHU_PRODUCT, shuProductOf } from './shu-credits';

describe('the product SHU shares are credited to', () => {
  it('is SUKARELA unless KOPFED_SAVINGS_SHU_PRODUCT names another', () => {
    expect(shuProductOf({})).toBe(DEFAULT_SHU_PRODUCT);
    expect(DEFAULT_SHU_PRODUCT).toBe('SUKARELA');
    expect(shuProductOf({ KOPFED_SAVINGS_SHU_PRODUCT: 'SHU_TAHUNAN' })).toBe('SHU_TAHUNAN');
  });

  it('refuses a setting that is not a product code, at start', () => {
    const setting = { KOPFED_SAVINGS_SHU_PRODUCT: 'sukarela; DROP' };
    expect(() => shuProductOf(setting)).toThrow(ConfigError);
    expect(() => shuProductOf(setting)).toThrow(
      /KOPFED_SAVINGS_SHU_PRODUCT: must be a product code/,
    );
  });
});
