//! FAKES BY NECESSITY: a request-capturing HTTP server, a fault-injecting
//! proxy and a redirecting feed address. No real peer records requests byte
//! for byte, breaks connections or moves on purpose, so these are written here (std only, HTTP/1.1, one request per
//! connection, `Connection: close`). They follow `shared/spec/test-peers.md`
//! §1.4 (what a capture records) and the official client's retry facts
//! (protocol reference §4). The proxy keeps the real pynuget behind it, so
//! what the feed really holds is always read from pynuget itself.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct CapturedRequest {
    pub method: String,
    pub path: String,
    /// Header lines in wire order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked when it was chunked.
    pub body: Vec<u8>,
    pub chunked: bool,
}

impl CapturedRequest {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The parts of a multipart/form-data body: (part header lines, part bytes).
    pub fn multipart_parts(&self) -> Vec<(Vec<String>, Vec<u8>)> {
        let content_type = self.header("content-type").unwrap_or_default();
        let boundary = content_type
            .split(';')
            .filter_map(|p| p.trim().strip_prefix("boundary="))
            .next()
            .map(|b| b.trim_matches('"').to_string())
            .unwrap_or_default();
        let delimiter = format!("--{boundary}").into_bytes();
        let mut parts = Vec::new();
        let mut rest: &[u8] = &self.body;
        // Skip to the first delimiter.
        let Some(start) = find(rest, &delimiter) else {
            return parts;
        };
        rest = &rest[start + delimiter.len()..];
        loop {
            if rest.starts_with(b"--") {
                break;
            }
            let Some(head_end) = find(rest, b"\r\n\r\n") else {
                break;
            };
            let head = String::from_utf8_lossy(&rest[..head_end]).into_owned();
            let headers: Vec<String> = head
                .split("\r\n")
                .map(str::to_string)
                .filter(|l| !l.is_empty())
                .collect();
            let content_start = head_end + 4;
            let mut next_delim = delimiter.clone();
            next_delim.splice(0..0, b"\r\n".iter().copied());
            let Some(end) = find(&rest[content_start..], &next_delim) else {
                break;
            };
            parts.push((headers, rest[content_start..content_start + end].to_vec()));
            rest = &rest[content_start + end + next_delim.len()..];
        }
        parts
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

pub(crate) struct Head {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
}

impl Head {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn content_length(&self) -> Option<usize> {
        self.header("content-length")
            .and_then(|v| v.trim().parse().ok())
    }
    fn chunked(&self) -> bool {
        self.header("transfer-encoding")
            .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    }
}

pub(crate) fn read_head(reader: &mut BufReader<TcpStream>) -> Option<Head> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut words = line.split_whitespace();
    let method = words.next()?.to_string();
    let path = words.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    Some(Head {
        method,
        path,
        headers,
    })
}

fn read_chunked(reader: &mut BufReader<TcpStream>) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size_line = String::new();
        reader.read_line(&mut size_line).ok()?;
        let size = usize::from_str_radix(size_line.trim().split(';').next()?.trim(), 16).ok()?;
        if size == 0 {
            // Trailer section up to the empty line.
            loop {
                let mut l = String::new();
                if reader.read_line(&mut l).ok()? == 0 || l.trim().is_empty() {
                    break;
                }
            }
            return Some(body);
        }
        let mut chunk = vec![0; size];
        reader.read_exact(&mut chunk).ok()?;
        body.extend_from_slice(&chunk);
        let mut crlf = [0; 2];
        reader.read_exact(&mut crlf).ok()?;
    }
}

pub(crate) fn read_body(reader: &mut BufReader<TcpStream>, head: &Head) -> Option<Vec<u8>> {
    if head.chunked() {
        return read_chunked(reader);
    }
    let len = head.content_length().unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(body)
}

