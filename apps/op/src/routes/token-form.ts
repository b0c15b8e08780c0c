import type { IncomingMessage } from 'node:http';
import { parse } from 'node:querystring';
import { InvalidRequest } from '../errors.js';

/** A token request's parameters: one string each, empty ones dropped. */
export type TokenForm = Record<string, string>;

/**
 * Checks and normalises a parsed token request body (RFC 6749 §3.2): a parameter sent more
 * than once is `invalid_request`, and a parameter sent with an empty value is treated as if it
 * were absent (RFC 6749 §3.1).
 */
export function normaliseTokenForm(body: unknown): TokenForm {
  const form: TokenForm = {};
  if (typeof body !== 'object' || body === null) return form;
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (Array.isArray(value)) throw new InvalidRequest(`${safeName(name)} must not be repeated`);
    if (typeof value !== 'string') throw new InvalidRequest(`${safeName(name)} must be a string`);
    if (value !== '') form[name] = value;
  }
  return form;
}

/** A parameter name as it may appear in an error description: short and printable. */
function safeName(name: string): string {
  const printable = name.replace(/[^\x20-\x7e]/g, '').slice(0, 40);
  return printable === '' ? 'a parameter' : `parameter "${printable.replace(/"/g, '')}"`;
}

/** Largest token request body accepted (as the Express urlencoded parser was configured). */
export const TOKEN_FORM_LIMIT_BYTES = 20 * 1024;
/** Most parameters in one body (body-parser's default). */
const MAX_PARAMETERS = 1000;
const FORM_TYPE = 'application/x-www-form-urlencoded';

/** RFC 6749 Appendix B decoding, for bodies sent as ISO-8859-1 (`+` is a space, `%XX` one octet). */
const latin1Decode = (value: string) =>
  value.replace(/\+/g, ' ').replace(/%([0-9a-f]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/**
 * The media type and charset of a `Content-Type` header, lower-cased; the charset is
 * `utf-8` when absent.
 */
function mediaType(header: string | undefined): { type: string; charset: string } | undefined {
  if (header === undefined) return undefined;
  const [type = '', ...params] = header.split(';');
  let charset = 'utf-8';
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq !== -1 && param.slice(0, eq).trim().toLowerCase() === 'charset') {
      charset = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    }
  }
  return { type: type.trim().toLowerCase(), charset };
}

/**
 * Reads and parses a token request body from a plain Node request, with the rules the Express
 * urlencoded parser applied before (RFC 6749 §3.2: `application/x-www-form-urlencoded`):
 * UTF-8 or ISO-8859-1, at most {@link TOKEN_FORM_LIMIT_BYTES} and 1000 parameters, no
 * `Content-Encoding` (compressed bodies are refused). Repeated parameters come back as arrays
 * (for {@link normaliseTokenForm} to refuse). Every problem is `invalid_request`; the rest of
 * the body is then drained, so the connection stays usable.
 */
export function readTokenForm(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const fail = (description: string) => {
      req.resume();
      reject(new InvalidRequest(description));
    };
    const contentType = mediaType(req.headers['content-type']);
    if (contentType?.type !== FORM_TYPE) return fail('the token request must be application/x-www-form-urlencoded');
    if (contentType.charset !== 'utf-8' && contentType.charset !== 'iso-8859-1') {
      return fail(`unsupported charset "${contentType.charset.toUpperCase()}"`);
    }
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') return fail(`unsupported content encoding "${encoding}"`);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > TOKEN_FORM_LIMIT_BYTES) return fail('request entity too large');

    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > TOKEN_FORM_LIMIT_BYTES) {
        failed = true;
        fail('request entity too large');
        return;
      }
      chunks.push(chunk);
    });
    // The client went away mid-body (as body-parser: a 400, nothing logged as unexpected).
    req.on('error', (err) => {
      if (!failed) reject(new InvalidRequest('request aborted', err));
      failed = true;
    });
    req.on('end', () => {
      if (failed) return;
      const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const body = bytes.toString(contentType.charset === 'utf-8' ? 'utf8' : 'latin1');
      if (body === '') return resolve({});
      let parameters = 1;
      for (let i = body.indexOf('&'); i !== -1; i = body.indexOf('&', i + 1)) {
        if (++parameters > MAX_PARAMETERS) return fail('too many parameters');
      }
      const decode = contentType.charset === 'utf-8' ? undefined : { decodeURIComponent: latin1Decode };
      resolve(parse(body, '&', '=', { maxKeys: 0, ...decode }));
    });
  });
}
