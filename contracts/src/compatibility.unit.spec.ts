import { z } from 'zod';
import { defineEvent, EventCatalog, type CheckedVersions, type EventVersion } from './catalog';
import { checkCompatibility } from './compatibility';
import { catalog } from './events';
import { loadSnapshots } from './published';
import { snapshotOf, type Snapshot } from './snapshot';

describe('the published contracts', () => {
  it('every snapshot ever published still holds, and every version is published', () => {
    const problems = checkCompatibility(catalog, loadSnapshots());
    // The messages say what to do: print them whole when this fails.
    expect(problems.map((problem) => problem.message)).toEqual([]);
  });

  it('snapshots exist for every version in the catalog', () => {
    const published = loadSnapshots().map((snapshot) => `${snapshot.name} v${snapshot.version}`);
    const versions = catalog.definitions.flatMap((d) =>
      d.versions.map((v) => `${d.name} v${v.version}`),
    );
    expect(published.sort()).toEqual(versions.sort());
  });
});

describe('checkCompatibility', () => {
  const V1 = z.strictObject({ parcelId: z.string(), weightGrams: z.int().min(0) });
  type V1 = z.output<typeof V1>;
  const V2 = z.strictObject({
    parcelId: z.string(),
    weightGrams: z.int().min(0),
    fragile: z.boolean(),
  });

  const v1 = { version: 1, schema: V1, example: { parcelId: 'p-1', weightGrams: 1200 } } as const;
  const ParcelSent = defineEvent({
    name: 'ParcelSent',
    service: 'post',
    description: 'A parcel was sent.',
    versions: [v1],
  });
  const published: Snapshot[] = [snapshotOf(ParcelSent, ParcelSent.versions[0])];

  function catalogWith<const V extends readonly [EventVersion, ...EventVersion[]]>(
    ...versions: V & CheckedVersions<V>
  ) {
    return new EventCatalog([
      defineEvent({
        name: 'ParcelSent',
        service: 'post',
        description: 'A parcel was sent.',
        versions,
      }),
    ]);
  }

  it('passes when nothing published has changed', () => {
    expect(checkCompatibility(new EventCatalog([ParcelSent]), published)).toEqual([]);
  });

  it('fails when a published schema is changed in place, and says what to do instead', () => {
    const changed = catalogWith({ ...v1, schema: V2, example: { ...v1.example, fragile: false } });
    const problems = checkCompatibility(changed, published);
    expect(problems).toContainEqual(
      expect.objectContaining({ kind: 'changed', event: 'ParcelSent', version: 1 }),
    );
    const [problem] = problems.filter((p) => p.kind === 'changed');
    expect(problem?.message).toMatch(/first difference at \/properties\/fragile/);
    expect(problem?.message).toMatch(/new version v2 with an upcaster from v1/);
  });

  it('fails when a published schema is narrowed, even if its example still parses', () => {
    const narrowed = catalogWith({
      ...v1,
      schema: z.strictObject({ parcelId: z.string(), weightGrams: z.int().min(1) }),
    });
    expect(checkCompatibility(narrowed, published).map((p) => p.kind)).toEqual(['changed']);
  });

  it('reports an example that no longer parses and cannot be upcast', () => {
    const renamed = catalogWith({
      version: 1,
      schema: z.strictObject({ parcelId: z.string(), weightKg: z.number() }),
      example: { parcelId: 'p-1', weightKg: 1.2 },
    });
    expect(checkCompatibility(renamed, published).map((p) => p.kind)).toEqual([
      'changed',
      'example',
    ]);
  });

  it('passes when the change comes as a new version with an upcaster, once published', () => {
    const evolved = catalogWith(v1, {
      version: 2,
      schema: V2,
      example: { parcelId: 'p-2', weightGrams: 300, fragile: true },
      upcast: (previous: V1) => ({ ...previous, fragile: false }),
    });
    expect(checkCompatibility(evolved, published)).toEqual([
      expect.objectContaining({ kind: 'unpublished', event: 'ParcelSent', version: 2 }),
    ]);
    const both = [
      ...published,
      snapshotOf(evolved.definitions[0], evolved.definitions[0].versions[1]),
    ];
    expect(checkCompatibility(evolved, both)).toEqual([]);
  });

  it('reports an upcaster that breaks the published example', () => {
    const broken = catalogWith(v1, {
      version: 2,
      schema: V2,
      example: { parcelId: 'p-2', weightGrams: 300, fragile: true },
      upcast: (previous: V1) => ({ ...previous, fragile: 'unknown' as unknown as boolean }),
    });
    const problems = checkCompatibility(broken, [
      ...published,
      snapshotOf(broken.definitions[0], broken.definitions[0].versions[1]),
    ]);
    expect(problems.map((p) => `${p.kind} v${p.version}`)).toEqual(['upcast v1']);
  });

  it('reports a published event or version that was removed', () => {
    const other = new EventCatalog([]);
    expect(checkCompatibility(other, published).map((p) => p.kind)).toEqual(['removed']);
    const future = { ...published[0]!, version: 2 };
    expect(
      checkCompatibility(new EventCatalog([ParcelSent]), [...published, future]).map((p) => p.kind),
    ).toEqual(['removed']);
  });

  it('ignores annotations: a description is documentation, not contract', () => {
    const described = catalogWith({
      ...v1,
      schema: z.strictObject({
        parcelId: z.string().describe('the parcel'),
        weightGrams: z.int().min(0).describe('its weight in grams'),
      }),
    });
    expect(checkCompatibility(described, published)).toEqual([]);
  });

  it('reports a catalog example that does not parse', () => {
    const bad = catalogWith({ ...v1, example: { parcelId: 'p-1', weightGrams: -1 } });
    expect(checkCompatibility(bad, published).map((p) => p.kind)).toEqual(['example']);
  });
});
