import { escapeHtml, html, raw, SafeHtml } from './html.js';

describe('escapeHtml', () => {
  it('escapes the characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&\`</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;');
  });

  it('leaves plain text and unicode alone', () => {
    expect(escapeHtml('Zoë – 東京 ok')).toBe('Zoë – 東京 ok');
  });

  it('does not double-decode: escaping twice escapes the ampersands', () => {
    expect(escapeHtml(escapeHtml('<'))).toBe('&amp;lt;');
  });
});

describe('html', () => {
  it('escapes interpolations', () => {
    expect(html`<p>${'<script>alert(1)</script>'}</p>`.value).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  });

  it('escapes inside attributes', () => {
    expect(html`<input value="${'" onfocus="x'}">`.value).toBe('<input value="&quot; onfocus=&quot;x">');
  });

  it('keeps nested templates and raw markup, joins arrays, drops null/undefined/false', () => {
    const items = ['a&b', html`<b>${'c'}</b>`];
    expect(html`<ul>${items}${null}${undefined}${false}${raw('<hr>')}${0}</ul>`.value).toBe('<ul>a&amp;b<b>c</b><hr>0</ul>');
  });

  it('returns SafeHtml', () => {
    expect(html`x`).toBeInstanceOf(SafeHtml);
    expect(String(html`<i>${'&'}</i>`)).toBe('<i>&amp;</i>');
  });
});
