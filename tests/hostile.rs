//! No input makes the tool panic: arbitrary strings and random mutations
//! of every shipped scenario go through the whole pipeline (read,
//! validate, project, sample, vary, print every format, compare), and each
//! gives results or located diagnostics (pool_model::harness).

use proptest::prelude::*;

fn shipped() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut texts: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    texts.sort();
    texts
}

/// Fragments a hostile or careless edit might introduce.
const FRAGMENTS: &[&str] = &[
    "£",
    "%",
    "\"",
    "'",
    "[[",
    "]]",
    "[",
    "]",
    "{",
    "}",
    "=",
    ",",
    ".",
    " to ",
    "-",
    "+",
    "\n",
    "\r\n",
    "\u{feff}",
    "1e9",
    "0.5",
    "99999999999999999999",
    "79228162514264337593543950335",
    "-1",
    "0",
    "\"£-5m\"",
    "\"150%\"",
    "\"-100%\"",
    "\"1999/00\"",
    "\"2009/11\"",
    "inf",
    "nan",
    "true",
    "extends = \"birmingham.toml\"\n",
    "extends = \"input.toml\"\n",
    "drop = true\n",
    "[[service]]\n",
    "[[shift]]\n",
    "[[expect]]\n",
    "[scenario]\n",
    "horizon = 50\n",
    "draws = 10000000\n",
    "case = \"p99\"\n",
    "dist = \"pert\"",
    "dist = \"normal\"",
    "{ low = \"1%\", high = \"99%\", dist = \"normal\" }",
    "\u{0}",
    "\u{ffff}",
    "é",
];

#[derive(Debug, Clone)]
enum Edit {
    Delete { at: usize, len: usize },
    Insert { at: usize, fragment: usize },
    Duplicate { at: usize, len: usize },
    Truncate { at: usize },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Edit::Delete { at, len }),
        (any::<usize>(), 0..FRAGMENTS.len())
            .prop_map(|(at, fragment)| Edit::Insert { at, fragment }),
        (any::<usize>(), 1usize..200).prop_map(|(at, len)| Edit::Duplicate { at, len }),
        any::<usize>().prop_map(|at| Edit::Truncate { at }),
    ]
}

/// Applies edits at character boundaries.
fn mutate(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        let n = chars.len().max(1);
        match *e {
            Edit::Delete { at, len } => {
                let at = at % n;
                let end = (at + len).min(chars.len());
                chars.drain(at.min(chars.len())..end);
            }
            Edit::Insert { at, fragment } => {
                let at = at % (chars.len() + 1);
                let piece: Vec<char> = FRAGMENTS[fragment].chars().collect();
                chars.splice(at..at, piece);
            }
            Edit::Duplicate { at, len } => {
                let at = at % n;
                let end = (at + len).min(chars.len());
                let piece: Vec<char> = chars.get(at.min(chars.len())..end).unwrap_or(&[]).to_vec();
                chars.splice(end..end, piece);
            }
            Edit::Truncate { at } => {
                let at = at % n;
                chars.truncate(at);
            }
        }
    }
    chars.into_iter().collect()
}

fn holds(bytes: &[u8]) -> Result<(), TestCaseError> {
    pool_model::harness::exercise(bytes).map_err(TestCaseError::fail)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_give_results_or_located_errors(text in ".{0,300}") {
        holds(text.as_bytes())?;
    }

    #[test]
    fn arbitrary_bytes_give_results_or_located_errors(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        holds(&bytes)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_scenarios_give_results_or_located_errors(
        which in 0usize..64,
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let texts = shipped();
        let text = &texts[which % texts.len()];
        holds(mutate(text, &edits).as_bytes())?;
    }
}

/// Text shaped like SPEC 2.1's values, near their edges: 28 and 29
/// digits, many decimals, suffixes, percents, ranges whose ends sum past
/// the decimal limit.
fn value_text() -> impl Strategy<Value = String> {
    let number = "-?£?[0-9,]{1,30}(\\.[0-9]{0,32})?(k|m|bn|%)?";
    prop_oneof![
        ".{0,40}",
        number,
        (number, number).prop_map(|(a, b)| format!("{a} to {b}")),
        Just("79228162514264337593543950334 to 79228162514264337593543950335".to_string()),
        Just("-79228162514264337593543950335 to -79228162514264337593543950334".to_string()),
        Just("1.234567890123456789012345678% to 2%".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// Issue 26: a range whose ends sum past the decimal limit panicked.
    #[test]
    fn any_value_text_gives_a_value_or_a_helpful_error(text in value_text()) {
        pool_model::harness::values(&text).map_err(TestCaseError::fail)?;
    }
}

/// Where a variant's base may be, in memory: beside it, below it, above
/// the folder the run starts in, at an absolute path, or not a .toml file.
const BASE_PATHS: [&str; 6] = [
    "birmingham.toml",
    "sub/base.toml",
    "../outside.toml",
    "/etc/secret.toml",
    "notes.txt",
    "missing.toml",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    /// Variants of mutated shipped scenarios extending bases anywhere:
    /// results, or located errors that never quote a base outside the
    /// folders allowed.
    #[test]
    fn variants_of_bases_anywhere_give_results_or_located_errors(
        which in 0usize..64,
        base in 0usize..6,
        edits in prop::collection::vec(edit(), 0..4),
    ) {
        let texts = shipped();
        let text = &texts[which % texts.len()];
        let variant = format!("extends = {:?}\n{}", BASE_PATHS[base], mutate(text, &edits));
        let secret = b"password = \"hunter2\" # never shown\n";
        let birmingham = pool_model::harness::BASE.as_bytes();
        let files: [(&str, &[u8]); 5] = [
            ("input.toml", variant.as_bytes()),
            ("birmingham.toml", birmingham),
            ("sub/base.toml", birmingham),
            ("../outside.toml", secret),
            ("/etc/secret.toml", secret),
        ];
        pool_model::harness::exercise_files(&files).map_err(TestCaseError::fail)?;
    }
}
