//! The structural requests: semantic tokens, document links, folding ranges,
//! selection ranges, workspace symbols and inlay hints, each answered from `engc_ide`
//! and converted to the protocol's types here.

use super::{to_value, Reply, Server};
use engc_core::source::Span;
use engc_ide::semantic;
use lsp_types as lt;
use serde_json::Value;

/// The legend announced in the server's capabilities.
pub(super) fn legend() -> lt::SemanticTokensLegend {
    lt::SemanticTokensLegend {
        token_types: semantic::TYPES
            .iter()
            .map(|t| lt::SemanticTokenType::new(t))
            .collect(),
        token_modifiers: semantic::MODIFIERS
            .iter()
            .map(|m| lt::SemanticTokenModifier::new(m))
            .collect(),
    }
}

impl Server {
    pub(super) fn semantic_tokens(&self, p: lt::SemanticTokensParams) -> Reply {
        let Some((r, file)) = self.find(p.text_document.uri.as_str()) else {
            return Ok(Value::Null);
        };
        let li = self.line_index(r, file);
        let mut data = Vec::new();
        let (mut line, mut col) = (0u32, 0u32);
        for t in r.analysis.semantic_tokens(file) {
            let range = li.range(t.start, t.end, self.encoding);
            // One line each (the ide layer cuts them), relative to the previous one.
            let start = range.start;
            let delta_line = start.line - line;
            let delta_start = if delta_line == 0 {
                start.character - col
            } else {
                start.character
            };
            data.push(lt::SemanticToken {
                delta_line,
                delta_start,
                length: range.end.character.saturating_sub(start.character),
                token_type: t.ty,
                token_modifiers_bitset: t.modifiers,
            });
            (line, col) = (start.line, start.character);
        }
        to_value(lt::SemanticTokens {
            result_id: None,
            data,
        })
    }

    pub(super) fn document_links(&self, p: lt::DocumentLinkParams) -> Reply {
        let Some((r, file)) = self.find(p.text_document.uri.as_str()) else {
            return Ok(Value::Null);
        };
        let links: Vec<lt::DocumentLink> = r
            .analysis
            .document_links(file)
            .into_iter()
            .filter_map(|l| {
                let target = self.location(r, Span::new(l.target, 0, 0))?.uri;
                Some(lt::DocumentLink {
                    range: self.range(r, l.span),
                    target: Some(target),
                    tooltip: Some("Open the used file".into()),
                    data: None,
                })
            })
            .collect();
        to_value(links)
    }

    pub(super) fn folding_ranges(&self, p: lt::FoldingRangeParams) -> Reply {
        let Some((r, file)) = self.find(p.text_document.uri.as_str()) else {
            return Ok(Value::Null);
        };
        let li = self.line_index(r, file);
        let folds: Vec<lt::FoldingRange> = r
            .analysis
            .folding_ranges(file)
            .into_iter()
            .map(|f| {
                let range = li.range(f.start, f.end, self.encoding);
                lt::FoldingRange {
                    start_line: range.start.line,
                    end_line: range.end.line,
                    kind: Some(if f.comment {
                        lt::FoldingRangeKind::Comment
                    } else {
                        lt::FoldingRangeKind::Region
                    }),
                    ..Default::default()
                }
            })
            .filter(|f| f.end_line > f.start_line)
            .collect();
        to_value(folds)
    }

    pub(super) fn selection_ranges(&self, p: lt::SelectionRangeParams) -> Reply {
        let Some((r, file)) = self.find(p.text_document.uri.as_str()) else {
            return Ok(Value::Null);
        };
        let out: Vec<lt::SelectionRange> = p
            .positions
            .into_iter()
            .map(|pos| {
                let offset = self.offset(r, file, pos);
                // Outermost first, each becoming the parent of the next.
                let mut chain: Option<lt::SelectionRange> = None;
                for s in r.analysis.selection_ranges(file, offset).into_iter().rev() {
                    chain = Some(lt::SelectionRange {
                        range: self.range(r, s),
                        parent: chain.map(Box::new),
                    });
                }
                chain.unwrap_or(lt::SelectionRange {
                    range: lt::Range::new(pos, pos),
                    parent: None,
                })
            })
            .collect();
        to_value(out)
    }

    pub(super) fn workspace_symbols(&self, p: lt::WorkspaceSymbolParams) -> Reply {
        let mut seen = std::collections::BTreeSet::new();
        let mut out = Vec::new();
        for r in &self.roots {
            for (s, container) in r.analysis.workspace_symbols(&p.query) {
                let Some(location) = self.location(r, s.selection) else {
                    continue;
                };
                let key = (location.uri.as_str().to_string(), location.range.start);
                if !seen.insert((key.0, key.1.line, key.1.character)) {
                    continue; // a file in two roots is listed once
                }
                #[allow(deprecated)]
                out.push(lt::SymbolInformation {
                    name: s.name,
                    kind: super::handlers::symbol_kind(s.kind),
                    tags: None,
                    deprecated: None,
                    location,
                    container_name: container,
                });
            }
        }
        to_value(out)
    }

    pub(super) fn inlay_hints(&self, p: lt::InlayHintParams) -> Reply {
        let Some((r, file)) = self.find(p.text_document.uri.as_str()) else {
            return Ok(Value::Null);
        };
        let li = self.line_index(r, file);
        let (start, end) = li.offsets(p.range, self.encoding);
        let hints: Vec<lt::InlayHint> = r
            .analysis
            .inlay_hints(file, start, end)
            .into_iter()
            .map(|h| lt::InlayHint {
                position: li.position(h.offset, self.encoding),
                label: lt::InlayHintLabel::String(h.label),
                kind: Some(if h.parameter {
                    lt::InlayHintKind::PARAMETER
                } else {
                    lt::InlayHintKind::TYPE
                }),
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect();
        to_value(hints)
    }
}
