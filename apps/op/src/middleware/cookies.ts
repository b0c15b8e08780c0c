import type { Request, Response } from 'express';

/** Reads one cookie from the request; undefined when absent or malformed. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index === -1) continue;
    if (part.slice(0, index).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(index + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export interface CookieOptions {
  secure: boolean;
  maxAgeSeconds?: number;
  path?: string;
}

/** Every OP cookie is httpOnly and SameSite=Lax, with an `op_` name (RP and OP share a host in the demo). */
export function setCookie(res: Response, name: string, value: string, options: CookieOptions): void {
  res.cookie(name, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secure,
    path: options.path ?? '/',
    ...(options.maxAgeSeconds !== undefined ? { maxAge: options.maxAgeSeconds * 1000 } : {}),
  });
}

export function clearCookie(res: Response, name: string, options: { secure: boolean; path?: string }): void {
  res.clearCookie(name, { httpOnly: true, sameSite: 'lax', secure: options.secure, path: options.path ?? '/' });
}
