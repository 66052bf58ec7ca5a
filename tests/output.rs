//! Output formats and `-o`: format inferred from the extension, atomic
//! writes, nothing damaged or left behind by a failed run.

mod common;

use common::{Test, root};

fn birmingham() -> String {
    std::fs::read_to_string(root().join("scenarios/birmingham.toml")).unwrap()
}

fn files_in(t: &Test) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_workbook_is_never_written_under_a_text_name_nor_text_under_a_workbook_name() {
    let t = Test::new().file("b.toml", &birmingham());
    t.run_with(&["project", "b.toml", "-o", "out.xlsx", "--format", "csv"])
        .status(2)
        .stderr_has("`--format csv` writes CSV, but the file's name ends in .xlsx");
    t.run_with(&["project", "b.toml", "-o", "out.csv", "--format", "xlsx"])
        .status(2)
        .stderr_has("name the file .xlsx or leave out --format");
    assert_eq!(files_in(&t), ["b.toml"], "nothing written");
}

#[test]
fn o_writes_the_inferred_format_and_explicit_format_wins() {
    let t = Test::new()
        .file("b.toml", &birmingham())
        .args(&["project", "b.toml", "-o", "out.csv"]);
    t.run().status(0);
    let csv = std::fs::read_to_string(t.path().join("out.csv")).unwrap();
    assert!(csv.starts_with("year,metric,service,setting,partner,case,value\n"));

    let t = Test::new()
        .file("b.toml", &birmingham())
        .args(&["project", "b.toml", "-o", "out.json"]);
    t.run().status(0);
    assert!(
        std::fs::read_to_string(t.path().join("out.json"))
            .unwrap()
            .starts_with("{\n  \"format_version\": 1,")
    );

    let t = Test::new()
        .file("b.toml", &birmingham())
        .args(&["project", "b.toml", "-o", "out.md"]);
    t.run().status(0);
    assert!(
        std::fs::read_to_string(t.path().join("out.md"))
            .unwrap()
            .starts_with("## Birmingham")
    );

    let t = Test::new()
        .file("b.toml", &birmingham())
        .args(&["project", "b.toml", "-o", "out.csv", "--format", "json"]);
    t.run().status(0);
    assert!(
        std::fs::read_to_string(t.path().join("out.csv"))
            .unwrap()
            .starts_with('{')
    );
    assert_eq!(
        files_in(&t),
        ["b.toml", "out.csv"],
        "no stray temporary file"
    );
}

#[test]
fn a_failed_run_leaves_an_existing_output_untouched() {
    let t = Test::new()
        .file("bad.toml", "[scenario]\nname = 1\n")
        .file("out.csv", "precious\n")
        .args(&["project", "bad.toml", "-o", "out.csv"]);
    t.run().status(2);
    assert_eq!(
        std::fs::read_to_string(t.path().join("out.csv")).unwrap(),
        "precious\n"
    );
    assert_eq!(files_in(&t), ["bad.toml", "out.csv"]);
}

#[test]
fn o_into_a_missing_directory_names_the_path() {
    let t = Test::new().file("b.toml", &birmingham()).args(&[
        "project",
        "b.toml",
        "-o",
        "nowhere/out.csv",
    ]);
    t.run()
        .status(2)
        .stderr_has("error: nowhere/out.csv: cannot write: the directory `nowhere` does not exist");
    assert_eq!(files_in(&t), ["b.toml"]);
}

#[test]
fn o_under_a_file_is_an_error() {
    Test::new()
        .file("b.toml", &birmingham())
        .args(&["project", "b.toml", "-o", "b.toml/out.csv"])
        .run()
        .status(2)
        .stderr_has("is not a directory");
}

