/** The API VS Code injects into webviews (there is no `vscode` module here). */
interface VsCodeWebviewApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): S;
}
declare function acquireVsCodeApi<S = unknown>(): VsCodeWebviewApi<S>;

/** esbuild bundles imported CSS into client/dist/webview.css. */
declare module '*.css';
