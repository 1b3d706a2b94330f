//! Property tests for the project's rule that bad input never panics or hangs:
//! mutants of every `.eng` source the repository holds go through the compiler, the
//! diagnostic renderers, the backends, the editor features and the language server; and
//! inputs of pathological size must be checked in reasonable (linear) time.
//!
//! Everything is deterministic: a xorshift generator with fixed seeds makes the same
//! mutants on every run. A failure names the seed and the mutant's number and prints a
//! shortened input that still fails, ready to become a case of `directed_cases`.
//!
//! `ENGC_ROBUSTNESS_SCALE=50 ENGC_ROBUSTNESS_SEED=7 cargo test --release --test
//! integration robustness` searches longer, with other mutants.

use crate::generate;

use engc::backend::{self, Target};
use engc::ide::Analysis;
use engc::loader::FileLoader;
use engc::render;
use engc::source::{SourceMap, Span};
use engc::{Compilation, Input, Options};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

// ---- deterministic randomness -------------------------------------------------------

/// xorshift64*: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        // Never zero (xorshift's fixed point); spread small seeds over the state.
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    /// True with probability `1 / n`.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.parse().ok()
}

/// How many times more mutants than by default (`ENGC_ROBUSTNESS_SCALE`).
fn scale() -> usize {
    env_number("ENGC_ROBUSTNESS_SCALE").unwrap_or(1) as usize
}

/// A property's seed, moved by `ENGC_ROBUSTNESS_SEED` to get other mutants.
fn seed(base: u64) -> u64 {
    base.wrapping_add(env_number("ENGC_ROBUSTNESS_SEED").unwrap_or(0))
}

// ---- the corpus and the mutations ------------------------------------------------------

/// Every `.eng` file of the examples, the test cases, the seeds and the standard library,
/// by path.
fn corpus() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["examples", "tests/cases", "tests/seeds", "stdlib"] {
        let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "eng"))
            .collect();
        paths.sort();
        for p in paths {
            let name = p.strip_prefix(root).unwrap().display().to_string();
            out.push((name, std::fs::read(&p).unwrap()));
        }
    }
    assert!(out.len() > 100, "the corpus is missing files");
    out
}

/// Tokens inserted by the mutator: the grammar's keywords and setting words, its
/// punctuation, the start and end of strings, comments and parameters, non-ASCII text,
/// control characters and address blocks, valid and not.
static VOCAB: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    // The words that start a declaration come from the parser, so the two stay in step.
    let mut v = engc::syntax::parser::DECLARATION_KEYWORDS.to_vec();
    v.extend_from_slice(MORE_VOCAB);
    v
});

const MORE_VOCAB: &[&str] = &[
    // keywords
    "for",
    "on",
    "in",
    "when",
    "and",
    "as",
    "not",
    "aws",
    "gcp",
    "azure",
    "k8s",
    // setting words and other fixed words
    "cidr",
    "clouds",
    "cluster_role",
    "components",
    "create",
    "import",
    "data",
    "description",
    "external_id",
    "impersonated_by",
    "managed_policy",
    "managed_tag",
    "name",
    "name_prefix",
    "namespace",
    "namespaces",
    "ou",
    "param",
    "permissions",
    "pods",
    "public",
    "resource",
    "resources",
    "role",
    "role_id",
    "rule",
    "scope",
    "service_account",
    "service_principal",
    "services",
    "subnet",
    "title",
    "unscoped",
    "scoped",
    "verbs",
    "within",
    "zone",
    "allow",
    "deny",
    "tag",
    "request_tag",
    "list",
    "read",
    "write",
    "manage",
    "groups",
    "names",
    "urls",
    "cluster",
    "namespaced",
    "actions",
    "not_actions",
    "data_actions",
    "not_data_actions",
    "tagged",
    "true",
    "false",
    "arn",
    "eks",
    "gke",
    "aks",
    "bucket",
    "StringEquals",
    "ArnLike",
    "W0402",
    "E0101",
    "W9999",
    "E0001",
    // punctuation, strings, comments, parameters
    "{",
    "}",
    "[",
    "]",
    "\"",
    "${",
    "}\"",
    "/*",
    "*/",
    "//",
    "\\",
    "\\\"",
    ",",
    ":",
    ";",
    "=",
    "*",
    "?",
    "\n",
    "\r\n",
    "\r",
    "\t",
    " ",
    "\"s3:Get",
    "\"s3:*\"",
    "\"*\"",
    "\"ec2:Describe*\"",
    "\"${region}\"",
    "\"${nope}\"",
    "\"arn:aws:s3:::x/*\"",
    "\"storage.buckets.get\"",
    "\"Microsoft.Storage/*\"",
    "\"apps\"",
    "\"deployments\"",
    "\"get\"",
    "use \"frag.eng\"\n",
    "use \"missing.eng\"\n",
    "use \"frag.eng\"",
    // non-ASCII and control characters
    "é",
    "🦀",
    "\u{0}",
    "\u{1}",
    "\u{7f}",
    "\u{feff}",
    "\u{200b}",
    "\u{2028}",
    "ß",
    "日本",
    "\u{10ffff}",
    "İ",
    // address blocks
    "10.0.0.0/8",
    "::/0",
    "300.1.1.1/8",
    "0.0.0.0/0",
    "10.0.0.0/33",
    "fe80::/10",
    "10.0.0.1/24",
    "1.2.3/8",
    "::ffff:1.2.3.4/128",
    "999999999999999999999/1",
    "10.0.0.0/99999999999999999999",
    "1:2:3:4:5:6:7:8:9/64",
    ":::/1",
    "/8",
];

