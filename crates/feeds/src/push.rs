//! Pushing to HTTP feeds: the request exactly as the official client builds
//! it (protocol reference §2.1), streamed from disk with a Content-Length,
//! and retries that never send a second PUT for a version the feed may
//! already hold without asking the feed first.

use crate::client::{
    describe, follow_write, key_warning, Answer, Auth, Endpoints, Existence, FeedClient,
};
use crate::error::FeedError;
use crate::plan::{
    PackageRef, ProgressSink, PushEvent, PushOptions, PushPlan, PushReport, SymbolsOutcome,
    SymbolsRef, Visibility,
};
use crate::source::{FeedKind, Location, Source};
use bytes::Bytes;
use futures_util::StreamExt;
use nupub_error::Coded;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;
use url::Url;

/// The header nuget.org requires from third-party clients (protocol reference §2.2).
pub const PROTOCOL_VERSION: &str = "4.1.0";
const READ_CHUNK: usize = 1024 * 1024;
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

impl FeedClient {
    /// Publishes the plan to `source` (an HTTP feed or a folder).
    #[tracing::instrument(
        err,
        skip_all,
        fields(feed = %source.label(), id = %plan.package.id, version = %plan.package.version)
    )]
    pub async fn push(
        &self,
        source: &Source,
        plan: &PushPlan,
        auth: &Auth,
        options: &PushOptions,
        progress: &ProgressSink,
        cancel: &CancellationToken,
    ) -> Result<PushReport, FeedError> {
        let symbols = check_symbols(plan, options)?;
        check_github_repository(source, &plan.package)?;
        if let Location::Folder(root) = &source.location {
            return crate::local::push_to_folder(source, root, plan, symbols.as_ref(), cancel)
                .await;
        }
        progress(PushEvent::Resolving {
            feed: source.label(),
        });
        let endpoints = self.endpoints(source).await?;
        let feed = source.label();
        let package = &plan.package;
        let outcome = self
            .push_file(
                source,
                &endpoints,
                &endpoints.publish,
                &package.path,
                package,
                auth,
                options,
                progress,
                cancel,
            )
            .await?;
        let symbols = match symbols {
            None => SymbolsOutcome::None,
            Some(symbols) => {
                let file = symbols.path.display().to_string();
                match &endpoints.symbols {
                    None => SymbolsOutcome::NotSupported { file },
                    Some(url) => {
                        match self
                            .push_symbols(source, url, &symbols, auth, options, progress, cancel)
                            .await
                        {
                            Ok(()) => SymbolsOutcome::Pushed { file },
                            Err(e) => SymbolsOutcome::Failed {
                                file,
                                error: e.info(),
                            },
                        }
                    }
                }
            }
        };
        let visibility = if outcome.visible_already {
            Visibility::Available
        } else {
            self.wait_visible(source, &endpoints, package, options, progress)
                .await
        };
        Ok(PushReport {
            feed,
            id: package.id.clone(),
            version: package.version.clone(),
            answer_lost: outcome.answer_lost,
            visibility,
            key_warning: key_warning(&outcome.warnings),
            warnings: outcome.warnings,
            symbols,
            location: None,
            attempts: outcome.attempts,
        })
    }

    #[allow(clippy::too_many_arguments)]
    async fn push_symbols(
        &self,
        source: &Source,
        url: &Url,
        symbols: &SymbolsRef,
        auth: &Auth,
        options: &PushOptions,
        progress: &ProgressSink,
        cancel: &CancellationToken,
    ) -> Result<(), FeedError> {
        // A symbol package cannot be looked up on its own, so a lost answer
        // is reported as unknown instead of being retried blindly.
        let feed = source.label();
        let mut attempt = 0;
        let mut retry_after;
        let mut url = url.clone();
        let mut hops = 0;
        loop {
            attempt += 1;
            retry_after = None;
            let result = self
                .put_once(
                    source,
                    &url,
                    &symbols.path,
                    auth,
                    options,
                    progress,
                    cancel,
                    attempt,
                )
                .await;
            if let Attempt::Answer(answer) = &result {
                if let Some(next) = follow_write(answer, &url, &mut hops, &feed)? {
                    // A same-origin redirect is not a failed attempt.
                    url = next;
                    attempt -= 1;
                    continue;
                }
            }
            let what = format!("the symbol package {}", symbols.path.display());
            match result {
                Attempt::Answer(answer) if answer.status.is_success() => return Ok(()),
                // 408 and 429 come before the server took the file; a 5xx may come
                // after it stored it, and a symbol package cannot be looked up, so no retry.
                Attempt::Answer(answer) if matches!(answer.status.as_u16(), 408 | 429) => {
                    if attempt >= options.max_attempts
                        || answer
                            .retry_after
                            .is_some_and(|w| w > options.max_retry_after)
                    {
                        return Err(answer.error(
                            &feed,
                            source,
                            &symbols.id,
                            &symbols.version,
                            &what,
                            auth,
                        ));
                    }
                    retry_after = answer.retry_after;
                }
                Attempt::Answer(answer) => {
                    return Err(answer.error(
                        &feed,
                        source,
                        &symbols.id,
                        &symbols.version,
                        &what,
                        auth,
                    ))
                }
                Attempt::Cancelled => {
                    return Err(FeedError::Cancelled {
                        feed,
                        id: symbols.id.clone(),
                        version: symbols.version.clone(),
                    })
                }
                Attempt::Failed {
                    body_complete: false,
                    detail,
                    timed_out,
                } => {
                    if attempt >= options.max_attempts {
                        return Err(transport_error(&feed, &what, detail, timed_out, options));
                    }
                }
                Attempt::Failed {
                    body_complete: true,
                    detail,
                    ..
                } => {
                    return Err(FeedError::OutcomeUnknown {
                        feed,
                        id: symbols.id.clone(),
                        version: format!("{} (symbols)", symbols.version),
                        detail: format!(
                            "the symbol package was sent but the feed's answer was lost ({detail})"
                        ),
                    })
                }
            }
            backoff(
                attempt,
                retry_after,
                options,
                progress,
                "the feed did not take the symbol package",
            )
            .await;
        }
    }

    /// One file, with retries and existence checks.
    #[allow(clippy::too_many_arguments)]
    async fn push_file(
        &self,
        source: &Source,
        endpoints: &Endpoints,
        url: &Url,
        path: &Path,
        package: &PackageRef,
        auth: &Auth,
        options: &PushOptions,
        progress: &ProgressSink,
        cancel: &CancellationToken,
    ) -> Result<FileOutcome, FeedError> {
        let feed = source.label();
        let mut earlier_body_complete = false;
        let mut attempt = 0;
        let mut url = url.clone();
        let mut hops = 0;
        loop {
            attempt += 1;
            let result = self
                .put_once(source, &url, path, auth, options, progress, cancel, attempt)
                .await;
            if let Attempt::Answer(answer) = &result {
                if let Some(next) = follow_write(answer, &url, &mut hops, &feed)? {
                    // A same-origin redirect is not a failed attempt.
                    url = next;
                    attempt -= 1;
                    continue;
                }
            }
            let failed = match judge(
                result,
                source,
                package,
                auth,
                options,
                earlier_body_complete,
            ) {
                Judged::Published { warnings } => {
                    return Ok(FileOutcome {
                        answer_lost: false,
                        visible_already: false,
                        warnings,
                        attempts: attempt,
                    })
                }
                Judged::Stop(error) => return Err(error),
                Judged::Failed(failed) => failed,
            };
            let Failed {
                body_complete,
                reason,
                retry_after,
                error: final_error,
            } = failed;
            earlier_body_complete |= body_complete;
            if body_complete {
                let arrived = self
                    .arrived_after_full_body(source, endpoints, package, &reason, progress)
                    .await?;
                if arrived {
                    return Ok(FileOutcome {
                        answer_lost: true,
                        visible_already: true,
                        warnings: Vec::new(),
                        attempts: attempt,
                    });
                }
            }
            if attempt >= options.max_attempts {
                return Err(final_error);
            }
            if let Some(wait) = retry_after {
                if wait > options.max_retry_after {
                    return Err(final_error);
                }
            }
            tokio::select! {
                _ = backoff(attempt, retry_after, options, progress, &reason) => {}
                _ = cancel.cancelled() => {
                    return Err(FeedError::Cancelled {
                        feed,
                        id: package.id.clone(),
                        version: package.version.clone(),
                    })
                }
            }
        }
    }

    /// The whole package was sent and the answer was a failure or was lost:
    /// asks the feed whether the version arrived. `Ok(true)`: it did (do not
    /// send it again); `Ok(false)`: it did not (a retry may send it); an
    /// error when the feed cannot tell (Nupub never sends it a second time blind).
    async fn arrived_after_full_body(
        &self,
        source: &Source,
        endpoints: &Endpoints,
        package: &PackageRef,
        reason: &str,
        progress: &ProgressSink,
    ) -> Result<bool, FeedError> {
        progress(PushEvent::Checking {
            reason: format!(
                "{reason} after the whole package was sent; asking the feed whether {} {} arrived",
                package.id, package.version
            ),
        });
        match self.holds(source, endpoints, package).await {
            Existence::Present => Ok(true),
            Existence::Absent => Ok(false),
            Existence::Unknown(detail) => Err(FeedError::OutcomeUnknown {
                feed: source.label(),
                id: package.id.clone(),
                version: package.version.clone(),
                detail: format!(
                    "{reason} after the whole package was sent, and the feed could not be asked whether the version arrived ({detail}); Nupub did not send it again"
                ),
            }),
        }
    }

    /// Does the feed hold this package's version now?
    async fn holds(
        &self,
        source: &Source,
        endpoints: &Endpoints,
        package: &PackageRef,
    ) -> Existence {
        self.exists(
            source,
            endpoints,
            &package.id,
            &package.version,
            &package.original_version,
        )
        .await
    }

    /// One PUT of one file.
    #[allow(clippy::too_many_arguments)]
    async fn put_once(
        &self,
        source: &Source,
        url: &Url,
        path: &Path,
        auth: &Auth,
        options: &PushOptions,
        progress: &ProgressSink,
        cancel: &CancellationToken,
        attempt: u32,
    ) -> Attempt {
        let file_label = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let body = match MultipartFile::open(path, file_label.clone(), progress.clone()).await {
            Ok(body) => body,
            Err(detail) => {
                return Attempt::Failed {
                    body_complete: false,
                    detail,
                    timed_out: false,
                }
            }
        };
        progress(PushEvent::Started {
            file: file_label.clone(),
            feed: source.label(),
            total_bytes: body.total,
            attempt,
        });
        let done = body.done.clone();
        let content_type = body.content_type();
        let total = body.total;
        let timeout = if options.timeout.is_zero() {
            Duration::from_secs(300)
        } else {
            options.timeout
        };
        let request = self
            .request(reqwest::Method::PUT, url, source, Some(auth))
            .header("X-NuGet-Protocol-Version", PROTOCOL_VERSION)
            .header(CONTENT_TYPE, content_type)
            .header(CONTENT_LENGTH, total)
            .timeout(timeout)
            .body(reqwest::Body::wrap_stream(body.stream()));
        let send = request.send();
        tokio::pin!(send);
        let mut cancel_ignored = false;
        let result = loop {
            tokio::select! {
                result = &mut send => break result,
                _ = cancel.cancelled(), if !cancel_ignored => {
                    if done.load(Ordering::SeqCst) {
                        // The body is complete: stopping now would leave the outcome unknown.
                        cancel_ignored = true;
                    } else {
                        return Attempt::Cancelled;
                    }
                }
            }
        };
        let body_complete = done.load(Ordering::SeqCst);
        match result {
            Ok(response) => Attempt::Answer(Answer::read(response).await),
            Err(e) => Attempt::Failed {
                body_complete,
                timed_out: e.is_timeout(),
                detail: describe(&e),
            },
        }
    }

    async fn wait_visible(
        &self,
        source: &Source,
        endpoints: &Endpoints,
        package: &PackageRef,
        options: &PushOptions,
        progress: &ProgressSink,
    ) -> Visibility {
        if options.visibility_wait.is_zero() {
            return Visibility::NotChecked;
        }
        let start = Instant::now();
        loop {
            match self.holds(source, endpoints, package).await {
                Existence::Present => return Visibility::Available,
                Existence::Unknown(_) => return Visibility::NotChecked,
                Existence::Absent => {}
            }
            let elapsed = start.elapsed();
            if elapsed >= options.visibility_wait {
                return Visibility::StillProcessing;
            }
            progress(PushEvent::WaitingForVisibility {
                elapsed_seconds: elapsed.as_secs_f64(),
                limit_seconds: options.visibility_wait.as_secs_f64(),
            });
            tokio::time::sleep(options.poll_interval).await;
        }
    }
}

