/**
 * Entry of server/dist/server.js, the netpol-lens language server. The transport comes from the
 * command line, as vscode-languageserver reads it: `--stdio`, `--node-ipc` (what the VS Code client
 * uses) or `--socket=<port>`.
 */
import { createConnection, LSPErrorCodes, ProposedFeatures } from 'vscode-languageserver/node';
import { Session, cancelledBeforeRun } from './session';

// A request the client cancels while it still waits in the queue (the server was busy with a
// diagnostics pass) is answered "cancelled" without running: stale hovers never pile up.
const connection = createConnection(ProposedFeatures.all, {
  cancelUndispatched: (message) => {
    const request = message as { id?: number | string | null; method?: string };
    cancelledBeforeRun.count++;
    return {
      jsonrpc: '2.0',
      id: request.id ?? null,
      error: { code: LSPErrorCodes.RequestCancelled, message: `${request.method ?? 'request'} cancelled` },
    };
  },
});

// Last line of defence: a bug must never take the server down (handlers catch their own errors).
process.on('uncaughtException', (e) => {
  try {
    connection.console.error(
      `Uncaught exception: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
    );
  } catch {
    /* the connection is gone */
  }
});
process.on('unhandledRejection', (e) => {
  try {
    connection.console.error(
      `Unhandled rejection: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
    );
  } catch {
    /* the connection is gone */
  }
});

new Session(connection).listen();
