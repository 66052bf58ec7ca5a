//! What the tool reads (issue 26): the 4 MiB limit holds on the bytes read
//! from FIFOs, devices and endless pipes, in bounded time and memory; a FIFO
//! that nobody writes to is announced on a terminal; and `extends` reads
//! only a regular `.toml` file inside the run's folder or the top
//! scenario's folder, quoting nothing of a file it refuses.

#![cfg(target_os = "linux")]

mod common;

use std::ffi::CStr;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::fd::FromRawFd;
use std::os::unix::fs::{OpenOptionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::Ran;

/// A valid scenario, to serve as a base or be written into a FIFO.
const BASE: &str = include_str!("bad/bases/good.toml");

/// A line no diagnostic may ever show.
const SECRET: &str = "do-not-print-7f3a";

/// Longest any run here may take before the test gives up on it.
const DEADLINE: Duration = Duration::from_secs(20);

const BINARY: &str = env!("CARGO_BIN_EXE_pool-model");

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(BINARY);
    c.current_dir(dir).env("NO_COLOR", "1").args(args);
    c
}

/// Runs the binary in `dir` (its stdin empty) and collects what it said.
fn run_in(dir: &Path, args: &[&str]) -> Ran {
    ran(command(dir, args).stdin(Stdio::null()).output().unwrap())
}

fn ran(output: std::process::Output) -> Ran {
    let ran = Ran {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        output,
    };
    assert!(!ran.stderr.contains("panicked"), "{}", ran.stderr);
    ran
}

/// A run's exit code and stderr, with the CPU time and peak memory the
/// kernel accounted to it.
struct Measured {
    code: i32,
    stderr: String,
    cpu: Duration,
    max_rss_bytes: u64,
}

/// Kills a child that a failing test leaves behind (only a child this
/// test started, by its handle).
struct Reaper(Option<Child>);

impl Drop for Reaper {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Waits for `child` with `wait4`, so its own CPU time and peak memory are
/// known; kills it and fails past [`DEADLINE`].
fn measure(child: Child) -> Measured {
    let mut reaper = Reaper(Some(child));
    let pid = reaper.0.as_ref().unwrap().id() as libc::pid_t;
    let pipe = reaper.0.as_mut().unwrap().stderr.take();
    let began = Instant::now();
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: rusage is plain data; wait4 fills it for our own child.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break (status, usage);
        }
        assert!(
            began.elapsed() < DEADLINE,
            "still running after {DEADLINE:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    // Reaped by wait4: nothing is left to kill or wait for.
    reaper.0 = None;
    let mut stderr = String::new();
    if let Some(mut pipe) = pipe {
        pipe.read_to_string(&mut stderr).unwrap();
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    Measured {
        code: if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        },
        stderr,
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
        max_rss_bytes: usage.ru_maxrss as u64 * 1024,
    }
}

fn spawn(dir: &Path, args: &[&str], stdin: Stdio) -> Child {
    command(dir, args)
        .stdin(stdin)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Stopped at the limit, quickly and in bounded memory.
fn stopped_at_the_limit(m: &Measured, name: &str) {
    assert_eq!(m.code, 2, "{}", m.stderr);
    let head = format!("error: {name}: is more than 4194304 bytes");
    assert!(m.stderr.contains(&head), "no {head:?} in\n{}", m.stderr);
    assert!(m.cpu < Duration::from_secs(1), "{:?} of CPU", m.cpu);
    assert!(
        m.max_rss_bytes < 100 << 20,
        "{} MiB of memory",
        m.max_rss_bytes >> 20
    );
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

/// Writes `# filler` lines into `out` until the reader goes away.
fn write_forever(mut out: impl Write) {
    let chunk = "# filler\n".repeat(8192);
    while out.write_all(chunk.as_bytes()).is_ok() {}
}

#[test]
fn dev_zero_as_the_scenario_stops_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let m = measure(spawn(dir.path(), &["project", "/dev/zero"], Stdio::null()));
    stopped_at_the_limit(&m, "/dev/zero");
}

#[test]
fn an_endless_pipe_as_the_scenario_stops_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = spawn(dir.path(), &["check", "/dev/stdin"], Stdio::piped());
    let stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || write_forever(stdin));
    let m = measure(child);
    writer.join().unwrap();
    stopped_at_the_limit(&m, "/dev/stdin");
}

#[test]
fn an_endless_fifo_as_the_scenario_stops_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("endless.fifo");
    mkfifo(&fifo);
    let path = fifo.clone();
    let writer = std::thread::spawn(move || write_forever(File::create(path).unwrap()));
    let m = measure(spawn(
        dir.path(),
        &["project", "endless.fifo"],
        Stdio::null(),
    ));
    writer.join().unwrap();
    stopped_at_the_limit(&m, "endless.fifo");
}

