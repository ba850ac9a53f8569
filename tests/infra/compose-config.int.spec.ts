import { dockerComposeConfig, dockerComposeMissing } from './compose-file';
import { SERVICES } from './repo';

const missing = dockerComposeMissing();
if (missing) process.stderr.write(`[infra] skipping "docker-compose config": ${missing}\n`);
const describeIfCompose = missing ? describe.skip : describe;

describeIfCompose(
  `docker-compose config (infra/compose/compose.yaml)${missing ? ` — skipped: ${missing}` : ''}`,
  () => {
    it('validates the file and resolves the demo admin key when none is set', () => {
      const resolved = dockerComposeConfig();
      for (const name of SERVICES) {
        expect(resolved.services[name]!.environment!.KOPFED_ADMIN_KEY).toMatch(
          /^kpf_[0-9a-f]{16}_[A-Za-z0-9_-]{32,128}$/,
        );
      }
    });

    it('takes KOPFED_ADMIN_KEY from the environment of whoever runs it', () => {
      const key = `kpf_00000000000000ff_${'k'.repeat(40)}`;
      const resolved = dockerComposeConfig({ KOPFED_ADMIN_KEY: key });
      expect(resolved.services.settlement!.environment).toMatchObject({
        KOPFED_ADMIN_KEY: key,
        KOPFED_SAVINGS_API_KEY: key,
      });
    });
  },
);