#[test]
fn o_naming_a_directory_is_refused_naming_the_path() {
    let t = Test::new()
        .file("b.toml", &birmingham())
        .file("results/keep.csv", "keep\n");
    for (out, says) in [
        ("results", "error: results: cannot write: it is a directory"),
        (
            "new/",
            "error: new/: cannot write: it is a directory (or ends in `/`)",
        ),
        (
            "b.toml/",
            "error: b.toml/: cannot write: it is a directory (or ends in `/`)",
        ),
        (
            "b.toml/x/out.csv",
            "error: b.toml/x/out.csv: cannot write: `b.toml` is not a directory",
        ),
    ] {
        project_to(&t, out).status(2).stderr_has(says);
    }
    assert_eq!(files_in(&t), ["b.toml", "results"]);
    assert_eq!(read(&t, "b.toml"), birmingham());
}

#[cfg(target_os = "linux")]
#[test]
fn o_to_an_unwritable_place_is_an_error() {
    Test::new()
        .file("b.toml", &birmingham())
        .args(&["project", "b.toml", "-o", "/proc/pool-model-out.csv"])
        .run()
        .status(2)
        .stderr_has("error: /proc/pool-model-out.csv: cannot write:");
}

#[test]
fn csv_is_tidy_with_one_value_per_row() {
    let ran = Test::new()
        .file("b.toml", &birmingham())
        .args(&["project", "b.toml", "--format", "csv"])
        .run()
        .status(0);
    let mut reader = csv::Reader::from_reader(ran.stdout.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "year", "metric", "service", "setting", "partner", "case", "value"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert!(rows.iter().all(|r| r.len() == 7));
    let find = |year: &str, metric: &str, service: &str, setting: &str, partner: &str| {
        rows.iter()
            .find(|r| {
                &r[0] == year
                    && &r[1] == metric
                    && &r[2] == service
                    && &r[3] == setting
                    && &r[4] == partner
            })
            .map(|r| r[6].to_string())
    };
    assert_eq!(
        find("2009/10", "counterfactual", "", "", "").as_deref(),
        Some("315000000.00")
    );
    assert_eq!(
        find("2012/13", "share", "learning_disability", "residential", "").as_deref(),
        Some("0.400000")
    );
    assert_eq!(
        find("2009/10", "contribution", "", "", "bcc").as_deref(),
        Some("165000000.00")
    );
    assert!(
        find("", "npv", "", "", "").is_some(),
        "NPV has an empty year"
    );
    assert!(find("2010/11", "staff", "", "", "bcc").is_some());
    assert!(find("2010/11", "people_moved", "learning_disability", "", "").is_some());
    // The central case, and Monte Carlo percentiles as cases p10, p50,
    // p90, the mean of the draws, and the chance that cumulative net
    // savings are below zero.
    let mut cases: Vec<&str> = rows.iter().map(|r| &r[5]).collect();
    cases.sort_unstable();
    cases.dedup();
    assert_eq!(
        cases,
        [
            "central",
            "mean",
            "p10",
            "p50",
            "p90",
            "probability_negative",
            "se_mean",
            "se_p10",
            "se_p50",
            "se_p90"
        ]
    );
    // The chance of a loss: a fraction.
    let loss = rows
        .iter()
        .find(|r| &r[1] == "loss_probability")
        .map(|r| r[6].parse::<f64>().unwrap())
        .unwrap();
    assert!((0.0..=1.0).contains(&loss), "{loss}");
    assert!(find("2012/13", "net_savings", "", "", "").is_some());
    let p10 = rows
        .iter()
        .find(|r| r[0].is_empty() && &r[1] == "npv" && &r[5] == "p10")
        .map(|r| r[6].parse::<f64>().unwrap())
        .unwrap();
    let p90 = rows
        .iter()
        .find(|r| r[0].is_empty() && &r[1] == "npv" && &r[5] == "p90")
        .map(|r| r[6].parse::<f64>().unwrap())
        .unwrap();
    assert!(p10 < p90, "NPV p10 {p10} below p90 {p90}");
}

#[test]
fn markdown_tables_have_captions_and_right_aligned_numbers() {
    let ran = Test::new()
        .file("b.toml", &birmingham())
        .args(&["project", "b.toml", "--format", "markdown"])
        .run()
        .status(0);
    assert!(ran.stdout.contains("**Table 1. Summary by year (cash).** Birmingham learning disability and mental health pool, base year 2009/10."));
    assert!(ran.stdout.contains("| :------ | -------------: |"));
    assert!(ran.stdout.contains("| 2009/10 |        £315.0m |"));
}

// ---- What -o names: files, links, devices, FIFOs (issue 26) ----

/// Runs `project b.toml --no-ranges -o OUT` (CSV) in `t`'s directory.
fn project_to(t: &Test, out: &str) -> common::Ran {
    t.run_with(&["project", "b.toml", "--no-ranges", "-f", "csv", "-o", out])
}

fn csv_header() -> &'static str {
    "year,metric,service,setting,partner,case,value\n"
}

