//! docs/format.md is the complete reference of the scenario format: every
//! key the reader accepts has a row in its table's section.

use pool_model::scenario::raw::keys;

/// The text of the section under `### {heading}`, up to the next heading.
fn section<'a>(doc: &'a str, heading: &str) -> &'a str {
    let marker = format!("\n### {heading}\n");
    let start = doc
        .find(&marker)
        .unwrap_or_else(|| panic!("docs/format.md has no `### {heading}` section"))
        + marker.len();
    let rest = &doc[start..];
    let end = rest
        .find("\n## ")
        .into_iter()
        .chain(rest.find("\n### "))
        .min();
    &rest[..end.unwrap_or(rest.len())]
}

#[test]
fn every_key_the_reader_accepts_is_documented() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/format.md"))
        .expect("docs/format.md");
    let sections: [(&str, &[&str]); 15] = [
        ("[scenario]", keys::SCENARIO),
        ("[assumptions]", keys::ASSUMPTIONS),
        ("[[partner]]", keys::PARTNER),
        ("[[service]]", keys::SERVICE),
        ("risk_share", keys::RISK_SHARE),
        ("[[service.setting]]", keys::SETTING),
        ("[[shift]]", keys::SHIFT),
        ("[[saving]]", keys::SAVING),
        ("[[cost]]", keys::COST),
        ("[[variance]]", keys::VARIANCE),
        ("[[workforce]]", keys::WORKFORCE),
        ("[[expect]]", keys::EXPECT),
        ("Ranges", keys::RANGE),
        ("[monitoring]", keys::MONITORING),
        ("[[correlation]]", keys::CORRELATION),
    ];
    let mut missing = Vec::new();
    for (heading, list) in sections {
        let text = section(&doc, heading);
        for key in list {
            if !text.contains(&format!("\n| `{key}` |")) {
                missing.push(format!("{heading} `{key}`"));
            }
        }
    }
    let top = &doc[doc.find("## Top level").expect("a Top level section")..];
    for key in keys::ROOT.iter().chain(&["extends"]) {
        if !top.contains(&format!("\n| `{key}` |")) {
            missing.push(format!("top level `{key}`"));
        }
    }
    assert!(missing.is_empty(), "docs/format.md lacks {missing:?}");
}

#[test]
fn every_documented_key_is_one_the_reader_accepts() {
    // The reverse direction: a row for a key that no longer exists is
    // caught too (rows in the value-type and variant tables aside).
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/format.md"))
        .expect("docs/format.md");
    let all: Vec<&str> = [
        keys::ROOT,
        keys::SCENARIO,
        keys::ASSUMPTIONS,
        keys::PARTNER,
        keys::SERVICE,
        keys::RISK_SHARE,
        keys::SETTING,
        keys::SHIFT,
        keys::SAVING,
        keys::COST,
        keys::VARIANCE,
        keys::WORKFORCE,
        keys::EXPECT,
        keys::RANGE,
        keys::MONITORING,
        keys::CORRELATION,
        &["extends", "drop"],
    ]
    .concat();
    for line in doc.lines().filter(|l| l.starts_with("| `")) {
        let key = line
            .trim_start_matches("| `")
            .split('`')
            .next()
            .unwrap_or("");
        let is_key = key.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        if is_key {
            assert!(
                all.contains(&key),
                "docs/format.md documents unknown key `{key}`"
            );
        }
    }
}
