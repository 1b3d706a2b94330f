//! Splitting a level's statements into managed policies that fit the size limit,
//! keeping the exact set of grants.

use super::*;

/// The size of one statement as it appears inside a policy: the characters other than
/// white space of its compact JSON (as [`policy_size`] counts), added up from the
/// lengths of its strings as JSON writes them rather than by writing it (the splitter
/// measures every statement, and every candidate chunk of a large one). Keys in
/// [`StatementJson`]'s order; `serialized_size` is the check.
pub(super) fn statement_size(st: &AwsStatement) -> usize {
    // `"Name":` and the comma before every field but the first.
    let field = |name: &str| name.len() + 4;
    // A list of one is written as its string.
    let list = |l: &[String]| match l {
        [one] => json_text_size(one),
        many => {
            2 + many.len().saturating_sub(1) + many.iter().map(|s| json_text_size(s)).sum::<usize>()
        }
    };
    // The braces, less the comma the first field does not have.
    let mut n = 1;
    if let Some(sid) = &st.sid {
        n += field("Sid") + json_text_size(sid);
    }
    n += field("Effect")
        + match st.effect {
            Effect::Allow => json_text_size("Allow"),
            Effect::Deny => json_text_size("Deny"),
        };
    n += field(if st.not_action { "NotAction" } else { "Action" }) + list(&st.actions);
    n += field(if st.not_resource {
        "NotResource"
    } else {
        "Resource"
    }) + list(&st.resources);
    if !st.conditions.is_empty() {
        n += field("Condition") + 2 + (st.conditions.len() - 1);
        for (op, keys) in &st.conditions {
            // `"op":{...}` with its keys, each `"key":value`, comma-separated.
            n += json_text_size(op) + 3 + keys.len().saturating_sub(1);
            for (key, values) in keys {
                n += json_text_size(key) + 1 + list(values);
            }
        }
    }
    n
}

/// The characters [`statement_size`] counts of `s` written as a JSON string by serde_json:
/// its quotes, `\"` and `\\` and the short escapes (`\n`...) two each, other control
/// characters six (`\u00XX`), a space none (white space), any other character one.
pub(super) fn json_text_size(s: &str) -> usize {
    const fn widths() -> [u8; 256] {
        let mut w = [1u8; 256];
        let mut b = 0;
        while b < 0x20 {
            w[b] = 6;
            b += 1;
        }
        w[0x08] = 2;
        w[0x09] = 2;
        w[0x0A] = 2;
        w[0x0C] = 2;
        w[0x0D] = 2;
        w[b' ' as usize] = 0;
        w[b'"' as usize] = 2;
        w[b'\\' as usize] = 2;
        // A byte that continues a UTF-8 sequence: its character is counted once.
        let mut c = 0x80;
        while c < 0xC0 {
            w[c] = 0;
            c += 1;
        }
        w
    }
    const WIDTHS: [u8; 256] = widths();
    2 + s
        .bytes()
        .map(|b| usize::from(WIDTHS[usize::from(b)]))
        .sum::<usize>()
}

/// [`statement_size`] by serializing, as the policy is written.
#[cfg(test)]
pub(super) fn serialized_size(st: &AwsStatement) -> usize {
    let mut count = Counter(0);
    serde_json::to_writer(&mut count, &StatementJson::new(st, Dialect::Plain))
        .expect("backend structs always serialize");
    count.0
}

/// Counts what [`policy_size`] counts (characters other than white space) of the
/// compact JSON written to it, without keeping the text: [`serialized_size`]'s.
#[cfg(test)]
pub(super) struct Counter(usize);

#[cfg(test)]
impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // A character is a byte that does not continue a UTF-8 sequence.
        self.0 += buf
            .iter()
            .filter(|b| (**b & 0xC0) != 0x80 && !b.is_ascii_whitespace())
            .count();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The size of a policy with no statements: `{"Version":"2012-10-17","Statement":[]}`.
pub(super) fn empty_policy_size() -> usize {
    static SIZE: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *SIZE.get_or_init(|| policy_size(&to_compact_json(&PolicyDocument::new(&[]))))
}

/// At least [`statement_size`], found without serializing: every string at most six
/// characters a byte (a control character is written `\u00XX`) plus its quotes and
/// comma, and every field name and bracket counted generously. Most statements are far
/// below the limit, and this settles them without a byte-by-byte pass.
pub(super) fn size_bound(st: &AwsStatement) -> usize {
    let text = |s: &String| 6 * s.len() + 3;
    // `{"Sid":,"Effect":"Allow","NotAction":[],"NotResource":[],"Condition":{}}`: 73.
    let mut n = 80 + st.sid.as_ref().map_or(0, text);
    n += st
        .actions
        .iter()
        .chain(&st.resources)
        .map(text)
        .sum::<usize>();
    for (op, keys) in &st.conditions {
        n += text(op) + 3;
        for (key, values) in keys {
            n += text(key) + 3 + values.iter().map(text).sum::<usize>();
        }
    }
    n
}

/// Whether a managed policy holding `st` alone stays within the size limit (the size
/// check's common case, decided without building the document).
pub fn fits_alone(st: &AwsStatement) -> bool {
    let header = empty_policy_size();
    header + size_bound(st) <= MANAGED_POLICY_SIZE_LIMIT
        || header + statement_size(st) <= MANAGED_POLICY_SIZE_LIMIT
}

