import { acrRanking } from './acr-policy.js';
import { insufficientUserAuthentication, parseInsufficientUserAuthentication } from './challenge.js';
import { checkStepUp } from './check-step-up.js';

const PWD = 'urn:oidc-ref:acr:pwd';
const MFA = 'urn:oidc-ref:acr:mfa';
const ranking = acrRanking([PWD, MFA]);
const now = new Date('2026-11-22T12:00:00Z');
const t = (secondsAgo: number) => Math.floor(now.getTime() / 1000) - secondsAgo;

describe('acrRanking', () => {
  it('ranks known values and puts unknown ones below everything', () => {
    expect(ranking.rank(PWD)).toBe(0);
    expect(ranking.rank(MFA)).toBe(1);
    expect(ranking.rank('urn:other')).toBe(-1);
    expect(ranking.rank(undefined)).toBe(-1);
    expect(ranking.satisfies(MFA, PWD)).toBe(true);
    expect(ranking.satisfies(PWD, MFA)).toBe(false);
    expect(ranking.satisfies('urn:other', PWD)).toBe(false);
  });

  it('lists acceptable values for a requirement and refuses unknown requirements', () => {
    expect(ranking.atLeast(PWD)).toEqual([PWD, MFA]);
    expect(ranking.atLeast(MFA)).toEqual([MFA]);
    expect(() => ranking.atLeast('urn:other')).toThrow(TypeError);
    expect(() => acrRanking([])).toThrow(TypeError);
    expect(() => acrRanking([PWD, PWD])).toThrow(TypeError);
  });
});

describe('checkStepUp', () => {
  const options = { ranking, expectedSub: 'alice', now };

  it('accepts a strong enough, recent enough authentication of the same user', () => {
    expect(checkStepUp({ sub: 'alice', acr: MFA, auth_time: t(10) }, { acr: MFA, maxAge: 300 }, options)).toEqual({ ok: true });
    expect(checkStepUp({ sub: 'alice', acr: MFA }, { acr: PWD }, options)).toEqual({ ok: true });
  });

  it.each([
    ['another user', { sub: 'mallory', acr: MFA, auth_time: t(10) }, 'sub_mismatch'],
    ['a weaker acr', { sub: 'alice', acr: PWD, auth_time: t(10) }, 'acr_too_weak'],
    ['no acr', { sub: 'alice', auth_time: t(10) }, 'acr_too_weak'],
    ['no auth_time under max_age', { sub: 'alice', acr: MFA }, 'auth_time_missing'],
    ['an old authentication', { sub: 'alice', acr: MFA, auth_time: t(300 + 61) }, 'auth_too_old'],
  ])('refuses %s', (_name, claims, reason) => {
    const decision = checkStepUp(claims, { acr: MFA, maxAge: 300 }, options);
    expect(decision).toEqual({ ok: false, reason, requirement: { acr: MFA, maxAge: 300 } });
  });

  it('allows the clock skew, and no more', () => {
    expect(checkStepUp({ sub: 'alice', acr: MFA, auth_time: t(360) }, { acr: MFA, maxAge: 300 }, options).ok).toBe(true);
    expect(checkStepUp({ sub: 'alice', acr: MFA, auth_time: t(305) }, { acr: MFA, maxAge: 300 }, { ...options, clockSkewSeconds: 0 }).ok).toBe(false);
  });
});

describe('RFC 9470 challenges', () => {
  it('writes the challenge and reads it back', () => {
    const header = insufficientUserAuthentication({ acrValues: [MFA], maxAge: 300, errorDescription: 'stronger login needed' });
    expect(header).toBe(
      `Bearer error="insufficient_user_authentication", error_description="stronger login needed", acr_values="${MFA}", max_age="300"`,
    );
    expect(parseInsufficientUserAuthentication(header)).toEqual({ acrValues: [MFA], maxAge: 300, errorDescription: 'stronger login needed' });
  });

  it('reads token-form max_age, DPoP challenges, either parameter alone', () => {
    expect(parseInsufficientUserAuthentication('DPoP error="insufficient_user_authentication", max_age=0')).toEqual({ maxAge: 0 });
    expect(parseInsufficientUserAuthentication(`Bearer acr_values="${PWD} ${MFA}", error="insufficient_user_authentication"`)).toEqual({
      acrValues: [PWD, MFA],
    });
  });

  it('ignores other challenges and malformed values', () => {
    expect(parseInsufficientUserAuthentication('Bearer error="invalid_token"')).toBeUndefined();
    expect(parseInsufficientUserAuthentication('Basic realm="x"')).toBeUndefined();
    expect(parseInsufficientUserAuthentication(undefined)).toBeUndefined();
    expect(parseInsufficientUserAuthentication('Bearer error="insufficient_user_authentication", max_age="-1"')).toEqual({});
  });

  it('refuses to write what a quoted string cannot carry', () => {
    expect(() => insufficientUserAuthentication({ errorDescription: 'a "quote"' })).toThrow(TypeError);
    expect(() => insufficientUserAuthentication({ maxAge: 1.5 })).toThrow(TypeError);
  });
});
