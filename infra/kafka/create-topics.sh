#!/bin/sh
# Creates kopfed's Kafka topics: per service `kopfed.<service>.events` and its dead-letter topic
# `kopfed.<service>.events.dlq`. Idempotent (--if-not-exists), so it runs on every deploy.
# Run by the compose job `kafka-topics` and the Kubernetes Job `kopfed-kafka-topics`; the
# Kubernetes ConfigMap holds a copy of this file, kept identical by tests/infra.
#
# Keys are aggregate ids, so the partition count bounds how many members of one consumer group
# share a topic; it can grow later but never shrink, and growing it moves keys to other
# partitions (see docs/scaling.md). Events are kept forever (retention.ms=-1) and never
# compacted: the topic is the integration log new consumer groups start from.
set -eu

BOOTSTRAP_SERVERS="${BOOTSTRAP_SERVERS:?set BOOTSTRAP_SERVERS, e.g. kafka-1:9092,kafka-2:9092}"
SERVICES="${KOPFED_SERVICES:-member savings loan settlement}"
PARTITIONS="${EVENT_PARTITIONS:-12}"
DLQ_PARTITIONS="${DLQ_PARTITIONS:-3}"
REPLICATION_FACTOR="${REPLICATION_FACTOR:-3}"
MIN_INSYNC_REPLICAS="${MIN_INSYNC_REPLICAS:-2}"
KAFKA_BIN="${KAFKA_BIN:-/opt/kafka/bin}"
MAX_ATTEMPTS=60

topics() {
  "$KAFKA_BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP_SERVERS" "$@"
}

attempt=1
until topics --list >/dev/null 2>&1; do
  if [ "$attempt" -ge "$MAX_ATTEMPTS" ]; then
    echo "kafka at $BOOTSTRAP_SERVERS did not answer after $MAX_ATTEMPTS attempts" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep 5
done

create() {
  topics --create --if-not-exists --topic "$1" --partitions "$2" \
    --replication-factor "$REPLICATION_FACTOR" \
    --config min.insync.replicas="$MIN_INSYNC_REPLICAS" \
    --config retention.ms=-1 \
    --config cleanup.policy=delete \
    --config unclean.leader.election.enable=false
}

for service in $SERVICES; do
  topic="kopfed.$service.events"
  create "$topic" "$PARTITIONS"
  create "$topic.dlq" "$DLQ_PARTITIONS"
done

topics --describe --topics-with-overrides
echo "kopfed topics ready: $SERVICES"
