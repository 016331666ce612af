// Editor navigation through the language server in a real VS Code, on the seed example:
// completion of label values, go to definition from a selector, references from a workload,
// and document symbols. Runs after 10-extension (the server is up, the workspace indexed).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as h from './helpers';

const NP1 = 'layer1/np-layer1.yaml';
const APPS1 = 'layer1/apps.yaml';

/** Polls a provider command until `pick` finds what is expected (the server may still be indexing). */
function ask<R, T>(
  what: string,
  command: string,
  args: unknown[],
  pick: (r: R) => T | undefined,
): Promise<T> {
  let last: R | undefined;
  return h.waitFor(
    { what, last: () => JSON.stringify(last)?.slice(0, 400) },
    async () => {
      last = await vscode.commands.executeCommand<R>(command, ...args);
      return last === undefined ? undefined : pick(last);
    },
    { timeoutMs: 20000, intervalMs: 300 },
  );
}

type Loc = vscode.Location | vscode.LocationLink;
const pathOf = (loc: Loc): string => ('uri' in loc ? loc.uri : loc.targetUri).path;

describe('netpol-lens navigation in VS Code (seed example)', function () {
  this.timeout(60000);

  it('completes namespace label values inside a namespaceSelector', async () => {
    const doc = await h.open(NP1);
    const m = /role: layer1/.exec(doc.getText());
    assert.ok(m);
    const position = doc.positionAt(m.index + 'role: '.length);
    const list = await ask(
      'completion items layer2 and layer3',
      'vscode.executeCompletionItemProvider',
      [doc.uri, position],
      (r: vscode.CompletionList) => {
        const labels = r.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
        return labels.includes('layer2') && labels.includes('layer3') ? labels : undefined;
      },
    );
    assert.ok(list.includes('layer1'));
  });

  it('goes from a namespaceSelector to the Namespace it matches', async () => {
    const doc = await h.open(NP1);
    const m = /namespaceSelector/.exec(doc.getText());
    assert.ok(m);
    const locs = await ask(
      'a definition in layer1/namespace.yaml',
      'vscode.executeDefinitionProvider',
      [doc.uri, doc.positionAt(m.index + 3)],
      (r: Loc[]) => (r.some((l) => pathOf(l).endsWith('/layer1/namespace.yaml')) ? r : undefined),
    );
    assert.ok(
      !locs.some((l) => pathOf(l).endsWith('/layer2/namespace.yaml')),
      'role=layer1 matches layer1 only',
    );
  });

  it('finds the policies that select a workload', async () => {
    const doc = await h.open(APPS1);
    const m = /name: nginx1/.exec(doc.getText());
    assert.ok(m);
    const refs = await ask(
      'a reference in np-layer1.yaml',
      'vscode.executeReferenceProvider',
      [doc.uri, doc.positionAt(m.index + 'name: '.length + 1)],
      (r: vscode.Location[]) => (r.some((l) => pathOf(l).endsWith('/layer1/np-layer1.yaml')) ? r : undefined),
    );
    assert.ok(refs.length >= 1);
  });

  it('lists the policy and its rules as document symbols', async () => {
    const doc = await h.open(NP1);
    const symbols = await ask(
      'a symbol named np-layer1',
      'vscode.executeDocumentSymbolProvider',
      [doc.uri],
      (r: vscode.DocumentSymbol[]) => (r.some((s) => /np-layer1/.test(s.name)) ? r : undefined),
    );
    const policy = symbols.find((s) => /np-layer1/.test(s.name));
    assert.ok(
      policy && policy.children.length >= 2,
      `rules as children: ${JSON.stringify(policy?.children.map((c) => c.name))}`,
    );
  });
});
