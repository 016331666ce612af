/**
 * The matrix's keyboard controller: keydown on the grid → a MatrixModel move (arrows, Page
 * Up/Down, Home/End, Ctrl+Home/End) or an activation (Enter, Space). The first key on a grid
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
