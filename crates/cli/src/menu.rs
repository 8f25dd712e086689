//! The navigation menu of attached `up` (compose's `--menu`, on by default
//! when both standard streams are terminals): a line kept at the bottom of the
//! terminal (`w Enable Watch`), keys read one at a time — `w` toggles
//! watching, Ctrl-C stops the project gracefully, Ctrl-Z suspends hoist,
//! Enter adds a blank line — and a short-lived error line above the menu.
//!
//! It exists apart from `up` because every line the output funnel writes
//! while it is shown must first clear the menu and then draw it again
//! (compose's log decorator), so `output` wraps its writes in [`around`].
//! The escape sequences are compose's (`cmd/formatter/shortcut.go`), so the
//! screen looks the same; the keyboard mode is the one compose's keyboard
//! library sets (no echo, no line editing, no signals from keys, output
//! processing kept so that `\n` still returns the carriage).

use std::io::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long an error stays above the menu (compose's `DISPLAY_ERROR_TIME`).
pub const ERROR_TIME: Duration = Duration::from_secs(10);

/// What the menu shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    /// `None` when no selected service is configured for watch, else
    /// whether watching is on.
    pub watching: Option<bool>,
    /// An error shown above the menu, and since when.
    pub error: Option<(String, Instant)>,
}

static STATE: Mutex<Option<State>> = Mutex::new(None);

fn state() -> std::sync::MutexGuard<'static, Option<State>> {
    STATE.lock().unwrap_or_else(|e| e.into_inner())
}

/// compose's key colour (black on white, bold).
fn key(k: &str) -> String {
    format!("\x1b[1;38;2;0;0;0;48;2;255;255;255m{k}\x1b[0m")
}

/// compose's faint menu text.
fn faint(s: &str) -> String {
    format!("\x1b[2m{s}\x1b[0m")
}

/// The menu line (compose's `navigationMenu`, without Docker Desktop's entries).
pub fn menu_line(s: &State) -> String {
    let action = if s.watching == Some(true) {
        " Disable"
    } else {
        " Enable"
    };
    format!("{}{}", key("w"), faint(&format!("{action} Watch")))
}

/// An error as compose shows it: `Watch →  message`, the prefix bold cyan.
pub fn error_line(prefix: &str, message: &str) -> String {
    format!("\x1b[1;36m{prefix} →\x1b[0m  {message}")
}

/// The visible length of a text (escape sequences left out).
fn visible_len(s: &str) -> usize {
    let mut n = 0;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI: ESC [ parameters final-byte
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            n += 1;
        }
    }
    n
}

/// Lines a text takes beyond its first at this width (compose's `extraLines`).
fn extra_lines(s: &str, width: u16) -> usize {
    visible_len(s) / usize::from(width.max(1))
}

fn shown_error(s: &State, now: Instant) -> Option<&str> {
    s.error
        .as_ref()
        .filter(|(_, since)| now.duration_since(*since) < ERROR_TIME)
        .map(|(e, _)| e.as_str())
}

/// The bytes that clear the menu (compose's `clearNavigationMenu`): every
/// line below the cursor, the cursor put back.
pub fn clear_bytes(height: u16) -> String {
    let mut out = String::from("\x1b[0G\x1b7");
    for _ in 0..height {
        out.push_str("\x1b[1B\x1b[2K");
    }
    out.push_str("\x1b8");
    out
}