/// Strings no source holds: empty, parameters cut short, globs, escapes, odd characters.
const ODD_STRINGS: &[&str] = &[
    "\"\"",
    "\"${\"",
    "\"${x\"",
    "\"$}\"",
    "\"${}\"",
    "\"${region\"",
    "\"*\"",
    "\"**\"",
    "\"?\"",
    "\"s3:\"",
    "\":\"",
    "\"s3:*Get*\"",
    "\"é🦀\"",
    "\"\\\"\"",
    "\"\\n\"",
    "\"\\té${nope}\"",
    "\"arn:aws:s3:::*\"",
    "\"arn:\"",
    "\"/\"",
    "\"//\"",
    "\"/subscriptions/\"",
    "\"Microsoft.\"",
    "\"*/*\"",
    "\"storage.\"",
    "\"roles/\"",
    "\"..\"",
    "\"a b\"",
    "\"${prefix}${prefix}\"",
    "\"\u{0}\"",
    "\"İİİ\"",
];

/// Bytes that are never valid UTF-8 on their own.
const BAD_BYTES: &[&[u8]] = &[
    b"\xff",
    b"\xc3",
    b"\xe2\x82",
    b"\xf0\x9f\xa6",
    b"\x80",
    b"\xed\xa0\x80",
];

/// Tokens of the corpus by kind, for mutations that keep the text's shape: a name
/// for a name, a string for a string, an address block for an address block.
struct Pools {
    idents: Vec<String>,
    strings: Vec<String>,
    cidrs: Vec<String>,
}

impl Pools {
    fn new(corpus: &[(String, Vec<u8>)]) -> Pools {
        use engc::ide::lexer::{tokenize, Tok};
        let mut idents = BTreeSet::new();
        let mut strings = BTreeSet::new();
        let mut cidrs = BTreeSet::new();
        for (_, bytes) in corpus {
            let Ok(text) = std::str::from_utf8(bytes) else {
                continue;
            };
            for t in tokenize(text) {
                let s = t.text(text).to_string();
                match t.kind {
                    Tok::Ident => idents.insert(s),
                    Tok::Str { .. } => strings.insert(s),
                    Tok::Cidr => cidrs.insert(s),
                    _ => false,
                };
            }
        }
        strings.extend(ODD_STRINGS.iter().map(|s| s.to_string()));
        cidrs.extend(
            VOCAB
                .iter()
                .filter(|v| v.contains('/') && v.bytes().any(|c| c.is_ascii_digit()))
                .map(|s| s.to_string()),
        );
        Pools {
            idents: idents.into_iter().collect(),
            strings: strings.into_iter().collect(),
            cidrs: cidrs.into_iter().collect(),
        }
    }

    /// `src` with escapes, parameters or non-ASCII text inserted inside a string (where
    /// offsets in the string's value and in the source differ); None when `src` is not
    /// text or has no string.
    fn insert_in_string(&self, rng: &mut Rng, src: &[u8]) -> Option<Vec<u8>> {
        use engc::ide::lexer::{tokenize, Tok};
        const PIECES: &[&str] = &[
            "\\n",
            "\\t",
            "\\\"",
            "\\\\",
            "\t",
            "é",
            "🦀",
            "${nope}",
            "${region}",
            "${",
            "}",
            "*",
            "?",
            "/",
            ":",
            "\u{0}",
            "İ",
        ];
        let text = std::str::from_utf8(src).ok()?;
        let strings: Vec<_> = tokenize(text)
            .into_iter()
            .filter(|t| matches!(t.kind, Tok::Str { closed: true }) && t.end > t.start + 1)
            .collect();
        if strings.is_empty() {
            return None;
        }
        let t = rng.pick(&strings);
        let inner = &text[t.start + 1..t.end - 1];
        let bounds: Vec<usize> = inner
            .char_indices()
            .map(|(i, _)| i)
            .chain([inner.len()])
            .collect();
        let at = t.start + 1 + rng.pick(&bounds);
        let mut out = src[..at].to_vec();
        for _ in 0..1 + rng.below(3) {
            out.extend_from_slice(rng.pick(PIECES).as_bytes());
        }
        out.extend_from_slice(&src[at..]);
        Some(out)
    }

    /// `src` with one token replaced by another of the same kind; None when `src` is
    /// not text or the token picked is punctuation or a comment.
    fn replace_token(&self, rng: &mut Rng, src: &[u8]) -> Option<Vec<u8>> {
        use engc::ide::lexer::{tokenize, Tok};
        let text = std::str::from_utf8(src).ok()?;
        let toks = tokenize(text);
        if toks.is_empty() {
            return None;
        }
        let t = rng.pick(&toks);
        let pool = match t.kind {
            Tok::Ident => &self.idents,
            Tok::Str { .. } => &self.strings,
            Tok::Cidr => &self.cidrs,
            _ => return None,
        };
        let mut out = src[..t.start].to_vec();
        out.extend_from_slice(rng.pick(pool).as_bytes());
        out.extend_from_slice(&src[t.end..]);
        Some(out)
    }
}

