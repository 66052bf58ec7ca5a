//! `--set PATH=VALUE`: overriding one value without editing a file (SPEC 2.3).
//!
//! Applied to the merged document after `extends` and before validation.
//! The text the user typed becomes a source of its own in the
//! [`SourceMap`], so a bad value is reported as `--set PATH` with a caret
//! under the value, like any value in a file.

use std::fmt;
use std::str::FromStr;

use toml::de::DeValue;

use super::document::{Entry, Node, NodeKind, Table};
use super::merge::identity_key;
use crate::error::{Diagnostic, Diagnostics, did_you_mean, list_ids};
use crate::limits::MAX_OVERRIDES;
use crate::source::{Loc, SourceMap};

/// One `--set PATH=VALUE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Override {
    pub path: String,
    pub value: String,
}

impl FromStr for Override {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let Some((path, value)) = text.split_once('=') else {
            return Err(format!(
                "`{text}` is not PATH=VALUE, e.g. --set scenario.horizon=5 or --set shift.learning_disability.target_share=35%"
            ));
        };
        let path = path.trim();
        // The name `sensitivity` and warnings give a line's value,
        // `saving "Joint commissioning".rate`, is a path too.
        let named = quoted_name_path(path);
        let path = named.as_deref().unwrap_or(path);
        if path.is_empty() || path.split('.').any(str::is_empty) {
            return Err(format!(
                "`{path}` is not a path: write SECTION.ID.KEY, e.g. service.learning_disability.growth"
            ));
        }
        Ok(Override {
            path: path.to_string(),
            value: value.to_string(),
        })
    }
}

/// `saving "NAME".KEY` (and cost, variance, workforce) as the path
/// `saving.NAME.KEY`.
fn quoted_name_path(path: &str) -> Option<String> {
    let (section, rest) = path.split_once(' ')?;
    if !matches!(section, "saving" | "cost" | "variance" | "workforce") {
        return None;
    }
    let rest = rest.trim_start().strip_prefix('"')?;
    let (name, key) = rest.rsplit_once("\".")?;
    let simple_key = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    simple_key.then(|| format!("{section}.{name}.{key}"))
}

impl fmt::Display for Override {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.path, self.value)
    }
}

const PATH_FORMS: &str = "paths are scenario.KEY, scenario.optimism_bias.costs|savings, assumptions.KEY, monitoring.KEY, partner.ID.KEY, service.ID.KEY, service.ID.setting.ID.KEY, service.ID.risk_share.KEY (cap.PARTNER, shares.PARTNER), service.ID.contributions.PARTNER, shift.SERVICE.KEY, or saving|cost|variance|workforce.NAME.KEY";

/// Applies overrides to a merged document, in order.
pub fn apply(
    root: &mut Table,
    overrides: &[Override],
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) {
    if overrides.len() > MAX_OVERRIDES {
        diags.push(
            Diagnostic::usage(format!(
                "{} --set options given: at most {MAX_OVERRIDES} are read",
                overrides.len()
            ))
            .help(
                "put the values in a variant file that `extends` the scenario (docs/workflows.md)",
            ),
        );
        return;
    }
    for ov in overrides {
        let text = ov.to_string();
        let file = sources.add_override(&ov.path, text.clone());
        let path_loc = Loc::new(file, 0, ov.path.len());
        let value_start = ov.path.len() + 1;
        let value = value_node(&ov.value, file, value_start);
        if let Err(d) = set(root, ov, path_loc, value) {
            diags.push(d);
        }
    }
}

/// The value as a TOML value when it parses as one, else as a string.
fn value_node(text: &str, file: crate::source::FileId, offset: usize) -> Node {
    let whole = Loc::new(file, offset, offset + text.len());
    match DeValue::parse(text) {
        Ok(v) => {
            let mut diags = Diagnostics::new();
            let node =
                super::document::convert_value(v.get_ref(), v.span(), file, offset, &mut diags);
            if diags.is_empty() {
                node
            } else {
                Node {
                    kind: NodeKind::Str(text.to_string()),
                    loc: whole,
                }
            }
        }
        Err(_) => Node {
            kind: NodeKind::Str(text.to_string()),
            loc: whole,
        },
    }
}

