import { Router, type Request, type Response } from 'express';
import express from 'express';
import { timingSafeEqualString, verifyPassword } from '@oidc-ref/crypto';
import { AccessDenied, OAuthError, RenderedError, ServerError } from '../errors.js';
import type { AppDeps } from '../app.js';
import type { InteractionRecord } from '../repositories/interaction-repository.js';
import { readCookie } from '../middleware/cookies.js';
import { noStore } from '../middleware/no-store.js';
import { decide, INTERACTION_COOKIE, responseTarget } from '../services/authorization-flow.js';
import { checkTotp, newTotpSecret, totpUri } from '../authentication/totp.js';
import { passwordAttemptLimiter } from '../services/password-attempts.js';
import type { ClientRecord } from '../repositories/client-repository.js';
import type { SessionRecord } from '../repositories/session-repository.js';
import { deliverAuthorizationError, formActionSource } from '../services/authorization-response.js';
import { consentScopes, requiredUserIds } from '../authorize/decide.js';
import { consentPage } from '../views/consent-page.js';
import { enrollOtpPage } from '../views/enroll-otp-page.js';
import { loginPage } from '../views/login-page.js';
import { inactiveAccountMessage } from '../services/account-status.js';
import { otpPage } from '../views/otp-page.js';

// Compared against when the email is unknown, so that a wrong email and a wrong password take
// the same time (no account enumeration by timing).
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

const expired = () =>
  new RenderedError('invalid_request', 'this sign-in request has expired or was already completed; go back to the application and start again');

/**
 * The pages of an authorization request: the factors it still needs (password, one-time code,
 * or the enrolment of a code), then consent. Every POST must carry the interaction's cookie and
 * its CSRF token.
 */
