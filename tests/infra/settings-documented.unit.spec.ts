import { loadComposeFile } from './compose-file';
import { finalStage, readDockerfile } from './dockerfile';
import { loadManifests } from './k8s-manifests';
import { readRepoFile, SERVICES } from './repo';

/** The variables named in the first column of infra/README.md's settings table. */
function documentedSettings(): Set<string> {
  const readme = readRepoFile('infra', 'README.md');
  const section = readme.slice(readme.indexOf('## Settings'), readme.indexOf('## Tests'));
  const names = section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!));
  return new Set(names);
}

interface Container {
  env?: { name: string }[];
}
interface PodTemplate {
  template: { spec: { containers: Container[] } };
}

/** Every variable compose, the images and the Kubernetes manifests give a kopfed service. */
function deployedSettings(): Map<string, string> {
  const found = new Map<string, string>();
  const compose = loadComposeFile();
  for (const service of SERVICES) {
    for (const name of Object.keys(compose.services[service]!.environment ?? {})) {
      found.set(name, `compose ${service}`);
    }
  }
  for (const image of [...SERVICES, 'node']) {
    for (const env of finalStage(readDockerfile(image)).filter((i) => i.keyword === 'ENV')) {
      for (const [, name] of env.args.matchAll(/([A-Z][A-Z0-9_]*)=/g)) {
        found.set(name!, `${image}.Dockerfile`);
      }
    }
  }
  for (const manifest of loadManifests()) {
    if (manifest.kind === 'Deployment') {
      const spec = manifest.spec as PodTemplate;
      for (const variable of spec.template.spec.containers.flatMap((c) => c.env ?? [])) {
        found.set(variable.name, `k8s ${manifest.metadata.name}`);
      }
    }
    if (manifest.metadata.name === 'kopfed-config' || manifest.metadata.name === 'kopfed-secrets') {
      for (const name of Object.keys({ ...manifest.data, ...manifest.stringData })) {
        found.set(name, `k8s ${manifest.kind} ${manifest.metadata.name}`);
      }
    }
  }
  return found;
}

describe('settings of the distributed deployment', () => {
  const documented = documentedSettings();
  const deployed = deployedSettings();

  it('reads the settings table of infra/README.md', () => {
    expect(documented.size).toBeGreaterThanOrEqual(10);
    expect(documented).toContain('KOPFED_EVENTSTORE_URL');
  });

  it('documents every variable compose, the images and Kubernetes set', () => {
    const undocumented = [...deployed].filter(([name]) => !documented.has(name));
    expect(undocumented).toEqual([]);
  });

  it('finds the variables each place sets (the check above is not vacuous)', () => {
    expect(deployed.get('KOPFED_BUS_URL')).toBeDefined();
    expect(deployed.get('KOPFED_MASTER_KEY')).toMatch(/^k8s /);
    expect(deployed.get('NODE_ENV')).toMatch(/Dockerfile$/);
  });
});