/// Reads a Content-Length body at about `rate` bytes per second.
fn read_body_slowly(
    reader: &mut BufReader<TcpStream>,
    head: &Head,
    rate: usize,
) -> Option<Vec<u8>> {
    let len = head.content_length()?;
    let step = (rate / 10).max(1);
    let mut body = Vec::with_capacity(len);
    while body.len() < len {
        let take = step.min(len - body.len());
        let mut chunk = vec![0; take];
        reader.read_exact(&mut chunk).ok()?;
        body.extend_from_slice(&chunk);
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(body)
}

/// A raw HTTP response with extra header lines after the status line.
fn with_headers(response: &[u8], headers: &[(String, String)]) -> Vec<u8> {
    let Some(end) = response.windows(2).position(|w| w == b"\r\n") else {
        return response.to_vec();
    };
    let mut out = response[..end + 2].to_vec();
    for (n, v) in headers {
        out.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
    }
    out.extend_from_slice(&response[end + 2..]);
    out
}

pub(crate) fn respond(
    stream: &mut TcpStream,
    status: u16,
    reason: &str,
    headers: &[(String, String)],
    body: &[u8],
) {
    let mut text = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (n, v) in headers {
        text.push_str(&format!("{n}: {v}\r\n"));
    }
    text.push_str("\r\n");
    let _ = stream.write_all(text.as_bytes());
    let _ = stream.write_all(body);
    let _ = stream.flush();
}

pub(crate) fn reason_of(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Request Entity Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Runs `handle` for every connection until the returned flag is set.
pub(crate) fn serve(
    listener: TcpListener,
    handle: impl Fn(TcpStream) + Send + Sync + 'static,
) -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let stop_flag = stop.clone();
    let handle = Arc::new(handle);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            if stop_flag.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = stream else { continue };
            let handle = handle.clone();
            std::thread::spawn(move || handle(stream));
        }
    });
    stop
}

pub(crate) fn stop_server(stop: &AtomicBool, port: u16) {
    stop.store(true, Ordering::SeqCst);
    let _ = TcpStream::connect(("127.0.0.1", port));
}

/// Records every request and answers PUT with a chosen status; serves a V3
/// index at any path ending in `/v3/index.json` whose PackagePublish (and SymbolPackagePublish)
/// point back at it, like `peers/capture.py`.
pub struct CaptureServer {
    ip: std::net::IpAddr,
    port: u16,
    requests: Arc<Mutex<Vec<CapturedRequest>>>,
    stop: Arc<AtomicBool>,
}

impl CaptureServer {
    pub fn start(put_status: u16) -> CaptureServer {
        CaptureServer::start_on("127.0.0.1", put_status)
    }

    /// On another loopback address (for example `127.0.0.2`): another origin
    /// than a feed on `127.0.0.1`.
    pub fn start_on(ip: &str, put_status: u16) -> CaptureServer {
        let listener = TcpListener::bind((ip, 0)).expect("bind the capture server");
        let address = listener.local_addr().expect("local address");
        let (ip, port) = (address.ip(), address.port());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = requests.clone();
        let stop = serve(listener, move |stream| {
            let mut writer = match stream.try_clone() {
                Ok(w) => w,
                Err(_) => return,
            };
            let mut reader = BufReader::new(stream);
            let Some(head) = read_head(&mut reader) else {
                return;
            };
            let chunked = head.chunked();
            let body = read_body(&mut reader, &head).unwrap_or_default();
            let request = CapturedRequest {
                method: head.method.clone(),
                path: head.path.clone(),
                headers: head.headers.clone(),
                body,
                chunked,
            };
            log.lock().unwrap().push(request);
            if head.method == "GET" && head.path.ends_with("/v3/index.json") {
                let index = format!(
                    r#"{{"version":"3.0.0","resources":[{{"@id":"http://{ip}:{port}/api/v2/package","@type":"PackagePublish/2.0.0"}},{{"@id":"http://{ip}:{port}/api/v2/symbolpackage","@type":"SymbolPackagePublish/4.9.0"}}]}}"#
                );
                respond(
                    &mut writer,
                    200,
                    "OK",
                    &[("Content-Type".into(), "application/json".into())],
                    index.as_bytes(),
                );
            } else if head.method == "PUT" {
                respond(&mut writer, put_status, reason_of(put_status), &[], b"");
            } else {
                respond(&mut writer, 404, "Not Found", &[], b"");
            }
        });
        CaptureServer {
            ip,
            port,
            requests,
            stop,
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}:{}", self.ip, self.port)
    }

    pub fn push_url(&self) -> String {
        format!("{}/api/v2/package", self.base_url())
    }

    pub fn index_url(&self) -> String {
        format!("{}/v3/index.json", self.base_url())
    }

    pub fn requests(&self) -> Vec<CapturedRequest> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for CaptureServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect((self.ip, self.port));
    }
}

fn redirect(writer: &mut TcpStream, status: u16, location: String) {
    respond(
        writer,
        status,
        reason_of(status),
        &[("Location".into(), location)],
        b"",
    );
}

/// A feed address that moves: every request is read whole, recorded and
/// answered with a redirect.
pub struct RedirectServer {
    port: u16,
    requests: Arc<Mutex<Vec<CapturedRequest>>>,
    stop: Arc<AtomicBool>,
}

