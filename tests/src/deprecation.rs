//! FAKE BY NECESSITY: nuget.org's deprecation API and the registration it
//! drives. No runnable server implements `PUT /api/v2/package/{id}/deprecations`
//! (it is NuGetGallery's, a .NET web application), so this follows
//! `shared/spec/lifecycle-and-ci.md` §a.1 and §a.3 exactly: the User-Agent
//! and API key checks, the ten checks in their order with nuget.org's own
//! texts (status in the reason phrase and the body), the feature flight's
//! 403, a 429 with `Retry-After` on demand, 200 with an empty body, and the
//! registration `catalogEntry` shape (`listed`, `published`, `deprecation`
//! with reasons in Other, Legacy, CriticalBugs order and the alternate's
//! `[{version}, )` or `*` range).
//!
//! It stands in front of the real pynuget: pushes, unlists and the V2 feed
//! are forwarded there, and the registration lists exactly the versions
//! pynuget serves, so what the feed holds is always pynuget's own. Faults
//! can be queued for forwarded requests (for example a 503 for the next
//! DELETE) to break a flow half-way.

use crate::pynuget::PyNuGet;
use crate::wire::{
    forward, read_body, read_head, reason_of, respond, serve, stop_server, CapturedRequest,
};
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::io::{BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

/// A deprecation as stored (per normalized version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub legacy: bool,
    pub critical_bugs: bool,
    pub other: bool,
    pub message: Option<String>,
    pub alternate_id: Option<String>,
    pub alternate_version: Option<String>,
}

#[derive(Default)]
struct State {
    /// Lower-case id → id as registered (the ids this fake knows).
    ids: BTreeMap<String, String>,
    /// Ids that exist elsewhere on "nuget.org" (valid alternates), lower-case → versions.
    others: BTreeMap<String, Vec<String>>,
    /// (lower id, normalized version) → deprecation.
    deprecations: BTreeMap<(String, String), Stored>,
    /// (lower id, normalized version) unlisted through `listedVerb`.
    unlisted: HashSet<(String, String)>,
    flight: bool,
    locked: bool,
    /// Statuses for the next deprecation requests (429 comes with `Retry-After: 1`).
    deprecation_faults: VecDeque<u16>,
    /// (method, status) for the next forwarded requests with that method.
    forward_faults: VecDeque<(String, u16)>,
    /// `Retry-After` of an injected forwarded 429 (seconds; 1 unless set).
    forward_retry_after: Option<u32>,
    requests: Vec<CapturedRequest>,
}

