import type { z } from 'zod';

/** One published shape of an event. */
export interface EventVersion<Schema extends z.ZodType = z.ZodType> {
  readonly version: number;
  readonly schema: Schema;
  /** A realistic payload; it is published with the version and must parse forever after. */
  readonly example: z.input<Schema>;
  /** From the previous version's (parsed) data to this version's; every version but 1 has one. */
  readonly upcast?: (previous: never) => z.input<Schema>;
}

/** An integration event with every version it has ever had, oldest first. */
export interface EventDefinition<
  Name extends string = string,
  Service extends string = string,
  Versions extends readonly EventVersion[] = readonly EventVersion[],
> {
  /** PascalCase, past tense. */
  readonly name: Name;
  /** The producing service; it decides the source, the type and the topic. */
  readonly service: Service;
  readonly description: string;
  readonly versions: Versions;
}

export type LatestVersion<Definition extends EventDefinition> =
  Definition['versions'] extends readonly [...unknown[], infer Last extends EventVersion]
    ? Last
    : EventVersion;

/** The data of the latest version, as parsed. */
export type LatestData<Definition extends EventDefinition> = z.output<
  LatestVersion<Definition>['schema']
>;

/** The data of any version, as parsed. */
export type AnyVersionData<Definition extends EventDefinition> = z.output<
  Definition['versions'][number]['schema']
>;

/**
 * What `defineEvent` accepts for each version: version 1 without an upcaster, every later one
 * with an upcaster from the previous version's parsed data to its own input.
 */
export type CheckedVersions<Versions, Previous = undefined> = Versions extends readonly [
  infer Head extends EventVersion,
  ...infer Tail,
]
  ? readonly [CheckedVersion<Head, Previous>, ...CheckedVersions<Tail, Head['schema']>]
  : readonly [];

type CheckedVersion<Head extends EventVersion, Previous> = {
  readonly version: number;
  readonly schema: Head['schema'];
  readonly example: z.input<Head['schema']>;
} & (Previous extends z.ZodType
  ? { readonly upcast: (previous: z.output<Previous>) => z.input<Head['schema']> }
  : { readonly upcast?: undefined });