/// A random cut point: anywhere, so also inside a multi-byte character.
fn point(rng: &mut Rng, len: usize) -> usize {
    rng.below(len + 1)
}

/// A random range of at most `max` bytes.
fn range(rng: &mut Rng, len: usize, max: usize) -> (usize, usize) {
    let a = point(rng, len);
    let b = (a + rng.below(max + 1)).min(len);
    (a, b)
}

/// One to four mutations of `src`; `gentle`: one that mostly keeps the syntax valid (a
/// token replaced by another of its kind, or a word of the vocabulary between words),
/// so that the checks and the backends see the result.
fn mutate(rng: &mut Rng, pools: &Pools, src: &[u8], gentle: bool) -> Vec<u8> {
    let mut v = src.to_vec();
    let rounds = if gentle { 1 } else { 1 + rng.below(4) };
    for _ in 0..rounds {
        let len = v.len();
        let op = if gentle {
            *rng.pick(&[3, 10, 10, 10, 14, 14])
        } else {
            rng.below(16)
        };
        match op {
            // delete a range
            0 | 1 => {
                let (a, b) = range(rng, len, 64);
                v.drain(a..b);
            }
            // repeat a range in place (sometimes a large one)
            2 => {
                let max = if rng.one_in(8) { 4096 } else { 64 };
                let (a, b) = range(rng, len, max);
                let copy = v[a..b].to_vec();
                v.splice(b..b, copy);
            }
            // insert words of the vocabulary
            3..=5 => {
                let at = if !gentle && rng.one_in(2) {
                    point(rng, len)
                } else {
                    // between words, where they make near-valid text
                    let p = point(rng, len);
                    v[p..]
                        .iter()
                        .position(|&c| c == b' ' || c == b'\n')
                        .map_or(len, |i| p + i)
                };
                let mut ins = vec![b' '];
                for _ in 0..1 + rng.below(3) {
                    ins.extend_from_slice(rng.pick(&VOCAB[..]).as_bytes());
                    ins.push(b' ');
                }
                v.splice(at..at, ins);
            }
            // swap two lines
            6 => {
                let mut lines: Vec<Vec<u8>> =
                    v.split(|c| *c == b'\n').map(<[u8]>::to_vec).collect();
                let i = rng.below(lines.len());
                let j = rng.below(lines.len());
                lines.swap(i, j);
                v = lines.join(&b'\n');
            }
            // truncate, anywhere (inside a multi-byte character too)
            7 => {
                let at = point(rng, len);
                v.truncate(at);
            }
            // invalid UTF-8
            8 => {
                let at = point(rng, len);
                v.splice(at..at, rng.pick(BAD_BYTES).iter().copied());
            }
            // one byte replaced (by punctuation mostly)
            9 => {
                if len > 0 {
                    let at = rng.below(len);
                    v[at] = *rng.pick(b"{}[]\"\\/*:=,.$ \n0123456789abzAZ_-\x00\x7f\xc3\xa9");
                }
            }
            // escapes, parameters or non-ASCII text inside a string
            14 | 15 => {
                if let Some(w) = pools.insert_in_string(rng, &v) {
                    v = w;
                }
            }
            // tokens replaced by others of their kind
            _ => {
                for _ in 0..1 + rng.below(3) {
                    if let Some(w) = pools.replace_token(rng, &v) {
                        v = w;
                    }
                }
            }
        }
    }
    v
}

// ---- running one input --------------------------------------------------------------------

/// Serves `frag.eng` (a network fragment) and nothing else: `use` in mutants never
/// reads the disk.
struct MemLoader;

const FRAGMENT: &str =
    "network shared {\n  cidr 10.99.0.0/16\n  subnet a 10.99.0.0/20 zone \"a\"\n}\n";

impl FileLoader for MemLoader {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        match path.file_name().and_then(|n| n.to_str()) {
            Some("frag.eng") => Ok(FRAGMENT.as_bytes().to_vec()),
            _ => Err(std::io::ErrorKind::NotFound.into()),
        }
    }
}

fn compile(bytes: &[u8], options: &Options) -> Compilation {
    engc::compile(
        vec![Input {
            name: "mutant.eng".into(),
            path: None,
            bytes: bytes.to_vec(),
        }],
        &MemLoader,
        options,
    )
}

fn check_span(sources: &SourceMap, span: Span, what: &str) {
    let text = &sources.get(span.file).text;
    let (s, e) = (span.start as usize, span.end as usize);
    assert!(
        s <= e && e <= text.len(),
        "{what} span {s}..{e} is outside its file ({} bytes)",
        text.len()
    );
    assert!(
        text.is_char_boundary(s) && text.is_char_boundary(e),
        "{what} span {s}..{e} is not on character boundaries"
    );
}

