// The page renderer's situations that no HTTP test reaches on purpose: a server error, and a refusal worded for people.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { InvalidCsrfToken, ServerError } from '../errors/oauth-errors.js';
import { renderError } from './error-responses.js';

it('shows a server error as "Something went wrong" with the request id, never its cause', () => {
  const rendered = renderError('page', new ServerError({ cause: new Error('connection refused to db.internal:5432') }), 'req-7');
  assert.equal(rendered.status, 500);
  assert.match(rendered.body, /<h1>Something went wrong<\/h1>/);
  assert.match(rendered.body, /Request ID: <code>req-7<\/code>/);
  assert.match(rendered.body, /<code>server_error<\/code>/);
  assert.ok(!rendered.body.includes('db.internal'), 'the cause is for the log only');
});

it('shows a refusal in its own words when its description is written for a person', () => {
  const description = 'This sign-out form has expired or did not come from this site. Open the sign-out page again.';
  const rendered = renderError('page', new InvalidCsrfToken({ description }), 'req-8');
  assert.equal(rendered.status, 403);
  assert.match(rendered.body, /<h1>This request cannot be completed<\/h1>/);
  assert.match(rendered.body, /<p class="lead">This sign-out form has expired/);
  assert.ok(!rendered.body.includes('class="return"'), 'no client, no link');
});
