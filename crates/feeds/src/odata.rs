//! The one reader of NuGet V2 (OData Atom) answers: `FindPackagesById()`,
//! `Packages()`, `Search()`. Each `<entry>` gives its `<m:properties>` (name
//! → text, namespace prefixes dropped) and its `<content src>` (the
//! download address); the page gives its `rel="next"` link. What an entry
//! means (which version text, listed or not) is the caller's business.
//!
//! The caller bounds the body's size before it reaches this reader; the
//! reader keeps no more than the body holds.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::HashMap;

/// Most pages of one `FindPackagesById()` listing Nupub follows.
pub(crate) const MAX_PAGES: usize = 50;

/// The first page of the V2 listing of every version of `id` under `root`.
pub(crate) fn find_packages_by_id(root: &url::Url, id: &str) -> Option<url::Url> {
    let base = root.as_str().trim_end_matches('/');
    let quoted = id.replace('\'', "''");
    url::Url::parse(&format!(
        "{base}/FindPackagesById()?id='{quoted}'&semVerLevel=2.0.0"
    ))
    .ok()
}

/// One `<entry>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ODataEntry {
    /// The children of `<m:properties>` by local name (`Version`, `Listed`, …).
    pub properties: HashMap<String, String>,
    /// `<content src>`: where the package downloads from (maybe relative).
    pub content_src: Option<String>,
}

impl ODataEntry {
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties.get(name).map(String::as_str)
    }
}

/// One page of an OData feed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ODataPage {
    pub entries: Vec<ODataEntry>,
    /// The `<link rel="next">` of the feed (maybe relative).
    pub next: Option<String>,
}

fn attribute(element: &BytesStart<'_>, name: &str) -> Option<String> {
    element.attributes().flatten().find_map(|a| {
        (a.key.as_ref() == name)
            .then(|| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.into_owned())
            })
            .flatten()
    })
}

/// Where the reader is inside the feed.
#[derive(Default)]
struct Position {
    entry: Option<ODataEntry>,
    in_properties: bool,
    property: Option<String>,
}

impl Position {
    /// An element starts (`empty`: it also ends at once).
    fn open(&mut self, page: &mut ODataPage, element: &BytesStart<'_>, empty: bool) {
        let name = element.local_name().as_ref().to_string();
        match (name.as_str(), self.entry.as_mut()) {
            ("entry", None) if !empty => self.entry = Some(ODataEntry::default()),
            ("content", Some(entry)) => entry.content_src = attribute(element, "src"),
            ("properties", Some(_)) if !empty => self.in_properties = true,
            ("link", None) if attribute(element, "rel").as_deref() == Some("next") => {
                page.next = attribute(element, "href");
            }
            (_, Some(entry)) if self.in_properties => {
                if empty {
                    entry.properties.insert(name, String::new());
                } else {
                    self.property = Some(name);
                }
            }
            _ => {}
        }
    }

    fn close(&mut self, page: &mut ODataPage, local_name: &str) {
        match local_name {
            "entry" => {
                if let Some(entry) = self.entry.take() {
                    page.entries.push(entry);
                }
                self.in_properties = false;
            }
            "properties" => self.in_properties = false,
            _ => {}
        }
        self.property = None;
    }

    fn text(&mut self, text: String) {
        if let (Some(name), Some(entry)) = (&self.property, self.entry.as_mut()) {
            entry.properties.insert(name.clone(), text);
        }
    }
}

/// Reads one page. An answer that is not an Atom `<feed>` (HTML, JSON, not
/// UTF-8, empty) is an error saying so; a page cut short keeps what it read.
pub(crate) fn parse_page(body: &[u8]) -> Result<ODataPage, String> {
    let text = std::str::from_utf8(body).map_err(|_| "not UTF-8".to_string())?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut page = ODataPage::default();
    let mut at = Position::default();
    let mut saw_feed = false;
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) => {
                saw_feed |= e.local_name().as_ref() == "feed";
                at.open(&mut page, &e, false);
            }
            Event::Empty(e) => {
                saw_feed |= e.local_name().as_ref() == "feed";
                at.open(&mut page, &e, true);
            }
            Event::Text(t) => at.text(
                t.xml_content(quick_xml::XmlVersion::Implicit1_0)
                    .into_owned(),
            ),
            Event::End(e) => at.close(&mut page, e.local_name().as_ref()),
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_feed {
        return Err("no <feed> element".into());
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEED: &[u8] = br#"<?xml version="1.0" encoding="utf-8"?>
<feed xml:base="http://h/" xmlns="http://www.w3.org/2005/Atom"
 xmlns:d="http://schemas.microsoft.com/ado/2007/08/dataservices" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">
 <link rel="self" href="http://h/FindPackagesById"/>
 <entry><link rel="edit" href="x"/><link rel="next" href="not-the-feed's"/><content type="application/zip" src="http://h/download/1/1.0"/>
  <m:properties><d:Id>A</d:Id><d:Version>1.0</d:Version><d:Listed m:type="Edm.Boolean">false</d:Listed><d:Tags m:null="true"/></m:properties></entry>
 <entry><content type="application/zip" src="download/2/2.0.0"></content>
  <m:properties><d:Version>2.0.0+meta</d:Version><d:NormalizedVersion>2.0.0</d:NormalizedVersion></m:properties></entry>
 <entry><title>no properties</title></entry>
 <link rel="next" href="http://h/FindPackagesById?id='A'&amp;$skiptoken='x'"/>
</feed>"#;

    #[test]
    fn entries_properties_content_and_the_next_link() {
        let page = parse_page(FEED).unwrap();
        assert_eq!(page.entries.len(), 3);
        let first = &page.entries[0];
        assert_eq!(first.property("Id"), Some("A"));
        assert_eq!(first.property("Version"), Some("1.0"));
        assert_eq!(first.property("Listed"), Some("false"));
        assert_eq!(first.property("Tags"), Some(""));
        assert_eq!(
            first.content_src.as_deref(),
            Some("http://h/download/1/1.0")
        );
        let second = &page.entries[1];
        assert_eq!(second.property("Version"), Some("2.0.0+meta"));
        assert_eq!(second.property("NormalizedVersion"), Some("2.0.0"));
        assert_eq!(second.content_src.as_deref(), Some("download/2/2.0.0"));
        assert!(page.entries[2].properties.is_empty());
        assert_eq!(page.entries[2].content_src, None);
        // The feed's own next link, not a link inside an entry.
        assert_eq!(
            page.next.as_deref(),
            Some("http://h/FindPackagesById?id='A'&$skiptoken='x'")
        );
    }

    #[test]
    fn answers_that_are_not_a_feed_are_errors() {
        for body in [
            &b"<html><body>hi</body></html>"[..],
            b"",
            b"\xff\xfe",
            b"{\"d\":[]}",
            b"<html/>",
        ] {
            assert!(parse_page(body).is_err(), "{body:?}");
        }
    }

    #[test]
    fn every_truncation_keeps_only_what_it_read() {
        let mut parsed = 0;
        for n in 0..=FEED.len() {
            if let Ok(page) = parse_page(&FEED[..n]) {
                parsed += 1;
                assert!(page.entries.len() <= 3, "{n}");
            }
        }
        assert!(parsed > 0);
        let cut = parse_page(b"<feed><entry><m:properties><d:Version>1.0").unwrap();
        assert!(cut.entries.is_empty(), "an entry never closed is not kept");
    }
}