/// Makes a private character device node (as root), or says why not.
#[cfg(unix)]
fn mknod_char(at: &std::path::Path, major: u32, minor: u32) -> bool {
    std::process::Command::new("mknod")
        .arg(at)
        .args(["c", &major.to_string(), &minor.to_string()])
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(unix)]
fn is_link(t: &Test, name: &str) -> bool {
    std::fs::symlink_metadata(t.path().join(name)).is_ok_and(|m| m.file_type().is_symlink())
}

/// The text of a file in `t`'s directory.
fn read(t: &Test, name: &str) -> String {
    std::fs::read_to_string(t.path().join(name)).unwrap()
}

#[cfg(unix)]
fn is_char_device(at: &std::path::Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(at).is_ok_and(|m| m.file_type().is_char_device())
}

#[cfg(unix)]
#[test]
fn o_to_a_null_device_writes_into_it_and_leaves_it_a_device() {
    let t = Test::new().file("b.toml", &birmingham());
    let null = t.path().join("null");
    if !mknod_char(&null, 1, 3) {
        eprintln!("skipped: mknod needs root");
        return;
    }
    // A private node, not /dev/null itself: a regression would replace
    // the machine's /dev/null.
    project_to(&t, "null").status(0);
    assert!(is_char_device(&null), "the device node was replaced");
    assert_eq!(files_in(&t), ["b.toml", "null"]);
}