/// Compiles; checks every span of every diagnostic; renders them for people and as
/// JSON; and, when there is no error, writes every target.
fn run_compiler(bytes: &[u8], options: &Options) -> Compilation {
    let c = compile(bytes, options);
    for d in &c.diagnostics {
        check_span(&c.sources, d.span, d.code.as_str());
        for l in &d.secondary {
            check_span(&c.sources, l.span, d.code.as_str());
        }
        if let Some(s) = &d.suggestion {
            check_span(&c.sources, s.span, d.code.as_str());
        }
    }
    let _ = render::plain(&c.sources, &c.diagnostics);
    let _ = render::json(&c.sources, &c.diagnostics);
    if !c.has_errors() {
        let model = c.model.as_ref().expect("no error, so a model");
        let all: BTreeSet<Target> = Target::ALL.into_iter().collect();
        let _ = backend::emit(model, &all);
    }
    c
}

/// Offsets to ask the editor features about: both ends, past the end, every position
/// inside (and around) the first multi-byte characters, and a sample of the rest.
fn offsets(rng: &mut Rng, text: &str, samples: usize) -> Vec<usize> {
    let len = text.len();
    let mut out = vec![0, len, len + 1, usize::MAX];
    for (i, c) in text
        .char_indices()
        .filter(|(_, c)| c.len_utf8() > 1)
        .take(12)
    {
        out.extend(i..=i + c.len_utf8());
    }
    for _ in 0..samples {
        out.push(rng.below(len + 2));
    }
    out
}

/// Every editor feature at each of `offsets`.
fn run_ide(c: Compilation, rng: &mut Rng, samples: usize) {
    let a = Analysis::new(c, Options::default());
    let Some(&(file, _)) = a.comp.files.first() else {
        return;
    };
    let text = a.text(file).to_string();
    for o in offsets(rng, &text, samples) {
        let _ = a.hover(file, o);
        let _ = a.definition(file, o);
        let _ = a.references(file, o, true);
        let _ = a.highlights(file, o);
        let _ = a.prepare_rename(file, o);
        let _ = a.rename(file, o, "renamed");
        let _ = a.completions(file, o);
        let _ = a.use_target(file, o);
        let end = o.saturating_add(rng.below(40));
        let _ = a.code_actions(file, o, end);
        let _ = a.code_actions(file, end, o);
        let _ = a.selection_ranges(file, o);
        let _ = a.inlay_hints(file, o, end);
    }
    let _ = a.symbols(file);
    let _ = a.document_links(file);
    let _ = a.folding_ranges(file);
    let _ = a.workspace_symbols("a");
    // Semantic tokens: sorted, within the text, on one line each, never overlapping.
    let tokens = a.semantic_tokens(file);
    for t in &tokens {
        assert!(t.start < t.end && t.end <= text.len(), "{t:?}");
        assert!(!text[t.start..t.end].contains('\n'), "{t:?}");
    }
    for w in tokens.windows(2) {
        assert!(w[0].end <= w[1].start, "{w:?}");
    }
    if let Some(f) = a.format(file) {
        // Formatting its own output must work too.
        let _ = engc::ide::format::format(&f);
    }
    // Go to definition opens the standard library's files.
    if let Some(&(lib, _)) = a.comp.stdlib.first() {
        let n = a.text(lib).len();
        for o in [0, n / 3, n / 2, n] {
            let _ = a.hover(lib, o);
            let _ = a.definition(lib, o);
            let _ = a.completions(lib, o);
        }
    }
}

// ---- reporting failures compactly --------------------------------------------------------

thread_local! {
    /// Set while a property runs on this thread: the message of the panic it caught.
    static CAUGHT: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that records the message and location of panics on
/// threads that are running a property, instead of printing them (shortening a failing
/// input panics hundreds of times), and leaves other panics to the default hook.
fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let recorded = CAUGHT.with(|c| match c.borrow_mut().as_mut() {
                Some(slot) => {
                    let msg = info
                        .payload()
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| info.payload().downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    let at = info
                        .location()
                        .map(|l| format!("{}:{}", l.file(), l.line()))
                        .unwrap_or_default();
                    *slot = Some(format!("{msg} (at {at})"));
                    true
                }
                None => false,
            });
            if !recorded {
                default(info);
            }
        }));
    });
}

/// Runs `f` on `input`: the panic's message and location when it panics.
fn fails<F: Fn(&[u8])>(f: &F, input: &[u8]) -> Option<String> {
    quiet_panics();
    CAUGHT.with(|c| *c.borrow_mut() = Some(None));
    let r = catch_unwind(AssertUnwindSafe(|| f(input)));
    let msg = CAUGHT.with(|c| c.borrow_mut().take()).flatten();
    r.err().map(|_| msg.unwrap_or_else(|| "panic".into()))
}

/// Where a failure happened (the end of its message).
fn place(failure: &str) -> &str {
    failure.rsplit(" (at ").next().unwrap_or_default()
}

