//! Latency of the language server: the time from a `textDocument/didChange` to the
//! `textDocument/publishDiagnostics` for that version, on each example and on a
//! generated 5,000-line deployment.
//!
//! Two ways: in process (the server on a thread, messages on an in-memory channel: the
//! server's own work), and through the `engc lsp` binary over stdio (what an editor
//! sees: JSON encoding and pipes included).
//!
//! Each edit is one keystroke as an editor sends it with incremental sync: a space typed
//! at the start of the middle line (a range and one character), then deleted, in turn.
//!
//! Two more tables time `textDocument/completion` at the end of the middle line, sent
//! after each edit's diagnostics are published (the server may still be freeing the
//! compilation the edit replaced), and the same request again at once: the
//! completion's own work (reading the cursor's context), not the compilation before it.
//!
//! Run with `cargo bench --bench lsp` (add `-- --quick` for fewer rounds, `--rounds=N`
//! for exactly N, `--in-process` to skip the stdio runs, and any other argument to run
//! only the inputs whose name contains it, e.g. `-- generated`). Instructions per edit:
//! run under `valgrind --tool=callgrind` with two `--rounds` and take the difference.

#[path = "../tests/common/generate.rs"]
mod generate;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// A deployment of about `lines` lines: principals, networks, engines, stores and
/// access levels with abstract and explicit grants, all valid.
fn generated(lines: usize) -> String {
    let mut s = String::from(
        "deployment big {\n  clouds      aws, gcp, azure\n  managed_tag \"big.example/managed\" = \"true\"\n  name_prefix \"big\"\n  param external_id, client_id, namespace = \"big\"\n}\n\n",
    );
    let mut i = 0;
    while s.lines().count() < lines {
        let (a, b) = (i / 200, i % 200);
        s.push_str(&format!(
            r#"// Group {i}: one team's slice of the deployment.
principal team{i} {{
  aws   role "arn:aws:iam::111122223333:role/team{i}" external_id "${{external_id}}"
  gcp   service_account "team{i}@${{project_id}}.iam.gserviceaccount.com"
  azure service_principal "${{client_id}}"
  k8s   service_account "team{i}" in "${{namespace}}"
}}

network net{i} {{
  cidr     10.{a}{b}.0.0/16
  subnet a 10.{a}{b}.0.0/20  zone "a" public 10.{a}{b}.128.0/20
  subnet b 10.{a}{b}.16.0/20 zone "b" public 10.{a}{b}.144.0/20
}}

engine cluster{i}: eks create on net{i} {{
  namespace "${{namespace}}"
  components keda, argo_workflows
}}

store data{i}: bucket
store images{i}: registry

access operate{i} for team{i} scoped {{
  read store data{i}, images{i}
  write store data{i}
  manage engine cluster{i}
  k8s role "team{i}-jobs" in "${{namespace}}" {{
    rule groups ["batch"] resources ["jobs"] verbs ["get", "list", "watch"]
  }}
  azure scope "/subscriptions/${{subscription_id}}/resourceGroups/team{i}"
}}

"#,
            a = if a == 0 { String::new() } else { a.to_string() },
        ));
        i += 1;
    }
    s
}

fn uri(path: &Path) -> String {
    engc::lsp::convert::path_to_uri(path)
}

fn did_open(uri: &str, text: &str) -> Notification {
    Notification::new(
        "textDocument/didOpen".into(),
        json!({"textDocument": {"uri": uri, "languageId": "eng", "version": 1, "text": text}}),
    )
}

/// One keystroke at the start of `line`: a space typed (`insert`) or deleted.
fn did_change(uri: &str, version: i32, line: usize, insert: bool) -> Notification {
    let end = if insert { 0 } else { 1 };
    let range =
        json!({"start": {"line": line, "character": 0}, "end": {"line": line, "character": end}});
    let text = if insert { " " } else { "" };
    Notification::new(
        "textDocument/didChange".into(),
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"range": range, "text": text}]}),
    )
}

/// A completion request at `line`, `character`.
fn completion(id: i32, uri: &str, line: usize, character: usize) -> Request {
    Request::new(
        RequestId::from(id),
        "textDocument/completion".into(),
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
    )
}

fn initialize() -> Request {
    Request::new(
        RequestId::from(1),
        "initialize".into(),
        json!({"processId": null, "capabilities": {}}),
    )
}

/// The version a message publishes diagnostics for, if it does so for `uri`.
fn published_version(m: &Value, uri: &str) -> Option<i64> {
    (m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)
        .then(|| m["params"]["version"].as_i64())
        .flatten()
}

trait Transport {
    fn send(&mut self, m: Message);
    fn recv(&mut self) -> Value;
}

struct InProcess {
    conn: Connection,
    server: Option<std::thread::JoinHandle<i32>>,
}

impl InProcess {
    fn start() -> InProcess {
        let (server, client) = Connection::memory();
        let handle = std::thread::spawn(move || engc::lsp::serve(server));
        InProcess {
            conn: client,
            server: Some(handle),
        }
    }
}

impl Transport for InProcess {
    fn send(&mut self, m: Message) {
        self.conn.sender.send(m).unwrap();
    }
    fn recv(&mut self) -> Value {
        let m = self
            .conn
            .receiver
            .recv_timeout(Duration::from_secs(120))
            .unwrap();
        serde_json::to_value(m).unwrap()
    }
}

impl Drop for InProcess {
    fn drop(&mut self) {
        self.send(Request::new(RequestId::from(999_999), "shutdown".into(), Value::Null).into());
        self.send(Notification::new("exit".into(), Value::Null).into());
        if let Some(h) = self.server.take() {
            let _ = h.join();
        }
    }
}