/// The fake, in front of a pynuget.
pub struct DeprecationFake {
    port: u16,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

/// NuGet's normalized version text (`1.0` → `1.0.0`, `1.0.0.0` → `1.0.0`, no metadata).
pub fn normalize(version: &str) -> String {
    let v = version.trim().split('+').next().unwrap_or_default();
    let (numbers, label) = match v.split_once('-') {
        Some((n, l)) => (n, Some(l)),
        None => (v, None),
    };
    let mut parts: Vec<u64> = numbers.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    while parts.len() < 3 {
        parts.push(0);
    }
    let mut out = format!("{}.{}.{}", parts[0], parts[1], parts[2]);
    if parts.len() > 3 && parts[3] > 0 {
        out.push_str(&format!(".{}", parts[3]));
    }
    if let Some(label) = label {
        out.push('-');
        out.push_str(label);
    }
    out
}

impl DeprecationFake {
    /// Starts in front of `pynuget`, knowing `ids` (the registrations), with the
    /// deprecation flight on for the key's owner.
    pub fn start(pynuget: &PyNuGet, ids: &[&str]) -> DeprecationFake {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the deprecation fake");
        let port = listener.local_addr().expect("local address").port();
        let upstream: SocketAddr = format!("127.0.0.1:{}", pynuget.port())
            .parse()
            .expect("pynuget address");
        let key = pynuget.api_key().to_string();
        let state = Arc::new(Mutex::new(State {
            ids: ids
                .iter()
                .map(|i| (i.to_lowercase(), i.to_string()))
                .collect(),
            flight: true,
            ..State::default()
        }));
        let shared = state.clone();
        let stop = serve(listener, move |stream| {
            handle(stream, port, upstream, &key, &shared);
        });
        DeprecationFake { port, state, stop }
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The V3 service index (PackagePublish and RegistrationsBaseUrl/3.6.0 here).
    pub fn index_url(&self) -> String {
        format!("{}/v3/index.json", self.base_url())
    }

    /// Another id "on nuget.org", usable as an alternate.
    pub fn add_other_package(&self, id: &str, versions: &[&str]) {
        self.state.lock().unwrap().others.insert(
            id.to_lowercase(),
            versions.iter().map(|v| normalize(v)).collect(),
        );
    }

    /// The owner's deprecation flight (off: 403 as nuget.org answers).
    pub fn set_flight(&self, on: bool) {
        self.state.lock().unwrap().flight = on;
    }

    pub fn set_locked(&self, locked: bool) {
        self.state.lock().unwrap().locked = locked;
    }

    /// The next deprecation requests answer these statuses (429 with `Retry-After: 1`).
    pub fn fail_deprecations(&self, statuses: &[u16]) {
        self.state
            .lock()
            .unwrap()
            .deprecation_faults
            .extend(statuses.iter().copied());
    }

    /// The next forwarded `method` request answers `status` without reaching pynuget.
    pub fn fail_next(&self, method: &str, status: u16) {
        self.state
            .lock()
            .unwrap()
            .forward_faults
            .push_back((method.to_string(), status));
    }

    /// An injected 429 for a forwarded request asks the client to wait this long.
    pub fn set_retry_after(&self, seconds: u32) {
        self.state.lock().unwrap().forward_retry_after = Some(seconds);
    }

    pub fn deprecation_of(&self, id: &str, version: &str) -> Option<Stored> {
        self.state
            .lock()
            .unwrap()
            .deprecations
            .get(&(id.to_lowercase(), normalize(version)))
            .cloned()
    }

    pub fn requests(&self) -> Vec<CapturedRequest> {
        self.state.lock().unwrap().requests.clone()
    }

    /// The deprecation requests received.
    pub fn deprecation_requests(&self) -> Vec<CapturedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.path.ends_with("/deprecations"))
            .collect()
    }
}

impl Drop for DeprecationFake {
    fn drop(&mut self) {
        stop_server(&self.stop, self.port);
    }
}

/// The versions pynuget serves for `id` (its own V2 feed), as written there.
pub fn upstream_versions(upstream: SocketAddr, id: &str) -> Vec<String> {
    let url = format!("http://{upstream}/FindPackagesById()?id='{id}'");
    let Ok((200, body)) = crate::http::get(&url) else {
        return Vec::new();
    };
    body.split("<d:Version>")
        .skip(1)
        .filter_map(|rest| rest.split('<').next())
        .map(str::to_string)
        .collect()
}

fn json_reply(stream: &mut TcpStream, value: &serde_json::Value) {
    respond(
        stream,
        200,
        "OK",
        &[("Content-Type".into(), "application/json".into())],
        value.to_string().as_bytes(),
    );
}

/// nuget.org's error shape: the message in the reason phrase and the plain-text body.
fn refuse(stream: &mut TcpStream, status: u16, message: &str) {
    let mut text = format!(
        "HTTP/1.1 {status} {message}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        message.len()
    );
    text.push_str(message);
    let _ = stream.write_all(text.as_bytes());
    let _ = stream.flush();
}

