//! The feature requests: hover, definition, references, highlights, completion, code
//! actions, document symbols, formatting and rename, each answered from `engc_ide` and
//! converted to the protocol's types.

use super::{to_value, Fail, Reply, Root, Server};
use crate::lsp::convert::{self, LineIndex};
use engc_core::source::{FileId, Span};
use engc_ide::{self as ide, CompletionKind, SymbolKind};
use lsp_server::ErrorCode;
use lsp_types as lt;
use serde_json::Value;
use std::collections::HashMap;

impl Server {
    pub(super) fn hover(&self, p: lt::HoverParams) -> Reply {
        let pp = p.text_document_position_params;
        let Some((r, file)) = self.find(pp.text_document.uri.as_str()) else {
            return Ok(Value::Null);
        };
        let offset = self.offset(r, file, pp.position);
        // On an access level's or principal's name: what unsaved edits add to it.
        let changes = ide::diff::hover_changes(&r.analysis, file, offset, || {
            super::saved::facts(&r.analysis)
        });
        let h = match (r.analysis.hover(file, offset), changes) {
            (Some(mut h), Some(c)) => {
                h.markdown.push_str("\n\n---\n\n");
                h.markdown.push_str(&c);
                h
            }
            (Some(h), None) => h,
            (None, Some(c)) => ide::Hover {
                span: Span::new(file, offset, offset),
                markdown: c,
            },
            (None, None) => return Ok(Value::Null),
        };
        let contents = if self.caps.markdown {
            lt::MarkupContent {
                kind: lt::MarkupKind::Markdown,
                value: h.markdown,
            }
        } else {
            lt::MarkupContent {
                kind: lt::MarkupKind::PlainText,
                value: h.markdown.replace('`', "").replace("**", ""),
            }
        };
        to_value(lt::Hover {
            contents: lt::HoverContents::Markup(contents),
            range: Some(self.range(r, h.span)),
        })
    }

    pub(super) fn definition(&self, p: lt::GotoDefinitionParams) -> Reply {
        let pp = p.text_document_position_params;
        let Some((r, file)) = self.find(pp.text_document.uri.as_str()) else {
            return Ok(Value::Null);
        };
        let offset = self.offset(r, file, pp.position);
        let spans = r.analysis.definition(file, offset);
        let locs = self.locations(r, spans);
        if locs.is_empty() {
            return Ok(Value::Null);
        }
        to_value(lt::GotoDefinitionResponse::Array(locs))
    }

    pub(super) fn references(&self, p: lt::ReferenceParams) -> Reply {
        let pp = p.text_document_position;
        let Some((r, file)) = self.find(pp.text_document.uri.as_str()) else {
            return Ok(Value::Null);
        };
        let offset = self.offset(r, file, pp.position);
        let spans = r
            .analysis
            .references(file, offset, p.context.include_declaration);
        to_value(self.locations(r, spans))
    }

    pub(super) fn highlights(&self, p: lt::DocumentHighlightParams) -> Reply {
        let pp = p.text_document_position_params;
        let Some((r, file)) = self.find(pp.text_document.uri.as_str()) else {
            return Ok(Value::Null);
        };
        let offset = self.offset(r, file, pp.position);
        let out: Vec<lt::DocumentHighlight> = r
            .analysis
            .highlights(file, offset)
            .into_iter()
            .map(|h| lt::DocumentHighlight {
                range: self.range(r, h.span),
                kind: Some(if h.def {
                    lt::DocumentHighlightKind::WRITE
                } else {
                    lt::DocumentHighlightKind::READ
                }),
            })
            .collect();
        to_value(out)
    }

