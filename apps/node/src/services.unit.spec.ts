import { selectModules, SERVICE_MODULES } from './services';

describe('selectModules', () => {
  it('runs every service and audit by default', () => {
    expect(selectModules(undefined).map((m) => m.name)).toEqual([
      'member',
      'savings',
      'loan',
      'settlement',
      'audit',
    ]);
    expect(selectModules(undefined)).toBe(SERVICE_MODULES);
  });

  it('runs a subset in the node’s order, audit always with it', () => {
    expect(selectModules(['savings', 'member']).map((m) => m.name)).toEqual([
      'member',
      'savings',
      'audit',
    ]);
  });

  it('refuses a name it does not know', () => {
    expect(() => selectModules(['member', 'payroll'])).toThrow(/unknown service payroll/);
  });
});