fn handle(stream: TcpStream, port: u16, upstream: SocketAddr, key: &str, state: &Mutex<State>) {
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let Some(head) = read_head(&mut reader) else {
        return;
    };
    let body = read_body(&mut reader, &head).unwrap_or_default();
    state.lock().unwrap().requests.push(CapturedRequest {
        method: head.method.clone(),
        path: head.path.clone(),
        headers: head.headers.clone(),
        body: body.clone(),
        chunked: false,
    });
    let path = head.path.split('?').next().unwrap_or_default().to_string();
    if head.method == "GET" && path == "/v3/index.json" {
        let base = format!("http://127.0.0.1:{port}");
        json_reply(
            &mut writer,
            &serde_json::json!({"version": "3.0.0", "resources": [
                {"@id": format!("{base}/api/v2/package"), "@type": "PackagePublish/2.0.0"},
                {"@id": format!("{base}/v3/registration/"), "@type": "RegistrationsBaseUrl/3.6.0"}
            ]}),
        );
        return;
    }
    if head.method == "GET"
        && path.starts_with("/v3/registration/")
        && path.ends_with("/index.json")
    {
        let lid = path
            .trim_start_matches("/v3/registration/")
            .trim_end_matches("/index.json")
            .to_string();
        registration(&mut writer, port, upstream, &lid, state);
        return;
    }
    let deprecations = path
        .strip_prefix("/api/v2/package/")
        .and_then(|rest| rest.strip_suffix("/deprecations"));
    if let Some(id) = deprecations {
        if head.method != "PUT" {
            // The route only matches PUT.
            respond(&mut writer, 404, "Not Found", &[], b"");
            return;
        }
        deprecate(&mut writer, &head, &body, id, upstream, key, state);
        return;
    }
    let fault = {
        let mut s = state.lock().unwrap();
        let at = s.forward_faults.iter().position(|(m, _)| *m == head.method);
        at.and_then(|i| s.forward_faults.remove(i))
    };
    if let Some((_, status)) = fault {
        let wait = state.lock().unwrap().forward_retry_after.unwrap_or(1);
        let headers = if status == 429 {
            vec![("Retry-After".to_string(), wait.to_string())]
        } else {
            Vec::new()
        };
        respond(
            &mut writer,
            status,
            reason_of(status),
            &headers,
            b"injected by the deprecation fake",
        );
        return;
    }
    match forward(upstream, &head, &body) {
        Some((_, response)) => {
            let _ = writer.write_all(&response);
            let _ = writer.flush();
        }
        None => respond(
            &mut writer,
            502,
            "Bad Gateway",
            &[],
            b"pynuget did not answer",
        ),
    }
}

fn registration(
    writer: &mut TcpStream,
    port: u16,
    upstream: SocketAddr,
    lid: &str,
    state: &Mutex<State>,
) {
    let (id, deprecations, unlisted) = {
        let s = state.lock().unwrap();
        (
            s.ids.get(lid).cloned(),
            s.deprecations.clone(),
            s.unlisted.clone(),
        )
    };
    let Some(id) = id else {
        respond(writer, 404, "Not Found", &[], b"");
        return;
    };
    let versions = upstream_versions(upstream, &id);
    if versions.is_empty() {
        respond(writer, 404, "Not Found", &[], b"");
        return;
    }
    let base = format!("http://127.0.0.1:{port}/v3/registration/{lid}");
    let leaves: Vec<serde_json::Value> = versions
        .iter()
        .map(|v| {
            let n = normalize(v);
            let key = (lid.to_string(), n.clone());
            let listed = !unlisted.contains(&key);
            let mut entry = serde_json::json!({
                "@id": format!("{base}/{}.json", n.to_lowercase()),
                "id": id,
                "version": n,
                "listed": listed,
                "published": if listed { "2026-01-02T03:04:05+00:00" } else { "1900-01-01T00:00:00+00:00" },
            });
            if let Some(d) = deprecations.get(&key) {
                // nuget.org emits the flag names in enum-value order: Other, Legacy, CriticalBugs.
                let mut reasons = Vec::new();
                if d.other {
                    reasons.push("Other");
                }
                if d.legacy {
                    reasons.push("Legacy");
                }
                if d.critical_bugs {
                    reasons.push("CriticalBugs");
                }
                let mut dep = serde_json::json!({ "reasons": reasons });
                if let Some(m) = &d.message {
                    dep["message"] = m.clone().into();
                }
                if let Some(alt) = &d.alternate_id {
                    let range = match &d.alternate_version {
                        Some(v) => format!("[{v}, )"),
                        None => "*".to_string(),
                    };
                    dep["alternatePackage"] = serde_json::json!({ "id": alt, "range": range });
                }
                entry["deprecation"] = dep;
            }
            serde_json::json!({ "@id": format!("{base}/{}.json", n.to_lowercase()), "catalogEntry": entry })
        })
        .collect();
    json_reply(
        writer,
        &serde_json::json!({
            "@id": format!("{base}/index.json"),
            "count": 1,
            "items": [{ "@id": format!("{base}/index.json#page"), "count": leaves.len(), "items": leaves }]
        }),
    );
}

