//! The V3 service index: parsing and resource resolution by the official
//! client's `@type` order (protocol reference §1.2). Fetching and caching
//! live in `FeedClient` (client.rs), which uses this module.

use crate::error::FeedError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

/// Resource types, in the order the official client tries them (`ServiceTypes.cs`).
pub const PACKAGE_PUBLISH: &[&str] = &["PackagePublish/Versioned", "PackagePublish/2.0.0"];
pub const SYMBOL_PACKAGE_PUBLISH: &[&str] = &["SymbolPackagePublish/4.9.0"];
pub const PACKAGE_BASE_ADDRESS: &[&str] =
    &["PackageBaseAddress/Versioned", "PackageBaseAddress/3.0.0"];
/// Only hives that include SemVer 2.0.0 versions, so a SemVer2 package is never reported missing.
pub const REGISTRATIONS_SEMVER2: &[&str] = &[
    "RegistrationsBaseUrl/Versioned",
    "RegistrationsBaseUrl/3.6.0",
];
pub const SEARCH_QUERY_SERVICE: &[&str] = &[
    "SearchQueryService/Versioned",
    "SearchQueryService/3.4.0",
    "SearchQueryService/3.0.0-beta",
];

/// The resources Nupub uses, resolved from a service index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ServiceIndex {
    pub url: String,
    pub package_publish: Option<String>,
    pub symbol_package_publish: Option<String>,
    pub package_base_address: Option<String>,
    pub registrations_base_url: Option<String>,
    pub search_query_service: Option<String>,
}

impl ServiceIndex {
    /// Parses a service index document. Hostile input gives an error, never a panic.
    pub fn parse(url: &str, body: &[u8]) -> Result<ServiceIndex, FeedError> {
        let invalid = |detail: &str| FeedError::IndexInvalid {
            url: url.to_string(),
            detail: detail.to_string(),
        };
        let json: serde_json::Value =
            serde_json::from_slice(body).map_err(|e| invalid(&format!("it is not JSON ({e})")))?;
        let version = json
            .get("version")
            .and_then(|v| v.as_str())
            .ok_or_else(|| invalid("The source does not have the 'version' property."))?;
        let major = version.trim().split('.').next().unwrap_or_default();
        if major != "3" {
            return Err(invalid(&format!(
                "The source version is not supported: '{version}'."
            )));
        }
        let resources = json
            .get("resources")
            .and_then(|r| r.as_array())
            .ok_or_else(|| invalid("it has no 'resources' list"))?;
        // (types, @id) pairs of the well-formed entries, in document order.
        let mut entries: Vec<(Vec<String>, String)> = Vec::new();
        for resource in resources {
            let Some(id) = resource.get("@id").and_then(|v| v.as_str()) else {
                continue;
            };
            if Url::parse(id).is_err() {
                continue; // The official client skips entries whose @id is not an absolute URI.
            }
            let types = match resource.get("@type") {
                Some(serde_json::Value::String(t)) => vec![t.clone()],
                Some(serde_json::Value::Array(list)) => list
                    .iter()
                    .filter_map(|t| t.as_str().map(str::to_string))
                    .collect(),
                _ => continue,
            };
            entries.push((types, id.to_string()));
        }
        let find = |wanted: &[&str]| -> Option<String> {
            wanted.iter().find_map(|kind| {
                entries
                    .iter()
                    .find(|(types, _)| types.iter().any(|t| t == kind))
                    .map(|(_, id)| id.clone())
            })
        };
        Ok(ServiceIndex {
            url: url.to_string(),
            package_publish: find(PACKAGE_PUBLISH),
            symbol_package_publish: find(SYMBOL_PACKAGE_PUBLISH),
            package_base_address: find(PACKAGE_BASE_ADDRESS),
            registrations_base_url: find(REGISTRATIONS_SEMVER2),
            search_query_service: find(SEARCH_QUERY_SERVICE),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_by_the_official_type_order() {
        let body = br#"{"version":"3.0.0","resources":[
            {"@id":"https://a.test/publish2","@type":"PackagePublish/2.0.0"},
            {"@id":"https://a.test/publishV","@type":"PackagePublish/Versioned"},
            {"@id":"https://a.test/sym","@type":["Foo","SymbolPackagePublish/4.9.0"]},
            {"@id":"https://a.test/flat/","@type":"PackageBaseAddress/3.0.0"},
            {"@id":"https://a.test/reg/","@type":"RegistrationsBaseUrl"},
            {"@id":"https://a.test/reg-gz/","@type":"RegistrationsBaseUrl/3.4.0"},
            {"@id":"https://a.test/reg-semver2/","@type":"RegistrationsBaseUrl/3.6.0"},
            {"@id":"https://a.test/q","@type":"SearchQueryService/3.0.0-beta"},
            {"@id":"https://a.test/q2","@type":"SearchQueryService"}
        ]}"#;
        let index = ServiceIndex::parse("https://a.test/index.json", body).unwrap();
        assert_eq!(
            index.package_publish.as_deref(),
            Some("https://a.test/publishV")
        );
        assert_eq!(
            index.symbol_package_publish.as_deref(),
            Some("https://a.test/sym")
        );
        assert_eq!(
            index.package_base_address.as_deref(),
            Some("https://a.test/flat/")
        );
        assert_eq!(
            index.registrations_base_url.as_deref(),
            Some("https://a.test/reg-semver2/")
        );
        assert_eq!(
            index.search_query_service.as_deref(),
            Some("https://a.test/q")
        );
    }

    #[test]
    fn type_matching_is_case_sensitive_and_bad_ids_are_skipped() {
        let body = br#"{"version":"3.0.0","resources":[
            {"@id":"not a url","@type":"PackagePublish/2.0.0"},
            {"@id":"https://a.test/lower","@type":"packagepublish/2.0.0"},
            {"@id":"https://a.test/ok","@type":"PackagePublish/2.0.0"},
            {"@type":"PackagePublish/2.0.0"},
            {"@id":5,"@type":"PackagePublish/2.0.0"},
            {"@id":"https://a.test/x","@type":7},
            "junk", null
        ]}"#;
        let index = ServiceIndex::parse("u", body).unwrap();
        assert_eq!(index.package_publish.as_deref(), Some("https://a.test/ok"));
        assert_eq!(index.symbol_package_publish, None);
    }

    #[test]
    fn hostile_documents_are_clear_errors() {
        for (body, needle) in [
            (&b""[..], "not JSON"),
            (b"<html>", "not JSON"),
            (b"[]", "'version'"),
            (b"{\"resources\":[]}", "'version'"),
            (b"{\"version\":3,\"resources\":[]}", "'version'"),
            (
                b"{\"version\":\"2.0.0\",\"resources\":[]}",
                "not supported: '2.0.0'",
            ),
            (b"{\"version\":\"3.0.0\"}", "'resources'"),
            (b"{\"version\":\"3.0.0\",\"resources\":{}}", "'resources'"),
        ] {
            let err = ServiceIndex::parse("https://x.test/index.json", body).unwrap_err();
            assert_eq!(nupub_error::Coded::code(&err), "feed.index_invalid");
            assert!(err.to_string().contains(needle), "{err}");
            assert!(
                err.to_string().contains("https://x.test/index.json"),
                "{err}"
            );
        }
    }
}
