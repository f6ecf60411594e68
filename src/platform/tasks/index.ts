/** Logs a task's failure; the HTTP server's logger fits. */
export interface TaskLogger {
  error(obj: object, msg: string): void;
}

export interface Tasks {
  /** Runs work after the current request has been answered; failures are logged, never thrown. */
  later(name: string, work: () => Promise<void>): void;
  /** Waits for every task still running (at shutdown, and in tests). */
  drain(): Promise<void>;
}

/**
 * Short work that must not hold up an answer, such as mail whose timing would reveal whether an address
 * exists. Not durable: a task running when the process dies is lost, so only work that the person can
 * simply ask for again belongs here; lasting work goes to the job queue.
 */
export function createTasks(logger: TaskLogger): Tasks {
  const running = new Set<Promise<void>>();
  return {
    later(name, work) {
      const task = Promise.resolve()
        .then(work)
        .catch((error: unknown) => logger.error({ task: name, err: error }, 'background task failed'))
        .finally(() => running.delete(task));
      running.add(task);
    },
    async drain() {
      while (running.size > 0) await Promise.all(running);
    },
  };
}