#[cfg(unix)]
#[test]
fn o_to_a_full_device_is_exit_2_naming_the_path() {
    let t = Test::new().file("b.toml", &birmingham());
    let full = t.path().join("full");
    if !mknod_char(&full, 1, 7) {
        eprintln!("skipped: mknod needs root");
        return;
    }
    project_to(&t, "full")
        .status(2)
        .stderr_has("error: full: cannot write: No space left on device");
    assert!(is_char_device(&full), "the device node was replaced");
    assert_eq!(files_in(&t), ["b.toml", "full"]);
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_is_exit_2_with_one_message() {
    let t = Test::new().file("b.toml", &birmingham());
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("pool-model"))
        .current_dir(t.path())
        .args(["project", "b.toml", "--no-ranges"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // One error (after the scenario's warning, which is on stderr too).
    let stderr = String::from_utf8_lossy(&out.stderr);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error")).collect();
    assert_eq!(
        errors,
        ["error: stdout: cannot write: No space left on device (os error 28)"]
    );
}

#[cfg(unix)]
#[test]
fn o_to_a_fifo_writes_into_it_and_leaves_it_a_fifo() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let t = Test::new().file("b.toml", &birmingham());
    let fifo = t.path().join("pipe");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let (tx, rx) = std::sync::mpsc::channel();
    let reading = fifo.clone();
    std::thread::spawn(move || {
        let mut text = String::new();
        let read = std::fs::File::open(&reading).and_then(|mut f| f.read_to_string(&mut text));
        let _ = tx.send(read.map(|_| text));
    });
    project_to(&t, "pipe").status(0);
    // A replaced FIFO is never opened: its reader would wait for ever.
    let text = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the FIFO was never written")
        .unwrap();
    assert!(text.starts_with(csv_header()), "{text}");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert_eq!(files_in(&t), ["b.toml", "pipe"]);
}

#[cfg(unix)]
#[test]
fn o_through_a_chain_of_links_writes_the_file_and_keeps_the_links() {
    use std::os::unix::fs::symlink;
    let t = Test::new()
        .file("b.toml", &birmingham())
        .file("real/out.csv", "old\n");
    symlink("real/out.csv", t.path().join("one")).unwrap();
    symlink("one", t.path().join("two")).unwrap();
    for link in ["one", "two"] {
        std::fs::write(t.path().join("real/out.csv"), "old\n").unwrap();
        project_to(&t, link).status(0);
        assert!(is_link(&t, link), "{link} is no longer a link");
        let written = read(&t, "real/out.csv");
        assert!(written.starts_with(csv_header()), "{written}");
    }
    assert_eq!(files_in(&t), ["b.toml", "one", "real", "two"]);
    let real: Vec<_> = std::fs::read_dir(t.path().join("real")).unwrap().collect();
    assert_eq!(real.len(), 1, "no stray temporary file beside the target");
}

#[cfg(unix)]
#[test]
fn o_through_a_dangling_link_creates_its_target_as_a_shell_would() {
    let t = Test::new().file("b.toml", &birmingham());
    std::fs::create_dir(t.path().join("real")).unwrap();
    std::os::unix::fs::symlink("real/new.csv", t.path().join("out.csv")).unwrap();
    project_to(&t, "out.csv").status(0);
    assert!(is_link(&t, "out.csv"));
    let written = read(&t, "real/new.csv");
    assert!(written.starts_with(csv_header()));

    // A link into a directory that does not exist names that directory.
    std::os::unix::fs::symlink("nowhere/new.csv", t.path().join("lost.csv")).unwrap();
    project_to(&t, "lost.csv")
        .status(2)
        .stderr_has("error: lost.csv: cannot write: the directory `./nowhere` does not exist");
}

#[cfg(unix)]
#[test]
fn o_through_a_link_to_a_directory_is_refused() {
    let t = Test::new()
        .file("b.toml", &birmingham())
        .file("results/keep.csv", "keep\n");
    std::os::unix::fs::symlink("results", t.path().join("out.csv")).unwrap();
    project_to(&t, "out.csv")
        .status(2)
        .stderr_has("error: out.csv: cannot write: it is a directory");
    assert!(is_link(&t, "out.csv"));
    assert_eq!(files_in(&t), ["b.toml", "out.csv", "results"]);
    assert_eq!(read(&t, "results/keep.csv"), "keep\n");
}

#[cfg(unix)]
#[test]
fn o_through_a_link_to_a_device_writes_into_the_device() {
    let t = Test::new().file("b.toml", &birmingham());
    let null = t.path().join("null");
    if !mknod_char(&null, 1, 3) {
        eprintln!("skipped: mknod needs root");
        return;
    }
    std::os::unix::fs::symlink("null", t.path().join("out.csv")).unwrap();
    project_to(&t, "out.csv").status(0);
    assert!(is_char_device(&null));
    assert!(is_link(&t, "out.csv"));
    assert_eq!(files_in(&t), ["b.toml", "null", "out.csv"]);
}

#[cfg(unix)]
#[test]
fn o_through_a_loop_of_links_is_exit_2() {
    let t = Test::new().file("b.toml", &birmingham());
    std::os::unix::fs::symlink("a.csv", t.path().join("b.csv")).unwrap();
    std::os::unix::fs::symlink("b.csv", t.path().join("a.csv")).unwrap();
    project_to(&t, "a.csv")
        .status(2)
        .stderr_has("error: a.csv: cannot write:");
    assert_eq!(files_in(&t), ["a.csv", "b.csv", "b.toml"]);
}

#[cfg(unix)]
#[test]
fn o_over_a_read_only_file_is_refused_even_for_root() {
    use std::os::unix::fs::PermissionsExt;
    let t = Test::new()
        .file("b.toml", &birmingham())
        .file("out.csv", "precious\n");
    let out = t.path().join("out.csv");
    for mode in [0o444, 0o400, 0o555] {
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(mode)).unwrap();
        project_to(&t, "out.csv")
            .status(2)
            .stderr_has(&format!(
                "error: out.csv: cannot write: the file is read-only (mode 0{mode:o})"
            ))
            .stderr_has("= help: make it writable first (chmod u+w out.csv)");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious\n");
        let kept = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(kept, mode);
    }
    assert_eq!(files_in(&t), ["b.toml", "out.csv"]);
}

