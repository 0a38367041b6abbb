//! The loopback redirect listener of a native-app sign-in (RFC 8252 §7.3):
//! bound to this computer only, on a port the OS picks, accepting exactly one
//! matching request and giving up after a timeout.
//!
//! Written by hand rather than with an HTTP server crate: it reads one request
//! line of a bounded size from the browser and answers with a fixed page, and
//! the HTTP crates in the tree (hyper through reqwest) are client-only builds.

use crate::error::AccountError;
use crate::secret::Secret;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

/// The request head a browser sends is far smaller than this.
const MAX_REQUEST: usize = 16 * 1024;
/// Time a single connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

const PAGE_DONE: &str = "<!doctype html><meta charset=utf-8><title>Nupub</title>\
<body style=\"font-family:system-ui,sans-serif;margin:3em\"><h1>You are signed in</h1>\
<p>You can close this tab and return to Nupub.</p></body>";
const PAGE_FAILED: &str = "<!doctype html><meta charset=utf-8><title>Nupub</title>\
<body style=\"font-family:system-ui,sans-serif;margin:3em\"><h1>The sign-in did not finish</h1>\
<p>Return to Nupub to see what happened and try again.</p></body>";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LoopbackHost {
    V4,
    V6,
    Localhost,
}

/// Checks a redirect template such as `http://localhost:{port}` or
/// `http://127.0.0.1:{port}/callback`: http, a loopback host, `{port}` as the port.
pub fn check_redirect_template(template: &str) -> Result<(), AccountError> {
    parse_template(template).map(|_| ())
}

fn parse_template(template: &str) -> Result<(LoopbackHost, String), AccountError> {
    let refuse = |reason: &str| AccountError::RedirectNotLoopback {
        template: template.chars().take(300).collect(),
        reason: reason.into(),
    };
    if template.matches("{port}").count() != 1 {
        return Err(refuse("it must contain {port} exactly once, as the port"));
    }
    let url = Url::parse(&template.replace("{port}", "1"))
        .map_err(|_| refuse("it is not a valid address"))?;
    if url.scheme() != "http" {
        return Err(refuse(
            "it must start with http:// (the listener is on this computer)",
        ));
    }
    if url.port() != Some(1) || !template.contains(":{port}") {
        return Err(refuse("{port} must be the port"));
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(refuse("it must not have a query, fragment or user name"));
    }
    let host = match url.host() {
        Some(url::Host::Ipv4(ip)) if ip == Ipv4Addr::LOCALHOST => LoopbackHost::V4,
        Some(url::Host::Ipv6(ip)) if ip == Ipv6Addr::LOCALHOST => LoopbackHost::V6,
        Some(url::Host::Domain(d)) if d.eq_ignore_ascii_case("localhost") => {
            LoopbackHost::Localhost
        }
        _ => return Err(refuse("its host must be localhost, 127.0.0.1 or [::1]")),
    };
    Ok((host, url.path().to_string()))
}

/// What came back to the listener.
#[derive(Debug)]
pub struct Callback {
    pub code: Secret,
    /// RFC 9207 `iss`, when the provider sends it.
    pub iss: Option<String>,
}

pub struct LoopbackListener {
    listeners: Vec<TcpListener>,
    redirect_uri: String,
    path: String,
}