struct FileOutcome {
    answer_lost: bool,
    visible_already: bool,
    warnings: Vec<String>,
    attempts: u32,
}

enum Attempt {
    Answer(Answer),
    Failed {
        body_complete: bool,
        detail: String,
        timed_out: bool,
    },
    Cancelled,
}

/// What one attempt's result means for the push.
enum Judged {
    /// The feed took the package.
    Published { warnings: Vec<String> },
    /// No retry can help (409, a refusal, cancelled).
    Stop(FeedError),
    /// A retry may help.
    Failed(Failed),
}

/// An attempt that a retry may fix.
struct Failed {
    /// The whole body went out: the feed may hold the version.
    body_complete: bool,
    /// Why, in words, for the progress lines.
    reason: String,
    retry_after: Option<Duration>,
    /// The error to give when no attempt is left.
    error: FeedError,
}

fn judge(
    result: Attempt,
    source: &Source,
    package: &PackageRef,
    auth: &Auth,
    options: &PushOptions,
    earlier_body_complete: bool,
) -> Judged {
    let feed = source.label();
    let what = format!("the push of {} {}", package.id, package.version);
    let refusal =
        |answer: &Answer| answer.error(&feed, source, &package.id, &package.version, &what, auth);
    match result {
        Attempt::Answer(answer) if answer.status.is_success() => Judged::Published {
            warnings: answer.warnings,
        },
        Attempt::Answer(answer) if answer.status.as_u16() == 409 => {
            let mut error = refusal(&answer);
            if let FeedError::VersionExists { detail, .. } = &mut error {
                if earlier_body_complete {
                    detail.push_str(
                        "; an earlier attempt of this push was fully sent and its answer was lost, so that attempt may be what stored it",
                    );
                }
            }
            Judged::Stop(error)
        }
        Attempt::Answer(answer) if is_retryable(answer.status) => Judged::Failed(Failed {
            reason: format!(
                "the feed answered {} ({})",
                answer.status.as_u16(),
                answer.message()
            ),
            error: refusal(&answer),
            // A 5xx may come after the server stored the package; 408/429 come before.
            body_complete: answer.status.is_server_error(),
            retry_after: answer.retry_after,
        }),
        Attempt::Answer(answer) => Judged::Stop(refusal(&answer)),
        Attempt::Cancelled => Judged::Stop(FeedError::Cancelled {
            feed,
            id: package.id.clone(),
            version: package.version.clone(),
        }),
        Attempt::Failed {
            body_complete,
            detail,
            timed_out,
        } => Judged::Failed(Failed {
            reason: if timed_out {
                format!("no answer within {} s", options.timeout.as_secs())
            } else {
                detail.clone()
            },
            error: transport_error(&feed, &what, detail, timed_out, options),
            body_complete,
            retry_after: None,
        }),
    }
}

