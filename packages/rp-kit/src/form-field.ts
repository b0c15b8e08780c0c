import type { IncomingMessage, ServerResponse } from 'node:http';

/** Why a form could not be read: the caller turns it into its own 400. */
export type FormProblem = 'not_form' | 'too_large' | 'repeated';

/**
 * One field of an `application/x-www-form-urlencoded` request: from a body parser's object, its
 * raw string/Buffer, or read from the stream (at most `maxBytes`). A field given twice is refused.
 * `problem` builds the error thrown for a request that is not such a form, too large, or repeats
 * the field.
 */
export async function readFormField(
  req: IncomingMessage & { body?: unknown },
  name: string,
  maxBytes: number,
  problem: (kind: FormProblem) => Error,
): Promise<unknown> {
  const { body } = req;
  if (typeof body === 'object' && body !== null && !Buffer.isBuffer(body)) return (body as Record<string, unknown>)[name];
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw problem('not_form');
  let raw: string;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    raw = body.toString();
  } else {
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw problem('too_large');
      chunks.push(chunk);
    }
    raw = Buffer.concat(chunks).toString('utf8');
  }
  const values = new URLSearchParams(raw).getAll(name);
  if (values.length > 1) throw problem('repeated');
  return values[0];
}

/** An answer with `Cache-Control: no-store`: JSON when there is a body, else empty. */
export function sendNoStore(res: ServerResponse, status: number, body?: unknown): void {
  res.statusCode = status;
  res.setHeader('Cache-Control', 'no-store');
  if (body === undefined) {
    res.end();
    return;
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
