import express, { type Express } from 'express';
import { openEventStore, type EventStore } from '@kopfed/eventstore';
import type { NodeConfig } from './config';

/** The services of the federation, each with its own event store. */
export const SERVICES = ['member', 'savings', 'loan', 'settlement'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface FederationNode {
  app: Express;
  stores: ReadonlyMap<ServiceName, EventStore>;
  close(): Promise<void>;
}

/** Builds the node without listening: tests use the app directly. */
export function createNode(config: Pick<NodeConfig, 'dataDir'>): FederationNode {
  const stores = new Map<ServiceName, EventStore>(
    SERVICES.map((service) => [service, openEventStore(`sqlite:${config.dataDir}`, { service })]),
  );
  const app = express();
  app.disable('x-powered-by');
  app.get('/health', async (_req, res) => {
    const report = await Promise.all(
      [...stores].map(async ([service, store]) => ({
        service,
        headPosition: await store.headPosition(),
      })),
    );
    res.json({ status: 'ok', stores: report });
  });
  return {
    app,
    stores,
    async close() {
      await Promise.all([...stores.values()].map((store) => store.close()));
    },
  };
}
