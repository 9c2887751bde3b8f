import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import {
  ensureTodoTopology,
  startTodoConsumer,
  type TodoConsumer,
  type TodoConsumerOptions,
} from "./todo-consumer.ts";

export type TodoConsumerSupervisorOptions = Omit<TodoConsumerOptions, "js" | "jsm">;

export interface TodoConsumerSupervisor {
  /**
   * For `keepNatsConnected`'s onConnected: starts a consumer on a new connection, and on a
   * reconnection ensures the topology again (the server may have lost it). Throws to be retried.
   */
  onConnected(nc: NatsConnection): Promise<void>;
  /** Whether a consumer is pulling: false before NATS first answered, and once stopped. */
  running(): boolean;
  /** Stops pulling now, waits for the events being handled; nothing starts afterwards. */
  stop(): Promise<void>;
}

/**
 * Runs the todo consumer whenever there is a connection to run it on, so that the service can
 * start (and answer /health/live) before NATS does, and consume as soon as NATS comes.
 */
export function superviseTodoConsumer(
  options: TodoConsumerSupervisorOptions,
): TodoConsumerSupervisor {
  let current: { nc: NatsConnection; consumer: TodoConsumer } | undefined;
  let starting: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;

  async function onConnected(nc: NatsConnection): Promise<void> {
    if (stopped) return;
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    if (current?.nc === nc && current.consumer.running()) {
      await ensureTodoTopology(js, jsm, options);
      return;
    }
    const consumer = await startTodoConsumer({ ...options, js, jsm });
    // Stopped while it started: it must not outlive the stop.
    if (stopped) await consumer.stop();
    else current = { nc, consumer };
  }

  return {
    onConnected(nc) {
      const run = onConnected(nc);
      starting = run.catch(() => undefined);
      return run;
    },
    running: () => stopped === undefined && current?.consumer.running() === true,
    stop() {
      stopped ??= (async () => {
        await starting;
        await current?.consumer.stop();
      })();
      return stopped;
    },
  };
}
