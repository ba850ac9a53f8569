import { v7 as uuidv7 } from 'uuid';
import {
  WrongExpectedRevisionError,
  type EventMetadata,
  type EventStore,
} from '@kopfed/eventstore';
import type { GlMapping } from '@kopfed/ledger';
import { KeyedLock } from '../shared/keyed-lock';
import {
  glMappingDecider,
  mappingsOf,
  type GlMappingCommand,
  type GlMappingEvent,
  type GlMappingState,
} from './gl-mapping.decider';

export const glMappingStream = (coopId: string): string => `glmapping-${coopId}`;

interface Cached {
  state: GlMappingState;
  revision: number | undefined;
  /** `mappingsOf(state)`, built on first use: every page the poster posts asks for them. */
  mappings?: readonly GlMapping[];
}

/** Each coop's GL mappings (`glmapping-<coopId>`), cached with their revision. */
export class GlMappingBook {
  private readonly cache = new Map<string, Cached>();
  private readonly lock = new KeyedLock();

  constructor(private readonly store: EventStore) {}

  private async load(coopId: string): Promise<Cached> {
    const cached = this.cache.get(coopId);
    if (cached) return cached;
    const recorded = await this.store.readStream(glMappingStream(coopId));
    const state = recorded.reduce(
      (s, e) => glMappingDecider.evolve(s, e as unknown as GlMappingEvent),
      glMappingDecider.initialState(),
    );
    const loaded = { state, revision: recorded.at(-1)?.revision };
    this.cache.set(coopId, loaded);
    return loaded;
  }

  async state(coopId: string): Promise<GlMappingState> {
    return this.lock.run([coopId], async () => (await this.load(coopId)).state);
  }

  async mappings(coopId: string): Promise<readonly GlMapping[]> {
    return this.lock.run([coopId], async () => {
      const loaded = await this.load(coopId);
      loaded.mappings ??= mappingsOf(coopId, loaded.state);
      return loaded.mappings;
    });
  }

  async execute(
    coopId: string,
    command: GlMappingCommand,
    metadata: EventMetadata,
  ): Promise<GlMappingState> {
    return this.lock.run([coopId], async () => {
      const { state, revision } = await this.load(coopId);
      const events = glMappingDecider.decide(command, state);
      if (events.length === 0) return state;
      try {
        const result = await this.store.append(
          glMappingStream(coopId),
          events.map((e) => ({
            id: uuidv7(),
            type: e.type,
            schemaVersion: 1,
            data: e.data,
            metadata,
          })),
          { expectedRevision: revision ?? 'no_stream' },
        );
        const next = events.reduce(glMappingDecider.evolve, state);
        this.cache.set(coopId, { state: next, revision: result.nextExpectedRevision });
        return next;
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError) this.cache.delete(coopId);
        throw error;
      }
    });
  }
}
