//! compose's live progress display (`tty.go`), on stderr: every 100ms (and
//! once more at the end) the cursor goes back to the top of the last frame
//! and the frame is drawn again:
//!
//! ```text
//! [+] Running 2/3
//!  ✔ Network demo_default    Created                          0.1s
//!  ⠹ Container demo-web-1    Starting                         0.3s
//!  ✔ web [⣿⣿⣄] 2.1MB / 4.8MB Pulling                          1.2s
//!    ⠹ 8a1e25ce7c4f Downloading [====>     ]  1.1MB/2.4MB      0.9s
//! ```
//!
//! The header counts the finished resources (blue once all lines are
//! done); each resource keeps its line (errors stay on screen), its status
//! coloured (green done, yellow warning, red error) and its elapsed time on
//! the right; a part of another (a pulled image's layer) is indented under
//! it, and its parent shows the parts' progress together while working.
//! Lines printed meanwhile (warnings, a builder's output) go above the
//! frame. Terminal size and cursor movement come from crossterm.

use std::collections::HashMap;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use compose_engine::progress::{human_size, Event, Status};
use crossterm::cursor::{Hide, MoveDown, MoveToColumn, MoveUp, Show};
use crossterm::queue;

const TICK: Duration = Duration::from_millis(100);

/// The spinner's frames, and its face when stopped.
const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const SPINNER_STOPPED: &str = "⠿";
/// A part's completion, from none to all.
const PERCENT_CHARS: [&str; 9] = ["⠀", "⡀", "⣀", "⣄", "⣤", "⣦", "⣶", "⣷", "⣿"];

/// The colours compose uses (morikuni/aec's codes), or none.
#[derive(Clone, Copy)]
struct Colors(bool);

impl Colors {
    fn paint(self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn done(self, s: &str) -> String {
        self.paint("34", s)
    }
    fn timer(self, s: &str) -> String {
        self.paint("34", s)
    }
    fn count(self, s: &str) -> String {
        self.paint("33", s)
    }
    fn warning(self, s: &str) -> String {
        self.paint("33;1", s)
    }
    fn success(self, s: &str) -> String {
        self.paint("32", s)
    }
    fn error(self, s: &str) -> String {
        self.paint("31;1", s)
    }
    fn prefix(self, s: &str) -> String {
        self.paint("36", s)
    }
    fn status(self, status: Status, s: &str) -> String {
        match status {
            Status::Done => self.success(s),
            Status::Warning => self.warning(s),
            Status::Error => self.error(s),
            _ => s.to_string(),
        }
    }
}

struct Spinner {
    start: Instant,
    index: usize,
    stopped: bool,
}

impl Spinner {
    fn new(now: Instant) -> Spinner {
        Spinner {
            start: now,
            index: 0,
            stopped: false,
        }
    }

    /// compose's spinner: after its first 100ms it moves on at every frame.
    fn frame(&mut self, now: Instant) -> &'static str {
        if self.stopped {
            return SPINNER_STOPPED;
        }
        if now.duration_since(self.start) > TICK {
            self.index = (self.index + 1) % SPINNER.len();
        }
        SPINNER[self.index]
    }
}

/// One resource's line.
struct Entry {
    id: String,
    parent: String,
    /// compose's event text: what is done (`Downloading`), mostly empty.
    text: String,
    status: Status,
    /// compose's status text: the word (`Started`) or the error.
    status_text: String,
    current: u64,
    total: u64,
    percent: u8,
    start: Instant,
    end: Option<Instant>,
    spinner: Spinner,
}

impl Entry {
    fn stop(&mut self, now: Instant) {
        self.end = Some(now);
        self.spinner.stopped = true;
    }
}

/// The display's state, as compose's `ttyWriter`.
pub struct Display {
    events: HashMap<String, Entry>,
    ids: Vec<String>,
    /// A frame was drawn: the cursor is below it.
    repeated: bool,
    /// The lines of resources the last frame drew (without the header).
    num_lines: usize,
    /// Lines to go up to reach the top of the last frame, once a line was
    /// printed above it (None: as compose, the header and `num_lines`).
    drawn_override: Option<usize>,
    skip_children: bool,
    title: &'static str,
    dry_run: bool,
    colors: Colors,
}

impl Display {
    /// An empty display.
    pub fn new(title: &'static str, dry_run: bool, colors: bool) -> Display {
        Display {
            events: HashMap::new(),
            ids: Vec::new(),
            repeated: false,
            num_lines: 0,
            drawn_override: None,
            skip_children: false,
            title,
            dry_run,
            colors: Colors(colors),
        }
    }

