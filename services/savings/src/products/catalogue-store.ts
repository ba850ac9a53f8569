import { notFound } from '@kopfed/domain';
import type { EventMetadata, EventStore } from '@kopfed/eventstore';
import { AggregateStore } from '../shared/aggregate-store';
import type { IsoDate } from '../shared/dates';
import type { Product } from './product';
import {
  approvalThresholdOn,
  catalogueDecider,
  type CatalogueCommand,
  type CatalogueEvent,
  type CatalogueState,
} from './product-catalogue.decider';

export const catalogueStream = (coopId: string) => `savingsproducts-${coopId}`;

/**
 * Each coop's product catalogue, kept in memory. Reads look at the stream again at most once a
 * second: terms only ever change from a later date on, and this process's own changes are seen
 * at once. Commands that decide on the catalogue read it fresh.
 */
const FRESH_FOR_MS = 1_000;

export class CatalogueStore {
  private readonly aggregates: AggregateStore<CatalogueState, CatalogueEvent>;
  private readonly checkedAt = new Map<string, number>();

  constructor(store: EventStore) {
    this.aggregates = new AggregateStore(store, catalogueDecider, 10_000);
  }

  async catalogue(
    coopId: string,
  ): Promise<{ state: CatalogueState; revision: number | undefined }> {
    const stream = catalogueStream(coopId);
    const known = this.aggregates.peek(stream);
    if (known && performance.now() - (this.checkedAt.get(coopId) ?? 0) < FRESH_FOR_MS) return known;
    const loaded = await this.aggregates.load(stream);
    this.checkedAt.set(coopId, performance.now());
    return loaded;
  }

  async product(coopId: string, code: string): Promise<Product> {
    const { state } = await this.catalogue(coopId);
    const product = Object.hasOwn(state.products, code) ? state.products[code] : undefined;
    if (!product)
      throw notFound('product-not-found', `Coop ${coopId} has no savings product ${code}.`);
    return product;
  }

  async approvalThreshold(coopId: string, on: IsoDate): Promise<bigint> {
    return approvalThresholdOn((await this.catalogue(coopId)).state, on);
  }

  async handle(
    coopId: string,
    command: CatalogueCommand,
    metadata: EventMetadata,
    expectedRevision?: number,
  ) {
    return this.aggregates.execute(
      catalogueStream(coopId),
      (state) => catalogueDecider.decide(command, state),
      {
        metadata,
        ...(expectedRevision === undefined ? {} : { expectedRevision }),
      },
    );
  }
}