/// A shorter input that still panics at the same place: chunks removed greedily,
/// halving their size, within a budget of attempts.
fn shrink<F: Fn(&[u8])>(f: &F, input: &[u8], failure: &str) -> Vec<u8> {
    let mut best = input.to_vec();
    let mut budget = 1500;
    let mut chunk = best.len().div_ceil(2).max(1);
    loop {
        let mut i = 0;
        while i < best.len() && budget > 0 {
            budget -= 1;
            let mut cand = best.clone();
            cand.drain(i..(i + chunk).min(best.len()));
            match fails(f, &cand) {
                Some(m) if place(&m) == place(failure) => best = cand,
                _ => i += chunk,
            }
        }
        if chunk == 1 || budget == 0 {
            return best;
        }
        chunk = chunk.div_ceil(2);
    }
}

/// Runs `f` on `count` mutants of the sources `pick` selects, made from `seed`; fails
/// with each distinct panic (by place), its seed and mutant number, and a shortened
/// input.
fn property<F: Fn(&[u8])>(
    name: &str,
    seed: u64,
    count: usize,
    pick: impl Fn(&str) -> bool,
    gentle: bool,
    f: F,
) {
    let corpus = corpus();
    let pools = Pools::new(&corpus);
    let sources: Vec<&Vec<u8>> = corpus
        .iter()
        .filter(|(path, _)| pick(path))
        .map(|(_, b)| b)
        .collect();
    let mut rng = Rng::new(seed);
    let mut seen = BTreeSet::new();
    let mut report = Vec::new();
    for i in 0..count * scale() {
        let src = rng.pick(&sources).as_slice();
        let mutant = mutate(&mut rng, &pools, src, gentle);
        if let Some(msg) = fails(&f, &mutant) {
            if seen.insert(place(&msg).to_string()) && report.len() < 10 {
                let small = shrink(&f, &mutant, &msg);
                report.push(format!(
                    "{name}: seed {seed}, mutant {i}: {msg}\n  input ({} bytes, shortened from {}): b\"{}\"",
                    small.len(),
                    mutant.len(),
                    small.escape_ascii()
                ));
            }
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

// ---- the compiler and the editor features -------------------------------------------------

fn compile_render_emit(bytes: &[u8]) {
    let options = Options {
        // Minimizing reads the catalog hard; some of the mutants are enough.
        minimize: bytes.len().is_multiple_of(5),
        ..Options::default()
    };
    run_compiler(bytes, &options);
}

#[test]
fn mutants_compile_render_and_emit_without_panicking() {
    property(
        "compile",
        seed(1),
        700,
        |_| true,
        false,
        compile_render_emit,
    );
}

#[test]
fn mutants_of_clean_sources_compile_and_emit_without_panicking() {
    // Sources without errors, changed a little: most still check, so the later checks,
    // lowering and every backend see them.
    let clean = |p: &str| p.starts_with("examples/") || p.ends_with(".ok.eng");
    property("clean", seed(2), 700, clean, true, compile_render_emit);
}

/// What a build of `bytes` gives: its diagnostics' codes and its emitted files.
fn build_result(bytes: &[u8]) -> (Vec<String>, Vec<(String, String)>) {
    let c = compile(bytes, &Options::default());
    let mut codes: Vec<String> = c
        .diagnostics
        .iter()
        .map(|d| d.code.as_str().to_string())
        .collect();
    codes.sort();
    let files = match &c.model {
        Some(model) if !c.has_errors() => {
            let all: BTreeSet<Target> = Target::ALL.into_iter().collect();
            backend::emit(model, &all)
                .into_iter()
                .map(|f| (f.path, f.contents))
                .collect()
        }
        _ => Vec::new(),
    };
    (codes, files)
}

/// The formatter on any text: it settles (formatting twice changes nothing), keeps
/// every token, and the formatted text builds to the same documents and diagnostics;
/// the lossless tree it reads holds the mutant byte for byte.
fn formatting_keeps_meaning(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let tree = engc::syntax::parse_full(engc::source::FileId::default(), text).tree;
    assert_eq!(tree.text(), text, "the tree keeps every byte");
    let once = engc::ide::format::try_format(text).expect("formats");
    assert_eq!(engc::ide::format::format(&once), once, "idempotent");
    let words = |s: &str| -> Vec<String> {
        engc::ide::format::words(s)
            .iter()
            .map(|w| w.replace('\r', ""))
            .collect()
    };
    assert_eq!(words(&once), words(text), "same tokens");
    assert!(
        build_result(once.as_bytes()) == build_result(bytes),
        "same build"
    );
}

#[test]
fn formatting_mutants_keeps_their_tokens_and_their_build() {
    property(
        "fmt",
        seed(9),
        300,
        |_| true,
        false,
        formatting_keeps_meaning,
    );
    let clean = |p: &str| p.starts_with("examples/") || p.ends_with(".ok.eng");
    property(
        "fmt-clean",
        seed(10),
        200,
        clean,
        true,
        formatting_keeps_meaning,
    );
}

#[test]
fn editor_features_answer_at_any_offset_of_mutants() {
    property(
        "ide",
        seed(3),
        120,
        |_| true,
        false,
        |bytes| {
            let c = run_compiler(bytes, &Options::default());
            let mut rng = Rng::new(bytes.len() as u64);
            run_ide(c, &mut rng, 24);
        },
    );
}

#[test]
fn directed_cases() {
    // Inputs that once failed, each with what went wrong.
    let cases: &[&[u8]] = &[
        // E0107 after an escape and a two-byte character: the span was counted in the
        // unescaped value, which put its start inside the `é`.
        b"deployment d {\n  clouds aws\n  name_prefix \"\\n\xc3\xa9${nope}\"\n}\n",
        b"deployment d {\n  clouds aws\n  param a = \"\\\"\\t${nope}\xf0\x9f\xa6\x80${b}\"\n}\n",
    ];
    for (i, case) in cases.iter().enumerate() {
        let run = |b: &[u8]| {
            let c = run_compiler(b, &Options::default());
            run_ide(c, &mut Rng::new(1), 24);
        };
        if let Some(msg) = fails(&run, case) {
            panic!("case {i}: {msg}\n  input: b\"{}\"", case.escape_ascii());
        }
    }
}

#[cfg(unix)]
#[test]
fn use_of_devices_and_folders_is_an_error_not_a_hang() {
    // `use "/dev/zero"` read until memory ran out.
    for target in ["/dev/zero", "/dev/null", "/"] {
        let text = format!("use \"{target}\"\ndeployment d {{ clouds aws }}\n");
        let c = engc::compile_str("devices.eng", &text, &Options::default());
        assert!(
            c.diagnostics
                .iter()
                .any(|d| d.code == engc::diag::Code::E0002),
            "{target}"
        );
    }
}

// ---- the language server ------------------------------------------------------------

/// A client on an in-memory connection that checks every answer: each request gets a
/// response in time, and none is the error the server answers when a handler panics
/// (nor is a panic of a check logged).
struct Lsp {
    conn: lsp_server::Connection,
    server: Option<std::thread::JoinHandle<i32>>,
    next: i32,
    /// What went wrong, with the request and the text it was about.
    failures: Vec<String>,
}

/// Long enough for a debug build on a slow machine; a hang is what it catches.
const LSP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

impl Lsp {
    fn start() -> Lsp {
        let (server, client) = lsp_server::Connection::memory();
        let handle = std::thread::spawn(move || engc::lsp::serve(server));
        let mut c = Lsp {
            conn: client,
            server: Some(handle),
            next: 0,
            failures: Vec::new(),
        };
        let caps = json!({"textDocument": {
            "hover": {"contentFormat": ["markdown"]},
            "completion": {"completionItem": {"snippetSupport": true}},
            "documentSymbol": {"hierarchicalDocumentSymbolSupport": true}
        }});
        c.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": caps}),
            "",
        );
        c.notify("initialized", json!({}));
        c
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.conn
            .sender
            .send(lsp_server::Notification::new(method.into(), params).into())
            .unwrap();
    }

    /// Sends a request and waits for its response (`about`: the text, for reports).
    fn request(&mut self, method: &str, params: Value, about: &str) -> Option<Value> {
        use lsp_server::{ErrorCode, Message, Request, RequestId, Response};
        self.next += 1;
        let id = RequestId::from(self.next);
        let shown = format!("{method} {params}");
        self.conn
            .sender
            .send(Request::new(id.clone(), method.into(), params).into())
            .unwrap();
        loop {
            match self.conn.receiver.recv_timeout(LSP_TIMEOUT) {
                Ok(Message::Response(r)) if r.id == id => {
                    if let Err(e) = &r.response_result {
                        if e.code == ErrorCode::InternalError as i32 {
                            self.failures
                                .push(format!("{shown}: {}\n  text: {about:?}", e.message));
                        }
                    }
                    return r.response_result.ok();
                }
                Ok(Message::Response(r)) => panic!("a response to another request: {r:?}"),
                Ok(Message::Notification(n)) => {
                    // The server logs a check that panicked, and goes on.
                    if n.method == "window/logMessage"
                        && n.params.to_string().contains("engc failed")
                    {
                        self.failures
                            .push(format!("{}\n  text: {about:?}", n.params));
                    }
                }
                Ok(Message::Request(r)) => {
                    let _ = self
                        .conn
                        .sender
                        .send(Response::new_ok(r.id, Value::Null).into());
                }
                Err(e) => panic!("no response to {shown} within {LSP_TIMEOUT:?} ({e})"),
            }
        }
    }

    /// Shuts the server down; what went wrong.
    fn shutdown(mut self) -> Vec<String> {
        self.request("shutdown", Value::Null, "");
        self.notify("exit", Value::Null);
        let code = self.server.take().unwrap().join().unwrap();
        assert_eq!(code, 0, "the exit code after shutdown");
        self.failures
    }
}

/// Positions to ask about in `text`: random ones in and past its lines, huge ones, and
/// ones between the two UTF-16 units of characters outside the BMP.
fn lsp_positions(rng: &mut Rng, text: &str) -> Vec<Value> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = vec![
        json!({"line": 0, "character": 0}),
        json!({"line": u32::MAX, "character": u32::MAX}),
        json!({"line": 0, "character": u32::MAX}),
        json!({"line": lines.len(), "character": 0}),
    ];
    for _ in 0..3 {
        let line = rng.below(lines.len() + 2);
        let width: usize = lines
            .get(line)
            .map_or(0, |l| l.chars().map(char::len_utf16).sum());
        out.push(json!({"line": line, "character": rng.below(width + 3)}));
    }
    for (n, l) in lines.iter().enumerate() {
        let mut col = 0;
        for c in l.chars() {
            if c.len_utf16() == 2 && out.len() < 12 {
                out.push(json!({"line": n, "character": col + 1}));
            }
            col += c.len_utf16();
        }
    }
    out
}

#[test]
fn language_server_answers_every_request_on_mutants() {
    let corpus = corpus();
    let pools = Pools::new(&corpus);
    let mut rng = Rng::new(seed(4));
    let dir = tempfile::tempdir().unwrap();
    let uri = engc::lsp::convert::path_to_uri(&dir.path().join("mutant.eng"));
    let doc = json!({"uri": uri});
    let mut c = Lsp::start();
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "eng", "version": 1, "text": ""}}),
    );
    let mut version = 1;
    let mut answered = 0;
    for _ in 0..40 * scale() {
        let (_, src) = rng.pick(&corpus);
        let text = String::from_utf8_lossy(&mutate(&mut rng, &pools, src, false)).into_owned();
        version += 1;
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"text": text}]}),
        );
        let positions = lsp_positions(&mut rng, &text);
        for p in &positions {
            let at = json!({"textDocument": doc, "position": p});
            for m in [
                "textDocument/hover",
                "textDocument/completion",
                "textDocument/definition",
                "textDocument/documentHighlight",
                "textDocument/prepareRename",
            ] {
                let r = c.request(m, at.clone(), &text);
                answered += usize::from(r.is_some_and(|v| !v.is_null()));
            }
            c.request(
                "textDocument/references",
                json!({"textDocument": doc, "position": p, "context": {"includeDeclaration": true}}),
                &text,
            );
            c.request(
                "textDocument/rename",
                json!({"textDocument": doc, "position": p, "newName": "renamed"}),
                &text,
            );
            let q = rng.pick(&positions);
            c.request(
                "textDocument/codeAction",
                json!({"textDocument": doc, "range": {"start": p, "end": q},
                       "context": {"diagnostics": []}}),
                &text,
            );
        }
        c.request(
            "textDocument/documentSymbol",
            json!({"textDocument": doc}),
            &text,
        );
        c.request(
            "textDocument/formatting",
            json!({"textDocument": doc, "options": {"tabSize": 2, "insertSpaces": true}}),
            &text,
        );
        for method in [
            "textDocument/semanticTokens/full",
            "textDocument/documentLink",
            "textDocument/foldingRange",
        ] {
            c.request(method, json!({"textDocument": doc}), &text);
        }
        let (a, b) = (rng.pick(&positions).clone(), rng.pick(&positions).clone());
        c.request(
            "textDocument/selectionRange",
            json!({"textDocument": doc, "positions": [a, b]}),
            &text,
        );
        c.request(
            "textDocument/inlayHint",
            json!({"textDocument": doc, "range": {"start": a, "end": b}}),
            &text,
        );
        c.request("workspace/symbol", json!({"query": "a"}), &text);
        // An edit of a range between random positions (past the end, inside surrogate
        // pairs), which the server applies to its copy; a full change follows.
        let (a, b) = (rng.pick(&positions).clone(), rng.pick(&positions).clone());
        version += 1;
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"range": {"start": a, "end": b}, "text": *rng.pick(&VOCAB[..])}]}),
        );
        c.request(
            "textDocument/hover",
            json!({"textDocument": doc, "position": a}),
            &text,
        );
    }
    let failures = c.shutdown();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The requests reached the features.
    assert!(answered > 100, "only {answered} answers");
}

