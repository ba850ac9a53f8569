/** The bus or the subscription was stopped before the message was handled. */
export class BusStoppedError extends Error {
  override readonly name = 'BusStoppedError';
  constructor(what = 'bus') {
    super(`${what} stopped before the message was handled; it will be redelivered`);
  }
}

/** A publish or subscribe request is malformed; nothing was published. */
export class InvalidBusRequestError extends Error {
  override readonly name = 'InvalidBusRequestError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** Thrown by a handler for a message that retrying cannot fix: it is dead-lettered at once. */
export class UnprocessableMessageError extends Error {
  override readonly name = 'UnprocessableMessageError';
  readonly retryable = false;
}