#[cfg(unix)]
#[test]
fn a_replaced_file_keeps_its_owner_and_group() {
    use std::os::unix::fs::MetadataExt;
    let t = Test::new()
        .file("b.toml", &birmingham())
        .file("out.csv", "old\n");
    let out = t.path().join("out.csv");
    // Only root may give a file to someone else.
    if std::os::unix::fs::chown(&out, Some(4242), Some(4343)).is_err() {
        eprintln!("skipped: chown needs root");
        return;
    }
    project_to(&t, "out.csv").status(0);
    let meta = std::fs::metadata(&out).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (4242, 4343));
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .starts_with(csv_header())
    );
}

// ---- -o naming an input ----

#[test]
fn o_naming_the_scenario_is_refused_however_it_is_spelt() {
    let t = Test::new().file("b.toml", &birmingham());
    std::fs::create_dir(t.path().join("sub")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("b.toml", t.path().join("link.csv")).unwrap();
    std::fs::hard_link(t.path().join("b.toml"), t.path().join("hard.csv")).unwrap();
    let mut spellings = vec!["b.toml", "./b.toml", "sub/../b.toml", "hard.csv"];
    if cfg!(unix) {
        spellings.push("link.csv");
    }
    for out in spellings {
        for command in [
            vec!["project", "b.toml", "--no-ranges", "-o", out],
            vec!["sensitivity", "b.toml", "-o", out],
            vec!["chart", "b.toml", "--kind", "shares", "-o", out],
            vec!["check", "b.toml", "-o", out],
            vec!["diff", "b.toml", "b.toml", "--no-ranges", "-o", out],
        ] {
            t.run_with(&command)
                .status(2)
                .stderr_has(&format!(
                    "error: {out}: cannot write: it is the input b.toml, which this run reads"
                ))
                .stderr_has("= help: write the results to another file");
            assert_eq!(read(&t, "b.toml"), birmingham(), "{command:?}");
        }
    }
}

#[test]
fn diff_o_naming_either_side_is_refused() {
    let t = Test::new()
        .file("a.toml", &birmingham())
        .file("b.toml", &birmingham());
    for out in ["a.toml", "b.toml"] {
        t.run_with(&["diff", "a.toml", "b.toml", "-o", out])
            .status(2)
            .stderr_has(&format!(
                "error: {out}: cannot write: it is the input {out}"
            ));
    }
    assert_eq!(read(&t, "a.toml"), birmingham());
    assert_eq!(read(&t, "b.toml"), birmingham());
}

#[test]
fn o_naming_a_file_of_the_extends_chain_is_refused() {
    let t = Test::new()
        .file("bases/b.toml", &birmingham())
        .file(
            "mid.toml",
            "extends = \"bases/b.toml\"\n[scenario]\nname = \"Mid\"\n",
        )
        .file(
            "top.toml",
            "extends = \"mid.toml\"\n[scenario]\nname = \"Top\"\n",
        );
    for (command, out, input) in [
        (
            vec!["project", "top.toml", "--no-ranges"],
            "bases/b.toml",
            "bases/b.toml",
        ),
        (
            vec!["project", "top.toml", "--no-ranges"],
            "mid.toml",
            "mid.toml",
        ),
        (
            vec!["sensitivity", "top.toml"],
            "./bases/../mid.toml",
            "mid.toml",
        ),
        (
            vec!["chart", "top.toml", "--kind", "fan", "--draws", "100"],
            "bases/b.toml",
            "bases/b.toml",
        ),
        (vec!["check", "top.toml"], "bases/b.toml", "bases/b.toml"),
        (
            vec!["diff", "bases/b.toml", "top.toml"],
            "mid.toml",
            "mid.toml",
        ),
    ] {
        let mut args = command.clone();
        args.extend(["-o", out]);
        t.run_with(&args).status(2).stderr_has(&format!(
            "error: {out}: cannot write: it is the input {input}"
        ));
        assert_eq!(read(&t, "bases/b.toml"), birmingham(), "{args:?}");
        assert_eq!(
            read(&t, "mid.toml"),
            "extends = \"bases/b.toml\"\n[scenario]\nname = \"Mid\"\n",
            "{args:?}"
        );
    }
}

#[test]
fn check_o_naming_the_base_of_an_invalid_file_is_refused() {
    // The report is written even when a file is invalid: never over a base.
    let t = Test::new()
        .file("b.toml", &birmingham())
        .file("bad.toml", "extends = \"b.toml\"\n[scenario]\nname = 1\n");
    t.run_with(&["check", "bad.toml", "-o", "b.toml"])
        .status(2)
        .stderr_has("error: b.toml: cannot write: it is the input b.toml");
    assert_eq!(read(&t, "b.toml"), birmingham());
}

// ---- Signals ----

/// Spawns the binary in `t`'s directory, with extra environment.
#[cfg(unix)]
fn spawn(t: &Test, args: &[&str], env: &[(&str, &str)]) -> std::process::Child {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("pool-model"));
    command
        .current_dir(t.path())
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    // The three signals at their default action, as a shell starts a
    // command: tests run under `nohup` inherit SIGHUP ignored, and the
    // child would then run on through it.
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: between fork and exec the closure makes only signal(2)
        // calls, which are async-signal-safe, and allocates nothing.
        unsafe {
            command.pre_exec(|| {
                for signal in [libc::SIGHUP, libc::SIGINT, libc::SIGTERM] {
                    libc::signal(signal, libc::SIG_DFL);
                }
                Ok(())
            });
        }
    }
    command.spawn().unwrap()
}

