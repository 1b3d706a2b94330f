//! The lexical rules (names, strings, address blocks, codes, lists) and the atomic
//! word rules (`cloud`, `level`, `protocol`...): each a run of bytes, with a pair.

use super::{Rule, P};

/// `ident_char = _{ ASCII_ALPHANUMERIC | "_" | "-" }`
pub(super) fn ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

impl P<'_> {
    /// Moves over the bytes that `ok` accepts; how many.
    fn run(&mut self, ok: impl Fn(u8) -> bool) -> usize {
        let n = self.b[self.pos..].iter().take_while(|&&c| ok(c)).count();
        self.pos += n;
        n
    }

    /// `(ASCII_ALPHA | "_") ~ ident_char*`, without a pair.
    fn ident_text(&mut self) -> bool {
        if !self
            .peek()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        {
            return false;
        }
        self.pos += 1;
        self.run(ident_char);
        true
    }

    pub(super) fn ident(&mut self) -> bool {
        self.rule(Rule::ident, |p| p.ident_text())
    }

    /// `string = ${ "\"" ~ string_inner ~ "\"" }`. (Its `string_inner` pair is
    /// inside the string's token: the tree has no node for it, so it is left out.)
    pub(super) fn string(&mut self) -> bool {
        self.rule(Rule::string, |p| {
            p.lit(b"\"") && p.string_inner() && p.lit(b"\"")
        })
    }

    /// `(!("\"" | "\\" | "\n") ~ ANY | "\\" ~ ("\"" | "\\" | "n" | "t"))*`
    fn string_inner(&mut self) -> bool {
        loop {
            match self.peek() {
                None | Some(b'"' | b'\n') => return true,
                Some(b'\\') => match self.b.get(self.pos + 1) {
                    Some(b'"' | b'\\' | b'n' | b't') => self.pos += 2,
                    _ => return true,
                },
                Some(_) => self.pos += 1,
            }
        }
    }

    /// `cidr = @{ (ASCII_HEX_DIGIT | "." | ":")+ ~ "/" ~ ASCII_DIGIT+ }`
    pub(super) fn cidr(&mut self) -> bool {
        self.rule(Rule::cidr, |p| {
            p.run(|c| c.is_ascii_hexdigit() || c == b'.' || c == b':') > 0
                && p.lit(b"/")
                && p.run(|c| c.is_ascii_digit()) > 0
        })
    }

    /// `code = @{ ("E" | "W") ~ ASCII_DIGIT{4} }`
    pub(super) fn code(&mut self) -> bool {
        self.rule(Rule::code, |p| {
            let b = &p.b[p.pos..];
            let ok = b.len() >= 5
                && matches!(b[0], b'E' | b'W')
                && b[1..5].iter().all(u8::is_ascii_digit);
            if ok {
                p.pos += 5;
            }
            ok
        })
    }

    /// `string_list = { "[" ~ (string ~ ("," ~ string)* ~ ","?)? ~ "]" }`
    pub(super) fn string_list(&mut self) -> bool {
        self.rule(Rule::string_list, |p| {
            p.lit(b"[")
                && p.skip()
                && p.opt(|p| {
                    p.string()
                        && p.skip()
                        && p.rep(|p| p.lit(b",") && p.skip() && p.string())
                        && p.skip()
                        && p.opt(|p| p.lit(b","))
                })
                && p.skip()
                && p.lit(b"]")
        })
    }

    /// `strings = _{ string_list | string }`
    pub(super) fn strings(&mut self) -> bool {
        self.string_list() || self.string()
    }

    /// `names = { ident ~ ("," ~ ident)* }`
    pub(super) fn names(&mut self) -> bool {
        self.rule(Rule::names, |p| {
            p.ident() && p.skip() && p.rep(|p| p.lit(b",") && p.skip() && p.ident())
        })
    }

    /// `external_ref = @{ ident ~ ("." ~ ident_char+)+ }`
    pub(super) fn external_ref(&mut self) -> bool {
        self.rule(Rule::external_ref, |p| {
            let part = |p: &mut Self| p.seq(|p| p.lit(b".") && p.run(ident_char) > 0);
            p.ident_text() && part(p) && {
                while part(p) {}
                true
            }
        })
    }

    /// `operator = @{ ASCII_ALPHA ~ (ASCII_ALPHANUMERIC | ":")* }`
    pub(super) fn operator(&mut self) -> bool {
        self.rule(Rule::operator, |p| {
            p.peek().is_some_and(|c| c.is_ascii_alphabetic()) && {
                p.pos += 1;
                p.run(|c| c.is_ascii_alphanumeric() || c == b':');
                true
            }
        })
    }

    /// `port = @{ ASCII_DIGIT+ ~ ("-" ~ ASCII_DIGIT+)? ~ !ident_char }`
    pub(super) fn port(&mut self) -> bool {
        self.rule(Rule::port, |p| {
            p.run(|c| c.is_ascii_digit()) > 0
                && p.opt(|p| p.lit(b"-") && p.run(|c| c.is_ascii_digit()) > 0)
                && p.boundary()
        })
    }

    /// `guard_op = @{ "!=" | "=" }`
    pub(super) fn guard_op(&mut self) -> bool {
        self.rule(Rule::guard_op, |p| p.lit(b"!=") || p.lit(b"="))
    }

    pub(super) fn cloud(&mut self) -> bool {
        self.rule(Rule::cloud, |p| p.one_of(&[b"aws", b"gcp", b"azure"]))
    }

    pub(super) fn cloud_or_k8s(&mut self) -> bool {
        self.rule(Rule::cloud_or_k8s, |p| {
            p.one_of(&[b"aws", b"gcp", b"azure"])
        })
    }

    pub(super) fn trust_kind(&mut self) -> bool {
        let kinds: [&[u8]; 5] = [b"account", b"role", b"service", b"federated", b"oidc"];
        self.rule(Rule::trust_kind, |p| p.one_of(&kinds))
    }

    pub(super) fn direction(&mut self) -> bool {
        self.rule(Rule::direction, |p| p.one_of(&[b"ingress", b"egress"]))
    }

    pub(super) fn protocol(&mut self) -> bool {
        self.rule(Rule::protocol, |p| {
            p.one_of(&[b"tcp", b"udp", b"icmp", b"all"])
        })
    }

    pub(super) fn engine_mode(&mut self) -> bool {
        self.rule(Rule::engine_mode, |p| p.one_of(&[b"create", b"import"]))
    }

    pub(super) fn scope_tag(&mut self) -> bool {
        self.rule(Rule::scope_tag, |p| p.word(b"tag"))
    }

    pub(super) fn scope_name(&mut self) -> bool {
        self.rule(Rule::scope_name, |p| p.word(b"name"))
    }

    pub(super) fn scoped(&mut self) -> bool {
        self.rule(Rule::scoped, |p| p.word(b"scoped"))
    }

    pub(super) fn level(&mut self) -> bool {
        let levels: [&[u8]; 6] = [
            b"list",
            b"read",
            b"write",
            b"tag",
            b"permissions",
            b"manage",
        ];
        self.rule(Rule::level, |p| p.one_of(&levels))
    }

    pub(super) fn target_kind(&mut self) -> bool {
        self.rule(Rule::target_kind, |p| p.one_of(&[b"engine", b"store"]))
    }

    pub(super) fn effect(&mut self) -> bool {
        self.rule(Rule::effect, |p| p.one_of(&[b"allow", b"deny"]))
    }

    pub(super) fn tag_condition(&mut self) -> bool {
        self.rule(Rule::tag_condition, |p| p.word(b"tag"))
    }

    pub(super) fn request_tag_condition(&mut self) -> bool {
        self.rule(Rule::request_tag_condition, |p| p.word(b"request_tag"))
    }

    pub(super) fn gcp_bind_target(&mut self) -> bool {
        let targets: [&[u8]; 5] = [
            b"bucket",
            b"service_account",
            b"project",
            b"folder",
            b"organization",
        ];
        self.rule(Rule::gcp_bind_target, |p| p.one_of(&targets))
    }

    pub(super) fn azure_field(&mut self) -> bool {
        let fields: [&[u8]; 4] = [
            b"not_data_actions",
            b"data_actions",
            b"not_actions",
            b"actions",
        ];
        self.rule(Rule::azure_field, |p| p.one_of(&fields))
    }

    pub(super) fn rule_field(&mut self) -> bool {
        let fields: [&[u8]; 5] = [b"groups", b"resources", b"verbs", b"names", b"urls"];
        self.rule(Rule::rule_field, |p| p.one_of(&fields))
    }

    pub(super) fn bind_role_kind(&mut self) -> bool {
        self.rule(Rule::bind_role_kind, |p| {
            p.one_of(&[b"cluster_role", b"role"])
        })
    }

    pub(super) fn resource_scope(&mut self) -> bool {
        self.rule(Rule::resource_scope, |p| {
            p.one_of(&[b"cluster", b"namespaced"])
        })
    }
}