impl RedirectServer {
    /// Every request is answered `status` with `Location: {to}{path}`
    /// (`to` is another origin, for example a [`CaptureServer::start_on`]).
    pub fn elsewhere(status: u16, to: &str) -> RedirectServer {
        let to = to.trim_end_matches('/').to_string();
        RedirectServer::start(move |head, _body, writer| {
            redirect(writer, status, format!("{to}{}", head.path));
        })
    }

    /// Requests under `/moved/` are answered `status` with a `Location` on
    /// the same host and port without that prefix; the others are forwarded
    /// to `upstream` (a real pynuget) and its answer relayed.
    pub fn same_origin(status: u16, upstream: SocketAddr) -> RedirectServer {
        RedirectServer::start(move |head, body, writer| {
            if let Some(rest) = head.path.strip_prefix("/moved") {
                redirect(writer, status, rest.to_string());
                return;
            }
            match forward(upstream, head, body) {
                Some((_, response)) => {
                    let _ = writer.write_all(&response);
                    let _ = writer.flush();
                }
                None => respond(writer, 502, "Bad Gateway", &[], b"no upstream"),
            }
        })
    }

    fn start(
        answer: impl Fn(&Head, &[u8], &mut TcpStream) + Send + Sync + 'static,
    ) -> RedirectServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the redirect server");
        let port = listener.local_addr().expect("local address").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = requests.clone();
        let stop = serve(listener, move |stream| {
            let Ok(mut writer) = stream.try_clone() else {
                return;
            };
            let mut reader = BufReader::new(stream);
            let Some(head) = read_head(&mut reader) else {
                return;
            };
            let chunked = head.chunked();
            let body = read_body(&mut reader, &head).unwrap_or_default();
            log.lock().unwrap().push(CapturedRequest {
                method: head.method.clone(),
                path: head.path.clone(),
                headers: head.headers.clone(),
                body: body.clone(),
                chunked,
            });
            answer(&head, &body, &mut writer);
        });
        RedirectServer {
            port,
            requests,
            stop,
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn requests(&self) -> Vec<CapturedRequest> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for RedirectServer {
    fn drop(&mut self) {
        stop_server(&self.stop, self.port);
    }
}

/// What the proxy does to the next PUT.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Forward it and relay the answer.
    Pass,
    /// Read this fraction of the body (0.0–1.0), then reset the connection
    /// without forwarding anything to the server.
    ResetAt(f64),
    /// Read the whole body, then answer this status (and headers) without
    /// forwarding anything.
    Status(u16, Vec<(String, String)>),
    /// Forward it (the server stores the package), then never answer until the client gives up.
    StallAfterForward,
    /// Forward it (the server stores the package), then close the connection without an answer.
    DropAfterForward,
    /// Forward it (the server stores the package), then answer this status instead of the server's.
    ForwardThenStatus(u16),
    /// Read the body at most this many bytes per second (a slow network), then
    /// forward it. A client that gives up mid-body leaves nothing on the server.
    Throttle(usize),
    /// Forward it and add these headers to the server's answer (for example the
    /// `X-NuGet-Warning` that only nuget.org sends).
    ForwardAddingHeaders(Vec<(String, String)>),
}

/// What the proxy saw and did, per request.
#[derive(Debug, Clone)]
pub struct ProxyEvent {
    pub method: String,
    pub path: String,
    pub fault: String,
    /// The real server's status when the request was forwarded.
    pub upstream_status: Option<u16>,
}

/// A proxy in front of a real server that breaks PUTs on purpose.
pub struct FaultProxy {
    port: u16,
    faults: Arc<Mutex<VecDeque<Fault>>>,
    events: Arc<Mutex<Vec<ProxyEvent>>>,
    stop: Arc<AtomicBool>,
}

impl FaultProxy {
    /// A proxy to `upstream` (for example pynuget's `127.0.0.1:port`); PUTs
    /// get `faults` in order, then pass.
    pub fn start(upstream: SocketAddr, faults: Vec<Fault>) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let port = listener.local_addr().expect("local address").port();
        let faults = Arc::new(Mutex::new(VecDeque::from(faults)));
        let events = Arc::new(Mutex::new(Vec::new()));
        let (queue, log) = (faults.clone(), events.clone());
        let stop = serve(listener, move |stream| {
            handle_proxy(stream, upstream, &queue, &log);
        });
        FaultProxy {
            port,
            faults,
            events,
            stop,
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn push_url(&self) -> String {
        format!("{}/api/v2/package", self.base_url())
    }

    pub fn events(&self) -> Vec<ProxyEvent> {
        self.events.lock().unwrap().clone()
    }

    /// PUTs that reached the real server, with its status.
    pub fn forwarded_puts(&self) -> Vec<u16> {
        self.events()
            .iter()
            .filter(|e| e.method == "PUT")
            .filter_map(|e| e.upstream_status)
            .collect()
    }

    /// PUTs the client sent, forwarded or not.
    pub fn puts_received(&self) -> usize {
        self.events().iter().filter(|e| e.method == "PUT").count()
    }

    pub fn faults_left(&self) -> usize {
        self.faults.lock().unwrap().len()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        stop_server(&self.stop, self.port);
    }
}

pub(crate) fn forward(upstream: SocketAddr, head: &Head, body: &[u8]) -> Option<(u16, Vec<u8>)> {
    let mut server = TcpStream::connect(upstream).ok()?;
    server
        .set_read_timeout(Some(Duration::from_secs(60)))
        .ok()?;
    let mut text = format!("{} {} HTTP/1.1\r\n", head.method, head.path);
    for (name, value) in &head.headers {
        let lower = name.to_ascii_lowercase();
        if lower == "connection" || lower == "transfer-encoding" || lower == "content-length" {
            continue;
        }
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() || head.method == "PUT" || head.method == "POST" {
        text.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    text.push_str("Connection: close\r\n\r\n");
    server.write_all(text.as_bytes()).ok()?;
    server.write_all(body).ok()?;
    let mut response = Vec::new();
    server.read_to_end(&mut response).ok()?;
    let status = String::from_utf8_lossy(response.get(..12.min(response.len()))?)
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some((status, response))
}

fn handle_proxy(
    stream: TcpStream,
    upstream: SocketAddr,
    faults: &Mutex<VecDeque<Fault>>,
    events: &Mutex<Vec<ProxyEvent>>,
) {
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let Some(head) = read_head(&mut reader) else {
        return;
    };
    let fault = if head.method == "PUT" {
        faults.lock().unwrap().pop_front().unwrap_or(Fault::Pass)
    } else {
        Fault::Pass
    };
    let mut event = ProxyEvent {
        method: head.method.clone(),
        path: head.path.clone(),
        fault: format!("{fault:?}"),
        upstream_status: None,
    };
    match fault {
        Fault::ResetAt(fraction) => {
            let total = head.content_length().unwrap_or(0);
            let wanted = ((total as f64) * fraction.clamp(0.0, 1.0)) as usize;
            let mut taken = vec![0; wanted];
            let _ = reader.read_exact(&mut taken);
            events.lock().unwrap().push(event);
            reset(writer);
            return;
        }
        Fault::Status(status, headers) => {
            let _ = read_body(&mut reader, &head);
            events.lock().unwrap().push(event);
            respond(
                &mut writer,
                status,
                reason_of(status),
                &headers,
                b"injected by the fault proxy",
            );
            return;
        }
        _ => {}
    }
    let body = match &fault {
        Fault::Throttle(rate) => read_body_slowly(&mut reader, &head, *rate),
        _ => read_body(&mut reader, &head),
    };
    let Some(body) = body else {
        event
            .fault
            .push_str(" (the client stopped before the body was complete)");
        events.lock().unwrap().push(event);
        return;
    };
    let answer = forward(upstream, &head, &body);
    event.upstream_status = answer.as_ref().map(|(s, _)| *s);
    events.lock().unwrap().push(event.clone());
    match (fault, answer) {
        (Fault::StallAfterForward, _) => {
            // Hold the connection open, silent, until the client gives up.
            let _ = writer.set_read_timeout(Some(Duration::from_secs(120)));
            let mut sink = [0u8; 64];
            while matches!(reader.read(&mut sink), Ok(n) if n > 0) {}
        }
        (Fault::DropAfterForward, _) => {
            let _ = writer.shutdown(std::net::Shutdown::Both);
        }
        (Fault::ForwardAddingHeaders(headers), Some((_, response))) => {
            let _ = writer.write_all(&with_headers(&response, &headers));
            let _ = writer.flush();
        }
        (Fault::ForwardThenStatus(status), _) => {
            respond(
                &mut writer,
                status,
                reason_of(status),
                &[],
                b"injected by the fault proxy",
            );
        }
        (_, Some((_, response))) => {
            let _ = writer.write_all(&response);
            let _ = writer.flush();
        }
        (_, None) => respond(
            &mut writer,
            502,
            "Bad Gateway",
            &[],
            b"the proxy could not reach the server",
        ),
    }
}

/// Closes with a TCP reset (SO_LINGER 0), as a broken network would.
fn reset(stream: TcpStream) {
    use nix::sys::socket::{setsockopt, sockopt::Linger};
    let linger = nix::libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    let _ = setsockopt(&stream, Linger, &linger);
    drop(stream);
}