#[cfg(unix)]
fn temporary_files(t: &Test) -> Vec<String> {
    files_in(t)
        .into_iter()
        .filter(|n| n.starts_with(".pool-model-"))
        .collect()
}

#[cfg(unix)]
fn send(child: &std::process::Child, signal: i32) {
    let pid = i32::try_from(child.id()).unwrap();
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
}

/// Waits for a child with a deadline, killing it if it is exceeded.
#[cfg(unix)]
fn wait(mut child: std::process::Child, secs: u64) -> std::process::ExitStatus {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the run did not end within {secs} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

#[cfg(all(unix, debug_assertions))]
#[test]
fn a_signal_while_the_output_is_written_leaves_no_temporary_file_and_the_old_output() {
    use std::os::unix::process::ExitStatusExt;
    let t = Test::new()
        .file("b.toml", &birmingham())
        .file("out.csv", "precious\n");
    for signal in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP] {
        let child = spawn(
            &t,
            &["project", "b.toml", "--no-ranges", "-o", "out.csv"],
            &[("POOL_MODEL_TEST_PAUSE_BEFORE_RENAME", "20000")],
        );
        // Signal it at the moment its temporary file exists, complete.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while temporary_files(&t).is_empty() {
            assert!(
                std::time::Instant::now() < deadline,
                "no temporary file appeared"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        send(&child, signal);
        let status = wait(child, 10);
        assert_eq!(status.signal(), Some(signal), "{status:?}");
        assert_eq!(temporary_files(&t), Vec::<String>::new());
        assert_eq!(read(&t, "out.csv"), "precious\n");
    }
    assert_eq!(files_in(&t), ["b.toml", "out.csv"]);
}

#[cfg(unix)]
#[test]
fn a_signal_during_a_long_monte_carlo_run_leaves_the_old_output() {
    use std::os::unix::process::ExitStatusExt;
    let t = Test::new()
        .file("b.toml", &birmingham())
        .file("out.csv", "precious\n");
    for signal in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP] {
        let child = spawn(
            &t,
            &["project", "b.toml", "--draws", "10000000", "-o", "out.csv"],
            &[],
        );
        std::thread::sleep(std::time::Duration::from_millis(300));
        send(&child, signal);
        let status = wait(child, 60);
        assert_eq!(status.signal(), Some(signal), "{status:?}");
        assert_eq!(read(&t, "out.csv"), "precious\n");
        assert_eq!(files_in(&t), ["b.toml", "out.csv"]);
    }
}

