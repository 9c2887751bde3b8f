/**
 * A failure of one event that no retry can fix (its body, its size, its data). The outbox relay
 * parks such a record instead of retrying it, and the consumer dead-letters such a message at
 * once instead of redelivering it. A handler throws it (or a subclass) to say "never again".
 */
export class PermanentEventError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PermanentEventError";
  }
}