    pub(super) fn completion(&self, p: lt::CompletionParams) -> Reply {
        let pp = p.text_document_position;
        let Some((r, file)) = self.find(pp.text_document.uri.as_str()) else {
            return Ok(Value::Null);
        };
        let offset = self.offset(r, file, pp.position);
        let items = r.analysis.completions(file, offset);
        let incomplete = items.len() >= 2000;
        let items: Vec<lt::CompletionItem> = items
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let (text, format) = match (&c.snippet, self.caps.snippets) {
                    (Some(s), true) => (s.clone(), lt::InsertTextFormat::SNIPPET),
                    _ => (c.insert.clone(), lt::InsertTextFormat::PLAIN_TEXT),
                };
                lt::CompletionItem {
                    label: c.label.clone(),
                    kind: Some(completion_kind(c.kind)),
                    detail: c.detail.clone(),
                    documentation: c.documentation.clone().map(|d| {
                        lt::Documentation::MarkupContent(lt::MarkupContent {
                            kind: lt::MarkupKind::Markdown,
                            value: d,
                        })
                    }),
                    sort_text: Some(format!("{i:05}")),
                    filter_text: Some(c.insert.clone()),
                    insert_text_format: Some(format),
                    text_edit: Some(lt::CompletionTextEdit::Edit(lt::TextEdit {
                        range: self.range(r, c.replace),
                        new_text: text,
                    })),
                    ..Default::default()
                }
            })
            .collect();
        to_value(lt::CompletionResponse::List(lt::CompletionList {
            is_incomplete: incomplete,
            items,
        }))
    }

    // `WorkspaceEdit` keys its changes by `Uri`, which clippy thinks mutable.
    #[allow(clippy::mutable_key_type)]
    pub(super) fn code_actions(&self, p: lt::CodeActionParams) -> Reply {
        let uri = p.text_document.uri.as_str();
        let Some((r, file)) = self.find(uri) else {
            return Ok(Value::Null);
        };
        let (start, end) = self.line_index(r, file).offsets(p.range, self.encoding);
        let mut out: Vec<lt::CodeActionOrCommand> = Vec::new();
        for a in r.analysis.code_actions(file, start, end) {
            let d = &r.analysis.comp.diagnostics[a.diagnostic];
            let diag = convert::diagnostic(d, &|s| self.range(r, s), &|s| self.location(r, s));
            let mut changes: HashMap<lt::Uri, Vec<lt::TextEdit>> = HashMap::new();
            for e in &a.edits {
                let Some(u) = r.uris.get(&e.span.file).and_then(|u| convert::uri(u)) else {
                    continue;
                };
                changes.entry(u).or_default().push(lt::TextEdit {
                    range: self.range(r, e.span),
                    new_text: e.new_text.clone(),
                });
            }
            out.push(lt::CodeActionOrCommand::CodeAction(lt::CodeAction {
                title: a.title,
                kind: Some(lt::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diag]),
                edit: Some(lt::WorkspaceEdit {
                    changes: Some(changes),
                    ..Default::default()
                }),
                is_preferred: Some(a.preferred),
                ..Default::default()
            }));
        }
        if let Some(action) = self.import_action(r, file, uri, start, end) {
            out.push(action);
        }
        to_value(out)
    }

    /// "Import this document as .eng" on a selected (or pasted) JSON or YAML access
    /// document: the selection is replaced by what `engc import` writes for it.
    #[allow(clippy::mutable_key_type)]
    fn import_action(
        &self,
        r: &Root,
        file: FileId,
        uri: &str,
        start: usize,
        end: usize,
    ) -> Option<lt::CodeActionOrCommand> {
        let text = &r.analysis.comp.sources.get(file).text;
        let selected = text.get(start..end).filter(|s| !s.trim().is_empty())?;
        let has_deployment = [&text[..start], &text[end..]]
            .iter()
            .flat_map(|part| part.lines())
            .any(|l| l.trim_start().starts_with("deployment "));
        let eng = ide::import_action::import_selection(selected, has_deployment)?;
        let span = Span::new(file, start, end);
        let edit = lt::TextEdit {
            range: self.range(r, span),
            new_text: eng,
        };
        let changes = HashMap::from([(convert::uri(uri)?, vec![edit])]);
        Some(lt::CodeActionOrCommand::CodeAction(lt::CodeAction {
            title: "Import this document as .eng (engc import)".into(),
            kind: Some(lt::CodeActionKind::REFACTOR_REWRITE),
            edit: Some(lt::WorkspaceEdit {
                changes: Some(changes),
                ..Default::default()
            }),
            ..Default::default()
        }))
    }

    pub(super) fn document_symbols(&self, p: lt::DocumentSymbolParams) -> Reply {
        let uri = p.text_document.uri;
        let Some((r, file)) = self.find(uri.as_str()) else {
            return Ok(Value::Null);
        };
        let syms = r.analysis.symbols(file);
        if self.caps.hierarchical_symbols {
            fn conv(s: ide::Symbol, f: &dyn Fn(Span) -> lt::Range) -> lt::DocumentSymbol {
                #[allow(deprecated)]
                lt::DocumentSymbol {
                    name: if s.name.is_empty() {
                        "_".into()
                    } else {
                        s.name
                    },
                    detail: s.detail,
                    kind: symbol_kind(s.kind),
                    tags: None,
                    deprecated: None,
                    range: f(s.span),
                    selection_range: f(s.selection),
                    children: Some(s.children.into_iter().map(|c| conv(c, f)).collect()),
                }
            }
            let f = |s: Span| self.range(r, s);
            to_value(lt::DocumentSymbolResponse::Nested(
                syms.into_iter().map(|s| conv(s, &f)).collect(),
            ))
        } else {
            let mut flat = Vec::new();
            fn walk(
                s: ide::Symbol,
                container: Option<String>,
                uri: &lt::Uri,
                f: &dyn Fn(Span) -> lt::Range,
                out: &mut Vec<lt::SymbolInformation>,
            ) {
                #[allow(deprecated)]
                out.push(lt::SymbolInformation {
                    name: s.name.clone(),
                    kind: symbol_kind(s.kind),
                    tags: None,
                    deprecated: None,
                    location: lt::Location::new(uri.clone(), f(s.span)),
                    container_name: container,
                });
                for c in s.children {
                    walk(c, Some(s.name.clone()), uri, f, out);
                }
            }
            let f = |s: Span| self.range(r, s);
            for s in syms {
                walk(s, None, &uri, &f, &mut flat);
            }
            to_value(lt::DocumentSymbolResponse::Flat(flat))
        }
    }

    pub(super) fn formatting(&self, p: lt::DocumentFormattingParams) -> Reply {
        let Some((r, file)) = self.find(p.text_document.uri.as_str()) else {
            return Ok(Value::Null);
        };
        let Some(out) = r.analysis.format(file) else {
            return to_value(Vec::<lt::TextEdit>::new());
        };
        let text = r.analysis.text(file);
        to_value(vec![lt::TextEdit {
            range: LineIndex::new(text).range(0, text.len(), self.encoding),
            new_text: out,
        }])
    }

    pub(super) fn prepare_rename(&self, p: lt::TextDocumentPositionParams) -> Reply {
        let Some((r, file)) = self.find(p.text_document.uri.as_str()) else {
            return Ok(Value::Null);
        };
        let offset = self.offset(r, file, p.position);
        match r.analysis.prepare_rename(file, offset) {
            Ok(span) => to_value(lt::PrepareRenameResponse::Range(self.range(r, span))),
            Err(e) => Err(Fail(ErrorCode::RequestFailed, e)),
        }
    }

    #[allow(clippy::mutable_key_type)]
    pub(super) fn rename(&self, p: lt::RenameParams) -> Reply {
        let pp = p.text_document_position;
        let Some((r, file)) = self.find(pp.text_document.uri.as_str()) else {
            return Ok(Value::Null);
        };
        let offset = self.offset(r, file, pp.position);
        let edits = r
            .analysis
            .rename(file, offset, &p.new_name)
            .map_err(|e| Fail(ErrorCode::RequestFailed, e))?;
        let mut changes: HashMap<lt::Uri, Vec<lt::TextEdit>> = HashMap::new();
        for e in edits {
            let Some(u) = r.uris.get(&e.span.file).and_then(|u| convert::uri(u)) else {
                continue;
            };
            changes.entry(u).or_default().push(lt::TextEdit {
                range: self.range(r, e.span),
                new_text: e.new_text,
            });
        }
        to_value(lt::WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        })
    }
}

