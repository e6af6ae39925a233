// @ts-check
// A typedoc plugin: every ```mermaid block of the docs (the guide, the troubleshooting page, TSDoc that
// includes them) is drawn as an inline SVG when the API reference is built, with beautiful-mermaid (pure
// JavaScript: no browser, no network). The SVG takes typedoc's theme colours, so it follows light and dark
// mode. A block that cannot be drawn fails the build.

import { renderMermaidSVG } from 'beautiful-mermaid';
import { MarkdownEvent } from 'typedoc';

/** The HTML typedoc writes for a code block in a language it does not highlight. */
const BLOCK = /<pre><code class="mermaid">([\s\S]*?)<\/code>(<button[\s\S]*?<\/button>)?<\/pre>/g;

/** @param {string} html */
function unescapeHtml(html) {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, '&');
}

/** @param {string} source */
export function mermaidToSvg(source) {
  const svg = renderMermaidSVG(source, {
    bg: 'var(--color-background)',
    fg: 'var(--color-text)',
    transparent: true,
    font: 'system-ui, sans-serif',
  });
  return (
    svg
      // The renderer links a web font; the reference must not load anything from the network.
      .replace(/^\s*@import url\([^)]*\);?\s*$/gm, '')
      // Its style sheet targets `svg` and `text`: inline in a page, that would restyle typedoc's own icons.
      .replace(/^(\s*)(svg|text) \{/gm, '$1.mermaid-diagram $2 {')
      // Drawn at its natural size, so its text stays readable (the figure scrolls sideways when needed).
      .replace(/<svg ([^>]*?)style="/, '<svg role="img" $1style="max-width:none;')
  );
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  /** @type {Map<string, string>} */
  const cache = new Map();
  app.renderer.on(MarkdownEvent.PARSE, (event) => {
    event.parsedText = event.parsedText.replace(BLOCK, (_block, code) => {
      const source = unescapeHtml(code);
      let svg = cache.get(source);
      if (svg === undefined) {
        try {
          svg = mermaidToSvg(source);
        } catch (error) {
          app.logger.error(`mermaid: cannot draw a diagram on ${event.page.url}: ${String(error)}`);
          return _block;
        }
        cache.set(source, svg);
      }
      return `<figure class="mermaid-diagram" style="overflow-x:auto;margin:1em 0">${svg}</figure>`;
    });
  });
}
