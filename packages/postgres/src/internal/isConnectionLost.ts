// SQLSTATE codes of a server that is going away: 57P01 admin_shutdown (pg_terminate_backend),
// 57P02 crash_shutdown, 57P03 cannot_connect_now, 57P05 idle_session_timeout.
const SHUTDOWN = /^57P0[1235]$/;
// Socket-level failures reported by Node.
const SOCKET = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTCONN', 'EHOSTUNREACH']);
// What `pg` says when the socket went away, or when a client whose connection broke is asked
// for another query ("Client has encountered a connection error and is not queryable").
const MESSAGE =
  /Connection terminated|connection timeout|not queryable|terminating connection|server closed the connection|socket hang up/i;

/**
 * Whether `error` means the connection to PostgreSQL was lost (the server may or may not have
 * run the statement), as opposed to the statement failing on a working connection. The one
 * classifier behind `BackendUnavailableError`: a lost connection is worth retrying or resuming,
 * a failed statement is not.
 */
export function isConnectionLost(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    // SQLSTATE class 08 is "connection exception".
    if (code.startsWith('08') || SHUTDOWN.test(code) || SOCKET.has(code)) return true;
  }
  return MESSAGE.test(error.message);
}