// ---- pathological sizes ------------------------------------------------------------------
//
// Each must finish (these tests assert no time): what took quadratic time took minutes.

const BIG_HEADER: &str = r#"deployment big {
  clouds aws, gcp, azure
  managed_tag "big/managed" = "true"
  name_prefix "big"
  param external_id, client_id
}

principal vendor {
  aws role "arn:aws:iam::111122223333:role/vendor" external_id "${external_id}"
  gcp service_account "vendor@${project_id}.iam.gserviceaccount.com"
  azure service_principal "${client_id}"
  k8s service_account "vendor" in "ns"
}

store data: bucket

"#;

/// Compiles, renders and (when clean) emits a large input; prints its size and time.
fn big(name: &str, text: &str) -> Compilation {
    let t = std::time::Instant::now();
    let c = run_compiler(text.as_bytes(), &Options::default());
    eprintln!(
        "{name}: {} bytes, {} diagnostics, {:.2?}",
        text.len(),
        c.diagnostics.len(),
        t.elapsed()
    );
    c
}

fn assert_clean(c: &Compilation) {
    let first: Vec<_> = c.diagnostics.iter().take(3).cloned().collect();
    assert!(!c.has_errors(), "{}", render::plain(&c.sources, &first));
}

#[test]
fn two_megabytes_of_declarations() {
    use std::fmt::Write;
    let mut text = String::from(BIG_HEADER);
    let mut i = 0;
    while text.len() < 2 << 20 {
        let (a, b) = (i / 256 % 256, i % 256);
        let _ = write!(
            text,
            "// block {i}\nprincipal p{i} {{\n  k8s service_account \"sa-{i}\" in \"ns\"\n}}\n\
             network n{i} for aws {{\n  cidr 10.{a}.{b}.0/24\n  \
             subnet s 10.{a}.{b}.0/25 zone \"a\" public 10.{a}.{b}.128/25\n}}\n\
             store s{i}: bucket {{ name \"big-{i}\" }}\nengine e{i}: eks import on n{i}\n",
        );
        i += 1;
    }
    let c = big("2 MB", &text);
    assert_clean(&c);
    // The editor's index and outline of it.
    let a = Analysis::new(c, Options::default());
    let file = a.comp.files[0].0;
    assert!(a.symbols(file).len() > 4 * i);
    let _ = a.hover(file, text.len() / 2);
}

