import { Kafka, logLevel } from 'kafkajs';

export interface TopicLayout {
  /** Partitions bound how many consumers of one group share the topic. */
  partitions: number;
  /** 3 in production (with min.insync.replicas 2); 1 on a single broker. */
  replicationFactor: number;
}

/**
 * Creates the topics that do not exist yet, and waits for their partition leaders.
 * In production the topics (each with its `<topic>.dlq`) are created by infra; this is
 * for tests and local clusters. Returns the topics it created.
 */
export async function ensureTopics(
  cluster: { brokers: string[]; clientId: string },
  topics: readonly string[],
  layout: TopicLayout,
): Promise<string[]> {
  const admin = new Kafka({ ...cluster, logLevel: logLevel.WARN }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(topics)].filter((topic) => !existing.has(topic));
    if (missing.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: layout.partitions,
        replicationFactor: layout.replicationFactor,
      })),
    });
    return missing;
  } finally {
    await admin.disconnect();
  }
}