/// The bytes that draw the menu (compose's `printNavigationMenu`): room made
/// below the cursor, the error (while it lasts) and the menu written on the
/// terminal's last lines, the cursor put back.
pub fn draw_bytes(s: &State, width: u16, height: u16, now: Instant) -> String {
    let mut out = clear_bytes(height);
    let menu = menu_line(s);
    let error = shown_error(s, now);
    let mut lines = 1 + extra_lines(&menu, width) + 1;
    if let Some(e) = error {
        lines += extra_lines(e, width) + 1;
    }
    for _ in 0..lines {
        out.push_str("\x1b[2K\n\x1b[0G");
    }
    out.push_str(&format!("\x1b[{lines}A"));
    out.push_str("\x1b[0G\x1b7");
    let height = usize::from(height);
    if let Some(e) = error {
        let row = height.saturating_sub(1 + extra_lines(&menu, width) + extra_lines(e, width));
        out.push_str(&format!("\x1b[{row};0H\x1b[2K{e}"));
    }
    let row = height.saturating_sub(extra_lines(&menu, width));
    out.push_str(&format!("\x1b[{row};0H\x1b[2K{menu}"));
    out.push_str("\x1b[0G\x1b8");
    out
}

fn size() -> (u16, u16) {
    crossterm::terminal::size().unwrap_or((80, 24))
}

fn write_stdout(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

fn redraw(s: &State) {
    let (w, h) = size();
    write_stdout(&draw_bytes(s, w, h, Instant::now()));
}

/// Runs a write of the output funnel: while the menu is shown, it is cleared
/// first and drawn again after.
pub fn around(write: impl FnOnce()) {
    let guard = state();
    match guard.as_ref() {
        Some(s) => {
            let (_, h) = size();
            write_stdout(&clear_bytes(h));
            write();
            redraw(s);
        }
        None => write(),
    }
}

/// Shows the menu.
pub fn show(watching: Option<bool>) {
    let mut guard = state();
    let s = State {
        watching,
        error: None,
    };
    redraw(&s);
    *guard = Some(s);
}

/// Takes the menu off the screen for good (and shows the cursor).
pub fn hide() {
    let mut guard = state();
    if guard.take().is_some() {
        let (_, h) = size();
        write_stdout(&format!("{}\x1b[?25h", clear_bytes(h)));
    }
}

fn update(f: impl FnOnce(&mut State)) {
    let mut guard = state();
    if let Some(s) = guard.as_mut() {
        f(s);
        redraw(s);
    }
}

/// Says whether watching is on.
pub fn set_watching(on: bool) {
    update(|s| s.watching = Some(on));
}

/// Shows an error above the menu for [`ERROR_TIME`]; the menu is drawn again
/// when it expires.
pub fn error(prefix: &str, message: &str) {
    let line = error_line(prefix, message);
    update(|s| s.error = Some((line, Instant::now())));
    std::thread::spawn(|| {
        std::thread::sleep(ERROR_TIME + Duration::from_secs(1));
        update(|_| {});
    });
}

/// Enter: a blank line, the menu drawn again.
pub fn enter() {
    around(|| write_stdout("\n"));
}

/// A key the menu acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// `w`: toggle watching.
    Watch,
    /// Ctrl-C: stop gracefully.
    Interrupt,
    /// Ctrl-Z: suspend.
    Suspend,
    /// Enter.
    Enter,
}

/// The key a byte read from the terminal is, if the menu acts on it.
pub fn key_of(b: u8) -> Option<Key> {
    match b {
        b'w' => Some(Key::Watch),
        0x03 => Some(Key::Interrupt),
        0x1a => Some(Key::Suspend),
        b'\r' | b'\n' => Some(Key::Enter),
        _ => None,
    }
}

/// Suspends the process group, as Ctrl-Z does in a shell (compose's
/// `handleCtrlZ`).
pub fn suspend() {
    #[cfg(unix)]
    {
        let _ = rustix::process::kill_current_process_group(rustix::process::Signal::STOP);
    }
}

/// The keyboard in the menu's mode while this lives; the terminal's mode is
/// put back on drop. Keys are read by a thread of their own and sent on.
pub struct Keyboard {
    #[cfg(unix)]
    saved: Option<rustix::termios::Termios>,
}

