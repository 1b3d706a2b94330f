//! Splitting a level's statements into managed policies that fit the size limit,
//! keeping the exact set of grants.

use super::*;

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
