// The html tag escapes every interpolated value, keeps nested markup, and raw() is the only way around it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, html, raw, SafeHtml } from '../../src/ui/html.js';

describe('html', () => {
  it('escapes & < > " and \' in text', () => {
    assert.equal(html`<p>${`<script>alert("x") & 'y'</script>`}</p>`.value, '<p>&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;</p>');
  });

  it('escapes values inside quoted attributes so they cannot break out', () => {
    const value = `" onmouseover="alert(1)`;
    assert.equal(html`<input value="${value}">`.value, '<input value="&quot; onmouseover=&quot;alert(1)">');
    assert.equal(html`<input value='${"' autofocus x='"}'>`.value, "<input value='&#39; autofocus x=&#39;'>");
  });

  it('escapes an ampersand once, so entities typed by a person stay visible as typed', () => {
    assert.equal(html`${'&lt;'}`.value, '&amp;lt;');
  });

  it('does not re-escape nested fragments', () => {
    const inner = html`<b>${'<i>'}</b>`;
    assert.equal(html`<p>${inner}</p>`.value, '<p><b>&lt;i&gt;</b></p>');
  });

  it('joins arrays of fragments and escapes plain strings in them', () => {
    const items = ['a<', 'b>'].map((item) => html`<li>${item}</li>`);
    assert.equal(html`<ul>${items}</ul>`.value, '<ul><li>a&lt;</li><li>b&gt;</li></ul>');
    assert.equal(html`${['<x>', html`<y>`]}`.value, '&lt;x&gt;<y>');
  });

  it('renders nothing for false, null and undefined, and numbers as text', () => {
    const shown = false;
    assert.equal(html`[${shown && html`<b>x</b>`}${null}${undefined}${0}${42}]`.value, '[042]');
  });

  it('passes raw() constants through unchanged and nothing else', () => {
    assert.ok(raw('<br>') instanceof SafeHtml);
    assert.equal(html`${raw('<br>')}`.value, '<br>');
    // A look-alike object is not markup: only SafeHtml instances are trusted.
    const lookalike = { value: '<br>', toString: () => '<br>' } as unknown as string;
    assert.equal(html`${lookalike}`.value, '&lt;br&gt;');
  });

  it('stringifies to its markup', () => {
    assert.equal(String(html`<p>${'&'}</p>`), '<p>&amp;</p>');
    assert.equal(escapeHtml(`<>&"'`), '&lt;&gt;&amp;&quot;&#39;');
  });
});
