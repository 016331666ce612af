/**
 * The reachability view's HTML shell: template only, no `vscode` import, so the browser-level
 * webview tests render exactly this page (same CSP) around the same bundle.
 *
 * CSP: nothing by default; the script only by nonce; styles and fonts only from the webview's
 * resource origin (`webview.cspSource`). No 'unsafe-inline': the bundle sets geometry through
 * the CSSOM (`element.style.x = …`), which CSP does not restrict.
 */

export interface HtmlParts {
  /** `webview.cspSource`. */
  cspSource: string;
  nonce: string;
  /** `webview.asWebviewUri(…/client/dist/webview.js)`. */
  scriptUri: string;
  /** `webview.asWebviewUri(…/client/dist/webview.css)`. */
  styleUri: string;
}

export function contentSecurityPolicy(p: Pick<HtmlParts, 'cspSource' | 'nonce'>): string {
  return [
    `default-src 'none'`,
    `style-src ${p.cspSource}`,
    `font-src ${p.cspSource}`,
    `img-src ${p.cspSource}`,
    `script-src 'nonce-${p.nonce}'`,
  ].join('; ');
}

export function makeNonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < 32; i++) out += chars.charAt(Math.floor(Math.random() * chars.length));
  return out;
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function renderHtml(p: HtmlParts): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(p))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${attr(p.styleUri)}">
  <title>Reachability</title>
</head>
<body>
  <div id="app" class="app" aria-busy="true">
    <p class="loading">Loading the reachability matrix…</p>
  </div>
  <script nonce="${attr(p.nonce)}" src="${attr(p.scriptUri)}"></script>
</body>
</html>`;
}
