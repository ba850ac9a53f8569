import type { Logger } from 'pino';
import {
  BusStoppedError,
  InvalidBusRequestError,
  type DeadLetter,
  type InProcessBus,
} from '@kopfed/bus';
import { conflict, notFound } from '@kopfed/domain';
import { HttpProblem } from '@kopfed/service-kit';
import type { DeadLetterBox, DeadLetterQuery, DeadLetterRecord } from './dead-letter-box';

/**
 * What an operator does with the node's dead letters: reads them, replays one to the consumer
 * group that failed it once the cause is fixed, or discards one that no longer matters. A
 * replay goes through that group's queue on the bus (in turn with the same key's messages) with
 * the group's retries; the consumers' inboxes drop an effect they already have, so replaying
 * twice applies nothing twice.
 */
export class DeadLetters {
  private readonly replaying = new Set<number>();

  constructor(
    private readonly box: DeadLetterBox,
    private readonly bus: InProcessBus,
    private readonly clock: () => Date,
    private readonly logger: Logger,
  ) {}

  /** The sink for the bus's and the host's dead letters: kept, then logged with their id. */
  readonly keep = (dead: DeadLetter): void => {
    const { id, ...letter } = this.box.record(dead, this.clock());
    this.logger.error(
      { deadLetterId: id, ...letter },
      'a message failed every retry and is kept as a dead letter: replay it once the cause is fixed',
    );
  };

  list(query: DeadLetterQuery): DeadLetterRecord[] {
    return this.box.list(query);
  }

  waiting(): number {
    return this.box.waiting();
  }

  get(id: number): DeadLetterRecord {
    const letter = this.box.get(id);
    if (!letter) throw notFound('dead-letter-not-found', `No dead letter ${id}.`);
    return letter;
  }

  async replay(id: number, by: string): Promise<DeadLetterRecord> {
    const letter = this.waitingOne(id);
    if (this.replaying.has(id))
      throw conflict('dead-letter-replay-in-progress', `Dead letter ${id} is being replayed.`);
    this.replaying.add(id);
    try {
      const outcome = await this.redeliver(letter);
      if (outcome.handled) this.box.settle(id, 'replayed', this.clock(), by, null);
      else this.box.noteFailedReplay(id, this.clock(), errorText(outcome.error));
      return this.get(id);
    } finally {
      this.replaying.delete(id);
    }
  }

  discard(id: number, by: string, reason: string): DeadLetterRecord {
    this.waitingOne(id);
    if (this.replaying.has(id))
      throw conflict('dead-letter-replay-in-progress', `Dead letter ${id} is being replayed.`);
    this.box.settle(id, 'discarded', this.clock(), by, reason);
    return this.get(id);
  }

  private waitingOne(id: number): DeadLetterRecord {
    const letter = this.get(id);
    if (letter.status !== 'waiting')
      throw conflict('dead-letter-settled', `Dead letter ${id} was already ${letter.status}.`, {
        status: letter.status,
      });
    return letter;
  }

  private async redeliver(letter: DeadLetterRecord) {
    try {
      return await this.bus.redeliver(letter.topic, letter.group, {
        key: letter.key,
        value: letter.value,
        headers: letter.headers,
      });
    } catch (error) {
      if (error instanceof InvalidBusRequestError)
        throw conflict(
          'consumer-group-not-running',
          `The consumer group ${letter.group} does not run in this node: start the node with its service (KOPFED_SERVICES), then replay.`,
          { group: letter.group, topic: letter.topic },
        );
      if (error instanceof BusStoppedError)
        throw new HttpProblem('unavailable', 'The node is stopping; replay once it runs again.', {
          headers: { 'Retry-After': '5' },
        });
      throw error;
    }
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
