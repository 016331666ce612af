/** The webview's one DOM helper: elements with a class and text, and the aria-hidden verdict glyph. */

/** `<tag class="cls">text</tag>`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A `.glyph` span that screen readers skip (the words next to it say the same). */
export function glyph(text: string): HTMLSpanElement {
  const g = h('span', 'glyph', text);
  g.setAttribute('aria-hidden', 'true');
  return g;
}
