import { Router, type Request, type Response } from 'express';
import express from 'express';
import { timingSafeEqualString, verifyPassword } from '@oidc-ref/crypto';
import { AccessDenied, OAuthError, RenderedError, ServerError } from '../errors.js';
import type { AppDeps } from '../app.js';
import type { InteractionRecord } from '../repositories/interaction-repository.js';
import { readCookie } from '../middleware/cookies.js';
import { noStore } from '../middleware/no-store.js';
import { ACR_PASSWORD } from '../services/browser-session.js';
import { INTERACTION_COOKIE, responseTarget } from '../services/authorization-flow.js';
import { deliverAuthorizationError, formActionSource } from '../services/authorization-response.js';
import { consentScopes, decideNextStep, requiredUserIds } from '../authorize/decide.js';
import { consentPage } from '../views/consent-page.js';
import { loginPage } from '../views/login-page.js';

// Compared against when the email is unknown, so that a wrong email and a wrong password take
// the same time (no account enumeration by timing).
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

const expired = () =>
  new RenderedError('invalid_request', 'this sign-in request has expired or was already completed; go back to the application and start again');

/**
 * The login and consent pages of an authorization request. Every POST must carry the
 * interaction's cookie and its CSRF token.
 */
export function interactionRoutes(deps: AppDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '10kb' });

  async function load(req: Request): Promise<InteractionRecord> {
    const interaction = await deps.repos.interactions.findLive(String(req.params.id), deps.now());
    if (!interaction) throw expired();
    return interaction;
  }

  async function loadForPost(req: Request): Promise<InteractionRecord> {
    const interaction = await load(req);
    const cookie = readCookie(req, INTERACTION_COOKIE);
    const csrf = typeof req.body?.csrf === 'string' ? req.body.csrf : '';
    if (cookie !== interaction.id || !timingSafeEqualString(csrf, interaction.csrfToken)) {
      throw new RenderedError('invalid_request', 'the form could not be verified (CSRF check failed); start the sign-in again', 403);
    }
    return interaction;
  }

  /** Redirects an error to the client, as the authorization endpoint would. */
  async function fail(res: Response, interaction: InteractionRecord, err: unknown) {
    if (err instanceof RenderedError) throw err;
    const oauthError = err instanceof OAuthError ? err : new ServerError('the request could not be completed', err);
    if (!(err instanceof OAuthError)) deps.logger.error({ err }, 'interaction failed');
    await deps.repos.interactions.consume(interaction.id);
    deliverAuthorizationError(res, responseTarget(interaction.params, deps.config.issuer), oauthError);
  }

  async function clientName(interaction: InteractionRecord): Promise<string> {
    return (await deps.repos.clients.findById(interaction.clientId))?.name ?? interaction.clientId;
  }

  router.get('/interaction/:id', noStore, async (req, res) => {
    const interaction = await load(req);
    const now = deps.now();
    const session = await deps.sessions.current(req, now);
    const client = await deps.repos.clients.findById(interaction.clientId);
    if (!client) throw expired();
    const authenticatedNow = session !== null && interaction.sessionId === session.id;
    try {
      const grantedScopes = session ? await deps.repos.consents.scopesGranted(session.userId, client.id) : [];
      const step = decideNextStep({
        params: interaction.params,
        client,
        session,
        authenticatedNow,
        grantedScopes,
        now,
      });
      setPageSecurity(res, interaction.params.redirect_uri);
      if (step === 'login') {
        res.type('html').send(
          loginPage({
            interactionId: interaction.id,
            csrfToken: interaction.csrfToken,
            clientName: client.name,
            email: interaction.params.login_hint,
          }),
        );
        return;
      }
      const user = session ? await deps.repos.users.findById(session.userId) : null;
      if (step === 'consent' && user) {
        res.type('html').send(
          consentPage({
            interactionId: interaction.id,
            csrfToken: interaction.csrfToken,
            clientName: client.name,
            userEmail: user.email,
            scopes: consentScopes(interaction.params),
          }),
        );
        return;
      }
      await deps.flow.proceed(res, {
        params: interaction.params,
        client,
        session,
        interaction: { id: interaction.id, authenticatedNow },
        now,
      });
    } catch (err) {
      await fail(res, interaction, err);
    }
  });

  router.post('/interaction/:id/login', noStore, form, async (req, res) => {
    const interaction = await loadForPost(req);
    const email = typeof req.body.email === 'string' ? req.body.email.trim() : '';
    const password = typeof req.body.password === 'string' ? req.body.password : '';
    const user = email ? await deps.repos.users.findByEmail(email) : null;
    const passwordOk = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    const name = await clientName(interaction);
    setPageSecurity(res, interaction.params.redirect_uri);
    if (!user || !passwordOk) {
      res.status(401).type('html').send(
        loginPage({ interactionId: interaction.id, csrfToken: interaction.csrfToken, clientName: name, email, error: 'Incorrect email or password.' }),
      );
      return;
    }
    // Tokens are never issued for a user other than the one the request names (OIDC Core §3.1.2.2).
    if (requiredUserIds(interaction.params).some((id) => id !== user.id)) {
      res.status(403).type('html').send(
        loginPage({
          interactionId: interaction.id,
          csrfToken: interaction.csrfToken,
          clientName: name,
          error: `${name} asked for a different account. Sign in as that account, or cancel.`,
        }),
      );
      return;
    }
    const now = deps.now();
    const previous = await deps.sessions.current(req, now);
    const session = await deps.sessions.start(res, { userId: user.id, acr: ACR_PASSWORD, amr: ['pwd'], now }, previous);
    await deps.repos.interactions.markAuthenticated(interaction.id, session.id);
    deps.logger.info({ userId: user.id, clientId: interaction.clientId }, 'user authenticated');
    res.redirect(303, `/interaction/${encodeURIComponent(interaction.id)}`);
  });

  router.post('/interaction/:id/consent', noStore, form, async (req, res) => {
    const interaction = await loadForPost(req);
    const now = deps.now();
    const session = await deps.sessions.current(req, now);
    const client = await deps.repos.clients.findById(interaction.clientId);
    if (!client) throw expired();
    try {
      if (req.body.decision !== 'allow') throw new AccessDenied('the user denied the request');
      if (!session) throw expired();
      await deps.repos.consents.grant(session.userId, client.id, consentScopes(interaction.params));
      // Consent was just given for exactly these scopes: do not ask again under prompt=consent.
      const params = { ...interaction.params, prompt: interaction.params.prompt.filter((p) => p !== 'consent') };
      await deps.flow.proceed(res, {
        params,
        client,
        session,
        interaction: { id: interaction.id, authenticatedNow: interaction.sessionId === session.id },
        now,
      });
    } catch (err) {
      await fail(res, interaction, err);
    }
  });

  router.post('/interaction/:id/abort', noStore, form, async (req, res) => {
    const interaction = await loadForPost(req);
    await fail(res, interaction, new AccessDenied('the user cancelled the sign-in'));
  });

  return router;
}

/**
 * Interaction pages may not be framed (clickjacking), and their forms may only post to the OP
 * and, through the redirect that follows, to the client's redirect URI.
 */
function setPageSecurity(res: Response, redirectUri: string): void {
  res.set(
    'Content-Security-Policy',
    `default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self' ${formActionSource(redirectUri)}; frame-ancestors 'none'; base-uri 'none'`,
  );
  res.set('X-Frame-Options', 'DENY');
}
