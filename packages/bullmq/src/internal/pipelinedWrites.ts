/** Writes fired without awaiting each: the first failure is kept and raised by `check`. */
export interface PipelinedWrites {
  fire(write: Promise<unknown>): void;
  check(): void;
}

/**
 * Commands are pipelined in order on one connection, so a job fires its per-event writes without
 * awaiting each one; once a later command on the same connection has answered, `check` raises the
 * first write that failed.
 */
export function pipelinedWrites(): PipelinedWrites {
  let failure: unknown;
  return {
    fire: (write) => {
      write.catch((error: unknown) => {
        failure ??= error;
      });
    },
    check: () => {
      if (failure !== undefined) throw failure;
    },
  };
}