impl Keyboard {
    /// Puts standard input in the menu's mode and starts reading keys; `None`
    /// when it is not a terminal or its mode cannot be set.
    pub fn start() -> Option<(Keyboard, tokio::sync::mpsc::UnboundedReceiver<Key>)> {
        #[cfg(unix)]
        {
            use rustix::termios::{
                tcgetattr, tcsetattr, ControlModes, InputModes, LocalModes, OptionalActions,
                SpecialCodeIndex,
            };
            let stdin = std::io::stdin();
            let saved = tcgetattr(&stdin).ok()?;
            let mut t = saved.clone();
            t.input_modes -= InputModes::IGNBRK
                | InputModes::BRKINT
                | InputModes::PARMRK
                | InputModes::ISTRIP
                | InputModes::INLCR
                | InputModes::IGNCR
                | InputModes::ICRNL
                | InputModes::IXON;
            t.local_modes -= LocalModes::ECHO
                | LocalModes::ECHONL
                | LocalModes::ICANON
                | LocalModes::ISIG
                | LocalModes::IEXTEN;
            t.control_modes -= ControlModes::CSIZE | ControlModes::PARENB;
            t.control_modes |= ControlModes::CS8;
            t.special_codes[SpecialCodeIndex::VMIN] = 1;
            t.special_codes[SpecialCodeIndex::VTIME] = 0;
            tcsetattr(&stdin, OptionalActions::Now, &t).ok()?;
            let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
            std::thread::spawn(move || {
                let mut buf = [0u8; 64];
                loop {
                    match rustix::io::read(std::io::stdin(), &mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => {
                            for k in buf[..n].iter().filter_map(|b| key_of(*b)) {
                                if tx.send(k).is_err() {
                                    return;
                                }
                            }
                        }
                    }
                }
            });
            Some((Keyboard { saved: Some(saved) }, rx))
        }
        #[cfg(not(unix))]
        {
            None
        }
    }
}

impl Drop for Keyboard {
    /// The menu goes with the keyboard.
    fn drop(&mut self) {
        hide();
        #[cfg(unix)]
        if let Some(saved) = self.saved.take() {
            let _ = rustix::termios::tcsetattr(
                std::io::stdin(),
                rustix::termios::OptionalActions::Now,
                &saved,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_text_and_lengths() {
        let off = State {
            watching: Some(false),
            error: None,
        };
        assert_eq!(visible_len(&menu_line(&off)), "w Enable Watch".len());
        let on = State {
            watching: Some(true),
            error: None,
        };
        assert_eq!(visible_len(&menu_line(&on)), "w Disable Watch".len());
        let e = error_line("Watch", "watch is not yet configured");
        assert_eq!(
            visible_len(&e),
            "Watch →  watch is not yet configured".chars().count()
        );
        assert_eq!(extra_lines(&e, 10), 3);
    }

    #[test]
    fn draw_puts_the_menu_on_the_last_line_and_the_error_above() {
        let now = Instant::now();
        let s = State {
            watching: None,
            error: Some((error_line("Watch", "x"), now)),
        };
        let d = draw_bytes(&s, 80, 20, now);
        assert!(d.contains("\x1b[19;0H\x1b[2K"), "{d:?}");
        assert!(d.contains("\x1b[20;0H\x1b[2K"), "{d:?}");
        // three lines made free (blank, error, menu), the cursor back up
        assert!(d.contains("\x1b[3A"), "{d:?}");
        // an expired error is not drawn
        let later = now + ERROR_TIME;
        assert!(!draw_bytes(&s, 80, 20, later).contains("\x1b[19;0H"));
    }

    #[test]
    fn keys() {
        assert_eq!(key_of(b'w'), Some(Key::Watch));
        assert_eq!(key_of(3), Some(Key::Interrupt));
        assert_eq!(key_of(0x1a), Some(Key::Suspend));
        assert_eq!(key_of(b'\r'), Some(Key::Enter));
        assert_eq!(key_of(b'x'), None);
    }
}