fn is_retryable(status: reqwest::StatusCode) -> bool {
    status.is_server_error() || status.as_u16() == 408 || status.as_u16() == 429
}

fn transport_error(
    feed: &str,
    what: &str,
    detail: String,
    timed_out: bool,
    options: &PushOptions,
) -> FeedError {
    if timed_out {
        FeedError::Timeout {
            feed: feed.to_string(),
            what: what.to_string(),
            seconds: options.timeout.as_secs(),
        }
    } else {
        FeedError::Network {
            feed: feed.to_string(),
            what: what.to_string(),
            detail,
        }
    }
}

/// Waits before the next attempt: `Retry-After` when the feed sent one,
/// else `2^attempt × base` plus up to 200 ms (the official client's enhanced retry).
async fn backoff(
    attempt: u32,
    retry_after: Option<Duration>,
    options: &PushOptions,
    progress: &ProgressSink,
    reason: &str,
) {
    let wait = retry_after.unwrap_or_else(|| {
        let jitter = Duration::from_millis(fastrand::u64(0..=200));
        options.backoff_base * 2u32.saturating_pow(attempt.min(10)) + jitter
    });
    progress(PushEvent::Retrying {
        attempt: attempt + 1,
        wait_seconds: wait.as_secs_f64(),
        reason: reason.to_string(),
    });
    tokio::time::sleep(wait).await;
}

