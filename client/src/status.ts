/**
 * The language status item ("{} YAML" area of the status bar): indexing progress and workspace
 * counts from `netpolLens/status`, server health, and a link to the reachability view.
 */
import * as vscode from 'vscode';
import type { StatusParams } from '../../server/src/protocol/requests';
import { plural } from '../../server/src/core/text/words';
import type { Server, ServerState } from './client';
import { DOCUMENT_SELECTOR } from './client';

export interface StatusSnapshot {
  text: string;
  detail: string | undefined;
  severity: 'information' | 'warning' | 'error';
  busy: boolean;
  command: string | undefined;
}

export function describeCounts(c: StatusParams['counts']): string {
  return `${plural(c.policies, 'policy', 'policies')} · ${plural(c.workloads, 'workload')} · ${plural(c.namespaces, 'namespace')}`;
}

export class StatusItem implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly server: Server) {
    this.item = vscode.languages.createLanguageStatusItem('netpolLens.status', DOCUMENT_SELECTOR);
    this.item.name = 'netpol-lens';
    this.disposables.push(
      server.onState(() => this.update()),
      server.onStatus(() => this.update()),
    );
    this.update();
  }

  private update(): void {
    const item = this.item;
    const state: ServerState = this.server.state;
    const status = this.server.status;
    item.severity = vscode.LanguageStatusSeverity.Information;
    item.busy = false;
    item.detail = undefined;
    item.command = {
      title: 'Show Reachability',
      command: 'netpolLens.showReachability',
      tooltip: 'Open the reachability matrix',
    };
    switch (state.kind) {
      case 'stopped':
        item.text = 'netpol-lens: idle';
        item.detail = 'starts when a Kubernetes manifest is opened';
        break;
      case 'starting':
        item.text = 'netpol-lens: starting';
        item.busy = true;
        break;
      case 'failed':
        item.text = 'netpol-lens: stopped';
        item.detail = state.message;
        item.severity = vscode.LanguageStatusSeverity.Error;
        item.command = {
          title: 'Restart',
          command: 'netpolLens.restartServer',
          tooltip: 'Restart the language server',
        };
        break;
      case 'running':
        if (!status) {
          item.text = 'netpol-lens';
          item.busy = true;
          item.detail = 'indexing the workspace';
        } else if (status.state === 'indexing') {
          item.busy = true;
          item.text =
            status.total !== undefined
              ? `netpol-lens: indexing ${status.done ?? 0}/${status.total}`
              : 'netpol-lens: indexing';
          item.detail = describeCounts(status.counts);
          if (status.fromCache) item.detail += `; ${plural(status.fromCache, 'file')} from the cache`;
          if (status.findings === 'file') item.detail += '; findings that need other files follow the index';
        } else {
          item.text = describeCounts(status.counts);
          const files =
            plural(status.counts.files, 'file') +
            (status.fromCache ? ` (${plural(status.fromCache, 'file')} read from the cache)` : '');
          item.detail =
            status.problems > 0 ? `${files}, ${plural(status.problems, 'unreadable file')}` : files;
          if (status.problems > 0) item.severity = vscode.LanguageStatusSeverity.Warning;
        }
        if (state.restartedAfterCrash) {
          item.severity = vscode.LanguageStatusSeverity.Warning;
          item.detail = `${item.detail ? `${item.detail}; ` : ''}restarted after a crash (see Output)`;
        }
        break;
    }
  }

  /** What the item shows now (used by the editor-level tests). */
  snapshot(): StatusSnapshot {
    const sev = this.item.severity;
    return {
      text: this.item.text,
      detail: this.item.detail,
      severity:
        sev === vscode.LanguageStatusSeverity.Error
          ? 'error'
          : sev === vscode.LanguageStatusSeverity.Warning
            ? 'warning'
            : 'information',
      busy: this.item.busy,
      command: this.item.command?.command,
    };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.item.dispose();
  }
}