impl LoopbackListener {
    /// Binds to loopback on a free port and builds the redirect URI from the template.
    pub async fn bind(template: &str) -> Result<LoopbackListener, AccountError> {
        let (host, path) = parse_template(template)?;
        let failed = |e: std::io::Error| AccountError::BrowserUnavailable {
            detail: format!("no local port for the sign-in answer could be opened ({e})"),
        };
        let first_ip = match host {
            LoopbackHost::V6 => IpAddr::V6(Ipv6Addr::LOCALHOST),
            LoopbackHost::V4 | LoopbackHost::Localhost => IpAddr::V4(Ipv4Addr::LOCALHOST),
        };
        let first = TcpListener::bind(SocketAddr::new(first_ip, 0))
            .await
            .map_err(failed)?;
        let port = first.local_addr().map_err(failed)?.port();
        let mut listeners = vec![first];
        if host == LoopbackHost::Localhost {
            // "localhost" may resolve to ::1 first in the browser: listen there too when we can.
            if let Ok(v6) =
                TcpListener::bind(SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), port)).await
            {
                listeners.push(v6);
            }
        }
        Ok(LoopbackListener {
            listeners,
            redirect_uri: template.replace("{port}", &port.to_string()),
            path,
        })
    }

    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Waits for the browser to come back with `state`. Requests for other paths
    /// are answered 404 and ignored; the first request on the redirect path ends the wait.
    pub async fn wait(self, state: &str, timeout: Duration) -> Result<Callback, AccountError> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let accepted = tokio::time::timeout_at(deadline, accept_any(&self.listeners)).await;
            let mut stream = match accepted {
                Err(_) => {
                    return Err(AccountError::BrowserTimeout {
                        seconds: timeout.as_secs(),
                    })
                }
                Ok(Err(_)) => continue,
                Ok(Ok(stream)) => stream,
            };
            let target =
                match tokio::time::timeout_at(deadline, read_request_target(&mut stream)).await {
                    Err(_) => {
                        return Err(AccountError::BrowserTimeout {
                            seconds: timeout.as_secs(),
                        })
                    }
                    Ok(target) => target,
                };
            let Some(target) = target else {
                respond(&mut stream, 400, "text/plain; charset=utf-8", "bad request").await;
                continue;
            };
            let Ok(url) = Url::parse(&format!("http://localhost{target}")) else {
                respond(&mut stream, 400, "text/plain; charset=utf-8", "bad request").await;
                continue;
            };
            if url.path() != self.path {
                respond(&mut stream, 404, "text/plain; charset=utf-8", "not found").await;
                continue;
            }
            let result = interpret(&url, state);
            let page = if result.is_ok() {
                PAGE_DONE
            } else {
                PAGE_FAILED
            };
            respond(&mut stream, 200, "text/html; charset=utf-8", page).await;
            return result;
        }
    }
}

async fn accept_any(listeners: &[TcpListener]) -> std::io::Result<TcpStream> {
    match listeners {
        [one] => one.accept().await.map(|(s, _)| s),
        [a, b, ..] => tokio::select! {
            r = a.accept() => r.map(|(s, _)| s),
            r = b.accept() => r.map(|(s, _)| s),
        },
        [] => std::future::pending().await,
    }
}

fn interpret(url: &Url, expected_state: &str) -> Result<Callback, AccountError> {
    let mut state = None;
    let mut code = None;
    let mut error = None;
    let mut description = None;
    let mut iss = None;
    for (key, value) in url.query_pairs() {
        let slot = match key.as_ref() {
            "state" => &mut state,
            "code" => &mut code,
            "error" => &mut error,
            "error_description" => &mut description,
            "iss" => &mut iss,
            _ => continue,
        };
        if slot.is_some() {
            // A repeated parameter is ambiguous: refuse rather than pick one.
            return Err(AccountError::StateMismatch);
        }
        *slot = Some(value.into_owned());
    }
    if state.as_deref() != Some(expected_state) {
        return Err(AccountError::StateMismatch);
    }
    if let Some(error) = error {
        return Err(AccountError::ProviderRefused {
            error: printable(&error, 100),
            description: description.map(|d| printable(&d, 300)),
        });
    }
    let code = code
        .filter(|c| !c.is_empty())
        .ok_or(AccountError::MissingCode)?;
    Ok(Callback {
        code: Secret::new(code),
        iss,
    })
}

/// Text from the network, shortened and without control characters, for error messages.
fn printable(text: &str, max: usize) -> String {
    text.chars().filter(|c| !c.is_control()).take(max).collect()
}

/// Reads the request head and returns the request target of a GET.
async fn read_request_target(stream: &mut TcpStream) -> Option<String> {
    let mut buffer = Vec::with_capacity(1024);
    let read = async {
        let mut chunk = [0u8; 1024];
        loop {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buffer.extend_from_slice(chunk.get(..n)?);
            if buffer.windows(4).any(|w| w == b"\r\n\r\n")
                || buffer.windows(2).any(|w| w == b"\n\n")
            {
                return Some(());
            }
            if buffer.len() > MAX_REQUEST {
                return None;
            }
        }
    };
    tokio::time::timeout(READ_TIMEOUT, read).await.ok()??;
    let head = std::str::from_utf8(&buffer).ok()?;
    let line = head.lines().next()?;
    let mut parts = line.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    if method != "GET" || !version.starts_with("HTTP/1.") || !target.starts_with('/') {
        return None;
    }
    Some(target.to_string())
}

