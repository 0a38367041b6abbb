// FAKES BY NECESSITY, for Nupub's Trusted Publishing tests: there is no real
// GitHub Actions runner or nuget.org here. One process, one port, three parts:
//
//   GET  /actions/token?...&audience=A   a fake of GitHub's Actions token-request
//        endpoint (ACTIONS_ID_TOKEN_REQUEST_URL). The bearer request token names
//        the job; the OIDC token itself comes from the REAL oidc-provider
//        (tests/peers/oidc_provider.mjs in CI issuer mode) through its
//        client_credentials grant with resource=A. Answers {"value": JWT} as GitHub does.
//   POST /api/v2/token                   a fake of nuget.org's token endpoint,
//        following shared/spec/lifecycle-and-ci.md §b.2/§b.3: header, content
//        type, user agent and body checks, the JWT verified against the provider's
//        JWKS (issuer, audience https://www.nuget.org, expiry, signature), the
//        trust policies created by `username` (oldest first), replay refusal,
//        organizations refused, and every answer in the documented shape
//        ({"error": message}, the message also as reason phrase,
//        WWW-Authenticate: Bearer on 401). A match answers
//        {"tokenType":"ApiKey","expires":ISO,"apiKey":KEY} where KEY is the key the
//        REAL pynuget was started with, so the push itself goes to a real server.
//   *    /feed/...                       a recording pass-through to the real pynuget.
//
// Every request to any part is appended to NUPUB_TEST_CI_LOG as one JSON line
// {part, method, path, headers, body}, so tests can check where tokens went.
//
//   node ci_fakes.mjs PORT
// Environment: NUPUB_TEST_ISSUER (the provider), NUPUB_TEST_CI_SECRET,
// NUPUB_TEST_POLICIES (JSON array of {name, creator, repositoryOwner, repository,
// workflowFile, environment?, expired?}), NUPUB_TEST_ORGS (JSON array of
// organization names), NUPUB_TEST_REUSE_JOBS (JSON array: jobs whose token is
// handed out again unchanged, to test replay), NUPUB_TEST_API_KEY,
// NUPUB_TEST_FEED (pynuget's base URL), NUPUB_TEST_CI_LOG.
import fs from "node:fs";
import http from "node:http";
import { createRemoteJWKSet, decodeJwt, errors, jwtVerify } from "jose";

const port = Number(process.argv[2]);
const issuer = process.env.NUPUB_TEST_ISSUER;
const secret = process.env.NUPUB_TEST_CI_SECRET || "ci-secret";
const policies = JSON.parse(process.env.NUPUB_TEST_POLICIES || "[]");
const orgs = JSON.parse(process.env.NUPUB_TEST_ORGS || "[]").map((o) => o.toLowerCase());
const reuseJobs = new Set(JSON.parse(process.env.NUPUB_TEST_REUSE_JOBS || "[]"));
const apiKey = process.env.NUPUB_TEST_API_KEY;
const feed = new URL(process.env.NUPUB_TEST_FEED);
const logFile = process.env.NUPUB_TEST_CI_LOG;
const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
const usedJti = new Set();
const handedOut = new Map();
const AUDIENCE = "https://www.nuget.org";

function record(part, req, body) {
  const line = JSON.stringify({ part, method: req.method, path: req.url, headers: req.headers, body: body.toString("latin1") });
  fs.appendFileSync(logFile, line + "\n");
}

function json(res, status, value, extra = {}) {
  const body = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), ...extra });
  res.end(body);
}

// nuget.org's error shape: {"error": message}, the message also as reason phrase.
function refuse(res, status, message) {
  const extra = status === 401 ? { "www-authenticate": "Bearer" } : {};
  res.statusMessage = message.replace(/[^\x20-\x7e]/g, "?");
  json(res, status, { error: message }, extra);
}

