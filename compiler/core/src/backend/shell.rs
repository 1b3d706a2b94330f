//! POSIX shell scripts (`assign.sh`, `bindings.sh`): the commands a customer would
//! type. Literal values are single-quoted; a placeholder becomes a double-quoted
//! variable (`"${client_id}"`), read from the environment, and `set -u` stops the
//! script when it is unset.

use super::template::{parts, Part};

/// `s` as one shell word: `'text'` and `"${name}"` side by side.
pub fn quote(s: &str) -> String {
    let parts = parts(s);
    if parts.is_empty() {
        return "''".into();
    }
    // Written into one string (a script quotes tens of thousands of words).
    let mut out = String::with_capacity(s.len() + 8);
    for p in parts {
        match p {
            // In single quotes nothing is special but `'` itself: close, escape, reopen.
            Part::Text(t) => {
                out.push('\'');
                for (i, piece) in t.split('\'').enumerate() {
                    if i > 0 {
                        out.push_str(r"'\''");
                    }
                    out.push_str(piece);
                }
                out.push('\'');
            }
            // Another tool's reference stays text: the shell does not know it.
            Part::External(n) => {
                out.push_str("'${");
                out.push_str(n);
                out.push_str("}'");
            }
            Part::Param(n) => {
                out.push_str("\"${");
                out.push_str(&variable(n));
                out.push_str("}\"");
            }
        }
    }
    out
}

/// The environment variable a parameter is read from: its name, with `-` (which a
/// shell variable cannot hold) written `_`.
pub fn variable(name: &str) -> String {
    name.replace('-', "_")
}

/// A script: the header, then each command (its first word, then one argument per
/// continued line). It runs from the output folder, so that paths such as
/// `azure/operate.role.json` name the files beside it.
pub fn script(what: &str, commands: &[Vec<String>]) -> String {
    let mut out = String::from("#!/bin/sh\n");
    out.push_str(&format!("# {what}.\n"));
    out.push_str(
        "# Written by engc. Parameters left without a value are read from the environment\n\
         # (`export NAME=VALUE`, `-` in a name written `_`); `set -u` stops the script when\n\
         # one is unset.\n",
    );
    out.push_str("set -eu\ncd \"$(dirname \"$0\")/..\"\n");
    for words in commands {
        out.push_str(&words.join(" \\\n  "));
        out.push('\n');
    }
    out
}

/// The end marker of the here-documents; no line of a JSON document is only this.
const END: &str = "ENGC_DOCUMENT";

/// `text` as the body of an unquoted here-document: `\`, `$` and `` ` `` escaped,
/// placeholders as variables the shell fills in.
fn heredoc_body(text: &str) -> String {
    let mut body = String::new();
    for p in parts(text) {
        let external;
        let p = match p {
            Part::External(n) => {
                external = format!("${{{n}}}");
                Part::Text(&external)
            }
            p => p,
        };
        match p {
            Part::External(_) => unreachable!("made text above"),
            Part::Text(t) => {
                for c in t.chars() {
                    if matches!(c, '\\' | '$' | '`') {
                        body.push('\\');
                    }
                    body.push(c);
                }
            }
            Part::Param(n) => body.push_str(&format!("${{{}}}", variable(n))),
        }
    }
    if !body.ends_with('\n') {
        body.push('\n');
    }
    body
}

/// `text` as one argument, with its placeholders filled from the environment:
/// `"$(cat <<ENGC_DOCUMENT ... )"`.
pub fn inline(text: &str) -> String {
    format!("\"$(cat <<{END}\n{}{END}\n)\"", heredoc_body(text))
}

/// `text` on standard input (`<<ENGC_DOCUMENT ...`), with its placeholders filled from
/// the environment, for a command that reads a file (`--file=/dev/stdin`).
pub fn stdin(text: &str) -> String {
    format!("<<{END}\n{}{END}", heredoc_body(text))
}

/// `--flag=VALUE` with the value quoted.
pub fn flag(name: &str, value: &str) -> String {
    format!("--{name}={}", quote(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote("plain"), "'plain'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("$(rm -rf /)`x`"), "'$(rm -rf /)`x`'");
        assert_eq!(
            quote("/subscriptions/${subscription_id}/resourceGroups/shop"),
            "'/subscriptions/'\"${subscription_id}\"'/resourceGroups/shop'"
        );
        assert_eq!(quote("${client_id}"), "\"${client_id}\"");
        assert_eq!(quote("${log-group}"), "\"${log_group}\"");
        // IAM's variables are text, never expanded by the shell.
        assert_eq!(quote("${aws:username}"), "'${aws:username}'");
    }

    #[test]
    fn here_documents_fill_placeholders_and_nothing_else() {
        let text = "{\"a\": \"$HOME `id` \\\\ ${aws:username}\", \"s\": \"/subscriptions/${subscription_id}\"}\n";
        let script = format!("subscription_id=S; printf '%s' {}", inline(text));
        let Ok(out) = std::process::Command::new("sh")
            .arg("-c")
            .arg(&script)
            .output()
        else {
            return;
        };
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "{\"a\": \"$HOME `id` \\\\ ${aws:username}\", \"s\": \"/subscriptions/S\"}"
        );
    }

    #[test]
    fn quoted_words_survive_a_real_shell() {
        let Ok(out) = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "x=X; printf '%s\\n' {} {} {}",
                quote("it's $HOME `id`"),
                quote("a${x}b"),
                quote("${aws:username}")
            ))
            .output()
        else {
            return; // no shell here
        };
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "it's $HOME `id`\naXb\n${aws:username}\n"
        );
    }
}