fn completion_kind(k: CompletionKind) -> lt::CompletionItemKind {
    use lt::CompletionItemKind as K;
    match k {
        CompletionKind::Keyword => K::KEYWORD,
        CompletionKind::Principal => K::INTERFACE,
        CompletionKind::Network => K::MODULE,
        CompletionKind::Engine => K::CLASS,
        CompletionKind::Store => K::STRUCT,
        CompletionKind::Access => K::VARIABLE,
        CompletionKind::Kind => K::CLASS,
        CompletionKind::Component => K::MODULE,
        CompletionKind::Param => K::VARIABLE,
        CompletionKind::Cloud => K::ENUM_MEMBER,
        CompletionKind::Service => K::MODULE,
        CompletionKind::Action | CompletionKind::Permission | CompletionKind::Operation => {
            K::FUNCTION
        }
        CompletionKind::Group => K::MODULE,
        CompletionKind::Resource => K::FIELD,
        CompletionKind::Verb => K::ENUM_MEMBER,
        CompletionKind::Code => K::CONSTANT,
        CompletionKind::File => K::FILE,
        CompletionKind::ConditionKey => K::PROPERTY,
        CompletionKind::Operator => K::OPERATOR,
        CompletionKind::Value => K::VALUE,
    }
}

pub(super) fn symbol_kind(k: SymbolKind) -> lt::SymbolKind {
    use lt::SymbolKind as K;
    match k {
        SymbolKind::Deployment => K::PACKAGE,
        SymbolKind::Param => K::VARIABLE,
        SymbolKind::Principal => K::INTERFACE,
        SymbolKind::Network => K::MODULE,
        SymbolKind::Subnet => K::FIELD,
        SymbolKind::Engine => K::CLASS,
        SymbolKind::Store => K::STRUCT,
        SymbolKind::Access => K::OBJECT,
        SymbolKind::Group => K::MODULE,
        SymbolKind::Grant => K::PROPERTY,
        SymbolKind::Role => K::PROPERTY,
        SymbolKind::Scp => K::OBJECT,
        SymbolKind::Kind => K::CLASS,
        SymbolKind::Component => K::MODULE,
        SymbolKind::Crd => K::STRUCT,
        SymbolKind::Use => K::FILE,
    }
}
