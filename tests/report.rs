//! `pool-model report`: the board report as a person meets it. The page
//! itself (self-contained, the headline figures, the same bytes), and in a
//! real browser where one is installed (CI installs Debian's Chromium):
//! printed to PDF on at most two A4 pages, every chart rendered, and no
//! request leaving the page.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Test, root, run_in_root};

const BIRMINGHAM: &str = "scenarios/birmingham.toml";

fn report(test: &Test, args: &[&str], name: &str) -> (PathBuf, String) {
    let out = test.path().join(name);
    let mut all = vec!["report"];
    all.extend(args);
    let out_text = out.display().to_string();
    all.extend(["-o", &out_text]);
    run_in_root(&all).status(0);
    let html = std::fs::read_to_string(&out).unwrap();
    (out, html)
}

#[test]
fn the_board_report_is_one_self_contained_page_with_the_headline() {
    let test = Test::new();
    let (_, html) = report(&test, &[BIRMINGHAM], "board.html");
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
    // Nothing to fetch: no script, link, external image or font, and a
    // policy that forbids them.
    assert!(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""));
    // (The charts' SVG namespace is a name, not an address fetched.)
    let fetchable = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for banned in [
        "<script", "<link", "<img", "src=", "url(", "@import", "http://", "https://",
    ] {
        assert!(!fetchable.contains(banned), "{banned}");
    }
    // The headline: real NPV with its range and chance of a loss, and
    // cumulative net savings by the horizon (as `project` prints them).
    for want in [
        "Net present value (real, 2009/10 prices, Green Book discounting, after optimism bias)",
        "£60.0m",
        "p10 £44.1m to p90 £74.9m; expected £59.7m; 0% chance of a loss",
        "Cumulative net savings by 2014/15 (cash)",
        "£72.8m",
        // What each partner contributes and bears, and the caps.
        "Birmingham City Council",
        "Learning disability: £250,000 a year",
        // The shift of care.
        "Residential care falls from 55.0% of spend in 2009/10 to 40.0% in 2012/13",
        // The key assumptions with the sources the scenario cites.
        "ASSUMPTION: about £900-£1,250 a week for a supported tenancy",
        // Cash and real.
        "Budgets are cash",
    ] {
        assert!(html.contains(want), "{want}");
    }
    // Three charts inline: the fan, the shares and the tornado.
    assert_eq!(html.matches("<svg ").count(), 3);
    // The same bytes run to run.
    let (_, again) = report(&test, &[BIRMINGHAM], "again.html");
    assert_eq!(html, again);
}

#[test]
fn an_options_report_puts_the_options_side_by_side() {
    let test = Test::new();
    let options: Vec<String> = (1..=4).map(option).collect();
    let args: Vec<&str> = options.iter().map(String::as_str).collect();
    let (_, html) = report(&test, &args, "options.html");
    for want in [
        "Options appraisal: 4 options",
        "Highest net present value",
        "£48.8m",
        "option 3: Preferred: residential care 55% to 40% in three years",
        "4. Further and faster: 35% in four years, new housing",
    ] {
        assert!(html.contains(&escape(want)), "{want}");
    }
    assert_eq!(html.matches("<svg ").count(), 1);
}

/// How HTML shows a text (the report escapes quotes).
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[test]
fn text_from_a_scenario_is_shown_never_run_as_markup() {
    let hostile = "<img src=x onerror=alert(1)> & \\\"Pool\\\" </style><script>x</script>";
    let text = std::fs::read_to_string(root().join(BIRMINGHAM))
        .unwrap()
        .replacen(
            "name = \"Birmingham learning disability and mental health pool\"",
            &format!("name = \"{hostile}\""),
            1,
        )
        .replacen(
            "name = \"Birmingham City Council\"",
            "name = \"<b>Council</b>\"",
            1,
        );
    let test = Test::new().file("b.toml", &text);
    test.run_with(&["report", "b.toml", "-o", "board.html"])
        .status(0);
    let html = std::fs::read_to_string(test.path().join("board.html")).unwrap();
    for markup in ["<img", "<script", "<b>", "onerror=alert(1)>"] {
        assert!(!html.contains(markup), "{markup}");
    }
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;Pool&quot;"));
    assert!(html.contains("&lt;b&gt;Council&lt;/b&gt;"));
    assert_eq!(html.matches("</style>").count(), 1);
}