#[test]
fn fifty_thousand_subnets() {
    let mut text = String::from(BIG_HEADER);
    // 13 networks of 4,096 /28 subnets (a VPC is at most a /16).
    for i in 0..50_000 {
        let (net, k) = (i / 4096, i % 4096);
        if k == 0 {
            if i > 0 {
                text.push_str("}\n");
            }
            text.push_str(&format!("network n{net} {{\n  cidr 10.{net}.0.0/16\n"));
        }
        text.push_str(&format!(
            "  subnet s{k} 10.{net}.{}.{}/28 zone \"z{}\"\n",
            k / 16,
            k % 16 * 16,
            k % 3
        ));
    }
    text.push_str("}\n");
    assert_clean(&big("50,000 subnets", &text));
    // Overlapping ones: each is reported.
    let overlapping = text.replace("/28 zone", "/27 zone");
    let c = big("50,000 subnets, overlapping", &overlapping);
    assert!(c.diagnostics.len() > 10_000);
}

#[test]
fn ten_thousand_access_levels() {
    let text = format!("{BIG_HEADER}{}", generate::access_levels(10_000));
    assert_clean(&big("10,000 access levels", &text));
}

#[test]
fn thousands_of_problems() {
    // Each part was quadratic: syntax errors (pest scanned the rest of the file for
    // each), unknown names ("did you mean" compared each with every declared name), and
    // one statement of thousands of actions (split into policies by cloning it whole
    // for each action).
    let mut text = String::from(BIG_HEADER);
    for i in 0..4_000 {
        text.push_str(&format!("access broken{i} for vendor {{\n"));
    }
    for i in 0..4_000 {
        text.push_str(&format!(
            "access a{i} for vendor scoped {{\n  within w{i}\n  read store d{i}\n}}\n"
        ));
    }
    text.push_str("access many for vendor unscoped \"r\" {\n  aws allow [\n");
    for i in 0..4_000 {
        text.push_str(&format!("    \"s3:Get{i}\",\n"));
    }
    text.push_str("  ] on \"*\"\n}\n");
    let c = big("thousands of problems", &text);
    assert!(c.diagnostics.len() >= 16_000);
}

