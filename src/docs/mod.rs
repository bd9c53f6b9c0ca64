//! The bundled documentation: the Markdown of `docs/`, embedded in the binary and rendered to
//! HTML once (pulldown-cmark), with anchored headings, highlighted code (syntect, CSS
//! classes), adjacent code blocks grouped as language tabs, and links between pages
//! rewritten to `/docs/{page}`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use include_dir::{include_dir, Dir};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

static DOCS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/docs");

/// The order of pages in the navigation; others follow alphabetically.
const ORDER: [&str; 15] = [
    "index",
    "quickstart",
    "playground",
    "flows",
    "client-registration",
    "token-response",
    "openid-connect",
    "portable-contacts",
    "widgets",
    "errors",
    "security",
    "deployment",
    "configuration",
    "performance",
    "architecture",
];

/// One rendered page.
#[derive(Debug, Clone)]
pub struct DocPage {
    pub slug: String,
    pub title: String,
    pub html: String,
}

/// Every page, rendered on first use (the Markdown is part of the binary, so once is enough).
pub fn pages() -> &'static [DocPage] {
    static PAGES: OnceLock<Vec<DocPage>> = OnceLock::new();
    PAGES.get_or_init(|| {
        let syntaxes = SyntaxSet::load_defaults_newlines();
        let mut pages: BTreeMap<usize, Vec<DocPage>> = BTreeMap::new();
        for file in DOCS.files() {
            let path = file.path();
            if path.extension().and_then(|e| e.to_str()) != Some("md") {
                continue;
            }
            let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            let slug = stem.to_ascii_lowercase();
            let markdown = file.contents_utf8().unwrap_or_default();
            let (title, html) = render(markdown, &syntaxes);
            let rank = ORDER.iter().position(|s| *s == slug).unwrap_or(ORDER.len());
            pages
                .entry(rank)
                .or_default()
                .push(DocPage { slug, title, html });
        }
        pages.into_values().flatten().collect()
    })
}

/// The page for a slug (`index` for `/docs`).
pub fn page(slug: &str) -> Option<&'static DocPage> {
    let slug = slug.trim_end_matches(".md").to_ascii_lowercase();
    pages().iter().find(|p| p.slug == slug)
}

/// A heading's anchor: lowercase words joined by `-`.
pub fn anchor(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c == ' ' || c == '-' || c == '_') && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `quickstart.md#x` → `/docs/quickstart#x`; other links unchanged.
fn rewrite_link(url: &str) -> String {
    let (path, fragment) = url
        .split_once('#')
        .map_or((url, None), |(p, f)| (p, Some(f)));
    let is_doc = path.ends_with(".md") && !path.contains("://") && !path.contains('/');
    if !is_doc {
        return url.to_string();
    }
    let slug = path.trim_end_matches(".md").to_ascii_lowercase();
    let slug = if slug == "index" {
        String::new()
    } else {
        format!("/{slug}")
    };
    match fragment {
        Some(f) => format!("/docs{slug}#{f}"),
        None => format!("/docs{slug}"),
    }
}

fn highlight(code: &str, language: &str, syntaxes: &SyntaxSet) -> String {
    let syntax = syntaxes
        .find_syntax_by_token(language)
        .unwrap_or_else(|| syntaxes.find_syntax_plain_text());
    let mut html = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        syntaxes,
        ClassStyle::SpacedPrefixed { prefix: "hl-" },
    );
    for line in LinesWithEndings::from(code) {
        if html
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return escape(code);
        }
    }
    html.finalize()
}