/// The symbol package is checked before anything is sent.
fn check_symbols(plan: &PushPlan, options: &PushOptions) -> Result<Option<SymbolsRef>, FeedError> {
    let Some(symbols) = &plan.symbols else {
        return Ok(None);
    };
    let package = &plan.package;
    let fail = |detail: String| FeedError::SymbolsInvalid {
        path: symbols.path.display().to_string(),
        id: package.id.clone(),
        version: package.version.clone(),
        detail,
    };
    if !symbols.is_symbols_package {
        return Err(fail(
            "its nuspec does not declare the SymbolsPackage package type".into(),
        ));
    }
    if !symbols.id.eq_ignore_ascii_case(&package.id) {
        return Err(fail(format!("it is for the package id '{}'", symbols.id)));
    }
    if !symbols.version.eq_ignore_ascii_case(&package.version) {
        return Err(fail(format!("it is for version {}", symbols.version)));
    }
    if let Some(check) = &options.symbols_check {
        check.check(symbols, package).map_err(fail)?;
    }
    Ok(Some(symbols.clone()))
}

/// GitHub Packages refuses a package whose repository URL does not name a
/// repository of the feed's owner (protocol reference §13.2).
fn check_github_repository(source: &Source, package: &PackageRef) -> Result<(), FeedError> {
    if source.kind != FeedKind::GitHubPackages {
        return Ok(());
    }
    let Some(owner) = &source.github_owner else {
        return Ok(());
    };
    let feed = source.label();
    let fail = |server: String| FeedError::Rejected {
        feed: feed.clone(),
        id: package.id.clone(),
        version: package.version.clone(),
        server,
    };
    let Some(repo) = package
        .repository_url
        .as_deref()
        .filter(|r| !r.trim().is_empty())
    else {
        return Err(fail(format!(
            "GitHub Packages needs the package's repository URL (nuspec <repository url=\"https://github.com/{owner}/REPOSITORY\"/>), and this package has none; nothing was sent"
        )));
    };
    let parsed = Url::parse(repo.trim()).ok();
    let repo_owner = parsed
        .as_ref()
        .filter(|u| {
            u.host_str()
                .is_some_and(|h| h.eq_ignore_ascii_case("github.com"))
        })
        .and_then(|u| u.path_segments())
        .and_then(|mut s| s.next().map(str::to_string));
    match repo_owner {
        Some(o) if o.eq_ignore_ascii_case(owner) => Ok(()),
        _ => Err(fail(format!(
            "GitHub Packages accepts only packages whose repository URL is a repository of '{owner}' (https://github.com/{owner}/…), and this package names {repo}; nothing was sent"
        ))),
    }
}

