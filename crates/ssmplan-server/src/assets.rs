//! The page (`web/`), embedded in the binary so the service runs from any directory with the
//! network unplugged. Each file is compressed once, at start-up.

use std::collections::HashMap;

use rust_embed::Embed;

use crate::state::Prepared;

#[derive(Embed)]
#[folder = "../../web/"]
struct Web;

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Every embedded file by its path (`index.html`, `js/main.js`...), ready to serve. The
/// vendoring script, the page's unit tests and its README are left out.
#[must_use]
pub fn load() -> HashMap<String, Prepared> {
    Web::iter()
        .filter(|p| !p.ends_with(".sh") && !p.starts_with("test/") && *p != "README.md")
        .filter_map(|path| {
            let file = Web::get(&path)?;
            Some((
                path.to_string(),
                Prepared::new(file.data.into_owned(), content_type(&path)),
            ))
        })
        .collect()
}
