import {
  kustomizationResources,
  loadManifests,
  schemaErrors,
  type Manifest,
} from './k8s-manifests';
import { readRepoFile, SERVICES } from './repo';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean };
}
interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean };
  volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[];
}
interface DeploymentSpec {
  selector: { matchLabels: Record<string, string> };
  template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
}

const manifests = loadManifests();
const named = (kind: string, name: string) =>
  manifests.find((m) => m.kind === kind && m.metadata.name === name);
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

describe('Kubernetes manifests (infra/k8s)', () => {
  it('are listed in the kustomization and each parses to objects', () => {
    expect(kustomizationResources().length).toBeGreaterThanOrEqual(7);
    expect(manifests.length).toBeGreaterThan(0);
  });

  it.each(manifests.map((m) => [`${m.file}: ${m.kind} ${m.metadata.name}`, m] as const))(
    'validates against the Kubernetes schema — %s',
    (_title, manifest) => {
      const { file: _file, ...object } = manifest;
      expect(schemaErrors(object)).toBeUndefined();
    },
  );

  it('the validator refuses what the API server would (it is not a no-op)', () => {
    const deployment = named('Deployment', 'kopfed-savings')!;
    const spec = structuredClone(deployment.spec) as DeploymentSpec;
    spec.template.spec.containers[0]!.ports = [
      { name: 'http', containerPort: 'eighty' as unknown as number },
    ];
    expect(schemaErrors({ ...deployment, spec })).toMatch(/containerPort must be integer/);
    const { selector: _selector, ...withoutSelector } = deployment.spec as DeploymentSpec;
    expect(schemaErrors({ ...deployment, spec: withoutSelector })).toMatch(/selector/);
  });

  it('keeps every namespaced object in the kopfed namespace', () => {
    for (const m of manifests.filter((m) => m.kind !== 'Namespace')) {
      expect([m.file, m.metadata.namespace]).toEqual([m.file, 'kopfed']);
    }
  });

  describe.each(SERVICES.map((s) => [s]))('the %s service', (service) => {
    const name = `kopfed-${service}`;
    const deployment = named('Deployment', name);
    const spec = deployment?.spec as DeploymentSpec;
    const container = spec?.template.spec.containers[0];

    it('has a Deployment running its image as non-root', () => {
      expect(container?.image).toMatch(new RegExp(`^kopfed/${service}:`));
      expect(spec.template.spec.securityContext?.runAsNonRoot).toBe(true);
      expect(container?.securityContext?.allowPrivilegeEscalation).toBe(false);
    });

    it('probes readiness at /health/ready and liveness at /health/live on its port', () => {
      const port = container!.ports!.find((p) => p.name === 'http')!;
      expect(container!.env).toContainEqual({ name: 'PORT', value: String(port.containerPort) });
      expect(container!.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(container!.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
    });

    it('requests and limits CPU and memory', () => {
      for (const bound of ['requests', 'limits'] as const) {
        expect(Object.keys(container!.resources?.[bound] ?? {}).sort()).toEqual(['cpu', 'memory']);
      }
    });

    it('has a PodDisruptionBudget and a Service that select its pods', () => {
      const labels = spec.template.metadata.labels;
      expect(matches(spec.selector.matchLabels, labels)).toBe(true);
      const pdb = named('PodDisruptionBudget', name)!.spec as {
        selector: { matchLabels: Record<string, string> };
      };
      expect(matches(pdb.selector.matchLabels, labels)).toBe(true);
      const svc = named('Service', name)!.spec as { selector: Record<string, string> };
      expect(matches(svc.selector, labels)).toBe(true);
    });

    it('refers only to ConfigMaps, Secret keys and claims that the manifests define', () => {
      for (const ref of container!.envFrom ?? []) {
        expect(named('ConfigMap', ref.configMapRef!.name)).toBeDefined();
      }
      for (const variable of container!.env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef;
        if (!ref) continue;
        expect(Object.keys(named('Secret', ref.name)?.stringData ?? {})).toContain(ref.key);
      }
      for (const volume of spec.template.spec.volumes ?? []) {
        const claim = volume.persistentVolumeClaim?.claimName;
        if (claim) expect(named('PersistentVolumeClaim', claim)).toBeDefined();
      }
    });
  });

  it('creates every service’s topic and dead-letter topic with the script compose runs', () => {
    const script = named('ConfigMap', 'kopfed-kafka-topics') as Manifest;
    expect(script.data?.['create-topics.sh']).toBe(
      readRepoFile('infra', 'kafka', 'create-topics.sh'),
    );
    const job = named('Job', 'kopfed-kafka-topics')!.spec as {
      template: { spec: PodSpec };
    };
    const env = job.template.spec.containers[0]!.env ?? [];
    const value = (key: string) => env.find((v) => v.name === key)?.value;
    expect(value('KOPFED_SERVICES')?.split(' ')).toEqual([...SERVICES]);
    expect([value('REPLICATION_FACTOR'), value('MIN_INSYNC_REPLICAS')]).toEqual(['3', '2']);
  });
});
