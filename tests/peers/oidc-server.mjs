// An independent, certified OAuth 2.0 / OpenID Connect server for shopterm's interop tests:
// oidc-provider on 127.0.0.1:<port from argv>, with one native public client ("shopterm", PKCE
// required, any loopback port for http://127.0.0.1/callback), refresh tokens for every grant,
// revocation, the device flow, and the development sign-in and consent pages (any login name with
// any password signs in). Prints "listening" when ready, and "grant TYPE" for each token grant
// it answers. Test use only.
//
// `node oidc-server.mjs PORT strict SECONDS`: oidc-provider's strict defaults instead: a refresh
// token only for `offline_access`, which it keeps only with `prompt=consent` (OIDC Core §11),
// and access tokens living SECONDS (refused from then on: no clock tolerance).
import Provider from 'oidc-provider';

const port = Number.parseInt(process.argv[2] ?? '', 10);
const strict = process.argv[3] === 'strict';
const accessTtl = strict ? Number.parseInt(process.argv[4] ?? '', 10) : 120;
if (!Number.isInteger(port) || port <= 0 || !Number.isInteger(accessTtl) || accessTtl <= 0) {
  console.error('usage: node oidc-server.mjs PORT [strict ACCESS_TOKEN_SECONDS]');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'shopterm',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: [
        'authorization_code',
        'refresh_token',
        'urn:ietf:params:oauth:grant-type:device_code',
      ],
      response_types: ['code'],
    },
  ],
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    revocation: { enabled: true },
    deviceFlow: { enabled: true },
  },
  // Not strict: refresh tokens without offline_access / prompt=consent. Strict: an access token
  // is refused from its announced expiry on (no 15 s clock tolerance), so a test sees it expire.
  ...(strict ? { clockTolerance: 0 } : { issueRefreshToken: async () => true }),
  // Short enough for a test to see expiry, long enough not to expire mid-request.
  ttl: { AccessToken: accessTtl, AuthorizationCode: 60, RefreshToken: 3600, DeviceCode: 120 },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: `${id}@oidc.example` };
      },
    };
  },
  cookies: { keys: ['shopterm-test-only-cookie-key'] },
});

provider.on('server_error', (_ctx, error) => console.error('server_error', error));
provider.on('grant.success', (ctx) => console.log(`grant ${ctx.oidc.params.grant_type}`));

const server = provider.listen(port, '127.0.0.1', () => {
  console.log('listening');
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