#[test]
fn the_starter_s_format_help_is_not_cited_as_a_source() {
    let test = Test::new();
    test.run_with(&["init", "start.toml"]).status(0);
    test.run_with(&["report", "start.toml", "-o", "board.html"])
        .status(0);
    let html = std::fs::read_to_string(test.path().join("board.html")).unwrap();
    let cited: Vec<&str> = html
        .split("<span class=\"source\">")
        .skip(1)
        .map(|s| s.split("</span>").next().unwrap())
        .collect();
    // The starter explains keys ("optional: ...", "(range ok)", and lines
    // that continue a comment above): none of that is a source.
    for c in &cited {
        assert!(
            !c.contains("range ok") && !c.to_lowercase().starts_with("optional"),
            "{c}"
        );
        assert!(!c.contains("or the fraction done each year"), "{c}");
    }
}

#[test]
fn a_report_goes_only_to_an_html_file_never_over_an_input() {
    let test = Test::new().file(
        "b.toml",
        &std::fs::read_to_string(root().join(BIRMINGHAM)).unwrap(),
    );
    test.run_with(&["report", "b.toml", "-o", "board.pdf"])
        .status(2)
        .stderr_has("`pool-model report` does not write .pdf files")
        .stderr_has("it writes an HTML page (.html)");
    test.run_with(&["report", "b.toml", "-o", "b.toml"])
        .status(2)
        .stderr_has("cannot write: it is the input b.toml");
    assert!(!test.path().join("board.pdf").exists());
}

/// The pages of a PDF Chromium printed.
fn pdf_pages(pdf: &Path) -> usize {
    let text = String::from_utf8_lossy(&std::fs::read(pdf).unwrap()).into_owned();
    text.matches("/Type /Page").count() - text.matches("/Type /Pages").count()
}

/// The shipped option scenario numbered `i` (1 is business as usual).
fn option(i: usize) -> String {
    std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with(&format!("birmingham-option-{i}-")))
        .map(|n| format!("scenarios/{n}"))
        .unwrap()
}

/// How wide a page lays out in a 1000-pixel window: a copy of it, with a
/// script (which the page's own policy forbids) that writes the
/// document's scroll width into the DOM Chromium dumps.
fn laid_out_width(chrome: &Path, profile: &Path, test: &Test, name: &str, html: &str) -> u32 {
    let measured = html
        .replace("<meta http-equiv=\"Content-Security-Policy\"", "<meta name=\"was-csp\"")
        .replace(
            "</body>",
            "<script>document.body.setAttribute('data-width', document.documentElement.scrollWidth)</script>\n</body>",
        );
    let page = test.path().join(format!("{name}-measured.html"));
    std::fs::write(&page, measured).unwrap();
    let ran = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--window-size=1000,900", "--dump-dom"])
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(ran.status.success(), "{ran:?}");
    let dom = String::from_utf8_lossy(&ran.stdout);
    let at = dom.find("data-width=\"").expect("the script ran") + "data-width=\"".len();
    dom[at..]
        .split('"')
        .next()
        .and_then(|w| w.parse().ok())
        .expect("a width")
}

/// Debian's Chromium, headless, as the machine's notes say to start it.
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .map(PathBuf::from)
}

fn browser(chrome: &Path, profile: &Path, extra: &[String], page: &Path) {
    let ran = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(ran.status.success(), "{ran:?}");
}

/// The requests the page itself made: those whose initiator is an origin
/// (a file page's is "null"); the browser's own have none.
fn page_requests(netlog: &Path) -> Vec<String> {
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(netlog).unwrap()).unwrap();
    let start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"].clone();
    log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == start)
        .filter_map(|e| {
            let url = e["params"]["url"].as_str()?;
            (e["params"]["initiator"] != "not an origin").then(|| url.to_string())
        })
        .collect()
}

/// Pixels of a PNG screenshot: (width, height, RGB rows).
fn pixels(path: &Path) -> (usize, usize, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let rgb: Vec<u8> = buf[..info.buffer_size()]
        .chunks(channels)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    (info.width as usize, info.height as usize, rgb)
}

/// How many pixels are in colour (the charts' palette: text and rules
/// are grey), and how many are not white.
fn ink(path: &Path) -> (usize, usize) {
    let (_, _, rgb) = pixels(path);
    let (mut colour, mut inked) = (0, 0);
    for p in rgb.chunks(3) {
        let (hi, lo) = (p.iter().max().unwrap(), p.iter().min().unwrap());
        if hi - lo > 20 {
            colour += 1;
        }
        if *lo < 240 {
            inked += 1;
        }
    }
    (colour, inked)
}