/// A multipart/form-data body with one part, streamed from the file.
///
/// Written by hand rather than with reqwest's `multipart` form because the
/// part must look exactly like the official client's (.NET writes the part
/// `Content-Type` first and unquoted `name`/`filename` plus `filename*`) and
/// the request must carry a Content-Length while the file is streamed.
struct MultipartFile {
    head: Bytes,
    tail: Bytes,
    file: std::fs::File,
    boundary: String,
    total: u64,
    done: Arc<AtomicBool>,
    label: String,
    progress: ProgressSink,
}

impl MultipartFile {
    async fn open(
        path: &Path,
        label: String,
        progress: ProgressSink,
    ) -> Result<MultipartFile, String> {
        let file = std::fs::File::open(path)
            .map_err(|e| format!("{} could not be opened: {e}", path.display()))?;
        let len = file
            .metadata()
            .map_err(|e| format!("{} could not be read: {e}", path.display()))?
            .len();
        let boundary = uuid::Uuid::new_v4().to_string();
        let head = Bytes::from(format!(
            "--{boundary}\r\nContent-Type: application/octet-stream\r\nContent-Disposition: form-data; name=package; filename=package.nupkg; filename*=utf-8''package.nupkg\r\n\r\n"
        ));
        let tail = Bytes::from(format!("\r\n--{boundary}--\r\n"));
        let total = head.len() as u64 + len + tail.len() as u64;
        Ok(MultipartFile {
            head,
            tail,
            file,
            boundary,
            total,
            done: Arc::new(AtomicBool::new(false)),
            label,
            progress,
        })
    }