#[cfg(target_os = "linux")]
#[test]
fn o_through_a_descriptor_alias_writes_to_that_descriptor_and_keeps_what_it_had() {
    // Like `-o /dev/stdout >> log`: a link to /proc/self/fd/1 (private, so
    // a regression replaces this link and not the machine's /dev/stdout).
    let t = Test::new()
        .file("b.toml", &birmingham())
        .file("log", "first\n");
    std::os::unix::fs::symlink("/proc/self/fd/1", t.path().join("alias")).unwrap();
    let log = std::fs::OpenOptions::new()
        .append(true)
        .open(t.path().join("log"))
        .unwrap();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("pool-model"))
        .current_dir(t.path())
        .args([
            "project",
            "b.toml",
            "--no-ranges",
            "-f",
            "csv",
            "-o",
            "alias",
        ])
        .stdout(log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(is_link(&t, "alias"));
    let text = read(&t, "log");
    assert!(
        text.starts_with(&format!("first\n{}", csv_header())),
        "{text}"
    );
    assert_eq!(files_in(&t), ["alias", "b.toml", "log"]);
}

#[cfg(unix)]
#[test]
fn o_to_a_block_device_or_a_socket_is_refused() {
    use std::os::unix::fs::FileTypeExt;
    let t = Test::new().file("b.toml", &birmingham());
    let _socket = std::os::unix::net::UnixListener::bind(t.path().join("sock")).unwrap();
    project_to(&t, "sock")
        .status(2)
        .stderr_has("error: sock: cannot write: it is a socket, not a file");
    let socket = std::fs::symlink_metadata(t.path().join("sock")).unwrap();
    assert!(socket.file_type().is_socket());
    // A private node for a loop device: never opened, only refused.
    let disk = t.path().join("disk");
    let made = std::process::Command::new("mknod")
        .arg(&disk)
        .args(["b", "7", "0"])
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped the block device: mknod needs root");
        return;
    }
    project_to(&t, "disk")
        .status(2)
        .stderr_has("error: disk: cannot write: it is a block device (a disk), not a file");
    let disk = std::fs::symlink_metadata(&disk).unwrap();
    assert!(disk.file_type().is_block_device());
    assert_eq!(files_in(&t), ["b.toml", "disk", "sock"]);
}

/// A small tmpfs mounted for one test (as root), unmounted when dropped.
#[cfg(target_os = "linux")]
struct SmallDisk(tempfile::TempDir);

#[cfg(target_os = "linux")]
impl SmallDisk {
    fn mount(size: &str) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().ok()?;
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then_some(SmallDisk(dir))
    }
}

#[cfg(target_os = "linux")]
impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.0.path())
            .status();
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_exit_2_and_the_old_output_stays_whole() {
    let Some(disk) = SmallDisk::mount("16k") else {
        eprintln!("skipped: mounting a tmpfs needs root");
        return;
    };
    let out = disk.0.path().join("out.csv");
    std::fs::write(&out, "precious\n").unwrap();
    // The full CSV (with percentiles) is far larger than 16 KiB.
    let t = Test::new().file("b.toml", &birmingham());
    let out_arg = out.display().to_string();
    t.run_with(&["project", "b.toml", "--draws", "200", "-o", &out_arg])
        .status(2)
        .stderr_has(&format!(
            "error: {out_arg}: cannot write: No space left on device"
        ));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious\n");
    let left: Vec<_> = std::fs::read_dir(disk.0.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "no temporary file left on the full disk");
}