#[test]
fn in_a_real_browser_it_prints_on_two_pages_draws_every_chart_and_fetches_nothing() {
    let Some(chrome) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have Chromium (.ci/run installs it)"
        );
        eprintln!("Chromium not installed: skipped");
        return;
    };
    let test = Test::new();
    let profile = test.path().join("profile");
    let (page, html) = report(&test, &[BIRMINGHAM], "board.html");

    // Printed: A4, at most two pages.
    let print = |page: &Path| {
        let pdf = test.path().join("printed.pdf");
        browser(
            &chrome,
            &profile,
            &[
                "--no-pdf-header-footer".into(),
                format!("--print-to-pdf={}", pdf.display()),
            ],
            page,
        );
        let text = String::from_utf8_lossy(&std::fs::read(&pdf).unwrap()).into_owned();
        (pdf_pages(&pdf), text)
    };
    let (pages, text) = print(&page);
    assert!((1..=2).contains(&pages), "{pages} pages");
    // A4 is 595 x 842 points.
    assert!(text.contains("/MediaBox [0 0 594.9"), "A4");

    // Every shipped scenario's report prints on at most two pages.
    for name in common::shipped_scenarios() {
        let (page, _) = report(&test, &[&format!("scenarios/{name}")], "shipped.html");
        let (pages, _) = print(&page);
        assert!((1..=2).contains(&pages), "{name}: {pages} pages");
    }

    // On screen, logging every request: the page makes none.
    let netlog = test.path().join("net.json");
    let shot = test.path().join("page.png");
    browser(
        &chrome,
        &profile,
        &[
            format!("--log-net-log={}", netlog.display()),
            format!("--screenshot={}", shot.display()),
            "--window-size=1000,2600".into(),
        ],
        &page,
    );
    assert_eq!(page_requests(&netlog), Vec::<String>::new());
    let (colour, inked) = ink(&shot);
    assert!(
        colour > 5_000 && inked > 50_000,
        "{colour} in colour, {inked} inked"
    );

    // Every chart alone, everything else hidden: each draws.
    let charts = html.matches("<figure").count();
    assert_eq!(charts, 3);
    for k in 1..=charts {
        let only = html.replace(
            "</style>",
            &format!(
                "header, .headline, p, h2, table, ul, footer {{ display: none !important; }}\n.charts figure {{ display: none; }}\n.charts figure:nth-of-type({k}) {{ display: block !important; }}\nfigcaption {{ display: none; }}\n</style>"
            ),
        );
        let one = test.path().join(format!("chart-{k}.html"));
        std::fs::write(&one, only).unwrap();
        let shot = test.path().join(format!("chart-{k}.png"));
        browser(
            &chrome,
            &profile,
            &[
                format!("--screenshot={}", shot.display()),
                "--window-size=1000,900".into(),
            ],
            &one,
        );
        let (colour, inked) = ink(&shot);
        assert!(
            colour > 500 && inked > 5_000,
            "chart {k}: {colour} in colour, {inked} inked"
        );
    }

    // Laid out in a 1000-pixel window, neither the board report nor the
    // options report is wider than the window (long key paths wrap).
    let options: Vec<String> = (1..=4).map(option).collect();
    let options: Vec<&str> = options.iter().map(String::as_str).collect();
    let (_, options_html) = report(&test, &options, "options.html");
    for (name, html) in [("board", &html), ("options", &options_html)] {
        let width = laid_out_width(&chrome, &profile, &test, name, html);
        assert!(width <= 1000, "{name}: {width} pixels wide");
    }
    // The check can fail: a page with something wider than the window is
    // measured wider.
    let wide = options_html.replace(
        "<h2>The options</h2>",
        "<h2>The options</h2><div style=\"width: 1400px\">wide</div>",
    );
    let width = laid_out_width(&chrome, &profile, &test, "wide", &wide);
    assert!(width > 1000, "wide: {width} pixels wide");

    // The request check can fail: a page with an image from the network
    // is caught.
    let leaky = test.path().join("leaky.html");
    std::fs::write(
        &leaky,
        "<html><body><img src=\"http://127.0.0.1:9/x.png\"></body></html>",
    )
    .unwrap();
    let netlog = test.path().join("leaky.json");
    browser(
        &chrome,
        &profile,
        &[
            format!("--log-net-log={}", netlog.display()),
            format!("--screenshot={}", test.path().join("leaky.png").display()),
        ],
        &leaky,
    );
    assert_eq!(page_requests(&netlog), ["http://127.0.0.1:9/x.png"]);

    // The screenshot in docs/ (and the README) is this page's: regenerate
    // with UPDATE_IMAGES=1 cargo test --test report.
    if std::env::var_os("UPDATE_IMAGES").is_some() {
        let docs = root().join("docs/img/birmingham-board.png");
        browser(
            &chrome,
            &profile,
            &[
                format!("--screenshot={}", docs.display()),
                "--window-size=1000,2200".into(),
            ],
            &page,
        );
    }
}
