//! `--api-key VALUE`, or `--api-key -` to read the key from standard input
//! (a key on the command line is visible to other users through `ps` and
//! stays in shell history). The key goes straight into the zeroizing
//! [`ApiKey`]; the line read is wiped when dropped.

use nupub_feeds::ApiKey;
use std::io::{BufRead, Read};

/// The help text every `--api-key` shares.
pub const HELP: &str = "The feed's API key (default: the NUGET_API_KEY environment variable, then the key \
stored with `nupub key set` for this source); `-` reads it from standard input (one line). A key typed here is visible to other users (ps) and stays in your shell history: \
the NUGET_API_KEY environment variable or the keyring (`nupub key set`) is safer";

/// clap's parser for `--api-key`.
pub fn parse(value: &str) -> Result<ApiKey, String> {
    let key = if value == "-" {
        // Room for the whole line up front: growing would leave copies behind.
        let mut line = zeroize::Zeroizing::new(String::with_capacity(64 * 1024 + 1));
        std::io::stdin()
            .lock()
            .take(64 * 1024)
            .read_line(&mut line)
            .map_err(|e| format!("the API key could not be read from standard input ({e})"))?;
        ApiKey::new(line.trim())
    } else {
        ApiKey::new(value.trim())
    };
    if key.is_empty() {
        return Err(
            "the API key is empty (with -, give it on the first line of standard input)".into(),
        );
    }
    Ok(key)
}
