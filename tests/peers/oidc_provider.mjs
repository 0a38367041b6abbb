// A real OpenID Connect provider (the oidc-provider package) set up the way
// Microsoft's identity platform treats a public desktop app, for Nupub's sign-in tests.
//
//   node oidc_provider.mjs PORT
//
// Environment: NUPUB_TEST_CLIENT_ID (default "nupub-test-client"),
// NUPUB_TEST_OTHER_CLIENT_ID (a second app, default "nupub-other-client"),
// NUPUB_TEST_RESOURCE_REFRESH=1 (answer refreshes for another resource; see below).
// Binds to 127.0.0.1 only. State is in memory and the RSA signing key is
// generated at start: test use only.
//
// How it mirrors Microsoft's behaviour:
// - one public client (no secret) for a native app; PKCE with S256 is required;
// - loopback redirects on any port (RFC 8252 section 7.3) for http://localhost and http://127.0.0.1;
// - scopes openid profile email offline_access; a refresh token is issued without
//   prompt=consent (as Entra does), and every refresh rotates it (reuse is refused);
// - each instance signs with its own fresh RSA key; NUPUB_TEST_TENANT_PATHS=1 lays it
//   out like login.microsoftonline.com (see below);
// - id_tokens carry profile claims and `tid` (a fixed tenant id), and, like Microsoft's
//   v2.0 ID tokens, NO `amr` and no `acr`: Microsoft's "ID token claims reference" lists
//   neither for ID tokens, and documents `amr` ("mfa") only for v1.0 access tokens, which
//   a client must not read. A login name ending in "+mfa" stands for a user who did use
//   two-step verification: the token says nothing about it all the same;
// - prompt=select_account (Microsoft's account picker) and prompt=login both show the
//   sign-in page again even when the browser still has a session; without a prompt,
//   a browser that kept its session cookie is answered with the same account silently;
// - the device authorization grant (RFC 8628) is enabled.
// Login and consent use the package's built-in pages (any login name, any password).
//
// CI issuer mode (NUPUB_TEST_CI_JOBS, a JSON object {job name: claims}): the provider
// also acts as a CI's OIDC token issuer, the way GitHub Actions' is used by
// Trusted Publishing. Each job is a confidential client (id = job name, secret
// NUPUB_TEST_CI_SECRET) allowed the client_credentials grant; a request with
// `resource=<audience>` gets a signed JWT access token whose `aud` is that
// audience and which carries the job's claims (repository, repository_owner,
// workflow_ref, job_workflow_ref, environment, ...) next to iss, jti, iat, exp.
import crypto from "node:crypto";
import http from "node:http";
import Provider from "oidc-provider";

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error("usage: node oidc_provider.mjs PORT");
  process.exit(2);
}
// Microsoft-style tenant paths (NUPUB_TEST_TENANT_PATHS=1): the provider lives
// under /<tenant id>/v2.0, and /common/v2.0 serves the same discovery document
// with Microsoft's multi-tenant issuer template "{tenantid}".
const tenantPaths = process.env.NUPUB_TEST_TENANT_PATHS === "1";
const TENANT_PREFIX = "/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0";
const origin = `http://127.0.0.1:${port}`;
const issuer = tenantPaths ? `${origin}${TENANT_PREFIX}` : origin;
const clientId = process.env.NUPUB_TEST_CLIENT_ID || "nupub-test-client";
// A second registered app, so tests can obtain real tokens issued to another audience.
const otherClientId = process.env.NUPUB_TEST_OTHER_CLIENT_ID || "nupub-other-client";

// Every instance signs with its own fresh RSA key (not the package's shared
// development key), so two providers never accept each other's tokens.
const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: "jwk" }), kid: crypto.randomUUID(), alg: "RS256", use: "sig" };
const TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad"; // Microsoft's id for the consumer tenant

function profileOf(accountId) {
  const user = accountId.replace(/\+mfa$/, "");
  return {
    sub: accountId,
    tid: TENANT_ID,
    name: `Test User ${user}`,
    preferred_username: `${user}@example.test`,
    email: `${user}@example.test`,
    email_verified: true,
  };
}