    /// Takes one event in (compose's `ttyWriter.event`).
    pub fn event(&mut self, e: &Event, now: Instant) {
        if !self.ids.contains(&e.resource) {
            self.ids.push(e.resource.clone());
        }
        let status = match e.status {
            Status::Output => Status::Working,
            s => s,
        };
        if let Some(last) = self.events.get_mut(&e.resource) {
            match status {
                Status::Done | Status::Error | Status::Warning => {
                    if last.status != status {
                        last.stop(now);
                    }
                }
                _ => last.spinner.stopped = false,
            }
            last.status = status;
            last.text = e.details.clone();
            last.status_text = e.text.clone();
            // Progress only goes up.
            last.total = last.total.max(e.total);
            last.current = last.current.max(e.current);
            last.percent = last.percent.max(e.percent);
            // A parent may be set or unset, not swapped (that would flicker).
            if last.parent.is_empty() || e.parent.is_empty() {
                last.parent = e.parent.clone();
            }
        } else {
            let mut entry = Entry {
                id: e.resource.clone(),
                parent: e.parent.clone(),
                text: e.details.clone(),
                status,
                status_text: e.text.clone(),
                current: e.current,
                total: e.total,
                percent: e.percent,
                start: now,
                end: None,
                spinner: Spinner::new(now),
            };
            if matches!(status, Status::Done | Status::Error) {
                entry.stop(now);
            }
            self.events.insert(e.resource.clone(), entry);
        }
    }

    fn num_done(&self) -> usize {
        self.events
            .values()
            .filter(|e| e.status != Status::Working)
            .count()
    }

    /// Moves the cursor to where the next frame starts and clears what is
    /// below it, so that a line can be printed above the frame.
    pub fn clear(&mut self, out: &mut Vec<u8>) {
        if !self.repeated {
            return;
        }
        let up = self.drawn_override.unwrap_or(self.num_lines + 1);
        if up > 0 {
            let _ = queue!(out, MoveUp(up as u16));
        }
        let _ = queue!(out, MoveToColumn(0));
        out.extend_from_slice(b"\x1b[J");
        self.num_lines = 0;
        self.drawn_override = Some(0);
    }

    /// One frame (compose's `ttyWriter.print`) for a terminal of `width`
    /// columns and `height` rows.
    pub fn frame(&mut self, width: usize, height: usize, now: Instant, out: &mut Vec<u8>) {
        if self.ids.is_empty() {
            return;
        }
        match self.drawn_override.take() {
            Some(0) => {}
            Some(n) => {
                let _ = queue!(out, MoveUp(n as u16));
            }
            None => {
                let _ = queue!(out, MoveUp(self.num_lines as u16 + 1));
                if !self.repeated {
                    let _ = queue!(out, MoveDown(1));
                }
            }
        }
        self.repeated = true;
        let _ = queue!(out, MoveToColumn(0), Hide);

        let done = self.num_done();
        let mut first = format!("[+] {} {}/{}", self.title, done, self.events.len());
        if self.num_lines != 0 && done == self.num_lines {
            first = self.colors.done(&first);
        }
        out.extend_from_slice(first.as_bytes());
        out.push(b'\n');

        // compose's padding: the longest `id text`, less 2 for each part seen.
        let mut padding: isize = 0;
        for id in &self.ids {
            let e = &self.events[id];
            let l = (e.id.len() + 1 + e.text.len()) as isize;
            if padding < l {
                padding = l;
            }
            if !e.parent.is_empty() {
                padding -= 2;
            }
        }
        if self.ids.len() + 2 > height {
            self.skip_children = true;
        }
        let mut num_lines = 0;
        let ids = self.ids.clone();
        for id in &ids {
            if !self.events[id].parent.is_empty() {
                continue;
            }
            let line = self.line_text(id, "", width, padding, now);
            out.extend_from_slice(line.as_bytes());
            num_lines += 1;
            for child in &ids {
                if self.events[child].parent != *id || self.skip_children {
                    continue;
                }
                let line = self.line_text(child, "  ", width, padding, now);
                out.extend_from_slice(line.as_bytes());
                num_lines += 1;
            }
        }
        // Blank what is left of a longer previous frame.
        let drawn = num_lines;
        for _ in drawn..self.num_lines {
            if num_lines + 2 < height {
                out.extend_from_slice(" ".repeat(width).as_bytes());
                out.push(b'\n');
                num_lines += 1;
            }
        }
        self.num_lines = num_lines;
        let _ = queue!(out, Show);
    }

