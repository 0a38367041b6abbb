//! FAKE BY NECESSITY: a NuGet V3 SearchQueryService that answers with fixed
//! documents, and the same server answering badly on purpose.
//!
//! No runnable server serves nuget.org's search with `owners` and `verified`
//! (pynuget has no V3 search at all; see `shared/spec/test-peers.md` §3), so
//! this one serves only what the tests give it (plus canned answers at given
//! paths, for hostile-answer tests), in the response shape the
//! search resource documents (`{"totalHits": n, "data": [{"id", "version",
//! "owners": string or [string], "verified": bool, …}]}`, protocol reference
//! §5.5). Everything else a test needs (versions, downloads, pushes) stays on
//! the real pynuget. std only, HTTP/1.1, one request per connection.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One canned answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: Body,
    /// Wait this long before sending anything (slow servers).
    pub delay: Duration,
}

#[derive(Debug, Clone)]
pub enum Body {
    Bytes(Vec<u8>),
    /// `n` copies of one byte, streamed without a Content-Length (huge answers).
    Endless(u8, usize),
}

impl Answer {
    pub fn json(value: serde_json::Value) -> Answer {
        Answer {
            status: 200,
            content_type: "application/json".into(),
            body: Body::Bytes(value.to_string().into_bytes()),
            delay: Duration::ZERO,
        }
    }

    pub fn raw(status: u16, content_type: &str, body: &[u8]) -> Answer {
        Answer {
            status,
            content_type: content_type.into(),
            body: Body::Bytes(body.to_vec()),
            delay: Duration::ZERO,
        }
    }

    /// A search result list: `(id, owners, verified)` per hit.
    pub fn hits(hits: &[(&str, &[&str], bool)]) -> Answer {
        let data: Vec<serde_json::Value> = hits
            .iter()
            .map(|(id, owners, verified)| {
                serde_json::json!({
                    "@type": "Package",
                    "id": id,
                    "version": "1.0.0",
                    "owners": owners,
                    "verified": verified,
                })
            })
            .collect();
        Answer::json(serde_json::json!({ "totalHits": data.len(), "data": data }))
    }

    pub fn delayed(mut self, delay: Duration) -> Answer {
        self.delay = delay;
        self
    }
}

type Route = (String, Answer);

/// Serves `{base}/query?q=…`: the answer whose `q` text matches, else an empty result.
pub struct FakeSearch {
    port: u16,
    routes: Arc<Mutex<Vec<Route>>>,
    fallback: Arc<Mutex<Answer>>,
    queries: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl FakeSearch {
    pub fn start() -> FakeSearch {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the fake search");
        let port = listener.local_addr().expect("local address").port();
        let routes: Arc<Mutex<Vec<Route>>> = Arc::new(Mutex::new(Vec::new()));
        let fallback = Arc::new(Mutex::new(Answer::hits(&[])));
        let queries = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (r, f, q, s) = (
            routes.clone(),
            fallback.clone(),
            queries.clone(),
            stop.clone(),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (r, f, q) = (r.clone(), f.clone(), q.clone());
                std::thread::spawn(move || handle(stream, &r, &f, &q));
            }
        });
        FakeSearch {
            port,
            routes,
            fallback,
            queries,
            stop,
        }
    }

    /// Starts the service answering `packageid:{id}` with one hit: `id`
    /// owned by `owners`, `verified` or not (what nuget.org's search says
    /// about an id's owners).
    pub fn owning(id: &str, owners: &[&str], verified: bool) -> FakeSearch {
        let search = FakeSearch::start();
        search.on(
            &format!("packageid:{id}"),
            Answer::hits(&[(id, owners, verified)]),
        );
        search
    }

    /// The SearchQueryService `@id`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/query", self.port)
    }

    /// Answers a query whose `q` equals `q` (case-insensitive), replacing an earlier answer.
    pub fn on(&self, q: &str, answer: Answer) {
        set(&self.routes, q.to_lowercase(), answer);
    }

    /// Answers requests for exactly this path (no query), whatever their `q`:
    /// canned flat-container files for the hostile-answer tests.
    pub fn on_path(&self, path: &str, answer: Answer) {
        set(&self.routes, format!("path:{path}"), answer);
    }

    /// What every other request gets (default: no hits).
    pub fn otherwise(&self, answer: Answer) {
        *self.fallback.lock().unwrap() = answer;
    }

    /// The decoded query strings received, in order.
    pub fn queries(&self) -> Vec<String> {
        self.queries.lock().unwrap().clone()
    }
}

impl Drop for FakeSearch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn handle(
    stream: TcpStream,
    routes: &Mutex<Vec<Route>>,
    fallback: &Mutex<Answer>,
    queries: &Mutex<Vec<String>>,
) {
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
        return;
    }
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
    }
    let target = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_string();
    let query = target.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let decoded = decode(query);
    queries.lock().unwrap().push(decoded.clone());
    let q = decoded
        .split('&')
        .find_map(|p| p.strip_prefix("q="))
        .unwrap_or_default()
        .to_lowercase();
    let path = format!("path:{}", target.split('?').next().unwrap_or_default());
    let answer = routes
        .lock()
        .unwrap()
        .iter()
        .find(|(wanted, _)| *wanted == path || (!query.is_empty() && *wanted == q))
        .map(|(_, a)| a.clone())
        .unwrap_or_else(|| fallback.lock().unwrap().clone());
    std::thread::sleep(answer.delay);
    let head = |length: Option<usize>| {
        let mut text = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nConnection: close\r\n",
            answer.status,
            reason_of(answer.status),
            answer.content_type
        );
        if let Some(n) = length {
            text.push_str(&format!("Content-Length: {n}\r\n"));
        }
        text.push_str("\r\n");
        text
    };
    match &answer.body {
        Body::Bytes(bytes) => {
            let _ = writer.write_all(head(Some(bytes.len())).as_bytes());
            let _ = writer.write_all(bytes);
        }
        Body::Endless(byte, total) => {
            let _ = writer.write_all(head(None).as_bytes());
            let block = vec![*byte; 64 * 1024];
            let mut left = *total;
            while left > 0 {
                let n = left.min(block.len());
                if writer.write_all(&block[..n]).is_err() {
                    break; // the client gave up, as it should
                }
                left -= n;
            }
        }
    }
    let _ = writer.flush();
}

/// Adds a route, replacing an earlier one for the same key.
fn set(routes: &Mutex<Vec<Route>>, key: String, answer: Answer) {
    let mut routes = routes.lock().unwrap();
    routes.retain(|(k, _)| *k != key);
    routes.push((key, answer));
}

fn reason_of(status: u16) -> &'static str {
    match status {
        200 => "OK",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Percent-decoding of a query string (`+` is a space).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
