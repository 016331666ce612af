/**
 * Which LSP features the server offers, and their handlers. Every handler is wrapped: an exception
 * is logged and answered with an empty result (or, for the custom requests, a ResponseError),
 * never a crash.
 */
import { ErrorCodes, ResponseError, type ServerCapabilities } from 'vscode-languageserver/node';
import type { ClientCaps, ServerContext } from '../context';
import { CODE_ACTION_KINDS, onCodeAction } from './code-actions';
import { onCodeLens } from './code-lens';
import { onCompletion, TRIGGER_CHARACTERS } from './completion';
import { registerCustomRequests } from './custom';
import { onHover } from './hover';
import { onDefinition, onDocumentSymbol, onReferences } from './navigation';

export function featureCapabilities(_caps: ClientCaps): Partial<ServerCapabilities> {
  return {
    hoverProvider: true,
    codeActionProvider: { codeActionKinds: CODE_ACTION_KINDS },
    codeLensProvider: { resolveProvider: false },
    completionProvider: { triggerCharacters: TRIGGER_CHARACTERS },
    definitionProvider: true,
    referencesProvider: true,
    documentSymbolProvider: { label: 'netpol-lens' },
  };
}

/** Wraps a request handler: errors are logged; ResponseErrors go back to the client as they are. */
export function requestGuard(ctx: ServerContext) {
  return <P, R>(name: string, fn: (p: P) => R) =>
    (p: P): R => {
      try {
        return fn(p);
      } catch (e) {
        if (e instanceof ResponseError) throw e;
        ctx.error(`${name} failed`, e);
        throw new ResponseError(
          ErrorCodes.InternalError,
          `${name} failed: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    };
}

/** Wraps a feature handler: errors are logged and answered with `fallback`. */
export function featureGuard(ctx: ServerContext) {
  return <P, R>(name: string, fallback: R, fn: (p: P) => R) =>
    (p: P): R => {
      try {
        return fn(p);
      } catch (e) {
        ctx.error(`${name} failed`, e);
        return fallback;
      }
    };
}

export function registerFeatureHandlers(ctx: ServerContext): void {
  const c = ctx.connection;
  const g = featureGuard(ctx);
  c.onHover(g('hover', null, (p) => onHover(ctx, p)));
  c.onCodeAction(g('codeAction', [], (p) => onCodeAction(ctx, p)));
  c.onCodeLens(async (p) => {
    try {
      return await onCodeLens(ctx, p);
    } catch (e) {
      ctx.error('codeLens failed', e);
      return [];
    }
  });
  c.onCompletion(g('completion', { isIncomplete: false, items: [] }, (p) => onCompletion(ctx, p)));
  c.onDefinition(g('definition', null, (p) => onDefinition(ctx, p)));
  c.onReferences(g('references', null, (p) => onReferences(ctx, p)));
  c.onDocumentSymbol(g('documentSymbol', [], (p) => onDocumentSymbol(ctx, p)));
  registerCustomRequests(ctx, requestGuard(ctx));
}
