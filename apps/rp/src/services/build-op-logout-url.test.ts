import * as client from 'openid-client';

import { AppError } from '../errors.js';
import { buildOpLogoutUrl } from './build-op-logout-url.js';
import type { OidcClient } from './oidc-client.js';

const oidcWith = (metadata: client.ServerMetadata): OidcClient => ({
  getConfiguration: () => Promise.resolve(new client.Configuration(metadata, 'rp-1', 'secret')),
});

it('builds end_session_endpoint?id_token_hint&post_logout_redirect_uri&state&client_id, keeping its query', async () => {
  const oidc = oidcWith({ issuer: 'https://op.example', end_session_endpoint: 'https://op.example/logout?lang=en' });
  const { url, state } = await buildOpLogoutUrl({ oidc, config: { baseUrl: 'https://rp.example' }, idToken: 'id.token.here' });
  const parsed = new URL(url);
  expect(`${parsed.origin}${parsed.pathname}`).toBe('https://op.example/logout');
  expect(Object.fromEntries(parsed.searchParams)).toEqual({
    lang: 'en',
    id_token_hint: 'id.token.here',
    post_logout_redirect_uri: 'https://rp.example/signed-out',
    state,
    client_id: 'rp-1',
  });
  expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const again = await buildOpLogoutUrl({ oidc, config: { baseUrl: 'https://rp.example' }, idToken: 'id.token.here' });
  expect(again.state).not.toBe(state);
});

it('is op_unavailable when the OP publishes no end_session_endpoint', async () => {
  const oidc = oidcWith({ issuer: 'https://op.example' });
  const error = await buildOpLogoutUrl({ oidc, config: { baseUrl: 'https://rp.example' }, idToken: 'x' }).catch((err: unknown) => err);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('op_unavailable');
});
