/**
 * The core's paths and the system's, for both adapters. The core names a file by the decoded path
 * of its `file:` URI (core roots/paths.ts `uriPath`): `/srv/app/x.yaml`, and on Windows
 * `/c:/app/x.yaml`, with `/` between segments (RenderTarget.dir, BuildInputs). An adapter turns
 * such a path into the system's (`c:\app\x.yaml`) with `nativePath` before it reads a file, runs a
 * program in a folder or names it relative to the current directory; and it compares paths it is
 * given (a watched-file event's URI) in the core's form (lsp/uri.ts `corePath`), never in the
 * system's.
 */
import { fileURLToPath } from 'node:url';

/**
 * The system's path of a core path (`windows`: Windows' rules, by default the running system's): a
 * trailing `/` stays as the system's separator. A path the system cannot name (on Windows one
 * without a drive) is given back with the system's separators.
 */
export function nativePath(path: string, windows = process.platform === 'win32'): string {
  // on Windows `\` separates segments too (a path written into a kustomization)
  const segments = (windows ? path.replace(/\\/g, '/') : path).split('/');
  try {
    return fileURLToPath(`file://${segments.map(encodeURIComponent).join('/')}`, { windows });
  } catch {
    return windows ? segments.join('\\') : path;
  }
}