/// Standard output open on an input (`>> base.toml`, `1<> base.toml`) is
/// refused like `-o` naming it: the input stays byte-identical.
#[cfg(unix)]
#[test]
fn stdout_appending_to_or_open_on_an_input_is_refused() {
    let t = Test::new()
        .file("base.toml", &birmingham())
        .file("sub/var.toml", "extends = \"../base.toml\"\n");
    let base = t.path().join("base.toml");
    let before = std::fs::read(&base).unwrap();
    for append in [true, false] {
        for args in [
            &["project", "sub/var.toml", "--no-ranges"][..],
            &["project", "sub/var.toml", "--no-ranges", "-o", "-"],
            &["sensitivity", "sub/var.toml"],
            &["check", "base.toml"],
        ] {
            let stdout = std::fs::OpenOptions::new()
                .read(!append)
                .write(!append)
                .append(append)
                .open(&base)
                .unwrap();
            let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("pool-model"))
                .current_dir(t.path())
                .args(args)
                .stdout(stdout)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(
                stderr.contains("stdout: cannot write: it is the input"),
                "{stderr}"
            );
            assert_eq!(std::fs::read(&base).unwrap(), before, "{args:?}");
        }
    }
    // Standard output on another file is fine.
    let other = std::fs::File::create(t.path().join("out.txt")).unwrap();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("pool-model"))
        .current_dir(t.path())
        .args(["project", "sub/var.toml", "--no-ranges"])
        .stdout(other)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[cfg(target_os = "linux")]
#[test]
fn help_and_version_to_a_full_stdout_are_exit_2() {
    for args in [
        &["--help"][..],
        &["-V"],
        &["help", "project"],
        &["project", "--help"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("pool-model"))
            .args(args)
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("No space left on device"),
            "{args:?}"
        );
    }
}

// ---- -o with an extension the command does not write (issue 29) ----

#[test]
fn o_with_an_extension_a_command_does_not_write_is_refused_and_creates_nothing() {
    let t = Test::new().file("b.toml", &birmingham());
    for out in ["board.pdf", "paper.docx", "out.csvv", "picture.png"] {
        for (command, writes) in [
            (
                vec!["project", "b.toml", "--no-ranges"],
                "it writes tables (.txt), Markdown (.md), CSV (.csv), JSON (.json) and Excel workbooks (.xlsx)",
            ),
            (vec!["sensitivity", "b.toml"], "it writes tables (.txt)"),
            (
                vec!["diff", "b.toml", "b.toml", "--no-ranges"],
                "JSON (.json)",
            ),
            (
                vec!["appraise", "b.toml", "--no-ranges"],
                "Excel workbooks (.xlsx) and an SVG chart (.svg)",
            ),
            (
                vec!["chart", "b.toml", "--kind", "shares"],
                "it writes an SVG picture (.svg)",
            ),
            (
                vec!["check", "b.toml"],
                "it writes its report as text (.txt)",
            ),
        ] {
            let mut args = command.clone();
            args.extend(["-o", out]);
            let ext = out.rsplit('.').next().unwrap();
            t.run_with(&args)
                .status(2)
                .stderr_has(&format!(
                    "error: {out}: `pool-model {}` does not write .{ext} files",
                    command[0]
                ))
                .stderr_has(writes)
                .stderr_has("nothing was written");
            assert_eq!(files_in(&t), ["b.toml"], "{args:?}");
        }
    }
    // A picture's extension is not overridden by --format: no JSON in an
    // .svg file.
    t.run_with(&[
        "appraise",
        "b.toml",
        "--no-ranges",
        "--format",
        "json",
        "-o",
        "x.svg",
    ])
    .status(2)
    .stderr_has("`--format json` writes JSON, but the file's name ends in .svg");
    assert_eq!(files_in(&t), ["b.toml"]);
    // No extension is a table; `--format` wins over a text extension.
    t.run_with(&["project", "b.toml", "--no-ranges", "-o", "plain"])
        .status(0);
    assert!(read(&t, "plain").contains("Summary by year (cash)"));
}
