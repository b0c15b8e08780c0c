import { escapeHtml, html, Raw } from './html.js';

it('escapes the five HTML-significant characters', () => {
  expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
});

it('escapes interpolations but not nested templates', () => {
  const inner = html`<b>${'<i>'}</b>`;
  expect(html`<p>${inner}${'&'}${undefined}${false}</p>`.value).toBe('<p><b>&lt;i&gt;</b>&amp;</p>');
  expect(new Raw('<x>').toString()).toBe('<x>');
});