struct Stdio_ {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Stdio_ {
    fn start() -> Stdio_ {
        let mut child = Command::new(env!("CARGO_BIN_EXE_engc"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("run engc lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Stdio_ {
            child,
            stdin,
            stdout,
        }
    }
}

impl Transport for Stdio_ {
    fn send(&mut self, m: Message) {
        m.write(&mut self.stdin).unwrap();
    }
    fn recv(&mut self) -> Value {
        generate::read_lsp_message(&mut self.stdout)
    }
}

impl Drop for Stdio_ {
    fn drop(&mut self) {
        self.send(Request::new(RequestId::from(999_999), "shutdown".into(), Value::Null).into());
        self.send(Notification::new("exit".into(), Value::Null).into());
        let _ = self.stdin.flush();
        let _ = self.child.wait();
    }
}

/// Per-change latencies: open, then `rounds` keystrokes in the middle line, each timed
/// until its diagnostics are published; and after each, a completion at the end of that
/// line, timed until its answer.
fn measure(t: &mut dyn Transport, path: &Path, text: &str, rounds: usize) -> [Vec<Duration>; 3] {
    let uri = uri(path);
    t.send(initialize().into());
    loop {
        if t.recv()["id"] == 1 {
            break;
        }
    }
    t.send(Notification::new("initialized".into(), json!({})).into());
    t.send(did_open(&uri, text).into());
    while published_version(&t.recv(), &uri) != Some(1) {}
    let mut out = Vec::with_capacity(rounds);
    let mut completions = Vec::with_capacity(rounds);
    let mut again = Vec::with_capacity(rounds);
    let line = text.lines().count() / 2;
    let line_len: usize = text
        .lines()
        .nth(line)
        .map_or(0, |l| l.encode_utf16().count());
    for r in 0..rounds {
        let version = r as i32 + 2;
        let start = Instant::now();
        t.send(did_change(&uri, version, line, r % 2 == 0).into());
        while published_version(&t.recv(), &uri) != Some(version as i64) {}
        out.push(start.elapsed());
        // The space typed at the line's start is there after an odd number of edits.
        for (k, times) in [&mut completions, &mut again].into_iter().enumerate() {
            let id = 10_000 + 2 * r as i32 + k as i32;
            let start = Instant::now();
            t.send(completion(id, &uri, line, line_len + usize::from(r % 2 == 0)).into());
            while t.recv()["id"] != id {}
            times.push(start.elapsed());
        }
    }
    [out, completions, again]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn header(title: &str) {
    println!("{title}\n");
    println!(
        "| {:<24} | {:>6} | {:<10} | {:>7} | {:>7} | {:>7} | {:>7} |",
        "input", "lines", "transport", "min", "median", "p95", "max"
    );
    println!(
        "|{:-<26}|{:->8}|{:-<12}|{:->9}|{:->9}|{:->9}|{:->9}|",
        "", "", "", "", "", "", ""
    );
}

fn row(name: &str, lines: usize, how: &str, mut v: Vec<Duration>) {
    v.sort();
    let p = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    println!(
        "| {name:<24} | {lines:>6} | {how:<10} | {:>7} | {:>7} | {:>7} | {:>7} |",
        ms(v[0]),
        ms(p(0.5)),
        ms(p(0.95)),
        ms(*v.last().unwrap())
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let in_process_only = args.iter().any(|a| a == "--in-process");
    let fixed_rounds: Option<usize> = args
        .iter()
        .find_map(|a| a.strip_prefix("--rounds=")?.parse().ok());
    // `cargo bench` passes `--bench`; other words choose inputs by name.
    let only: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let mut inputs: Vec<(String, PathBuf, String)> = Vec::new();
    for p in generate::example_paths() {
        let text = std::fs::read_to_string(&p).unwrap();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        inputs.push((name, p, text));
    }
    let dir = std::env::temp_dir().join(format!("engc-lsp-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let big = generated(5000);
    let big_path = dir.join("generated.eng");
    std::fs::write(&big_path, &big).unwrap();
    // The generated deployment must be clean, or the figure measures error reporting.
    let c = engc::compile_str("generated.eng", &big, &engc::Options::default());
    let errors: Vec<_> = c.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(
        errors.is_empty(),
        "the generated deployment has errors: {:?}",
        &errors[..errors.len().min(3)]
    );
    inputs.push(("generated (5,000 lines)".into(), big_path, big));

    let mut completion_rows = Vec::new();
    let mut again_rows = Vec::new();
    header("didChange -> publishDiagnostics, milliseconds");
    for (name, path, text) in &inputs {
        if !only.is_empty() && !only.iter().any(|o| name.contains(o.as_str())) {
            continue;
        }
        let lines = text.lines().count();
        let rounds = fixed_rounds.unwrap_or(match (quick, lines > 1000) {
            (true, true) => 5,
            (true, false) => 10,
            (false, true) => 20,
            (false, false) => 50,
        });
        let [v, c, a] = measure(&mut InProcess::start(), path, text, rounds);
        row(name, lines, "in process", v);
        completion_rows.push((name.clone(), lines, "in process", c));
        again_rows.push((name.clone(), lines, "in process", a));
        if in_process_only {
            continue;
        }
        let [v, c, a] = measure(&mut Stdio_::start(), path, text, rounds);
        row(name, lines, "stdio", v);
        completion_rows.push((name.clone(), lines, "stdio", c));
        again_rows.push((name.clone(), lines, "stdio", a));
    }
    println!();
    header("completion at the end of the edited line (after its diagnostics), milliseconds");
    for (name, lines, how, c) in completion_rows {
        row(&name, lines, how, c);
    }
    println!();
    header("the same completion again at once, milliseconds");
    for (name, lines, how, c) in again_rows {
        row(&name, lines, how, c);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
