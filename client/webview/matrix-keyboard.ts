/**
 * The matrix's keyboard controller: keydown on the grid → a MatrixModel move (arrows, Page
 * Up/Down, Home/End, Ctrl+Home/End), an activation (Enter, Space), or in changes mode the next or
 * previous changed cell (`n`, `Shift+N`). The first key on a grid
 * without a keyboard position lands on its first cell. The view redraws through `host`.
 */
import { navCommand, type MatrixModel } from './matrix-model';

export interface KeyboardHost {
  /** Rows per PageUp/PageDown. */
  pageSize(): number;
  /** Give the grid a keyboard position and focus it. */
  focusGrid(): void;
  /** The keyboard position moved: scroll, redraw, focus. */
  moved(): void;
  /** Enter or Space on the keyboard position. */
  activate(): void;
  /** `n` / `Shift+N`: the next / previous changed cell (changes mode). */
  nextChange(forward: boolean): void;
}

export class MatrixKeyboard {
  constructor(
    element: HTMLElement,
    private readonly model: MatrixModel,
    private readonly host: KeyboardHost,
  ) {
    element.addEventListener('keydown', (e) => this.onKey(e));
  }

  private onKey(e: KeyboardEvent): void {
    if (this.model.rows.length === 0) return;
    if ((e.key === 'n' || e.key === 'N') && !e.ctrlKey && !e.altKey && !e.metaKey) {
      this.host.nextChange(!e.shiftKey);
      e.preventDefault();
      e.stopPropagation();
      return;
    }
    const cmd = navCommand(e.key, e.ctrlKey);
    if (!cmd) return;
    if (!this.model.active) {
      if (cmd === 'pageUp' || cmd === 'pageDown') return;
      e.preventDefault();
      this.host.focusGrid();
      return;
    }
    if (cmd === 'activate') this.host.activate();
    else {
      const moved = this.model.move(cmd, this.host.pageSize());
      if (moved === undefined) return;
      if (moved) this.host.moved();
    }
    e.preventDefault();
    e.stopPropagation();
  }
}