/// Splits `statements` into policies of at most `limit` characters (white space
/// excluded), keeping their order: statements are packed greedily into a policy until the
/// next one would not fit. A statement too large on its own is first cut into several
/// statements by chunks of its `Action` list (each chunk keeps the resources and
/// conditions), and a single action still too large by chunks of its `Resource` list;
/// the pieces' Sids get a numeric suffix (`Sid`, `Sid2`, `Sid3`...). `NotAction` and
/// `NotResource` lists are never cut (that would change what the statement means), so a
/// part may still exceed `limit`: the size check reports it.
///
/// Empty input gives no policy.
pub fn split_policy(statements: &[AwsStatement], limit: usize) -> Vec<Vec<AwsStatement>> {
    let header = empty_policy_size();
    let budget = limit.saturating_sub(header);
    let mut parts = Vec::new();
    let mut current: Vec<AwsStatement> = Vec::new();
    let mut current_size = header;
    // Sids already in use, so that the pieces of a split statement get fresh ones.
    let mut taken: std::collections::BTreeSet<String> =
        statements.iter().filter_map(|s| s.sid.clone()).collect();
    for st in statements {
        for piece in split_statement(st, budget, &mut taken) {
            let size = statement_size(&piece);
            let separator = usize::from(!current.is_empty());
            if !current.is_empty() && current_size + separator + size > limit {
                parts.push(std::mem::take(&mut current));
                current_size = header;
            }
            current_size += usize::from(!current.is_empty()) + size;
            current.push(piece);
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// Cuts one statement so that each piece is at most `budget` characters when it can.
/// How many policies [`split_policy`] makes of `statements`, measured without building
/// them where no statement needs cutting.
pub fn policy_count(statements: &[AwsStatement], limit: usize) -> usize {
    let header = empty_policy_size();
    // All in one policy by the bound (commas between statements included).
    if !statements.is_empty()
        && header + statements.iter().map(|s| size_bound(s) + 1).sum::<usize>() <= limit
    {
        return 1;
    }
    let sizes: Vec<usize> = statements.iter().map(statement_size).collect();
    if sizes.iter().any(|s| *s > limit.saturating_sub(header)) {
        return split_policy(statements, limit).len();
    }
    let (mut parts, mut current) = (0, None::<usize>);
    for size in sizes {
        current = match current {
            Some(c) if c + 1 + size <= limit => Some(c + 1 + size),
            Some(_) | None => {
                parts += 1;
                Some(header + size)
            }
        };
    }
    parts
}

pub(super) fn split_statement(
    st: &AwsStatement,
    budget: usize,
    taken: &mut std::collections::BTreeSet<String>,
) -> Vec<AwsStatement> {
    if statement_size(st) <= budget {
        return vec![st.clone()];
    }
    // Room for the Sid suffix: never more pieces than actions x resources.
    let reserve = match st.sid {
        Some(_) => decimal_digits(st.actions.len().max(1) * st.resources.len().max(1)),
        None => 0,
    };
    let inner = budget.saturating_sub(reserve);
    let mut pieces = Vec::new();
    if !st.not_action && st.actions.len() > 1 {
        // Cloned once: cloning `st` for each candidate chunk copied the whole action
        // list every time, quadratic in its length.
        let rest = AwsStatement {
            actions: Vec::new(),
            ..st.clone()
        };
        for chunk in chunk_list(&st.actions, inner, |actions| AwsStatement {
            actions: actions.to_vec(),
            ..rest.clone()
        }) {
            if statement_size(&chunk) > inner {
                pieces.extend(split_by_resources(&chunk, inner));
            } else {
                pieces.push(chunk);
            }
        }
    } else {
        pieces = split_by_resources(st, inner);
    }
    if pieces.len() > 1 {
        if let Some(sid) = &st.sid {
            let mut n = 1;
            for piece in pieces.iter_mut().skip(1) {
                // `Sid2`, `Sid3`... skipping any Sid another statement already has.
                let fresh = loop {
                    n += 1;
                    let candidate = format!("{sid}{n}");
                    if !taken.contains(&candidate) {
                        break candidate;
                    }
                };
                taken.insert(fresh.clone());
                piece.sid = Some(fresh);
            }
        }
    }
    pieces
}

pub(super) fn split_by_resources(st: &AwsStatement, budget: usize) -> Vec<AwsStatement> {
    if st.not_resource || st.resources.len() <= 1 {
        return vec![st.clone()];
    }
    // Cloned once, as in `split_statement`.
    let rest = AwsStatement {
        resources: Vec::new(),
        ..st.clone()
    };
    chunk_list(&st.resources, budget, |resources| AwsStatement {
        resources: resources.to_vec(),
        ..rest.clone()
    })
}

/// Greedy, in order: each chunk takes items while the statement `make` builds from it
/// stays within `budget` (a single item too large is a chunk of its own).
pub(super) fn chunk_list(
    items: &[String],
    budget: usize,
    make: impl Fn(&[String]) -> AwsStatement,
) -> Vec<AwsStatement> {
    let mut chunks = Vec::new();
    let mut start = 0;
    for end in 1..=items.len() {
        if end - start > 1 && statement_size(&make(&items[start..end])) > budget {
            chunks.push(make(&items[start..end - 1]));
            start = end - 1;
        }
    }
    if start < items.len() {
        chunks.push(make(&items[start..]));
    }
    chunks
}

pub(super) fn decimal_digits(n: usize) -> usize {
    n.to_string().len()
}
