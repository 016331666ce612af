/**
 * Entry of server/dist/server.js, the netpol-lens language server. The transport comes from the
 * command line, as vscode-languageserver reads it: `--stdio`, `--node-ipc` (what the VS Code client
 * uses) or `--socket=<port>`.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { Session } from './session';

const connection = createConnection(ProposedFeatures.all);

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
