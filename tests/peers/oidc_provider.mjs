// A real OpenID Connect provider (the oidc-provider package) set up the way
// Microsoft's identity platform treats a public desktop app, for Nupub's sign-in tests.
//
//   node oidc_provider.mjs PORT
//
// Environment: NUPUB_TEST_CLIENT_ID (default "nupub-test-client").
// Binds to 127.0.0.1 only. State is in memory and the signing keys are the
// package's development keys: test use only.
//
// How it mirrors Microsoft's behaviour:
// - one public client (no secret) for a native app; PKCE with S256 is required;
// - loopback redirects on any port (RFC 8252 section 7.3) for http://localhost and http://127.0.0.1;
// - scopes openid profile email offline_access; a refresh token is issued for
//   offline_access without prompt=consent, and every refresh rotates it (reuse is refused);
// - id_tokens carry profile claims, `tid` (a fixed tenant id) and `amr`;
//   a login name ending in "+mfa" signs in with amr ["pwd","mfa"], any other with ["pwd"];
// - the device authorization grant (RFC 8628) is enabled.
// Login and consent use the package's built-in pages (any login name, any password).
import Provider from "oidc-provider";

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error("usage: node oidc_provider.mjs PORT");
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const clientId = process.env.NUPUB_TEST_CLIENT_ID || "nupub-test-client";
const TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad"; // Microsoft's id for the consumer tenant

function profileOf(accountId) {
  const mfa = accountId.endsWith("+mfa");
  const user = accountId.replace(/\+mfa$/, "");
  return {
    sub: accountId,
    tid: TENANT_ID,
    name: `Test User ${user}`,
    preferred_username: `${user}@example.test`,
    email: `${user}@example.test`,
    email_verified: true,
    amr: mfa ? ["pwd", "mfa"] : ["pwd"],
  };
}

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_name: "Nupub (tests)",
      application_type: "native",
      token_endpoint_auth_method: "none",
      response_types: ["code"],
      grant_types: ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"],
      redirect_uris: ["http://localhost", "http://localhost/callback", "http://127.0.0.1", "http://127.0.0.1/callback"],
    },
  ],
  scopes: ["openid", "profile", "email", "offline_access"],
  claims: {
    openid: ["sub", "tid", "amr", "acr", "auth_time"],
    profile: ["name", "preferred_username"],
    email: ["email", "email_verified"],
  },
  conformIdTokenClaims: false,
  findAccount: (_ctx, accountId) => ({ accountId, claims: () => profileOf(accountId) }),
  features: {
    devInteractions: { enabled: true },
    deviceFlow: { enabled: true },
    revocation: { enabled: true },
    userinfo: { enabled: true },
  },
  pkce: { required: () => true },
  rotateRefreshToken: true,
  issueRefreshToken: async (_ctx, client, code) =>
    client.grantTypeAllowed("refresh_token") && code.scopes.has("offline_access"),
  ttl: {
    AccessToken: 3600,
    IdToken: 3600,
    AuthorizationCode: 60,
    DeviceCode: 600,
    Interaction: 600,
    Session: 3600,
    Grant: 3600,
    RefreshToken: 86400,
  },
  cookies: { keys: ["nupub-tests-cookie-key"] },
});

// The built-in login page records no authentication methods; add them the way
// a provider that ran a second factor would.
const finish = provider.interactionFinished.bind(provider);
provider.interactionFinished = async (req, res, result, options) => {
  if (result?.login?.accountId) {
    const { amr } = profileOf(result.login.accountId);
    result.login.amr = amr;
    result.login.acr = amr.includes("mfa") ? "urn:nupub-test:mfa" : "urn:nupub-test:pwd";
  }
  return finish(req, res, result, options);
};
provider.on("server_error", (_ctx, error) => console.error("server_error", error));

provider.listen(port, "127.0.0.1", () => console.log(`oidc-provider ready: ${issuer}`));