/// Where in `PATH` a segment sits, for a caret under it.
fn segment_loc(path_loc: Loc, path: &str, index: usize, count: usize) -> Loc {
    let mut start = 0;
    for (i, seg) in path.split('.').enumerate() {
        if i == index {
            let joined_len: usize = path
                .split('.')
                .skip(index)
                .take(count)
                .map(str::len)
                .sum::<usize>()
                + count.saturating_sub(1);
            return Loc::new(
                path_loc.file,
                path_loc.start + start,
                path_loc.start + start + joined_len,
            );
        }
        start += seg.len() + 1;
    }
    path_loc
}

fn set(root: &mut Table, ov: &Override, path_loc: Loc, value: Node) -> Result<(), Diagnostic> {
    let segments: Vec<&str> = ov.path.split('.').collect();
    let usage = |message: String, loc: Loc| Diagnostic::at(loc, message).help(PATH_FORMS);
    let Some((&section, rest)) = segments.split_first() else {
        return Err(usage(format!("`{}` is not a path", ov.path), path_loc));
    };
    let key_loc = segment_loc(path_loc, &ov.path, segments.len() - 1, 1);
    let new_entry = |key: &str| Entry {
        key: key.to_string(),
        key_loc,
        value: value.clone(),
    };
    match (section, rest) {
        ("scenario" | "assumptions" | "monitoring", [key]) => {
            if root.get(section).is_none() {
                root.entries.push(Entry {
                    key: section.to_string(),
                    key_loc: path_loc,
                    value: Node {
                        kind: NodeKind::Table(Table::default()),
                        loc: path_loc,
                    },
                });
            }
            match root.entry_mut(section).map(|e| &mut e.value.kind) {
                Some(NodeKind::Table(t)) => {
                    t.insert(new_entry(key));
                    Ok(())
                }
                _ => Err(usage(
                    format!("[{section}] is not a table in this scenario"),
                    path_loc,
                )),
            }
        }
        ("scenario", ["optimism_bias", key]) => {
            let Some(NodeKind::Table(scenario)) =
                root.entry_mut("scenario").map(|e| &mut e.value.kind)
            else {
                return Err(usage(
                    "[scenario] is not a table in this scenario".into(),
                    path_loc,
                ));
            };
            if scenario.get("optimism_bias").is_none() {
                scenario.entries.push(Entry {
                    key: "optimism_bias".into(),
                    key_loc: path_loc,
                    value: Node {
                        kind: NodeKind::Table(Table::default()),
                        loc: path_loc,
                    },
                });
            }
            match scenario
                .entry_mut("optimism_bias")
                .map(|e| &mut e.value.kind)
            {
                Some(NodeKind::Table(t)) => {
                    t.insert(new_entry(key));
                    Ok(())
                }
                _ => Err(usage(
                    "`optimism_bias` is not a table in this scenario".into(),
                    path_loc,
                )),
            }
        }
        ("service", [id, "setting", setting, key]) => {
            let service = find_entry(root, "service", id, segment_loc(path_loc, &ov.path, 1, 1))?;
            let setting_loc = segment_loc(path_loc, &ov.path, 3, 1);
            let settings = match service.entry_mut("setting").map(|e| &mut e.value.kind) {
                Some(NodeKind::Array(items)) => items,
                _ => {
                    return Err(usage(
                        format!("service `{id}` has no [[service.setting]]"),
                        setting_loc,
                    ));
                }
            };
            let known: Vec<String> = settings.iter().filter_map(|n| table_str(n, "id")).collect();
            let Some(t) = settings.iter_mut().find_map(|n| match &mut n.kind {
                NodeKind::Table(t) if matches!(t.get("id").map(|v| &v.kind), Some(NodeKind::Str(s)) if s == setting) => Some(t),
                _ => None,
            }) else {
                return Err(unknown(setting_loc, &format!("setting of service `{id}`"), setting, &known));
            };
            t.insert(new_entry(key));
            Ok(())
        }
        // A value inside a service's inline tables: a cap
        // (`service.ID.risk_share.cap.PARTNER`), a fixed share, the rule,
        // or a contribution (`service.ID.contributions.PARTNER`).
        (
            "service",
            [
                id,
                table @ ("risk_share" | "contributions"),
                inner @ ..,
                key,
            ],
        ) => {
            let service = find_entry(root, "service", id, segment_loc(path_loc, &ov.path, 1, 1))?;
            let mut t = service;
            for (depth, name) in std::iter::once(*table)
                .chain(inner.iter().copied())
                .enumerate()
            {
                if t.get(name).is_none() {
                    t.entries.push(Entry {
                        key: name.to_string(),
                        key_loc: path_loc,
                        value: Node {
                            kind: NodeKind::Table(Table::default()),
                            loc: path_loc,
                        },
                    });
                }
                t = match t.entry_mut(name).map(|e| &mut e.value.kind) {
                    Some(NodeKind::Table(inner)) => inner,
                    _ => {
                        return Err(usage(
                            format!("`{name}` of service `{id}` is not a table"),
                            segment_loc(path_loc, &ov.path, depth + 2, 1),
                        ));
                    }
                };
            }
            t.insert(new_entry(key));
            Ok(())
        }
        (section, [ids @ .., key]) if identity_key(section).is_some() && !ids.is_empty() => {
            let name = ids.join(".");
            let valid = match section {
                "partner" | "service" | "shift" => ids.len() == 1,
                _ => true,
            };
            if !valid {
                return Err(usage(
                    format!("`{}` is not a valid path", ov.path),
                    path_loc,
                ));
            }
            let id_loc = segment_loc(path_loc, &ov.path, 1, ids.len());
            let t = find_entry(root, section, &name, id_loc)?;
            t.insert(new_entry(key));
            Ok(())
        }
        _ => {
            let sections = [
                "scenario",
                "assumptions",
                "monitoring",
                "partner",
                "service",
                "shift",
                "saving",
                "cost",
                "variance",
                "workforce",
            ];
            let d = usage(
                format!("`{}` names nothing a scenario has", ov.path),
                segment_loc(path_loc, &ov.path, 0, 1),
            );
            Err(match did_you_mean(section, sections) {
                Some(s) if s != section => d.help(format!("did you mean `{s}`?")),
                _ => d,
            })
        }
    }
}

