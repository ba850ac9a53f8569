import { parseAllDocuments } from 'yaml';
import { readRepoFile } from './repo';

/** A Kubernetes object as written in infra/k8s (only the fields the checks read are typed). */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: unknown;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  /** The file it came from, for messages. */
  file: string;
}

interface Kustomization {
  resources: string[];
}

/** The files `kubectl apply -k infra/k8s` applies, in order. */
export function kustomizationResources(): string[] {
  const [document] = parseAllDocuments(readRepoFile('infra', 'k8s', 'kustomization.yaml'));
  return (document!.toJS() as Kustomization).resources;
}

export function loadManifests(): Manifest[] {
  return kustomizationResources().flatMap((file) =>
    parseAllDocuments(readRepoFile('infra', 'k8s', file)).map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]!.message}`);
      return { ...(document.toJS() as Omit<Manifest, 'file'>), file };
    }),
  );
}

type ModelClass = new (data: unknown) => { validate(): void };

/**
 * The schema validator of a resource type: kubernetes-models bundles the Kubernetes OpenAPI
 * schemas (1.27) compiled with ajv, one module per apiVersion/kind. Loaded by computed path,
 * so the type checker does not need the package and a missing install fails here, clearly.
 */
export function schemaValidator(apiVersion: string, kind: string): ModelClass {
  const path = `kubernetes-models/${apiVersion}/${kind}`;
  let module: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    module = require(path) as Record<string, unknown>;
  } catch (error) {
    throw new Error(
      `no schema for ${apiVersion} ${kind} (${path}): ${(error as Error).message}. ` +
        'kubernetes-models@4.5.1 is a devDependency of the tests workspace: run npm install.',
      { cause: error },
    );
  }
  const model = module[kind];
  if (typeof model !== 'function') throw new Error(`${path} exports no ${kind} model`);
  return model as ModelClass;
}

/** Validates against the Kubernetes schema; returns the validator's message, or undefined. */
export function schemaErrors(manifest: Omit<Manifest, 'file'>): string | undefined {
  const Model = schemaValidator(manifest.apiVersion, manifest.kind);
  try {
    new Model(manifest).validate();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