    fn line_text(
        &mut self,
        id: &str,
        pad: &str,
        width: usize,
        padding: isize,
        now: Instant,
    ) -> String {
        let c = self.colors;
        // Only a working parent shows its parts' progress.
        let (mut hide_details, mut total, mut current) = (false, 0u64, 0u64);
        let mut completion = Vec::new();
        if self.events[id].status == Status::Working {
            for child_id in &self.ids {
                let child = &self.events[child_id];
                if child.parent == id {
                    if child.status == Status::Working && child.total == 0 {
                        hide_details = true;
                    }
                    total += child.total;
                    current += child.current;
                    let i = (PERCENT_CHARS.len() - 1) * usize::from(child.percent.min(100)) / 100;
                    completion.push(PERCENT_CHARS[i]);
                }
            }
        }
        if total == 0 {
            hide_details = true;
        }
        let dry_run = self.dry_run;
        let e = self.events.get_mut(id).expect("an event of the display");
        let end = if e.status == Status::Working {
            now
        } else {
            e.end.unwrap_or(e.start)
        };
        let elapsed = end.saturating_duration_since(e.start).as_secs_f64();
        let txt = if completion.is_empty() {
            format!("{} {}", e.id, e.text)
        } else {
            let details = if hide_details {
                String::new()
            } else {
                format!(" {:>7} / {:<7}", human_size(current), human_size(total))
            };
            format!(
                "{} [{}]{} {}",
                e.id,
                c.success(&completion.concat()),
                details,
                e.text
            )
        };
        // Byte lengths, as compose measures them.
        let text_len = txt.len() as isize;
        let pad_len = (padding - text_len).max(0) as usize;
        let max_status = width as isize - text_len - padding - 15;
        let mut status = e.status_text.clone();
        if max_status > 0 && status.len() as isize > max_status {
            let mut cut = max_status as usize;
            while !status.is_char_boundary(cut) {
                cut -= 1;
            }
            status.truncate(cut);
            status.push_str("...");
        }
        let spinner = match e.status {
            Status::Done => c.success("✔"),
            Status::Warning => c.warning("!"),
            Status::Error => c.error("✘"),
            _ => c.count(e.spinner.frame(now)),
        };
        let prefix = if dry_run {
            c.prefix(super::plain::DRY_RUN_MARK)
        } else {
            String::new()
        };
        let text = format!(
            "{pad} {spinner}{prefix} {txt}{} {}",
            " ".repeat(pad_len),
            c.status(e.status, &status)
        );
        let timer = c.timer(&format!("{elapsed:.1}s "));
        align(&text, &timer, width)
    }
}

/// `l` and `r` on one line of `width` columns, `r` at the right.
fn align(l: &str, r: &str, width: usize) -> String {
    let gap = width.saturating_sub(len_ansi(l) + len_ansi(r));
    format!("{l}{}{r}\n", " ".repeat(gap))
}

/// Characters as shown: escape sequences (up to their `m`) not counted.
fn len_ansi(s: &str) -> usize {
    let mut n = 0;
    let mut in_code = false;
    for c in s.chars() {
        if c == '\x1b' {
            in_code = true;
        } else if in_code && c == 'm' {
            in_code = false;
        } else if !in_code {
            n += 1;
        }
    }
    n
}

/// The terminal's size, when stdout is one (compose asks stdout); 0x0
/// otherwise, which compose's layout takes as it takes goterm's -1: no
/// padding, no status cut, parts not shown, no blank lines.
fn size() -> (usize, usize) {
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return (0, 0);
    }
    match crossterm::terminal::size() {
        Ok((w, h)) => (usize::from(w), usize::from(h)),
        Err(_) => (0, 0),
    }
}

