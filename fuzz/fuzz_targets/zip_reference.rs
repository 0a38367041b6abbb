//! The zip reader against a reference implementation (the `zip` crate) on the
//! same bytes: whenever `nupub_package::zipread` accepts an archive, the
//! reference must open it too and list the same entries (names, sizes, CRCs,
//! methods, where the data starts), and read the same bytes for each.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nupub_package::zipread::ZipLayout;
use std::io::{Cursor, Read};

fuzz_target!(|data: &[u8]| {
    let Ok(layout) = ZipLayout::read(&mut Cursor::new(data), data.len() as u64, 10_000) else {
        return;
    };
    let mut reference = match zip::ZipArchive::new(Cursor::new(data)) {
        Ok(z) => z,
        Err(e) => panic!("zipread accepted what the zip crate refuses: {e}"),
    };
    let mut names: Vec<&str> = layout.records.iter().map(|r| r.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    if names.len() != layout.records.len() {
        // Duplicate names: the zip crate keeps one (nupub_package refuses them above this layer).
        return;
    }
    assert_eq!(reference.len(), layout.records.len(), "entry count");
    for (i, record) in layout.records.iter().enumerate() {
        let Ok(local) = &record.local else {
            // A damaged local header (as .NET sees it: no signature, or a name and
            // extra field running past the end). The integrity check reports it;
            // the reference is more lenient here (it opens an empty entry whose
            // header runs past the end), so there is nothing to compare.
            continue;
        };
        let mut raw = reference
            .by_index_raw(i)
            .unwrap_or_else(|e| panic!("{}: reference cannot open it: {e}", record.name));
        assert_eq!(raw.name(), record.name, "name of entry {i}");
        assert_eq!(raw.size(), record.size, "{} size", record.name);
        assert_eq!(
            raw.compressed_size(),
            record.compressed_size,
            "{}",
            record.name
        );
        assert_eq!(raw.crc32(), record.crc32, "{} crc", record.name);
        assert_eq!(
            raw.data_start(),
            local.data_offset,
            "{} data start",
            record.name
        );
        let mut theirs = Vec::new();
        let _ = (&mut raw).take(1 << 20).read_to_end(&mut theirs);
        let start = usize::try_from(local.data_offset).unwrap_or(usize::MAX);
        let len = usize::try_from(record.compressed_size.min(1 << 20)).unwrap_or(0);
        let ours = data.get(start..start.saturating_add(len)).unwrap_or(&[]);
        assert_eq!(theirs, ours, "{} raw bytes", record.name);
    }
});
