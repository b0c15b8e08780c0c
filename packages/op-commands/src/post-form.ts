import http from 'node:http';
import https from 'node:https';

/** Keep-alive agents for command deliveries (one per protocol, per process). */
const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

/**
 * POSTs a form body and reads the whole answer as text, on a keep-alive connection: what
 * `deliverCommand` needs of `fetch`, for a fraction of its CPU (no WHATWG streams, `Headers` or
 * `AbortSignal` per request). Redirects are not followed (the 3xx status is the answer);
 * `timeoutMs` bounds the whole exchange. Rejects on a network error or the timeout.
 */
export function postForm(url: string, body: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch (err) {
      reject(err as Error);
      return;
    }
    const agent = target.protocol === 'https:' ? agents['https:'] : target.protocol === 'http:' ? agents['http:'] : undefined;
    if (agent === undefined) {
      reject(new Error(`unsupported protocol ${target.protocol}`));
      return;
    }
    const payload = Buffer.from(body);
    const request = (target.protocol === 'https:' ? https : http).request(target, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'content-length': String(payload.length) },
    });
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
    request.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    request.once('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      response.once('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    request.end(payload);
  });
}