async fn respond(stream: &mut TcpStream, status: u16, content_type: &str, body: &str) {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Bad Request",
    };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(READ_TIMEOUT, async {
        let _ = stream.write_all(response.as_bytes()).await;
        let _ = stream.shutdown().await;
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    #[test]
    fn templates() {
        for good in [
            "http://localhost:{port}",
            "http://127.0.0.1:{port}/callback",
            "http://[::1]:{port}/cb",
        ] {
            check_redirect_template(good).unwrap();
        }
        for bad in [
            "http://evil.example:{port}/callback",
            "http://10.0.0.1:{port}",
            "https://localhost:{port}",
            "http://localhost:8080",
            "http://localhost:{port}/{port}",
            "http://localhost/{port}",
            "http://localhost:{port}/?x=1",
            "http://127.0.0.1.nip.io:{port}",
            "http://user@localhost:{port}",
        ] {
            let error = check_redirect_template(bad).unwrap_err();
            assert!(
                matches!(error, AccountError::RedirectNotLoopback { .. }),
                "{bad}"
            );
        }
    }

    async fn send(port: u16, request: &[u8]) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        stream.write_all(request).await.unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer).await;
        answer
    }

    fn port_of(listener: &LoopbackListener) -> u16 {
        listener.listeners[0].local_addr().unwrap().port()
    }

    #[tokio::test]
    async fn one_matching_request_ends_the_wait_and_others_are_ignored() {
        let listener = LoopbackListener::bind("http://127.0.0.1:{port}/callback")
            .await
            .unwrap();
        let port = port_of(&listener);
        assert_eq!(
            listener.redirect_uri(),
            format!("http://127.0.0.1:{port}/callback")
        );
        let waiting = tokio::spawn(listener.wait("st-1", Duration::from_secs(10)));
        // Hostile or unrelated requests first.
        assert!(send(port, b"GET /favicon.ico HTTP/1.1\r\n\r\n")
            .await
            .contains("404"));
        assert!(send(port, b"POST /callback HTTP/1.1\r\n\r\n")
            .await
            .contains("400"));
        assert!(send(port, b"\xff\xfe garbage\r\n\r\n")
            .await
            .contains("400"));
        assert!(send(port, &vec![b'A'; MAX_REQUEST + 100])
            .await
            .contains("400"));
        let answer = send(
            port,
            b"GET /callback?code=c-123&state=st-1&iss=http%3A%2F%2Fx HTTP/1.1\r\nHost: x\r\n\r\n",
        )
        .await;
        assert!(answer.contains("return to Nupub"), "{answer}");
        let callback = waiting.await.unwrap().unwrap();
        assert_eq!(callback.code.expose(), "c-123");
        assert_eq!(callback.iss.as_deref(), Some("http://x"));
        // Exactly one: the port is closed now.
        assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
    }

    #[tokio::test]
    async fn wrong_state_error_and_missing_code_are_refused() {
        type Check = fn(&AccountError) -> bool;
        let cases: [(&[u8], Check); 5] = [
            (b"GET /?code=c&state=other HTTP/1.1\r\n\r\n", |e| {
                matches!(e, AccountError::StateMismatch)
            }),
            (b"GET /?code=c HTTP/1.1\r\n\r\n", |e| {
                matches!(e, AccountError::StateMismatch)
            }),
            (b"GET /?code=c&state=s&state=s HTTP/1.1\r\n\r\n", |e| {
                matches!(e, AccountError::StateMismatch)
            }),
            (b"GET /?state=s HTTP/1.1\r\n\r\n", |e| {
                matches!(e, AccountError::MissingCode)
            }),
            (
                b"GET /?state=s&error=access_denied&error_description=no%0Athanks HTTP/1.1\r\n\r\n",
                |e| matches!(e, AccountError::ProviderRefused { error, description } if error == "access_denied" && description.as_deref() == Some("nothanks")),
            ),
        ];
        for (request, check) in cases {
            let listener = LoopbackListener::bind("http://localhost:{port}")
                .await
                .unwrap();
            let port = port_of(&listener);
            let waiting = tokio::spawn(listener.wait("s", Duration::from_secs(10)));
            let answer = send(port, request).await;
            assert!(answer.contains("did not finish"), "{answer}");
            let error = waiting.await.unwrap().unwrap_err();
            assert!(check(&error), "{error:?}");
        }
    }

    #[tokio::test]
    async fn gives_up_after_the_timeout() {
        let listener = LoopbackListener::bind("http://127.0.0.1:{port}")
            .await
            .unwrap();
        let port = port_of(&listener);
        // A connection that never sends anything must not keep it waiting forever either.
        let _idle = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let error = listener
            .wait("s", Duration::from_millis(300))
            .await
            .unwrap_err();
        assert!(
            matches!(error, AccountError::BrowserTimeout { .. }),
            "{error:?}"
        );
    }
}