async function actionsToken(req, res) {
  const url = new URL(req.url, "http://127.0.0.1");
  const auth = req.headers.authorization || "";
  const job = auth.startsWith("Bearer ") ? auth.slice(7) : "";
  const audience = url.searchParams.get("audience");
  if (!job) return json(res, 401, { message: "Bad credentials" });
  if (!audience) return json(res, 400, { message: "audience is required" });
  if (reuseJobs.has(job) && handedOut.has(job)) return json(res, 200, { value: handedOut.get(job) });
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: job, client_secret: secret, resource: audience, scope: "publish" });
  const answer = await fetch(`${issuer}/token`, { method: "POST", body: form });
  if (answer.status !== 200) return json(res, 500, { message: `issuer said ${answer.status}` });
  const { access_token } = await answer.json();
  handedOut.set(job, access_token);
  json(res, 200, { count: 1, value: access_token });
}

function workflowFile(jobWorkflowRef, prefix) {
  return jobWorkflowRef.slice(prefix.length).split("@")[0];
}

// One policy against the token's claims: null = match, {disclose: [...]} or {hidden: true}.
function evaluate(policy, claims) {
  const owner = String(claims.repository_owner || "");
  const repository = String(claims.repository || "");
  if (owner.toLowerCase() !== policy.repositoryOwner.toLowerCase()) return { hidden: true };
  if (repository.toLowerCase() !== `${policy.repositoryOwner}/${policy.repository}`.toLowerCase()) return { hidden: true };
  const disclose = [];
  if (policy.expired) {
    disclose.push(`The policy '${policy.name}' has expired. Sign in and renew the trust policy on the Trusted Publishing page.`);
    return { disclose };
  }
  const jwr = claims.job_workflow_ref;
  if (!jwr) return { disclose: ["The JSON Web Token is missing the required claim 'job_workflow_ref'."] };
  const prefix = `${policy.repositoryOwner}/${policy.repository}/.github/workflows/`;
  if (!jwr.toLowerCase().startsWith(prefix.toLowerCase())) {
    return { disclose: [`Claim 'job_workflow_ref' has value '${jwr}' which does not start with ${prefix}.`] };
  }
  const actual = workflowFile(jwr, prefix);
  if (actual.toLowerCase() !== policy.workflowFile.toLowerCase()) {
    disclose.push(`Workflow mismatch for policy '${policy.name}': expected '${policy.workflowFile}', actual '${actual}'`);
  }
  if (policy.environment) {
    if (!claims.environment) disclose.push("The JSON Web Token is missing the required claim 'environment'.");
    else if (String(claims.environment).toLowerCase() !== policy.environment.toLowerCase()) {
      disclose.push(`Environment mismatch for policy '${policy.name}': expected '${policy.environment}', actual '${claims.environment}'`);
    }
  }
  return disclose.length ? { disclose } : null;
}