fn table_str(node: &Node, key: &str) -> Option<String> {
    match &node.kind {
        NodeKind::Table(t) => match t.get(key).map(|v| &v.kind) {
            Some(NodeKind::Str(s)) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    }
}

fn unknown(loc: Loc, what: &str, id: &str, known: &[String]) -> Diagnostic {
    let refs: Vec<&str> = known.iter().map(String::as_str).collect();
    let d = Diagnostic::at(loc, format!("no {what} `{id}`"));
    match did_you_mean(id, refs.iter().copied()) {
        Some(m) => d.help(format!(
            "did you mean `{m}`? the valid ones are {}",
            list_ids(&refs)
        )),
        None if refs.is_empty() => d.help("there are none in this scenario"),
        None => d.help(format!("the valid ones are {}", list_ids(&refs))),
    }
}

/// The entry of a top-level array of tables with identity `id`.
fn find_entry<'t>(
    root: &'t mut Table,
    section: &str,
    id: &str,
    loc: Loc,
) -> Result<&'t mut Table, Diagnostic> {
    let id_key = identity_key(section).unwrap_or("id");
    let what = match section {
        "shift" => "[[shift]] on service".to_string(),
        s => format!("[[{s}]]"),
    };
    let items: &mut Vec<Node> = match root.entry_mut(section).map(|e| &mut e.value.kind) {
        Some(NodeKind::Array(items)) => items,
        _ => return Err(unknown(loc, &what, id, &[])),
    };
    let known: Vec<String> = items.iter().filter_map(|n| table_str(n, id_key)).collect();
    let found = items.iter_mut().find_map(|n| match &mut n.kind {
        NodeKind::Table(t) if matches!(t.get(id_key).map(|v| &v.kind), Some(NodeKind::Str(s)) if s == id) => Some(t),
        _ => None,
    });
    found.ok_or_else(|| unknown(loc, &what, id, &known))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_parse_as_path_and_value() {
        let o: Override = "saving.Joint commissioning.rate=4% to 6%".parse().unwrap();
        assert_eq!(o.path, "saving.Joint commissioning.rate");
        assert_eq!(o.value, "4% to 6%");
        assert!("no-equals".parse::<Override>().is_err());
        assert!("=5".parse::<Override>().is_err());
        assert!("scenario..horizon=5".parse::<Override>().is_err());
        // As `sensitivity` names a line's value.
        let o: Override = "saving \"Joint commissioning\".rate=4%".parse().unwrap();
        assert_eq!(o.path, "saving.Joint commissioning.rate");
        let o: Override = "workforce \"A. B\".reduction=3".parse().unwrap();
        assert_eq!(o.path, "workforce.A. B.reduction");
    }
}
