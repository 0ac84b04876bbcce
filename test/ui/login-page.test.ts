// The login page on its own: how long to wait in words, the alert wiring, one autofocus, no password ever rendered.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderLoginPage, waitMessage } from '../../src/ui/login-page.js';

const base = { clientName: 'Example', interactionId: 'id-1', csrfToken: 'csrf-1' };

describe('login page', () => {
  it('says how long to wait in seconds under a minute, else in whole minutes rounded up', () => {
    assert.equal(waitMessage(1), 'Too many attempts. Try again in 1 second.');
    assert.equal(waitMessage(30), 'Too many attempts. Try again in 30 seconds.');
    assert.equal(waitMessage(60), 'Too many attempts. Try again in 1 minute.');
    assert.equal(waitMessage(61), 'Too many attempts. Try again in 2 minutes.');
    assert.equal(waitMessage(120), 'Too many attempts. Try again in 2 minutes.');
    assert.equal(waitMessage(900), 'Too many attempts. Try again in 15 minutes.');
  });

  it('announces a notice as an alert that both fields point at', () => {
    const page = renderLoginPage({ ...base, username: 'ada', notice: { kind: 'throttled', retryAfter: 120 } }).html;
    assert.match(page, /<p class="alert" role="alert" id="login-notice">Too many attempts\. Try again in 2 minutes\.<\/p>/);
    assert.equal(page.match(/aria-describedby="login-notice"/g)?.length, 2);
    assert.ok(!page.includes('aria-invalid'), 'a wait is not an invalid field');
  });

  it('focuses exactly one field, the first one still empty', () => {
    const empty = renderLoginPage(base).html;
    const hinted = renderLoginPage({ ...base, username: 'ada' }).html;
    assert.equal(empty.match(/ autofocus/g)?.length, 1);
    assert.match(empty, /id="username"[^>]* autofocus>/);
    assert.equal(hinted.match(/ autofocus/g)?.length, 1);
    assert.match(hinted, /id="password"[^>]* autofocus>/);
  });

  it('never renders a value into the password field', () => {
    assert.doesNotMatch(renderLoginPage({ ...base, username: 'ada', notice: { kind: 'invalid' } }).html, /id="password"[^>]*value=/);
  });
});