    fn content_type(&self) -> String {
        format!("multipart/form-data; boundary=\"{}\"", self.boundary)
    }

    fn stream(
        self,
    ) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
        let MultipartFile {
            head,
            tail,
            file,
            total,
            done,
            label,
            progress,
            ..
        } = self;
        let sent = Arc::new(AtomicU64::new(0));
        let start = Instant::now();
        let last = Arc::new(Mutex::new(Instant::now() - PROGRESS_EVERY));
        let estimator = Arc::new(Mutex::new(RateEstimator::default()));
        // The file is read on its own thread in large blocks and handed over
        // through a small bounded channel: reads overlap the upload, and at most
        // a few blocks are in memory whatever the package size.
        let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
        std::thread::spawn(move || {
            use std::io::Read;
            let mut file = file;
            loop {
                let mut block = vec![0u8; READ_CHUNK];
                let item = match file.read(&mut block) {
                    Ok(0) => break,
                    Ok(n) => {
                        block.truncate(n);
                        Ok(Bytes::from(block))
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => Err(e),
                };
                let failed = item.is_err();
                // A closed channel means the request was dropped (cancelled or failed).
                if sender.blocking_send(item).is_err() || failed {
                    break;
                }
            }
        });
        let file_stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|item| (item, receiver))
        });
        let parts = futures_util::stream::once(async move { Ok(head) })
            .chain(file_stream)
            .chain(futures_util::stream::once(async move { Ok(tail) }));
        parts.map(move |chunk| {
            let chunk = chunk?;
            let now_sent =
                sent.fetch_add(chunk.len() as u64, Ordering::SeqCst) + chunk.len() as u64;
            let finished = now_sent >= total;
            if finished {
                done.store(true, Ordering::SeqCst);
            }
            let secs = start.elapsed().as_secs_f64();
            let rate = estimator
                .lock()
                .ok()
                .and_then(|mut e| e.record(secs, now_sent));
            let due = last
                .lock()
                .map(|mut at| {
                    if finished || at.elapsed() >= PROGRESS_EVERY {
                        *at = Instant::now();
                        true
                    } else {
                        false
                    }
                })
                .unwrap_or(finished);
            if due {
                // No rate yet ("measuring…") rather than the kernel buffers' speed.
                let eta = rate.map(|r| total.saturating_sub(now_sent) as f64 / r);
                progress(PushEvent::Uploading {
                    file: label.clone(),
                    sent_bytes: now_sent,
                    total_bytes: total,
                    bytes_per_second: rate.unwrap_or(0.0),
                    eta_seconds: eta,
                });
                if finished {
                    progress(PushEvent::Sent {
                        file: label.clone(),
                    });
                }
            }
            Ok(chunk)
        })
    }
}

/// The upload rate over a sliding window, as the progress bar shows it.
///
/// The first megabytes of a body land in the kernel's send buffers at once,
/// whatever the network does, so a rate measured from the start says
/// "12 MB/s, about 2 s left" on a line that moves 100 kB/s. Samples from the
/// first [`RateEstimator::WARM_UP`] seconds are therefore ignored, and no rate
/// is given until the window spans [`RateEstimator::MIN_SPAN`] seconds; after
/// that the rate is over the last [`RateEstimator::WINDOW`] seconds, so it
/// follows a network that speeds up or slows down.
#[derive(Debug, Default)]
pub(crate) struct RateEstimator {
    /// (seconds since the upload started, bytes handed over by then).
    samples: std::collections::VecDeque<(f64, u64)>,
}

impl RateEstimator {
    pub(crate) const WARM_UP: f64 = 0.5;
    pub(crate) const MIN_SPAN: f64 = 1.0;
    pub(crate) const WINDOW: f64 = 3.0;

