//! Running a program to the end and keeping what it said: [`Out`], from [`run`] (no time
//! limit) or [`wait_for`] (a child spawned by the caller, optionally within a time limit).

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// One finished command.
#[derive(Debug, Clone)]
pub struct Out {
    /// How the command is named in messages.
    pub what: String,
    pub status: ExitStatus,
    /// The exit code, -1 when a signal ended it.
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Whether it exited 0.
    pub fn success(&self) -> bool {
        self.code == 0
    }

    /// Panics with the output unless it exited 0.
    #[track_caller]
    pub fn ok(&self) -> &Self {
        assert_eq!(self.code, 0, "`{}` failed:\n{}", self.what, self.dump());
        self
    }

    /// Panics with the output when it exited 0.
    #[track_caller]
    pub fn failed(&self) -> &Self {
        assert_ne!(
            self.code,
            0,
            "`{}` should have failed:\n{}",
            self.what,
            self.dump()
        );
        self
    }

    /// [`Out::ok`], keeping the value: `let out = run(..).expect_ok();`.
    #[track_caller]
    pub fn expect_ok(self) -> Self {
        self.ok();
        self
    }

    /// [`Out::failed`], keeping the value.
    #[track_caller]
    pub fn expect_failure(self) -> Self {
        self.failed();
        self
    }

    /// Panics with the output unless it exited with `code`.
    #[track_caller]
    pub fn expect_code(self, code: i32) -> Self {
        assert_eq!(self.code, code, "{}", self.show());
        self
    }

    /// The exit code and both outputs, for messages.
    pub fn dump(&self) -> String {
        format!(
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    /// [`Out::dump`] after the command's name.
    pub fn show(&self) -> String {
        format!("{}: {}", self.what, self.dump())
    }

    /// stdout + stderr, for message checks.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// Runs `cmd` (stdin closed) to the end, however long it takes, and prints its exit code;
/// panics when it cannot start.
pub fn run(mut cmd: Command, what: impl Into<String>) -> Out {
    let what = what.into();
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    let out = wait_for(child, what, None).expect("no time limit");
    eprintln!("{}: exit {}", out.what, out.code);
    out
}

/// Waits for `child`, whose stdout and stderr are piped, collecting both; with a `limit` the
/// child is killed when it runs longer, and that is the `Err`.
pub fn wait_for(mut child: Child, what: String, limit: Option<Duration>) -> Result<Out, String> {
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let status = match limit {
        None => child.wait().expect("wait for the child"),
        Some(limit) => {
            let deadline = Instant::now() + limit;
            loop {
                if let Some(status) = child.try_wait().expect("try_wait") {
                    break status;
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!("`{what}` did not finish within {limit:?}"));
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    };
    Ok(Out {
        code: status.code().unwrap_or(-1),
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
        what,
    })
}
