import { streamNameFilter, type Filter } from '@kurrent/kurrentdb-client';
import { InvalidEventStoreRequestError } from '../errors';

/**
 * One KurrentDB cluster hosts every service, so each service's store is a namespace of
 * KurrentDB stream names:
 *
 *   <service>.<stream>                 the port's stream <stream>
 *   <service>~seals                    the seal chain
 *   <service>~checkpoint-<name>        one checkpoint
 *   <service>~lease-<name>             one lease
 *
 * The service name may not hold '.' or '~', so `<service>.` is a prefix no other service
 * and no internal stream shares: a prefix filter on it selects exactly this service's
 * port streams, never another service's, never the internal streams, and never a
 * `$`-system stream (a service name cannot start with '$').
 */
export const STREAM_SEPARATOR = '.';
const INTERNAL_SEPARATOR = '~';

const SERVICE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export class StreamNames {
  /** Prefix of every port stream of this service. */
  readonly prefix: string;
  readonly seals: string;

  constructor(readonly service: string) {
    if (typeof service !== 'string' || !SERVICE_NAME.test(service)) {
      throw new InvalidEventStoreRequestError('service', 'must be 1 to 64 letters, digits, _ or -');
    }
    this.prefix = `${service}${STREAM_SEPARATOR}`;
    this.seals = `${service}${INTERNAL_SEPARATOR}seals`;
  }

  /** The KurrentDB stream that holds the port stream `stream`. */
  toKurrent(stream: string): string {
    return this.prefix + stream;
  }

  /** The port stream name of a KurrentDB stream, or undefined when it is not one of ours. */
  fromKurrent(kurrentStream: string): string | undefined {
    if (!kurrentStream.startsWith(this.prefix)) return undefined;
    const stream = kurrentStream.slice(this.prefix.length);
    return stream.length === 0 ? undefined : stream;
  }

  lease(name: string): string {
    return `${this.service}${INTERNAL_SEPARATOR}lease-${name}`;
  }

  checkpoint(name: string): string {
    return `${this.service}${INTERNAL_SEPARATOR}checkpoint-${name}`;
  }

  /**
   * Server-side filter selecting this service's port streams, narrowed to `categories`
   * when given. Undefined when no stream can match (an empty list, or only categories
   * holding '-', which no category does since a category ends at the first '-').
   */
  filter(categories?: readonly string[]): Filter | undefined {
    if (categories === undefined) return streamNameFilter({ prefixes: [this.prefix] });
    const possible = categories.filter((category) => !category.includes('-'));
    if (possible.length === 0) return undefined;
    const alternatives = [...new Set(possible)].map(escapeRegex).join('|');
    return streamNameFilter({ regex: `^${escapeRegex(this.prefix)}(?:${alternatives})(?:-|$)` });
  }
}

/**
 * Escapes a literal for a .NET regular expression (the server evaluates the filter):
 * the characters Regex.Escape escapes, minus the control characters stream names cannot hold.
 */
export function escapeRegex(literal: string): string {
  return literal.replace(/[\\*+?|{}[\]()^$.# ]/g, (c) => `\\${c}`);
}