async function tokenEndpoint(req, res, body) {
  const auths = req.headersDistinct?.authorization || (req.headers.authorization ? [req.headers.authorization] : []);
  if (auths.length === 0) return refuse(res, 401, "The Authorization header is missing.");
  if (auths.length > 1) return refuse(res, 401, "Only one Authorization header is allowed.");
  if (!auths[0].startsWith("Bearer ")) return refuse(res, 401, "The Authorization header value must start with 'Bearer '.");
  const token = auths[0].slice(7).trim();
  if (!token) return refuse(res, 401, "The bearer token is missing from the Authorization header.");
  if (!(req.headers["content-type"] || "").toLowerCase().startsWith("application/json")) {
    return refuse(res, 415, "The request must have a Content-Type of 'application/json'.");
  }
  if (!req.headers["user-agent"]) return refuse(res, 400, "A User-Agent header is required.");
  let request;
  try {
    request = JSON.parse(body.toString("utf8"));
  } catch {
    request = {};
  }
  if (!request.username) return refuse(res, 400, "The username property in the request body is required.");
  if (request.tokenType !== "ApiKey") {
    return refuse(res, 400, "The tokenType property in the request body is required and must set to 'ApiKey'.");
  }
  let claims;
  try {
    claims = decodeJwt(token);
  } catch {
    return refuse(res, 401, "The bearer token could not be parsed as a JSON web token.");
  }
  if (claims.aud === undefined) return refuse(res, 401, "The JSON web token must have an aud claim.");
  if (Array.isArray(claims.aud) && claims.aud.length !== 1) return refuse(res, 401, "The JSON web token must have exactly one aud claim value.");
  if (!claims.iss) return refuse(res, 401, "The JSON web token must have an iss claim.");
  if (claims.iss !== issuer) return refuse(res, 401, "The JSON web token iss claim is not supported.");
  if (!claims.jti) return refuse(res, 401, "The JSON web token must have a jti claim.");
  try {
    await jwtVerify(token, jwks, { issuer, audience: AUDIENCE });
  } catch (e) {
    if (e instanceof errors.JWTExpired) return refuse(res, 401, "The JSON web token has expired.");
    if (e instanceof errors.JWTClaimValidationFailed && e.claim === "aud") return refuse(res, 401, "The JSON web token has an incorrect audience.");
    if (e instanceof errors.JWTClaimValidationFailed && e.claim === "nbf") return refuse(res, 401, "The JSON web token is not yet valid.");
    if (e instanceof errors.JWSSignatureVerificationFailed) return refuse(res, 401, "The JSON web token has an invalid signature.");
    return refuse(res, 401, "The JSON web token could not be validated.");
  }
  const user = String(request.username);
  if (orgs.includes(user.toLowerCase())) {
    return refuse(res, 400, "Generating fetching tokens directly for organizations is not supported. The trust policy is created on the profile of one of the organization's administrators and is scoped to the organization in the policy.");
  }
  const disclosed = [];
  let matched = null;
  for (const policy of policies.filter((p) => p.creator.toLowerCase() === user.toLowerCase())) {
    const outcome = evaluate(policy, claims);
    if (outcome === null) {
      matched = policy;
      break;
    }
    if (outcome.disclose) disclosed.push(...outcome.disclose);
  }
  if (!matched) {
    return refuse(res, 401, disclosed.length ? disclosed.join(". ") : `No matching trust policy owned by user '${user}' was found.`);
  }
  if (usedJti.has(claims.jti)) {
    return refuse(res, 401, "This bearer token has already been used. A new bearer token must be used for each request.");
  }
  usedJti.add(claims.jti);
  json(res, 200, { tokenType: "ApiKey", expires: new Date(Date.now() + 3600_000).toISOString(), apiKey });
}

function passThrough(req, res, body) {
  const path = req.url.replace(/^\/feed/, "") || "/";
  const headers = { ...req.headers, host: feed.host, "content-length": body.length };
  delete headers["transfer-encoding"];
  const upstream = http.request({ host: feed.hostname, port: feed.port, path, method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode, answer.statusMessage, answer.headers);
    answer.pipe(res);
  });
  upstream.on("error", () => json(res, 502, { error: "pynuget did not answer" }));
  upstream.end(body);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", async () => {
    const body = Buffer.concat(chunks);
    const path = req.url.split("?")[0];
    try {
      if (path === "/actions/token" && req.method === "GET") {
        record("actions", req, body);
        await actionsToken(req, res);
      } else if (path === "/api/v2/token") {
        record("token", req, body);
        if (req.method !== "POST") return refuse(res, 404, "Not found");
        await tokenEndpoint(req, res, body);
      } else if (path.startsWith("/feed/")) {
        record("feed", req, body);
        passThrough(req, res, body);
      } else {
        record("other", req, body);
        json(res, 404, { error: "not here" });
      }
    } catch (e) {
      console.error(e);
      json(res, 500, { error: String(e) });
    }
  });
});
server.listen(port, "127.0.0.1", () => console.log(`ci fakes ready on ${port}`));
