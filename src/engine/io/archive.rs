//! Zip archives, for the readers of zipped formats (shapefiles in a `.zip`, KML in a `.kmz`):
//! the members a reader asks for, their names decoded as UTF-8 or, as Windows zips them without
//! the UTF-8 flag, GBK; an archive that would inflate past [`MAX_UNZIPPED`] is refused before it
//! is inflated.

/// Most bytes a zip may inflate to (a zip bomb is refused before it is inflated).
pub const MAX_UNZIPPED: u64 = 2 << 30;

/// The members of the zip `bytes` whose base name (the name after the last `/` or `\`) `keep`
/// accepts, as (base name, bytes) in the archive's order; folders and macOS resource forks
/// (`__MACOSX/`, `._name`) are left out. The error is a reason in English, for the reader to
/// put in its own error with the file's name.
pub fn unzip(bytes: &[u8], keep: impl Fn(&str) -> bool) -> Result<Vec<(String, Vec<u8>)>, String> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a zip archive that can be read ({e})"))?;
    let mut total = 0u64;
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let entry = archive
            .by_index(i)
            .map_err(|e| format!("member {i}: {e}"))?;
        if entry.is_dir() {
            continue;
        }
        let raw = entry.name_raw().to_vec();
        let name = match std::str::from_utf8(&raw) {
            Ok(s) => s.to_string(),
            Err(_) => encoding_rs::GBK
                .decode_without_bom_handling(&raw)
                .0
                .into_owned(),
        };
        let base = name.rsplit(['/', '\\']).next().unwrap_or(&name).to_string();
        if name.contains("__MACOSX") || base.starts_with("._") || !keep(&base) {
            continue;
        }
        total = total.saturating_add(entry.size());
        if total > MAX_UNZIPPED {
            return Err(format!(
                "it would inflate to more than {} MB: refused",
                MAX_UNZIPPED >> 20
            ));
        }
        let mut data = Vec::with_capacity(entry.size().min(1 << 28) as usize);
        entry
            .take(entry_limit(total))
            .read_to_end(&mut data)
            .map_err(|e| format!("{name}: {e}"))?;
        out.push((base, data));
    }
    Ok(out)
}

/// How much one member may still inflate to (its declared size is checked; this guards a
/// header that lies about it).
fn entry_limit(total: u64) -> u64 {
    MAX_UNZIPPED.saturating_sub(total).saturating_add(1 << 20)
}