#[test]
fn a_fifo_whose_writer_comes_late_is_read_quietly_off_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("late.fifo");
    mkfifo(&fifo);
    let writer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        File::create(fifo).unwrap().write_all(BASE.as_bytes())
    });
    let m = measure(spawn(dir.path(), &["check", "late.fifo"], Stdio::null()));
    writer.join().unwrap().unwrap();
    assert_eq!(m.code, 0, "{}", m.stderr);
    assert_eq!(m.stderr, "", "stderr is not a terminal: nothing is said");
}

/// A pseudo-terminal: (the side a person reads, the side a program writes).
fn pty() -> (File, File) {
    // SAFETY: each call checks its result; the name is NUL-terminated.
    unsafe {
        let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        assert!(master >= 0);
        assert_eq!(libc::grantpt(master), 0);
        assert_eq!(libc::unlockpt(master), 0);
        let mut name = [0 as libc::c_char; 128];
        assert_eq!(libc::ptsname_r(master, name.as_mut_ptr(), name.len()), 0);
        let name = CStr::from_ptr(name.as_ptr()).to_str().unwrap().to_owned();
        let slave = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOCTTY)
            .open(name)
            .unwrap();
        (File::from_raw_fd(master), slave)
    }
}

#[test]
fn a_fifo_without_a_writer_is_announced_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("quiet.fifo");
    mkfifo(&fifo);
    let (mut terminal, stderr) = pty();
    let child = command(dir.path(), &["check", "quiet.fifo"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut reaper = Reaper(Some(child));
    let (said, heard) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0; 512];
        while let Ok(n @ 1..) = terminal.read(&mut buf) {
            if said.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut shown = String::new();
    let began = Instant::now();
    while !shown.contains("waiting for a program to write to the FIFO quiet.fifo") {
        let left = Duration::from_secs(10).saturating_sub(began.elapsed());
        match heard.recv_timeout(left) {
            Ok(bytes) => shown.push_str(&String::from_utf8_lossy(&bytes)),
            Err(_) => panic!("nothing said on the terminal in 10 s: {shown:?}"),
        }
    }
    // The wait ends when a writer comes.
    File::create(&fifo)
        .unwrap()
        .write_all(BASE.as_bytes())
        .unwrap();
    let mut child = reaper.0.take().unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

/// A folder holding `run/` (where the tool runs) and `outside/secret.toml`
/// (a file with a line that must never be shown).
fn tree() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    std::fs::create_dir_all(&run).unwrap();
    std::fs::create_dir_all(dir.path().join("outside")).unwrap();
    std::fs::write(
        dir.path().join("outside/secret.toml"),
        format!("token = {SECRET}\n"),
    )
    .unwrap();
    std::fs::write(run.join("base.toml"), BASE).unwrap();
    (dir, run)
}

fn variant(run: &Path, name: &str, extends: &str) {
    std::fs::write(
        run.join(name),
        format!("# a variant\nextends = \"{extends}\"\n"),
    )
    .unwrap();
}

/// Refused at the `extends` value for `why`, quoting nothing of the base.
fn refused(r: Ran, name: &str, why: &str) {
    let r = r.status(2).stderr_has(&format!("error: {name}:2:11: "));
    assert!(r.stderr.contains(why), "no {why:?} in\n{}", r.stderr);
    assert!(!r.stderr.contains(SECRET), "quoted the base:\n{}", r.stderr);
}

#[test]
fn a_base_up_and_out_of_the_tree_is_refused_without_quoting_it() {
    let (_dir, run) = tree();
    variant(&run, "v.toml", "../outside/secret.toml");
    let r = run_in(&run, &["check", "v.toml"]);
    refused(
        r,
        "v.toml",
        "it is outside the folders a base may come from",
    );
}

#[test]
fn a_base_at_an_absolute_path_out_of_the_tree_is_refused() {
    let (dir, run) = tree();
    let secret = dir.path().join("outside/secret.toml");
    variant(&run, "v.toml", secret.to_str().unwrap());
    let r = run_in(&run, &["project", "v.toml"]);
    refused(
        r,
        "v.toml",
        "it is outside the folders a base may come from",
    );
}

#[test]
fn a_symlink_out_of_the_tree_is_refused_without_quoting_it() {
    let (_dir, run) = tree();
    symlink("../outside/secret.toml", run.join("link.toml")).unwrap();
    variant(&run, "v.toml", "link.toml");
    let r = run_in(&run, &["check", "v.toml"]);
    refused(
        r,
        "v.toml",
        "it is outside the folders a base may come from",
    );
}

#[test]
fn diff_refuses_a_base_out_of_the_tree_too() {
    let (_dir, run) = tree();
    variant(&run, "v.toml", "../outside/secret.toml");
    let r = run_in(&run, &["diff", "base.toml", "v.toml"]);
    refused(
        r,
        "v.toml",
        "it is outside the folders a base may come from",
    );
}

#[test]
fn proc_self_environ_as_a_base_is_refused_without_quoting_it() {
    let (_dir, run) = tree();
    variant(&run, "direct.toml", "/proc/self/environ");
    symlink("/proc/self/environ", run.join("environ.toml")).unwrap();
    variant(&run, "linked.toml", "environ.toml");
    for (name, why) in [
        ("direct.toml", "its name does not end in .toml"),
        (
            "linked.toml",
            "it is outside the folders a base may come from",
        ),
    ] {
        let output = command(&run, &["check", name])
            .env_clear()
            .env("TOKEN", SECRET)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        refused(ran(output), name, why);
    }
}

#[test]
fn a_base_not_named_toml_is_refused_without_quoting_it() {
    let (_dir, run) = tree();
    std::fs::write(run.join(".env"), format!("TOKEN={SECRET}\n")).unwrap();
    variant(&run, "v.toml", ".env");
    let r = run_in(&run, &["check", "v.toml"]);
    refused(r, "v.toml", "its name does not end in .toml");
}

#[test]
fn a_link_inside_the_tree_to_a_file_not_named_toml_is_refused() {
    let (_dir, run) = tree();
    std::fs::write(run.join(".env"), format!("TOKEN={SECRET}\n")).unwrap();
    symlink(".env", run.join("env.toml")).unwrap();
    variant(&run, "v.toml", "env.toml");
    let r = run_in(&run, &["check", "v.toml"]);
    refused(
        r,
        "v.toml",
        "it is a link to a file whose name does not end in .toml",
    );
}

#[test]
fn dev_zero_as_a_base_is_refused_without_reading_it() {
    let (_dir, run) = tree();
    variant(&run, "direct.toml", "/dev/zero");
    symlink("/dev/zero", run.join("zero.toml")).unwrap();
    variant(&run, "linked.toml", "zero.toml");
    for (name, why) in [
        ("direct.toml", "its name does not end in .toml"),
        (
            "linked.toml",
            "it is outside the folders a base may come from",
        ),
    ] {
        let m = measure(spawn(&run, &["check", name], Stdio::null()));
        assert_eq!(m.code, 2, "{}", m.stderr);
        let head = format!("error: {name}:2:11: cannot read the base scenario");
        assert!(
            m.stderr.contains(&head) && m.stderr.contains(why),
            "{}",
            m.stderr
        );
    }
}

#[test]
fn a_fifo_as_a_base_is_refused_without_waiting_for_it() {
    let (_dir, run) = tree();
    mkfifo(&run.join("pipe.toml"));
    variant(&run, "v.toml", "pipe.toml");
    let m = measure(spawn(&run, &["check", "v.toml"], Stdio::null()));
    assert_eq!(m.code, 2, "{}", m.stderr);
    assert!(
        m.stderr.contains(
            "error: v.toml:2:11: cannot read the base scenario pipe.toml: it is not a regular file"
        ),
        "{}",
        m.stderr
    );
}

#[test]
fn a_base_that_is_a_directory_is_refused_at_the_extends_value() {
    let (_dir, run) = tree();
    std::fs::create_dir(run.join("folder.toml")).unwrap();
    variant(&run, "v.toml", "folder.toml");
    run_in(&run, &["check", "v.toml"])
        .status(2)
        .stderr_has(
            "error: v.toml:2:11: cannot read the base scenario folder.toml: it is a directory",
        )
        .stderr_has("= help: `extends` names a scenario file");
}

#[test]
fn a_base_over_the_limit_is_refused_at_the_extends_value() {
    let (_dir, run) = tree();
    let big = format!("{BASE}\n# {}\n", "x".repeat(5 << 20));
    std::fs::write(run.join("big.toml"), big).unwrap();
    variant(&run, "v.toml", "big.toml");
    run_in(&run, &["check", "v.toml"]).status(2).stderr_has(
        "error: v.toml:2:11: cannot read the base scenario big.toml: is more than 4194304 bytes",
    );
}

#[test]
fn an_absolute_path_inside_the_tree_is_allowed() {
    let (_dir, run) = tree();
    let base = run.join("base.toml");
    variant(&run, "v.toml", base.to_str().unwrap());
    run_in(&run, &["check", "v.toml"]).status(0);
}

#[test]
fn a_base_in_the_scenarios_own_folder_is_allowed_when_run_from_elsewhere() {
    let (dir, run) = tree();
    variant(&run, "v.toml", "base.toml");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    run_in(&elsewhere, &["check", "../run/v.toml"]).status(0);
}

#[test]
fn a_base_above_the_scenario_inside_the_run_folder_is_allowed() {
    let (_dir, run) = tree();
    std::fs::create_dir(run.join("variants")).unwrap();
    variant(&run, "variants/v.toml", "../base.toml");
    run_in(&run, &["check", "variants/v.toml"]).status(0);
}