const ciJobs = process.env.NUPUB_TEST_CI_JOBS ? JSON.parse(process.env.NUPUB_TEST_CI_JOBS) : null;
const ciClients = Object.keys(ciJobs || {}).map((job) => ({
  client_id: job,
  client_secret: process.env.NUPUB_TEST_CI_SECRET || "ci-secret",
  grant_types: ["client_credentials"],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: "client_secret_post",
}));
const ciFeatures = ciJobs
  ? {
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => true,
        // Any https audience is signed as asked, so a wrong audience reaches the
        // relying party and is refused there (as with GitHub's token service).
        getResourceServerInfo: (_ctx, resource) => ({
          scope: "publish",
          audience: resource,
          accessTokenFormat: "jwt",
          accessTokenTTL: 300,
          jwt: { sign: { alg: "RS256" } },
        }),
      },
    }
  : {};

const provider = new Provider(issuer, {
  ...(ciJobs
    ? {
        extraTokenClaims: (_ctx, token) =>
          token.kind === "ClientCredentials" && ciJobs[token.clientId] ? ciJobs[token.clientId] : undefined,
      }
    : {}),
  clients: [...ciClients, ...[clientId, otherClientId].map((id) => ({
    client_id: id,
    client_name: id === clientId ? "Nupub (tests)" : "Another app (tests)",
    application_type: "native",
    token_endpoint_auth_method: "none",
    response_types: ["code"],
    grant_types: ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"],
    redirect_uris: ["http://localhost", "http://localhost/callback", "http://127.0.0.1", "http://127.0.0.1/callback"],
  }))],
  jwks: { keys: [signingKey] },
  scopes: ["openid", "profile", "email", "offline_access"],
  claims: {
    openid: ["sub", "tid", "auth_time"],
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
    ...ciFeatures,
  },
  pkce: { required: () => true },
  rotateRefreshToken: true,
  // oidc-provider drops offline_access from a code grant without prompt=consent
  // (OIDC Core 11); Entra does not, so every client allowed the refresh grant gets one.
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
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

// Microsoft's prompt=select_account shows its account picker, where the user picks
// or adds an account. oidc-provider knows no such prompt; the nearest real
// behaviour is its login page (shown again although a session exists), so the
// authorization request is answered as prompt=login. The request is otherwise untouched.
provider.use(async (ctx, next) => {
  if (ctx.method === "GET" && /\/auth$/.test(ctx.path) && ctx.query.prompt === "select_account") {
    console.log("prompt=select_account: showing the sign-in page (account picker)");
    ctx.query = { ...ctx.query, prompt: "login" };
  }
  await next();
});

// NUPUB_TEST_RESOURCE_REFRESH=1: Entra gives a token for another resource from
// the same refresh token when the refresh asks for `{resource}/.default` (how
// Nupub gets an Azure DevOps token); oidc-provider refuses any scope outside the
// original grant. With this set, such a refresh is answered from the grant's own
// scopes, so a test gets a real, rotated token from the real refresh grant
// (issued for this provider's own resource, which its userinfo endpoint accepts).
if (process.env.NUPUB_TEST_RESOURCE_REFRESH === "1") {
  provider.use(async (ctx, next) => {
    if (ctx.method === "POST" && ctx.path === "/token" && ctx.is("application/x-www-form-urlencoded")) {
      const chunks = [];
      for await (const chunk of ctx.req) chunks.push(chunk);
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
      if (params.grant_type === "refresh_token" && / ?[^ ]+\/\.default$/.test(params.scope || "")) {
        console.log(`refresh for ${params.scope}: answered from the grant's own scopes`);
        delete params.scope;
      }
      ctx.req.body = params;
    }
    await next();
  });
}

provider.on("server_error", (_ctx, error) => console.error("server_error", error));

if (!tenantPaths) {
  provider.listen(port, "127.0.0.1", () => console.log(`oidc-provider ready: ${issuer}`));
} else {
  const handle = provider.callback();
  const server = http.createServer(async (req, res) => {
    if (req.url === "/common/v2.0/.well-known/openid-configuration") {
      const doc = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
      doc.issuer = `${origin}/{tenantid}/v2.0`;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(doc));
    } else if (req.url.startsWith(TENANT_PREFIX + "/")) {
      // Mounted the way express mounts it: the provider sees the path below the prefix.
      req.originalUrl = req.url;
      req.url = req.url.slice(TENANT_PREFIX.length);
      handle(req, res);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  server.listen(port, "127.0.0.1", () => console.log(`oidc-provider ready: ${issuer}`));
}
