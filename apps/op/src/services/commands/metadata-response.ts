/** What a `metadata` response must echo (§6.1; digest check 12). */
export interface MetadataExpectation {
  issuer: string;
  tenant: string;
  commandEndpoint: string;
  clientId: string;
}

/**
 * Why an RP's answer to `metadata` is not acceptable, or undefined when it is: it must be a JSON
 * object whose `context` echoes `iss` and `tenant`, whose `command_endpoint` is the URL the token
 * was sent to (draft 00's `commands_uri` is tolerated, §13), whose `client_id` is the client's,
 * and whose `commands_supported` is a list of strings containing `metadata`.
 *
 * @example
 * metadataResponseProblem({ context: { iss, tenant }, ... }, expected) // undefined
 */
export function metadataResponseProblem(body: unknown, expected: MetadataExpectation): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the metadata response is not a JSON object';
  const response = body as Record<string, unknown>;
  const context = response.context as Record<string, unknown> | undefined;
  if (typeof context !== 'object' || context === null) return 'the metadata response has no context';
  if (context.iss !== expected.issuer) return 'the metadata response context.iss does not echo the issuer';
  if (context.tenant !== expected.tenant) return 'the metadata response context.tenant does not echo the tenant';
  const endpoint = response.command_endpoint ?? response.commands_uri;
  if (endpoint !== expected.commandEndpoint) return 'the metadata response command_endpoint is not the URL the command was sent to';
  if (response.client_id !== expected.clientId) return 'the metadata response client_id is not the client';
  const supported = response.commands_supported;
  if (!Array.isArray(supported) || !supported.every((name) => typeof name === 'string')) return 'the metadata response has no commands_supported list';
  if (!supported.includes('metadata')) return 'the metadata response commands_supported does not list metadata';
  return undefined;
}

/** §13: an RP that lists `unauthorize` but not `invalidate` gets draft 00's name. */
export function wantsDraft00Invalidate(response: Record<string, unknown> | undefined): boolean {
  const supported = response?.commands_supported;
  return Array.isArray(supported) && supported.includes('unauthorize') && !supported.includes('invalidate');
}
