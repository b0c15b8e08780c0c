import autocannon, { type Instance, type Options, type Result } from 'autocannon';
import type { MintedCode } from './mint-codes.js';

export interface TokenEndpoint {
  /** e.g. http://127.0.0.1:4000/token */
  url: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface LoadResult {
  /** Completed requests per second over the measured run (all of them answered 2xx when valid). */
  requestsPerSecond: number;
  /** autocannon's latency percentiles, in milliseconds. */
  latencyMs: { average: number; p50: number; p90: number; p99: number; max: number };
  requests: number;
  durationSeconds: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Responses whose body did not look like a token response. */
  mismatches: number;
  statusCodes: Record<string, number>;
  /** A run with any failure measures something else: it is invalid. */
  valid: boolean;
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before base64. */
export function basicAuth(clientId: string, clientSecret: string): string {
  const encode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

const running = new Set<Instance>();

/** Stops every autocannon run in flight (Ctrl+C). */
export function stopAllLoad(): void {
  for (const instance of running) instance.stop();
}

interface Run {
  result: Result;
  /** From the call to the last response, in ms: autocannon's own duration is only noticed on its 1 s tick. */
  elapsedMs: number;
}

async function run(options: Options): Promise<Run> {
  const startedAt = performance.now();
  let lastResponseAt = startedAt;
  const instance = autocannon({ timeout: 10, ...options });
  instance.on('response', () => {
    lastResponseAt = performance.now();
  });
  running.add(instance);
  try {
    const result = await instance;
    return { result, elapsedMs: lastResponseAt - startedAt };
  } finally {
    running.delete(instance);
  }
}

function summarise({ result, elapsedMs }: Run): LoadResult {
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, Number(count)]));
  const requests = Object.values(statusCodes).reduce((sum, n) => sum + n, 0);
  const durationSeconds = elapsedMs / 1000;
  return {
    requestsPerSecond: round(requests / durationSeconds, 1),
    latencyMs: {
      average: round(result.latency.average, 2),
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    requests,
    durationSeconds: round(durationSeconds, 2),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    statusCodes,
    valid: result.non2xx === 0 && result.errors === 0 && result.timeouts === 0 && result.mismatches === 0 && requests > 0,
  };
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

const FORM = 'application/x-www-form-urlencoded';

/** grant_type=client_credentials with client_secret_basic, for a fixed time after a warm-up. */
export async function clientCredentialsLoad(
  endpoint: TokenEndpoint,
  options: { connections: number; durationSeconds: number; warmupSeconds: number; scope: string; beforeMeasure?: () => void },
): Promise<LoadResult> {
  const base: Options = {
    url: endpoint.url,
    connections: options.connections,
    method: 'POST',
    headers: { authorization: basicAuth(endpoint.clientId, endpoint.clientSecret), 'content-type': FORM },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: options.scope }).toString(),
    verifyBody: (body) => body.includes('"access_token"'),
  };
  if (options.warmupSeconds > 0) await run({ ...base, duration: options.warmupSeconds });
  options.beforeMeasure?.();
  return summarise(await run({ ...base, duration: options.durationSeconds }));
}

/**
 * grant_type=authorization_code: every request redeems a different, fresh code (with its PKCE
 * verifier). `warmup` codes are exchanged first, unmeasured; then exactly `codes.length`.
 */
export async function codeExchangeLoad(
  endpoint: TokenEndpoint,
  options: { connections: number; warmup: MintedCode[]; codes: MintedCode[]; beforeMeasure?: () => void },
): Promise<LoadResult> {
  const exchange = async (codes: MintedCode[]) => {
    let next = 0;
    return run({
      url: endpoint.url,
      connections: options.connections,
      amount: codes.length,
      method: 'POST',
      headers: { authorization: basicAuth(endpoint.clientId, endpoint.clientSecret), 'content-type': FORM },
      verifyBody: (body) => body.includes('"id_token"'),
      requests: [
        {
          setupRequest: (request) => {
            const item = codes[next++];
            if (!item) throw new Error('more exchanges than codes');
            return { ...request, body: exchangeBody(endpoint, item) };
          },
        },
      ],
    });
  };
  if (options.warmup.length > 0) await exchange(options.warmup);
  options.beforeMeasure?.();
  return summarise(await exchange(options.codes));
}

export function exchangeBody(endpoint: TokenEndpoint, item: MintedCode): string {
  return new URLSearchParams({
    grant_type: 'authorization_code',
    code: item.code,
    redirect_uri: endpoint.redirectUri,
    code_verifier: item.verifier,
  }).toString();
}