/// Renders one page; returns its title (the first heading) and HTML.
fn render(markdown: &str, syntaxes: &SyntaxSet) -> (String, String) {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut title = String::new();
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut heading: Option<(HeadingLevel, String, Vec<Event<'_>>)> = None;
    let mut code: Option<(String, String)> = None;
    // Runs of adjacent code blocks become one tab set: (language, highlighted HTML, source).
    let mut tabs: Vec<(String, String, String)> = Vec::new();
    let flush_tabs = |tabs: &mut Vec<(String, String, String)>, events: &mut Vec<Event<'_>>| {
        if tabs.is_empty() {
            return;
        }
        let html = code_group(tabs);
        tabs.clear();
        events.push(Event::Html(CowStr::from(html)));
    };
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let language = match kind {
                    CodeBlockKind::Fenced(lang) => {
                        lang.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((language, String::new()));
            }
            Event::Text(text) if code.is_some() => {
                if let Some((_, source)) = code.as_mut() {
                    source.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((language, source)) = code.take() {
                    let highlighted = highlight(
                        &source,
                        if language.is_empty() {
                            "txt"
                        } else {
                            &language
                        },
                        syntaxes,
                    );
                    tabs.push((language, highlighted, source));
                }
            }
            Event::Start(Tag::Heading { level, .. }) => {
                flush_tabs(&mut tabs, &mut events);
                heading = Some((level, String::new(), Vec::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, text, inner)) = heading.take() {
                    if title.is_empty() {
                        title = text.clone();
                    }
                    let id = anchor(&text);
                    let mut inner_html = String::new();
                    pulldown_cmark::html::push_html(&mut inner_html, inner.into_iter());
                    let n = level as usize;
                    events.push(Event::Html(CowStr::from(format!(
                        "<h{n} id=\"{id}\">{inner_html} <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{n}>\n"
                    ))));
                }
            }
            other if heading.is_some() => {
                if let Some((_, text, inner)) = heading.as_mut() {
                    if let Event::Text(t) | Event::Code(t) = &other {
                        text.push_str(t);
                    }
                    inner.push(other);
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                flush_tabs(&mut tabs, &mut events);
                let dest_url = CowStr::from(rewrite_link(&dest_url));
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            other => {
                flush_tabs(&mut tabs, &mut events);
                events.push(other);
            }
        }
    }
    flush_tabs(&mut tabs, &mut events);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    (title, html)
}

/// One code block, or several adjacent ones as tabs labelled by language, each with a copy
/// button (the script in `static/js/docs.js` makes them work).
fn code_group(blocks: &[(String, String, String)]) -> String {
    let pre = |(language, highlighted, _): &(String, String, String)| {
        format!(
            "<div class=\"code\" data-language=\"{lang}\"><button type=\"button\" class=\"copy\" aria-label=\"Copy code\">Copy</button><pre><code class=\"language-{lang}\">{highlighted}</code></pre></div>",
            lang = escape(language)
        )
    };
    if blocks.len() == 1 {
        return pre(&blocks[0]);
    }
    let mut html =
        String::from("<div class=\"tabs\" role=\"tablist\" aria-label=\"Samples by language\">");
    for (i, (language, _, _)) in blocks.iter().enumerate() {
        let label = if language.is_empty() {
            "text"
        } else {
            language
        };
        html.push_str(&format!(
            "<button type=\"button\" role=\"tab\" aria-selected=\"{sel}\" data-tab=\"{i}\">{}</button>",
            escape(label),
            sel = i == 0
        ));
    }
    html.push_str("</div><div class=\"tab-panels\">");
    for (i, block) in blocks.iter().enumerate() {
        html.push_str(&format!(
            "<div role=\"tabpanel\" data-panel=\"{i}\"{}>",
            if i == 0 { "" } else { " hidden" }
        ));
        html.push_str(&pre(block));
        html.push_str("</div>");
    }
    html.push_str("</div>");
    format!("<div class=\"tabbed\">{html}</div>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_renders_with_a_title_and_anchors() {
        let pages = pages();
        assert!(pages.len() >= 8);
        assert_eq!(pages[0].slug, "index");
        for page in pages {
            assert!(!page.title.is_empty(), "{}", page.slug);
            assert!(page.html.contains("class=\"anchor\""), "{}", page.slug);
        }
    }

    #[test]
    fn links_code_and_tabs() {
        assert_eq!(rewrite_link("quickstart.md"), "/docs/quickstart");
        assert_eq!(
            rewrite_link("errors.md#token-endpoint"),
            "/docs/errors#token-endpoint"
        );
        assert_eq!(rewrite_link("index.md"), "/docs");
        assert_eq!(
            rewrite_link("https://example.org/a.md"),
            "https://example.org/a.md"
        );
        assert_eq!(anchor("The `claims` parameter!"), "the-claims-parameter");
        let syntaxes = SyntaxSet::load_defaults_newlines();
        let (title, html) = render(
            "# T\n\n```rust\nfn a() {}\n```\n```python\nx = 1\n```\n",
            &syntaxes,
        );
        assert_eq!(title, "T");
        assert!(
            html.contains("role=\"tablist\"")
                && html.contains(">rust<")
                && html.contains(">python<")
        );
        assert!(html.contains("hl-"), "highlighted: {html}");
        let (_, html) = render("x <b>&</b>\n\n```\n<script>\n```\n", &syntaxes);
        assert!(!html.contains("<script>"), "code is escaped: {html}");
    }
}