export function interactionRoutes(deps: AppDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '10kb' });
  // Brute force on one-time codes: 5 wrong codes per user in 15 minutes lock the second factor.
  const otpFailures = passwordAttemptLimiter({ maxFailures: 5, windowSeconds: 15 * 60 });

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

  const proceedInput = (interaction: InteractionRecord, client: ClientRecord, session: SessionRecord | null, now: Date) => ({
    params: interaction.params,
    client,
    session,
    interaction: { id: interaction.id, enrolmentDeclined: interaction.enrolmentDeclined },
    now,
  });

  router.get('/interaction/:id', noStore, async (req, res) => {
    const interaction = await load(req);
    const now = deps.now();
    const session = await deps.sessions.current(req, now);
    const client = await deps.repos.clients.findById(interaction.clientId);
    if (!client) throw expired();
    try {
      const step = await decide(deps, proceedInput(interaction, client, session, now));
      setPageSecurity(res, interaction.params.redirect_uri);
      const page = { interactionId: interaction.id, csrfToken: interaction.csrfToken, clientName: client.name };
      const user = session ? await deps.repos.users.findById(session.userId) : null;
      if (step.kind === 'authenticate' && step.method === 'otp' && user) {
        res.type('html').send(otpPage({ ...page, userEmail: user.email }));
        return;
      }
      if (step.kind === 'authenticate') {
        // Pre-fill the account the request names (id_token_hint, claims sub), else the session's, else login_hint.
        const [named] = requiredUserIds(interaction.params);
        const expected = named !== undefined ? await deps.repos.users.findById(named) : user;
        res.type('html').send(loginPage({ ...page, email: expected?.email ?? interaction.params.login_hint }));
        return;
      }
      if (step.kind === 'enroll' && user) {
        let secret = interaction.pendingTotpSecret;
        if (!secret) {
          secret = newTotpSecret();
          await deps.repos.interactions.setPendingTotpSecret(interaction.id, secret);
        }
        res.type('html').send(enrollOtpPage({ ...page, userEmail: user.email, secret, otpauthUri: totpUri(secret, 'oidc-ref', user.email) }));
        return;
      }
      if (step.kind === 'consent' && user) {
        res.type('html').send(consentPage({ ...page, userEmail: user.email, scopes: consentScopes(interaction.params) }));
        return;
      }
      await deps.flow.proceed(res, proceedInput(interaction, client, session, now));
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
    // A suspended or archived account cannot sign in (its lifecycle state is set by the admin API).
    if (user.status !== 'active') {
      res.status(403).type('html').send(
        loginPage({ interactionId: interaction.id, csrfToken: interaction.csrfToken, clientName: name, email, error: inactiveAccountMessage(user.status) }),
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
    const session = await deps.sessions.recordFactor(res, { userId: user.id, method: 'pwd', now, interactionId: interaction.id }, previous);
    await deps.repos.interactions.markAuthenticated(interaction.id, session.id);
    deps.logger.info({ userId: user.id, clientId: interaction.clientId, method: 'pwd' }, 'factor completed');
    res.redirect(303, `/interaction/${encodeURIComponent(interaction.id)}`);
  });

  /** The signed-in user this interaction may continue for, or an expired-interaction page. */
  async function sessionFor(req: Request, interaction: InteractionRecord, now: Date): Promise<SessionRecord> {
    const session = await deps.sessions.current(req, now);
    if (!session || requiredUserIds(interaction.params).some((id) => id !== session.userId)) throw expired();
    return session;
  }

  router.post('/interaction/:id/otp', noStore, form, async (req, res) => {
    const interaction = await loadForPost(req);
    const now = deps.now();
    const session = await sessionFor(req, interaction, now);
    const user = await deps.repos.users.findById(session.userId);
    const totp = await deps.repos.totp.state(session.userId);
    if (!user || !totp.secret) throw expired();
    setPageSecurity(res, interaction.params.redirect_uri);
    const name = await clientName(interaction);
    const code = typeof req.body.code === 'string' ? req.body.code.trim() : '';
    const refuse = (error: string) =>
      res.status(401).type('html').send(otpPage({ interactionId: interaction.id, csrfToken: interaction.csrfToken, clientName: name, userEmail: user.email, error }));
    if (otpFailures.isLocked(user.id, now)) {
      refuse('Too many wrong codes. Wait a few minutes, then try again.');
      return;
    }
    const check = await checkTotp(totp.secret, code, { afterStep: totp.lastStep, now });
    // The step is taken atomically: of two submissions of one code, only one counts.
    if (!check.valid || !(await deps.repos.totp.acceptStep(user.id, check.step))) {
      otpFailures.recordFailure(user.id, now);
      const replayed = (await checkTotp(totp.secret, code, { afterStep: null, now })).valid;
      deps.logger.info({ userId: user.id, clientId: interaction.clientId, replayed }, 'one-time code refused');
      refuse(replayed ? 'That code was already used. Wait for the next code and try again.' : 'That code is not valid. Check your authenticator app and try again.');
      return;
    }
    await deps.sessions.recordFactor(res, { userId: user.id, method: 'otp', now, interactionId: interaction.id }, session);
    deps.logger.info({ userId: user.id, clientId: interaction.clientId, method: 'otp' }, 'factor completed');
    res.redirect(303, `/interaction/${encodeURIComponent(interaction.id)}`);
  });

  router.post('/interaction/:id/enroll-otp', noStore, form, async (req, res) => {
    const interaction = await loadForPost(req);
    const now = deps.now();
    const session = await sessionFor(req, interaction, now);
    const user = await deps.repos.users.findById(session.userId);
    const secret = interaction.pendingTotpSecret;
    if (!user || !secret) throw expired();
    setPageSecurity(res, interaction.params.redirect_uri);
    const code = typeof req.body.code === 'string' ? req.body.code.trim() : '';
    const check = otpFailures.isLocked(user.id, now) ? ({ valid: false } as const) : await checkTotp(secret, code, { afterStep: null, now });
    if (!check.valid) {
      otpFailures.recordFailure(user.id, now);
      res.status(401).type('html').send(
        enrollOtpPage({
          interactionId: interaction.id,
          csrfToken: interaction.csrfToken,
          clientName: await clientName(interaction),
          userEmail: user.email,
          secret,
          otpauthUri: totpUri(secret, 'oidc-ref', user.email),
          error: 'That code does not match. Check the key in your app and enter the code it shows now.',
        }),
      );
      return;
    }
    await deps.repos.totp.enroll(user.id, secret, check.step);
    await deps.repos.interactions.setPendingTotpSecret(interaction.id, null);
    await deps.sessions.recordFactor(res, { userId: user.id, method: 'otp', now, interactionId: interaction.id }, session);
    deps.logger.info({ userId: user.id, clientId: interaction.clientId }, 'one-time code enrolled');
    res.redirect(303, `/interaction/${encodeURIComponent(interaction.id)}`);
  });

  /**
   * "Not now": an essential level then fails with unmet_authentication_requirements; a
   * voluntary one continues with the level the user has (the RP checks the acr it gets).
   */
  router.post('/interaction/:id/enroll-otp/decline', noStore, form, async (req, res) => {
    const interaction = await loadForPost(req);
    await deps.repos.interactions.declineEnrolment(interaction.id);
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
      await deps.flow.proceed(res, { ...proceedInput(interaction, client, session, now), params });
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
