//! The page's markup: escaping (every value from the source goes through [`esc`]),
//! sections with headings, and the one inline style sheet.

/// Text safe inside an element or a quoted attribute.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and newline have no place in a page.
            c if c.is_control() && c != '\t' && c != '\n' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A page being written, one line at a time.
pub struct Page {
    out: String,
}

impl Page {
    pub fn new(title: &str) -> Page {
        let mut p = Page { out: String::new() };
        p.line("<!DOCTYPE html>");
        p.line("<html lang=\"en\">");
        p.line("<head>");
        p.line("<meta charset=\"utf-8\">");
        p.line("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        // Nothing may load from elsewhere: no scripts at all, styles and images inline.
        p.line("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">");
        p.line(&format!("<title>{}</title>", esc(title)));
        p.line(&format!("<style>{STYLE}</style>"));
        p.line("</head>");
        p.line("<body>");
        p
    }

    pub fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    pub fn open_section(&mut self, id: &str, title: &str) {
        self.line(&format!(
            "<section aria-labelledby=\"{id}\"><h2 id=\"{id}\">{}</h2>",
            esc(title)
        ));
    }

    pub fn close_section(&mut self) {
        self.line("</section>");
    }

    pub fn finish(mut self) -> String {
        self.line("</main>");
        self.line("</body>");
        self.line("</html>");
        self.out
    }
}

const STYLE: &str = "
:root { color-scheme: light; font-family: system-ui, sans-serif; line-height: 1.4; color: #1a1a1a; background: #fff; }
body { margin: 0 auto; max-width: 80rem; padding: 1rem 2rem 3rem; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; }
h2 { font-size: 1.4rem; border-bottom: 2px solid #345; padding-bottom: .2rem; margin-top: 2.5rem; }
h3 { font-size: 1.2rem; margin-top: 1.8rem; }
h4 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
code { font-family: ui-monospace, monospace; font-size: .9em; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .92rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border: 1px solid #bbb; padding: .25rem .45rem; text-align: left; vertical-align: top; }
thead th { background: #e8edf2; }
tbody th { font-weight: 600; }
td ul { margin: 0; padding-left: 1.1rem; }
details summary { cursor: pointer; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1.2rem; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
table.grants td:nth-child(2), table.grants td:nth-child(3) { width: 30%; }
table.grants caption { font-weight: 400; color: #555; }
.deny { background: #fbeaea; }
.sev-error { color: #a00; font-weight: 700; }
.sev-warning { color: #8a5a00; font-weight: 700; }
.source { white-space: pre-wrap; }
.muted { color: #555; }
nav ul { columns: 2; }
svg.plan { max-width: 62rem; font-size: 13px; }
svg.plan .block { fill: #dfe7ef; stroke: #345; }
svg.plan .subnet { fill: #9cc3e4; stroke: #1d4f7a; }
svg.plan .public-subnet { fill: #f3c98b; stroke: #8a5a00; }
svg.plan rect { fill: #c9e4c5; stroke: #2e6b27; }
svg.plan .block, svg.plan .subnet, svg.plan .public-subnet { stroke-width: 1; }
svg.plan text { fill: #111; }
svg.plan g text { font-size: 11px; }
svg.plan .axis { fill: #444; font-size: 12px; }
@media print { details { display: block; } }
";

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
        assert_eq!(esc("a\u{0}b\tc"), "a\u{FFFD}b\tc");
    }
}