#[test]
fn language_server_on_large_files() {
    // Positions were found by reading the file from its start for each diagnostic,
    // symbol or completion, and a column by reading its line from the start: a
    // megabyte on one line took minutes to publish.
    let one_line: String = (0..6_000)
        .map(|i| format!("principal p{i} {{ k8s service_account \"sa\" in \"ns\" }} "))
        .collect();
    let many_lines: String = (0..5_000)
        .map(|i| {
            format!("principal p{i} {{\n  k8s service_account \"sa\" in \"ns\"\n}}\naccess a{i} for vendor scoped {{\n  read store nope{i}\n}}\n")
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let mut c = Lsp::start();
    for (name, body) in [("one-line.eng", one_line), ("many-lines.eng", many_lines)] {
        let text = format!("{BIG_HEADER}{body}");
        let uri = engc::lsp::convert::path_to_uri(&dir.path().join(name));
        let doc = json!({"uri": uri});
        let t = std::time::Instant::now();
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "eng", "version": 1, "text": text}}),
        );
        let last = json!({"line": text.lines().count() - 1, "character": 5000});
        for (m, params) in [
            (
                "textDocument/hover",
                json!({"textDocument": doc, "position": last}),
            ),
            ("textDocument/documentSymbol", json!({"textDocument": doc})),
            (
                "textDocument/codeAction",
                json!({"textDocument": doc, "context": {"diagnostics": []},
                       "range": {"start": {"line": 0, "character": 0}, "end": last}}),
            ),
            (
                "textDocument/completion",
                json!({"textDocument": doc, "position": last}),
            ),
            (
                "textDocument/formatting",
                json!({"textDocument": doc, "options": {"tabSize": 2, "insertSpaces": true}}),
            ),
        ] {
            c.request(m, params, name);
        }
        eprintln!("{name}: {} bytes, {:.2?}", text.len(), t.elapsed());
    }
    let failures = c.shutdown();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