/// A running display: its state and the thread drawing it.
struct Active {
    display: Arc<Mutex<Display>>,
    stop: mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

static ACTIVE: Mutex<Option<Active>> = Mutex::new(None);

fn write_stderr(buf: &[u8]) {
    crate::stdio::write_status(buf);
}

fn draw(display: &Mutex<Display>) {
    let (w, h) = size();
    let mut buf = Vec::new();
    display
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .frame(w, h, Instant::now(), &mut buf);
    write_stderr(&buf);
}

/// Shows `e`, starting the display (and its drawing thread) if none runs.
pub fn event(e: &Event, title: &'static str, colors: bool) {
    let mut active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
    let a = active.get_or_insert_with(|| {
        let display = Arc::new(Mutex::new(Display::new(title, super::dry_run(), colors)));
        let (stop, stopped) = mpsc::channel::<()>();
        let d = display.clone();
        let thread = std::thread::spawn(move || {
            while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(TICK) {
                draw(&d);
            }
        });
        Active {
            display,
            stop,
            thread,
        }
    });
    a.display
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .event(e, Instant::now());
}

/// Prints `line` above the display (on stderr, else stdout), or just prints
/// it when no display runs.
pub fn above(line: &str, stderr: bool) {
    let active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
    let mut buf = Vec::new();
    if let Some(a) = active.as_ref() {
        let mut d = a.display.lock().unwrap_or_else(|e| e.into_inner());
        d.clear(&mut buf);
        write_stderr(&buf);
        buf.clear();
        if stderr {
            write_stderr(format!("{line}\n").as_bytes());
        } else {
            crate::stdio::raw_stdout_line(line);
        }
        let (w, h) = size();
        d.frame(w, h, Instant::now(), &mut buf);
        write_stderr(&buf);
    } else if stderr {
        write_stderr(format!("{line}\n").as_bytes());
    } else {
        crate::stdio::raw_stdout_line(line);
    }
}

/// Stops the display: its thread ends and the last frame is drawn.
pub fn finish() {
    let Some(a) = ACTIVE.lock().unwrap_or_else(|e| e.into_inner()).take() else {
        return;
    };
    let _ = a.stop.send(());
    let _ = a.thread.join();
    draw(&a.display);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(buf: &[u8]) -> String {
        let s = String::from_utf8_lossy(buf);
        let mut out = String::new();
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                // CSI: up to the final letter.
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn frames_as_compose_lays_them_out() {
        let t0 = Instant::now();
        let mut d = Display::new("Running", false, false);
        d.event(
            &Event::new("Network p_default", Status::Working, "Creating"),
            t0,
        );
        d.event(
            &Event::new("Network p_default", Status::Done, "Created"),
            t0 + Duration::from_millis(100),
        );
        d.event(
            &Event::new("Container p-web-1", Status::Working, "Starting"),
            t0,
        );
        let mut buf = Vec::new();
        d.frame(60, 20, t0 + Duration::from_millis(700), &mut buf);
        assert_eq!(
            strip(&buf),
            "[+] Running 1/2\n \
             ✔ Network p_default  Created                          0.1s \n \
             ⠙ Container p-web-1  Starting                         0.7s \n"
        );
    }

    #[test]
    fn parts_under_their_parent_with_its_total() {
        let t0 = Instant::now();
        let mut d = Display::new("Pulling", false, false);
        d.event(
            &Event::new("web", Status::Working, "").with_details("Pulling"),
            t0,
        );
        for (layer, c, t) in [
            ("aaa", 500_000u64, 1_000_000u64),
            ("bbb", 1_000_000, 1_000_000),
        ] {
            let e = Event::new(layer, Status::Working, "")
                .with_details("Downloading")
                .with_parent("web")
                .with_progress(c, t, (c * 100 / t) as u8);
            d.event(&e, t0);
        }
        let mut buf = Vec::new();
        d.frame(80, 20, t0, &mut buf);
        let s = strip(&buf);
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines[0], "[+] Pulling 0/3");
        assert!(
            lines[1].starts_with(" ⠋ web [⣤⣿]   1.5MB / 2MB     Pulling"),
            "{s}"
        );
        assert!(lines[2].starts_with("   ⠋ aaa Downloading"), "{s}");
        assert_eq!(lines.len(), 4);
    }

    #[test]
    fn long_errors_cut_to_the_width() {
        let t0 = Instant::now();
        let mut d = Display::new("Running", false, false);
        d.event(
            &Event::new("Container p-web-1", Status::Error, "x".repeat(200)),
            t0,
        );
        let mut buf = Vec::new();
        d.frame(80, 20, t0, &mut buf);
        let s = strip(&buf);
        let line = s.lines().nth(1).unwrap();
        // compose's limit: the width less twice the name's column, less 15.
        let cut = format!(
            " ✘ Container p-web-1  {}... ",
            "x".repeat(80 - 18 - 18 - 15)
        );
        assert!(line.starts_with(&cut), "{s}");
        assert_eq!(line.chars().count(), 80, "{s}");
    }
}