    /// Records `sent` bytes at `at` seconds; the rate in bytes per second
    /// once it means something, else `None`.
    pub(crate) fn record(&mut self, at: f64, sent: u64) -> Option<f64> {
        if !at.is_finite() || at < Self::WARM_UP {
            return None;
        }
        if let Some(&(last_at, last_sent)) = self.samples.back() {
            if at < last_at || sent < last_sent {
                // Time or bytes went backwards: start measuring again.
                self.samples.clear();
            }
        }
        self.samples.push_back((at, sent));
        // Keep the newest sample that is at least WINDOW old as the baseline.
        while self.samples.len() > 2
            && self
                .samples
                .get(1)
                .is_some_and(|s| at - s.0 >= Self::WINDOW)
        {
            self.samples.pop_front();
        }
        let &(from_at, from_sent) = self.samples.front()?;
        let span = at - from_at;
        if span < Self::MIN_SPAN || sent <= from_sent {
            return None;
        }
        Some((sent - from_sent) as f64 / span)
    }
}

#[cfg(test)]
mod rate_tests {
    use super::RateEstimator;

    const MB: u64 = 1_000_000;

    #[test]
    fn the_kernel_buffer_burst_never_becomes_the_rate() {
        let mut e = RateEstimator::default();
        // 4 MB vanish into the send buffers within 20 ms...
        for (n, at) in [0.0, 0.005, 0.01, 0.02].into_iter().enumerate() {
            assert_eq!(e.record(at, (n as u64 + 1) * MB), None, "at {at}");
        }
        // ...then the network moves 100 kB/s.
        let mut sent = 4 * MB;
        let mut rates = Vec::new();
        for tenth in 6..=40 {
            let at = f64::from(tenth) / 10.0;
            sent += 10_000;
            rates.push((at, e.record(at, sent)));
        }
        // Measuring first: nothing before a full second of real samples.
        assert!(
            rates
                .iter()
                .filter(|(at, _)| *at < 1.6)
                .all(|(_, r)| r.is_none()),
            "{rates:?}"
        );
        let (_, last) = rates.last().unwrap();
        let rate = last.expect("a rate once a second has passed");
        assert!((rate - 100_000.0).abs() < 1.0, "{rate}");
        assert!(
            rates.iter().filter_map(|(_, r)| *r).all(|r| r < 150_000.0),
            "{rates:?}"
        );
    }

    #[test]
    fn the_window_follows_a_network_that_slows_down() {
        let mut e = RateEstimator::default();
        let mut sent = 0;
        for tenth in 5..=50 {
            sent += 1_000_000; // 10 MB/s
            e.record(f64::from(tenth) / 10.0, sent);
        }
        let mut last = None;
        for tenth in 51..=100 {
            sent += 10_000; // 100 kB/s
            last = e.record(f64::from(tenth) / 10.0, sent);
        }
        let rate = last.unwrap();
        assert!(
            (rate - 100_000.0).abs() < 1.0,
            "only the last 3 s count: {rate}"
        );
    }

    #[test]
    fn sparse_samples_on_a_slow_line_still_give_a_rate() {
        let mut e = RateEstimator::default();
        assert_eq!(e.record(0.0, MB), None);
        // One 1 MB block every 10 s.
        assert_eq!(e.record(10.0, 2 * MB), None, "one sample is not a span");
        let rate = e.record(20.0, 3 * MB).unwrap();
        assert!((rate - 100_000.0).abs() < 1.0, "{rate}");
    }

    #[test]
    fn nonsense_times_and_counts_never_panic_or_give_a_rate() {
        let mut e = RateEstimator::default();
        assert_eq!(e.record(f64::NAN, 5), None);
        assert_eq!(e.record(f64::INFINITY, 5), None);
        assert_eq!(e.record(2.0, 5 * MB), None);
        assert_eq!(e.record(1.0, MB), None, "time went backwards");
        assert_eq!(e.record(3.0, MB), None, "no bytes moved");
        assert!(e.record(4.0, 2 * MB).is_some());
        assert_eq!(e.record(5.0, 0), None, "bytes went backwards");
    }
}
