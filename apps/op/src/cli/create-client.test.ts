import { ClientDocumentError, parseClientDocument } from './create-client.js';

const problemsOf = (text: string): string[] => {
  try {
    parseClientDocument(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ClientDocumentError);
    return (err as ClientDocumentError).problems;
  }
  throw new Error('should have failed');
};

it('reads a confidential client with its secret and metadata', () => {
  const document = parseClientDocument(
    JSON.stringify({
      id: 'bench',
      secret: 's3cret',
      firstParty: true,
      metadata: { grant_types: ['client_credentials'], scope: 'api:read', id_token_signed_response_alg: 'ES256' },
    }),
  );
  expect(document).toEqual({
    id: 'bench',
    secret: 's3cret',
    firstParty: true,
    metadata: { grant_types: ['client_credentials'], scope: 'api:read', id_token_signed_response_alg: 'ES256' },
    secretGenerated: false,
  });
});

it('generates a secret for a confidential client that has none', () => {
  const document = parseClientDocument('{"id":"app","metadata":{}}', () => 'generated');
  expect(document.secret).toBe('generated');
  expect(document.secretGenerated).toBe(true);
  expect(document.firstParty).toBe(false);
});

it('keeps a public client without a secret, and refuses one with a secret', () => {
  const metadata = { token_endpoint_auth_method: 'none' };
  expect(parseClientDocument(JSON.stringify({ id: 'spa', metadata })).secret).toBeNull();
  expect(problemsOf(JSON.stringify({ id: 'spa', secret: 'x', metadata }))[0]).toMatch(/^secret:/);
});

it('refuses a null secret for a client that authenticates with one', () => {
  expect(problemsOf('{"id":"app","secret":null,"metadata":{}}')[0]).toMatch(/^secret:/);
});

it('reports every problem with its path', () => {
  expect(problemsOf('{"id":"has space","metadata":{},"extra":1}')).toEqual([
    expect.stringMatching(/^id:/),
    expect.stringMatching(/extra/),
  ]);
  expect(problemsOf('{"id":"app","metadata":{"redirect_uris":["not a url"]}}')).toEqual([expect.stringMatching(/^metadata\.redirect_uris\.0:/)]);
  expect(problemsOf('nope')[0]).toMatch(/^not JSON/);
});
