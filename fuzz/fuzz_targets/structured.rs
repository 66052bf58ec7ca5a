//! Structure-aware fuzzing: libFuzzer's bytes, read through `arbitrary`,
//! choose a scenario's shape (partners, services and settings, a shift,
//! savings, costs, variances, workforce lines, expectations) and its
//! values from pools of awkward ones (half pennies, long compounding,
//! 28-digit and overflowing numbers, ranges at the decimal limit, hostile
//! names), and an `extends` chain of files in memory, some of them outside
//! the folders a base may come from. So the fuzzer spends its time deep in
//! validation, the exact engine, Monte Carlo and the reports rather than
//! in the TOML parser. The contract is pool_model::harness's.
#![no_main]

use std::fmt::Write as _;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Money {
    Pounds(i64),
    Pence(i64),
    HalfPenny(u32),
    Suffixed(u16, u8),
    Digits28,
    Huge,
    Text(String),
}

impl Money {
    fn render(&self) -> String {
        match self {
            Money::Pounds(n) => n.to_string(),
            Money::Pence(n) => format!("\"{}.{:02}\"", n / 100, (n % 100).unsigned_abs()),
            Money::HalfPenny(n) => format!("\"£{}.{:02}5\"", n / 100, n % 100),
            Money::Suffixed(n, s) => {
                let suffix = ["k", "m", "bn", ""][usize::from(*s) % 4];
                format!("\"£{n}{suffix}\"")
            }
            Money::Digits28 => "\"1234567890123456789012345.678\"".to_string(),
            Money::Huge => "\"79228162514264337593543950335\"".to_string(),
            Money::Text(t) => format!("{t:?}"),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Percent {
    Whole(i16),
    Fine(i32, u8),
    Awkward(u8),
    Text(String),
}

impl Percent {
    fn render(&self) -> String {
        match self {
            Percent::Whole(n) => format!("\"{n}%\""),
            Percent::Fine(n, places) => {
                let places = u32::from(*places % 30);
                let scaled = rust_decimal::Decimal::new(i64::from(*n), places.min(28));
                format!("\"{scaled}%\"")
            }
            Percent::Awkward(k) => {
                let all = [
                    "50%", "12.5%", "-12.5%", "3.125%", "1.5625%", "-99.999999%", "100%",
                    "0%", "2.123456789012345678901234567%", "-100%", "150%",
                ];
                format!("\"{}\"", all[usize::from(*k) % all.len()])
            }
            Percent::Text(t) => format!("{t:?}"),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Uncertain<T> {
    Point(T),
    Range(T, T),
    Table(T, Option<T>, T, u8),
}

trait Render {
    fn text(&self) -> String;
}

impl Render for Money {
    fn text(&self) -> String {
        self.render()
    }
}

impl Render for Percent {
    fn text(&self) -> String {
        self.render()
    }
}

fn unquote(s: String) -> String {
    s.trim_matches('"').to_string()
}

impl<T: Render> Uncertain<T> {
    fn render(&self) -> String {
        match self {
            Uncertain::Point(v) => v.text(),
            Uncertain::Range(a, b) => format!("\"{} to {}\"", unquote(a.text()), unquote(b.text())),
            Uncertain::Table(low, central, high, dist) => {
                let dist = ["uniform", "triangular", "pert", "normal", "cauchy"][usize::from(*dist) % 5];
                let central = central
                    .as_ref()
                    .map(|c| format!(", central = {}", c.text()))
                    .unwrap_or_default();
                format!(
                    "{{ low = {}{central}, high = {}, dist = \"{dist}\" }}",
                    low.text(),
                    high.text()
                )
            }
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Setting {
    share: Percent,
    unit_cost: Option<Uncertain<Money>>,
}

#[derive(Arbitrary, Debug)]
struct Service {
    contributions: Vec<(u8, Money)>,
    settings: Vec<Setting>,
    growth: Option<Uncertain<Percent>>,
    inflation: Option<Uncertain<Percent>>,
    rule: u8,
    cap: Option<(u8, Money)>,
    shift: Option<Shift>,
}

#[derive(Arbitrary, Debug)]
struct Shift {
    target: Uncertain<Percent>,
    by: u8,
    profile: u8,
    cost_ratio: Option<Uncertain<Percent>>,
    split: Percent,
}

#[derive(Arbitrary, Debug)]
struct Line {
    name: u8,
    rate: Option<Uncertain<Percent>>,
    amounts: Vec<Uncertain<Money>>,
    service: u8,
    phase_in: Vec<Percent>,
}

#[derive(Arbitrary, Debug)]
struct Workforce {
    service: u8,
    staff: u16,
    cost_per_head: Uncertain<Money>,
    reduction: Option<(u16, u8)>,
    transfer: Option<u8>,
    redundancy: Option<Money>,
}

#[derive(Arbitrary, Debug)]
struct Doc {
    horizon: u8,
    start: u16,
    draws: u16,
    discount: Option<Percent>,
    inflation: Option<Uncertain<Percent>>,
    growth: Option<Uncertain<Percent>>,
    partners: u8,
    services: Vec<Service>,
    savings: Vec<Line>,
    costs: Vec<Line>,
    variances: Vec<Line>,
    workforce: Vec<Workforce>,
    expects: Vec<(u8, u8, Money)>,
    name: u8,
    extends: Option<u8>,
}

const NAMES: [&str; 6] = [
    "Plain",
    "Tab\there",
    "\\u001b[31mred\\u001b[0m",
    "new\\nline | pipe",
    "rtl \\u202e and \\uffff",
    "£ & < > \\\" quote",
];

const BASES: [&str; 6] = [
    "birmingham.toml",
    "base.toml",
    "sub/base.toml",
    "../outside.toml",
    "/etc/secret.toml",
    "notes.txt",
];

fn render(doc: &Doc) -> String {
    let mut out = String::new();
    if let Some(k) = doc.extends {
        let _ = writeln!(out, "extends = \"{}\"\n", BASES[usize::from(k) % BASES.len()]);
    }
    let horizon = u32::from(doc.horizon % 52);
    let start = 1990 + u32::from(doc.start % 60);
    let _ = writeln!(
        out,
        "[scenario]\nname = \"{}\"\nstart = \"{start}/{:02}\"\nhorizon = {horizon}\ndraws = {}",
        NAMES[usize::from(doc.name) % NAMES.len()],
        (start + 1) % 100,
        1 + doc.draws % 200
    );
    if let Some(d) = &doc.discount {
        let _ = writeln!(out, "discount_rate = {}", d.render());
    }
    out.push_str("\n[assumptions]\n");
    if let Some(v) = &doc.inflation {
        let _ = writeln!(out, "inflation = {}", v.render());
    }
    if let Some(v) = &doc.growth {
        let _ = writeln!(out, "growth = {}", v.render());
    }
    let partners = 1 + usize::from(doc.partners % 4);
    for p in 0..partners {
        let _ = writeln!(
            out,
            "\n[[partner]]\nid = \"p{p}\"\nname = \"{}\"\nkind = \"{}\"",
            NAMES[p % NAMES.len()],
            ["council", "nhs", "other"][p % 3]
        );
    }
    let year = |k: u8| {
        let y = start + 1 + u32::from(k) % horizon.max(1);
        format!("\"{y}/{:02}\"", (y + 1) % 100)
    };
    for (i, s) in doc.services.iter().take(4).enumerate() {
        let contributions: Vec<String> = s
            .contributions
            .iter()
            .take(4)
            .map(|(p, m)| format!("p{} = {}", usize::from(*p) % partners, m.render()))
            .collect();
        let cap = s
            .cap
            .as_ref()
            .map(|(p, m)| format!(", cap = {{ p{} = {} }}", usize::from(*p) % partners, m.render()))
            .unwrap_or_default();
        let rule = match s.rule % 3 {
            0 => format!("{{ rule = \"proportional\"{cap} }}"),
            1 => format!("{{ rule = \"lead\"{cap} }}"),
            _ => format!(
                "{{ rule = \"fixed\", shares = {{ p0 = \"60%\", p{} = \"40%\" }}{cap} }}",
                partners - 1
            ),
        };
        let _ = writeln!(
            out,
            "\n[[service]]\nid = \"s{i}\"\nname = \"{}\"\nlead = \"p0\"\ncontributions = {{ {} }}\nrisk_share = {rule}",
            NAMES[(i + 1) % NAMES.len()],
            contributions.join(", ")
        );
        if let Some(g) = &s.growth {
            let _ = writeln!(out, "growth = {}", g.render());
        }
        if let Some(v) = &s.inflation {
            let _ = writeln!(out, "inflation = {}", v.render());
        }
        for (k, setting) in s.settings.iter().take(4).enumerate() {
            let _ = writeln!(
                out,
                "\n  [[service.setting]]\n  id = \"k{k}\"\n  name = \"{}\"\n  share = {}",
                NAMES[k % NAMES.len()],
                setting.share.render()
            );
            if let Some(u) = &setting.unit_cost {
                let _ = writeln!(out, "  unit_cost = {}", u.render());
            }
        }
        if let Some(sh) = &s.shift {
            let profile = match sh.profile % 6 {
                0 => "\"linear\"".to_string(),
                1 => "\"front_loaded\"".to_string(),
                2 => "\"back_loaded\"".to_string(),
                3 => "\"step\"".to_string(),
                4 => "[\"25%\", \"100%\"]".to_string(),
                _ => "[\"50%\"]".to_string(),
            };
            let _ = writeln!(
                out,
                "\n[[shift]]\nname = \"shift {i}\"\nservice = \"s{i}\"\nfrom = \"k0\"\nto = {{ k1 = {}, k2 = \"50%\" }}\ntarget_share = {}\nby = {}\nprofile = {profile}",
                sh.split.render(),
                sh.target.render(),
                year(sh.by)
            );
            if let Some(c) = &sh.cost_ratio {
                let _ = writeln!(out, "cost_ratio = {}", c.render());
            }
        }
    }
    let services = doc.services.len().clamp(1, 4);
    for (kind, lines) in [("saving", &doc.savings), ("cost", &doc.costs), ("variance", &doc.variances)] {
        for line in lines.iter().take(4) {
            let _ = writeln!(out, "\n[[{kind}]]\nname = \"{kind} {}\"", line.name % 4);
            let amounts: Vec<String> = line.amounts.iter().take(6).map(Uncertain::render).collect();
            match kind {
                "saving" => {
                    match (&line.rate, amounts.first()) {
                        (Some(r), _) => {
                            let _ = writeln!(out, "rate = {}", r.render());
                        }
                        (None, Some(a)) => {
                            let _ = writeln!(out, "amount = {a}");
                        }
                        (None, None) => {}
                    }
                    if !line.phase_in.is_empty() {
                        let phase: Vec<String> = line.phase_in.iter().take(5).map(Percent::render).collect();
                        let _ = writeln!(out, "phase_in = [{}]", phase.join(", "));
                    }
                }
                "variance" => {
                    let _ = writeln!(
                        out,
                        "service = \"s{}\"\namounts = [{}]",
                        usize::from(line.service) % services,
                        amounts.join(", ")
                    );
                }
                _ => {
                    let _ = writeln!(out, "amounts = [{}]", amounts.join(", "));
                }
            }
        }
    }
    for (i, w) in doc.workforce.iter().take(3).enumerate() {
        let _ = writeln!(
            out,
            "\n[[workforce]]\nname = \"staff {i}\"\nservice = \"s{}\"\nemployer = \"p0\"\nstaff = {}\ncost_per_head = {}",
            usize::from(w.service) % services,
            w.staff,
            w.cost_per_head.render()
        );
        if let Some((fewer, by)) = w.reduction {
            let _ = writeln!(out, "reduction = {fewer}\nreduction_by = {}", year(by));
        }
        if let Some(by) = w.transfer {
            let _ = writeln!(
                out,
                "transfer_to = \"p{}\"\ntransfer_in = {}",
                (partners - 1).min(1),
                year(by)
            );
        }
        if let Some(r) = &w.redundancy {
            let _ = writeln!(out, "redundancy_cost = {}", r.render());
        }
    }
    let metrics = [
        "net_savings", "npv", "cumulative_net_savings", "share.s0.k0", "spend.s0",
        "contribution.p0", "unallocated", "people_moved.s0",
    ];
    for (m, y, bound) in doc.expects.iter().take(4) {
        let metric = metrics[usize::from(*m) % metrics.len()];
        let _ = writeln!(
            out,
            "\n[[expect]]\nyear = {}\nmetric = \"{metric}\"\nmin = {}\ncase = \"{}\"",
            year(*y),
            bound.render(),
            ["central", "p10", "p90"][usize::from(*y) % 3]
        );
    }
    out
}

#[derive(Arbitrary, Debug)]
struct Files {
    top: Doc,
    base: Doc,
}

fuzz_target!(|files: Files| {
    let top = render(&files.top);
    let base = render(&files.base);
    let birmingham = pool_model::harness::BASE.as_bytes();
    let set: [(&str, &[u8]); 7] = [
        ("input.toml", top.as_bytes()),
        ("birmingham.toml", birmingham),
        ("base.toml", base.as_bytes()),
        ("sub/base.toml", top.as_bytes()),
        ("../outside.toml", b"token = \"outside-secret-1234\"\n"),
        ("/etc/secret.toml", b"password = \"hunter2\"\n"),
        ("notes.txt", b"not a scenario\n"),
    ];
    if let Err(broken) = pool_model::harness::exercise_files(&set) {
        panic!("{broken}\n--- input.toml\n{top}\n--- base.toml\n{base}");
    }
});
