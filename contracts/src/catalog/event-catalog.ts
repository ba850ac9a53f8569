import type { z } from 'zod';
import { ContractError } from '../contract-error';
import { parseEnvelope, toEnvelope, type Envelope, type EnvelopeInput } from '../envelope';
import { eventType, parseEventType, topicOf } from '../naming';
import type {
  AnyVersionData,
  EventDefinition,
  EventVersion,
  LatestData,
  LatestVersion,
} from './event-definition';

type NameOf<Defs extends readonly EventDefinition[]> = Defs[number]['name'];
type ServiceOf<Defs extends readonly EventDefinition[]> = Defs[number]['service'];
type Named<Defs extends readonly EventDefinition[], Name> = Extract<Defs[number], { name: Name }>;

/** An event taken off the bus: checked against its version's schema, upcast to the latest. */
export type ReceivedEvent<Definition extends EventDefinition = EventDefinition> =
  Definition extends EventDefinition
    ? {
        name: Definition['name'];
        /** The latest version: the version of `data`. */
        version: number;
        /** The version the producer published. */
        publishedVersion: number;
        data: LatestData<Definition>;
        envelope: Envelope;
      }
    : never;

/** What a producer supplies to publish an event; the rest comes from the catalog. */
export type PublishInput<Data> = Omit<EnvelopeInput<Data>, 'service' | 'name' | 'version'>;

/**
 * The integration events a system knows. Producers publish the latest version of an event;
 * consumers accept every version ever published and upcast it to the latest.
 */
export class EventCatalog<
  const Defs extends readonly EventDefinition[] = readonly EventDefinition[],
> {
  private readonly byName = new Map<string, EventDefinition>();

  constructor(readonly definitions: Defs) {
    for (const definition of definitions) {
      if (this.byName.has(definition.name)) {
        throw new Error(`event ${definition.name} is defined twice`);
      }
      this.byName.set(definition.name, definition);
    }
  }

  get names(): NameOf<Defs>[] {
    return this.definitions.map((definition) => definition.name);
  }

  has(name: string): name is NameOf<Defs> {
    return this.byName.has(name);
  }

  definition<Name extends NameOf<Defs>>(name: Name): Named<Defs, Name> {
    const definition = this.byName.get(name);
    if (definition === undefined) {
      throw new ContractError('unknown_event', `no event ${name} in the catalog`);
    }
    return definition as Named<Defs, Name>;
  }

  version(name: NameOf<Defs>, version: number): EventVersion {
    const found = this.definition(name).versions[version - 1];
    if (found === undefined || found.version !== version) {
      throw new ContractError('unknown_version', `event ${name} has no v${version}`);
    }
    return found;
  }

  latest<Name extends NameOf<Defs>>(name: Name): LatestVersion<Named<Defs, Name>> {
    const { versions } = this.definition(name);
    return versions[versions.length - 1] as LatestVersion<Named<Defs, Name>>;
  }

  /** Validates data against one version's schema; throws ContractError('invalid_data'). */
  parse<Name extends NameOf<Defs>>(
    name: Name,
    version: number,
    data: unknown,
  ): AnyVersionData<Named<Defs, Name>> {
    const result = this.version(name, version).schema.safeParse(data);
    if (!result.success) {
      throw new ContractError(
        'invalid_data',
        `not a valid ${name} v${version}`,
        result.error.issues,
      );
    }
    return result.data as AnyVersionData<Named<Defs, Name>>;
  }

  /** Parses data of any version and chains the upcasters up to the latest version. */
  upcast<Name extends NameOf<Defs>>(
    name: Name,
    version: number,
    data: unknown,
  ): { version: number; data: LatestData<Named<Defs, Name>> } {
    const { versions } = this.definition(name);
    let current: unknown = this.parse(name, version, data);
    for (const next of versions.slice(version)) {
      // The chain's types are checked by defineEvent; here each step is checked by parsing.
      const upcast = next.upcast as ((previous: unknown) => unknown) | undefined;
      if (upcast === undefined) throw new Error(`${name} v${next.version} has no upcaster`);
      const result = next.schema.safeParse(upcast(current));
      if (!result.success) {
        throw new ContractError(
          'invalid_data',
          `upcasting ${name} v${next.version - 1} to v${next.version} gave invalid data`,
          result.error.issues,
        );
      }
      current = result.data;
    }
    return { version: versions.length, data: current as LatestData<Named<Defs, Name>> };
  }

  topicOf(service: ServiceOf<Defs>): string {
    return topicOf(service);
  }

  /** Every topic, one per producing service. */
  get topics(): string[] {
    return [...new Set(this.definitions.map((definition) => topicOf(definition.service)))];
  }

  typeOf(name: NameOf<Defs>, version: number): string {
    return eventType(this.definition(name).service, name, this.version(name, version).version);
  }

  /** The envelope of the latest version of an event, its data checked against the schema. */
  toEnvelope<Name extends NameOf<Defs>>(
    name: Name,
    input: PublishInput<z.input<LatestVersion<Named<Defs, Name>>['schema']>>,
  ): Envelope<LatestData<Named<Defs, Name>>> {
    const { service, versions } = this.definition(name);
    const data = this.parse(name, versions.length, input.data) as LatestData<Named<Defs, Name>>;
    // Every field named, absent ones undefined: one object shape for every event (a spread
    // of the caller's object made a new shape per combination of optional fields).
    return toEnvelope({
      id: input.id,
      service,
      name,
      version: versions.length,
      subject: input.subject,
      time: input.time,
      businessDate: input.businessDate,
      data,
      correlationId: input.correlationId,
      causationId: input.causationId,
      traceparent: input.traceparent,
      coopId: input.coopId,
      dataschema: input.dataschema,
    });
  }

  /** Checks an envelope from the bus and its data, and upcasts the data to the latest version. */
  fromEnvelope(value: unknown): ReceivedEvent<Defs[number]> {
    const envelope = parseEnvelope(value);
    const type = parseEventType(envelope.type);
    const definition = type === undefined ? undefined : this.byName.get(type.name);
    if (type === undefined || definition === undefined || definition.service !== type.service) {
      throw new ContractError('unknown_event', `no event of type ${envelope.type} in the catalog`);
    }
    const { version, data } = this.upcast(definition.name, type.version, envelope.data);
    return {
      name: definition.name,
      version,
      publishedVersion: type.version,
      data,
      envelope,
    } as ReceivedEvent<Defs[number]>;
  }
}
