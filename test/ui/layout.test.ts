// The page shell: viewport, lang, a nonce'd style, a CSP without unsafe-inline, and a fresh nonce per page.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderErrorPage } from '../../src/ui/error-page.js';
import { html } from '../../src/ui/html.js';
import { renderPage } from '../../src/ui/layout.js';

function directives(csp: string): Map<string, string> {
  return new Map(csp.split('; ').map((directive) => {
    const [name = '', ...sources] = directive.split(' ');
    return [name, sources.join(' ')];
  }));
}

describe('layout', () => {
  it('renders a complete accessible document with the title escaped', () => {
    const page = renderPage({ title: 'A <b> & c', body: html`<h1>Hi</h1>` });
    assert.match(page.html, /^<!doctype html>\n<html lang="en">/);
    assert.match(page.html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.match(page.html, /<title>A &lt;b&gt; &amp; c<\/title>/);
    assert.match(page.html, /<main>[\s\S]*<h1>Hi<\/h1>[\s\S]*<\/main>/);
    assert.match(page.html, /:focus-visible\{outline:3px solid/);
  });

  it('sends a CSP whose style nonce matches the style element, without unsafe-inline, frames or base', () => {
    const page = renderPage({ title: 't', body: html`` });
    const csp = directives(page.csp);
    const nonce = /style-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(page.csp)?.[1];
    assert.ok(nonce && nonce.length >= 22, 'a nonce of at least 128 bits');
    assert.ok(page.html.includes(`<style nonce="${nonce}">`));
    assert.equal(csp.get('default-src'), "'none'");
    assert.equal(csp.get('frame-ancestors'), "'none'");
    assert.equal(csp.get('base-uri'), "'none'");
    assert.equal(csp.get('form-action'), "'self'");
    assert.equal(csp.get('img-src'), "'self'");
    assert.equal(csp.has('script-src'), false, 'no script allowed when the page has none');
    assert.ok(!page.csp.includes('unsafe-inline'));
  });

  it('allows a script only under the nonce, and a new nonce for every page', () => {
    const first = renderPage({ title: 't', body: html``, script: 'document.forms[0].submit()' });
    const second = renderPage({ title: 't', body: html``, script: 'document.forms[0].submit()' });
    const nonce = /script-src 'nonce-([^']+)'/.exec(first.csp)?.[1];
    assert.ok(first.html.includes(`<script nonce="${nonce}">document.forms[0].submit()</script>`));
    assert.notEqual(first.csp, second.csp);
  });

  it('adds form-action origins (or a private-use scheme) and drops anything that could inject a directive', () => {
    const page = renderPage({
      title: 't',
      body: html``,
      formActions: ['https://app.example:8443/cb?x=1', 'com.example.app:/callback', 'https://app.example/other', 'not a url', "https://a.example/;script-src 'unsafe-inline'"],
    });
    assert.equal(directives(page.csp).get('form-action'), "'self' https://app.example:8443 com.example.app: https://app.example https://a.example");
    assert.ok(!page.csp.includes('unsafe-inline'));
  });
});

describe('error page', () => {
  it('shows the title, message and request id escaped, and no stack', () => {
    const page = renderErrorPage({ title: 'Oops <x>', message: 'Try "again" & later.', requestId: '<req-1>' });
    assert.match(page.html, /<h1>Oops &lt;x&gt;<\/h1>/);
    assert.match(page.html, /Try &quot;again&quot; &amp; later\./);
    assert.match(page.html, /Request ID: <code>&lt;req-1&gt;<\/code>/);
    assert.ok(!page.html.includes(' at '), 'no stack frames');
  });
});
