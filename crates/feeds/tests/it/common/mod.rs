//! Shared helpers for the feeds integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use nupub_feeds::{
    plan_for, ApiKey, Auth, CancellationToken, FeedClient, FeedError, ProgressSink, PushEvent,
    PushOptions, PushPlan, PushReport, Source, SymbolsChoice,
};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const KEY: &str = "test-key-0123456789";

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

pub fn plan(path: &Path) -> PushPlan {
    plan_for(path, SymbolsChoice::Auto)
        .unwrap_or_else(|e| panic!("plan for {}: {e}", path.display()))
}

/// Options with short waits so failure cases stay fast.
pub fn quick_options() -> PushOptions {
    PushOptions {
        backoff_base: Duration::from_millis(50),
        visibility_wait: Duration::from_secs(5),
        poll_interval: Duration::from_millis(200),
        ..PushOptions::default()
    }
}

pub struct Recorder {
    pub events: Arc<Mutex<Vec<PushEvent>>>,
}

impl Recorder {
    pub fn new() -> Recorder {
        Recorder {
            events: Arc::new(Mutex::new(Vec::new())),
        }
    }
    pub fn sink(&self) -> ProgressSink {
        let events = self.events.clone();
        Arc::new(move |e| events.lock().unwrap().push(e))
    }
    pub fn events(&self) -> Vec<PushEvent> {
        self.events.lock().unwrap().clone()
    }
}

pub fn push(
    source: &Source,
    plan: &PushPlan,
    key: Option<&str>,
    options: &PushOptions,
) -> (Result<PushReport, FeedError>, Vec<PushEvent>) {
    let recorder = Recorder::new();
    let client = FeedClient::new().unwrap();
    let auth = Auth {
        api_key: key.map(ApiKey::new),
        bearer_token: None,
    };
    let result = runtime().block_on(client.push(
        source,
        plan,
        &auth,
        options,
        &recorder.sink(),
        &CancellationToken::new(),
    ));
    (result, recorder.events())
}

pub fn code(error: &FeedError) -> &'static str {
    nupub_error::Coded::code(error)
}