const KEY_REFUSED: &str =
    "The specified API key is invalid, has expired, or does not have permission to access the specified package.";

fn deprecate(
    writer: &mut TcpStream,
    head: &crate::wire::Head,
    body: &[u8],
    raw_id: &str,
    upstream: SocketAddr,
    key: &str,
    state: &Mutex<State>,
) {
    // RequiresUserAgentAttribute.
    if head
        .header("user-agent")
        .is_none_or(|u| u.trim().is_empty())
    {
        let text = "A User-Agent header is required for this endpoint.";
        let _ = writer.write_all(
            format!(
                "HTTP/1.1 400 User-Agent header is required\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                text.len()
            )
            .as_bytes(),
        );
        return;
    }
    // ApiAuthorize: no key → 401; a wrong key (or scope) → 403.
    match head.header("x-nuget-apikey") {
        None => {
            refuse(
                writer,
                401,
                "An API key must be provided in the 'X-NuGet-ApiKey' header to use this service",
            );
            return;
        }
        Some(k) if k != key => {
            refuse(writer, 403, KEY_REFUSED);
            return;
        }
        Some(_) => {}
    }
    let id = percent_encoding::percent_decode_str(raw_id)
        .decode_utf8_lossy()
        .into_owned();
    let lid = id.to_lowercase();
    let fault = state.lock().unwrap().deprecation_faults.pop_front();
    match fault {
        Some(429) => {
            let message = r#"{ "statusCode": 429, "message": "Rate limit is exceeded. Try again in 1 seconds." }"#;
            respond(
                writer,
                429,
                "Too Many Requests",
                &[
                    ("Retry-After".into(), "1".into()),
                    ("Content-Type".into(), "application/json".into()),
                ],
                message.as_bytes(),
            );
            return;
        }
        Some(status) => {
            respond(
                writer,
                status,
                reason_of(status),
                &[],
                b"injected by the deprecation fake",
            );
            return;
        }
        None => {}
    }
    let (registered, flight, locked, others) = {
        let s = state.lock().unwrap();
        (
            s.ids.get(&lid).cloned(),
            s.flight,
            s.locked,
            s.others.clone(),
        )
    };
    let versions_on_feed: Vec<String> = match &registered {
        Some(id) => upstream_versions(upstream, id)
            .iter()
            .map(|v| normalize(v))
            .collect(),
        None => Vec::new(),
    };
    // 0: no registration (controller).
    if registered.is_none() || versions_on_feed.is_empty() {
        refuse(
            writer,
            404,
            &format!("There are no packages with ID '{id}'."),
        );
        return;
    }
    let json: serde_json::Value = serde_json::from_slice(body).unwrap_or(serde_json::Value::Null);
    let flag = |name: &str| json.get(name).and_then(|v| v.as_bool()).unwrap_or(false);
    let text = |name: &str| json.get(name).and_then(|v| v.as_str()).map(str::to_string);
    let (is_legacy, critical, is_other) =
        (flag("isLegacy"), flag("hasCriticalBugs"), flag("isOther"));
    let message = text("message");
    let alt_id = text("alternatePackageId").filter(|a| !a.trim().is_empty());
    let alt_version = text("alternatePackageVersion").filter(|a| !a.trim().is_empty());
    let versions: Vec<String> = json
        .get("versions")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let verb = text("listedVerb").unwrap_or_else(|| "Unchanged".into());
    // 1.
    if is_other && message.as_deref().is_none_or(|m| m.trim().is_empty()) {
        refuse(
            writer,
            400,
            "You must add a custom message if you are deprecating a package due to another reason!",
        );
        return;
    }
    // 2: .NET string length (UTF-16 units).
    if message
        .as_deref()
        .is_some_and(|m| m.encode_utf16().count() > 1000)
    {
        refuse(
            writer,
            400,
            "Your custom message is too long. It must be under 1000 characters.",
        );
        return;
    }
    // 3.
    if versions.is_empty() {
        refuse(
            writer,
            400,
            "You must select at least one version to deprecate!",
        );
        return;
    }
    // 5: the flight (or permissions).
    if !flight {
        refuse(
            writer,
            403,
            "You do not have permission to deprecate this package.",
        );
        return;
    }
    // 6.
    if locked {
        refuse(
            writer,
            403,
            &format!("Package '{id}' is locked and cannot have its deprecation changed."),
        );
        return;
    }
    // 7 and 8: the alternate exists.
    let alt_lid = alt_id.as_deref().map(str::to_lowercase);
    if let Some(alt) = &alt_lid {
        let known = others
            .get(alt)
            .cloned()
            .or_else(|| (alt == &lid).then(|| versions_on_feed.clone()));
        let alt_name = alt_id.clone().unwrap_or_default();
        let missing = match (&known, &alt_version) {
            (None, Some(v)) => Some(format!("{alt_name} {v}")),
            (Some(list), Some(v)) if !list.contains(&normalize(v)) => {
                Some(format!("{alt_name} {v}"))
            }
            (None, None) => Some(alt_name),
            _ => None,
        };
        if let Some(name) = missing {
            refuse(
                writer,
                400,
                &format!("Alternate package '{name}' does not exist."),
            );
            return;
        }
    }
    // 9: every version exists (normalized, case-insensitive).
    let wanted: Vec<String> = versions.iter().map(|v| normalize(v)).collect();
    if wanted
        .iter()
        .any(|w| !versions_on_feed.iter().any(|f| f.eq_ignore_ascii_case(w)))
    {
        refuse(
            writer,
            404,
            &format!("At least one version of package '{id}' specified could not be found."),
        );
        return;
    }
    // 10: the alternate is the package itself.
    if alt_lid.as_deref() == Some(lid.as_str()) {
        refuse(
            writer,
            400,
            "A package cannot be the alternate package of itself.",
        );
        return;
    }
    let mut s = state.lock().unwrap();
    for w in &wanted {
        let key = (lid.clone(), w.clone());
        if is_legacy || critical || is_other {
            s.deprecations.insert(
                key.clone(),
                Stored {
                    legacy: is_legacy,
                    critical_bugs: critical,
                    other: is_other,
                    message: message.clone(),
                    alternate_id: alt_id.clone(),
                    alternate_version: alt_version.as_deref().map(normalize),
                },
            );
        } else {
            s.deprecations.remove(&key);
        }
        match verb.as_str() {
            "Unlist" => {
                s.unlisted.insert(key);
            }
            "Relist" => {
                s.unlisted.remove(&key);
            }
            _ => {}
        }
    }
    respond(writer, 200, "OK", &[], b"");
}

/// Pushes a .nupkg to a V2 push URL as the official client sends it (one
/// multipart part named `package`), for setting a feed up before a test.
/// Returns the status.
pub fn push_package(push_url: &str, key: &str, package: &std::path::Path) -> u16 {
    let bytes = std::fs::read(package).expect("read the package");
    let boundary = "nupub-test-boundary-4f1c";
    let mut body = format!(
        "--{boundary}\r\nContent-Type: application/octet-stream\r\nContent-Disposition: form-data; name=package; filename=package.nupkg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(60)))
        .build()
        .into();
    let url = format!("{}/", push_url.trim_end_matches('/'));
    agent
        .put(&url)
        .header("X-NuGet-ApiKey", key)
        .header(
            "Content-Type",
            &format!("multipart/form-data; boundary={boundary}"),
        )
        .send(&body[..])
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}
