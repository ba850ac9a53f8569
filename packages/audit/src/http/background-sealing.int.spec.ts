import { statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@kopfed/config';
import { hostFixture } from '@kopfed/host/src/testing';
import { AUDIT_STREAMS } from '../checkpoints/checkpoint';
import { loadNodeSigningKey, SIGNING_KEY_ENV, SIGNING_KEY_FILE } from '../keys/node-key';
import { createAuditModule } from './audit-module';
import { sealingSettings } from './sealing-settings';

describe('the audit module in a host', () => {
  it('checkpoints every store on its own, with a node key it creates readable by the owner only', async () => {
    const fixture = await hostFixture([createAuditModule()], { env: {} });
    try {
      await fixture.key('admin', 'federation');
      const audit = fixture.stores.get('audit')!;
      const deadline = Date.now() + 10_000;
      const witnessed = () => audit.streamRevision(AUDIT_STREAMS.witness('access'));
      while ((await witnessed()) === undefined && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(await witnessed()).toBe(0);
      expect(statSync(join(fixture.dataDir, SIGNING_KEY_FILE)).mode & 0o777).toBe(0o600);
    } finally {
      await fixture.close();
    }
  });

  it('reads its schedule from the environment and names a bad setting', () => {
    expect(sealingSettings({})).toEqual({ intervalMs: 60_000, everyEvents: 10_000 });
    expect(
      sealingSettings({
        KOPFED_AUDIT_SEAL_INTERVAL_SECONDS: '0',
        KOPFED_AUDIT_SEAL_EVERY_EVENTS: '500',
      }),
    ).toEqual({
      intervalMs: 0,
      everyEvents: 500,
    });
    expect(() => sealingSettings({ KOPFED_AUDIT_SEAL_EVERY_EVENTS: 'many' })).toThrow(
      /KOPFED_AUDIT_SEAL_EVERY_EVENTS/,
    );
  });

  it('stops on a bad setting with the ConfigError the node reports by name (exit 2)', () => {
    expect(() => sealingSettings({ KOPFED_AUDIT_SEAL_INTERVAL_SECONDS: 'abc' })).toThrow(
      ConfigError,
    );
    expect(() => loadNodeSigningKey('/nonexistent', { [SIGNING_KEY_ENV]: 'short' })).toThrow(
      new ConfigError([
        {
          variable: SIGNING_KEY_ENV,
          message: 'must be a 32-byte Ed25519 seed in base64 or base64url',
        },
      ]),
    );
  });
});
