import { containerRuntime } from './container-runtime';

describe('containerRuntime', () => {
  it('answers the same way twice and gives a reason whenever it is unavailable', () => {
    const first = containerRuntime();
    expect(containerRuntime()).toBe(first);
    if (!first.available) expect(first.reason).toMatch(/^no container runtime: docker info failed/);
    else expect(first.reason).toBeUndefined();
  });
});
