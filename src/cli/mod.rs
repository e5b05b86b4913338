//! One file per subcommand: arguments and the run function returning the exit code.
//! Commands fail with `anyhow` errors; `exit_code` prints them and maps them to the
//! documented codes: 1 when the data is invalid or the scenario admits no plan
//! (`Invalid`), 2 for every other error (usage: arguments, files, output location).
//! `stop_safely_on_signals` makes Ctrl-C and SIGTERM exit 130 with no output
//! half-written; `out!` prints to stdout without panicking when stdout is closed.

/// `println!` that never panics: when stdout is closed (`matome plan … | head -1`), the
/// rest of the printout is dropped and the command still writes its files whole.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

pub mod bench;
pub mod check;
pub mod generate;
pub mod import;
mod inputs;
pub mod plan;
mod progress;
pub mod scenarios;
pub mod serve;
pub mod validate;

use std::fmt::Display;
use std::process::ExitCode;

/// An error that exits with code 1: the dataset is invalid, or the scenario admits no
/// plan. Any other error of a command is a usage error (code 2).
#[derive(Debug, thiserror::Error)]
pub enum Invalid {
    /// The dataset failed validation: every diagnostic, one a line.
    #[error("{0}")]
    Data(String),
    /// No plan exists for the scenario (infeasible, no solution in time, failed check).
    #[error("no plan: {0}")]
    NoPlan(matome::plan::PlanError),
}

/// An error whose message already names its cause, so the printed chain does not
/// repeat the cause after it.
pub fn whole(e: impl Display) -> anyhow::Error {
    anyhow::Error::msg(e.to_string())
}

/// Installs the handler of Ctrl-C (SIGINT), SIGTERM and SIGHUP: it waits until no
/// output write is in progress (`matome::stop`), removes any temporary output, says so
/// in one line and exits 130. `matome serve` stops the same way, after a run's
/// folder in the middle of being written is whole. A second interrupt while a write
/// is still under way stops at once, removing the temporary folders.
pub fn stop_safely_on_signals() {
    static FIRST: std::sync::Once = std::sync::Once::new();
    let installed = ctrlc::set_handler(|| {
        let mut second = true;
        FIRST.call_once(|| second = false);
        if second {
            matome::stop::abandon_writes();
            eprintln!("matome: 中断しました（書き込みを待たずに）/ interrupted without waiting for the write");
            exit_now();
        }
        if matome::stop::writing() {
            eprintln!("matome: 書き込み中の出力を仕上げてから止まります（もう一度 Ctrl-C ですぐ止まります）/ finishing the output being written, then stopping (Ctrl-C again stops at once)");
        }
        // The handler returns at once, so that a second interrupt reaches it.
        std::thread::spawn(|| {
            matome::stop::finish_writes();
            eprintln!(
                "matome: 中断しました。書きかけの出力はありません / interrupted: no output is half-written"
            );
            exit_now();
        });
    });
    if let Err(e) = installed {
        eprintln!("matome: warning: Ctrl-C cannot be handled ({e}); an interrupt may leave a hidden .NAME.tmp-PID folder");
    }
}

/// The command's exit code, as the process's. When a HiGHS call was left behind at
/// its deadline (`solve::guard`), its thread may still be inside HiGHS: the process
/// then ends by `_exit` after flushing stdout, so that no C++ static destructor runs
/// under that thread.
pub fn end(code: ExitCode) -> ExitCode {
    if !matome::solve::guard::any_left_behind() {
        return code;
    }
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    let n = (0u8..=255)
        .find(|&n| ExitCode::from(n) == code)
        .unwrap_or(1);
    // SAFETY: as in `exit_now`; every output file is written and closed by now.
    unsafe { libc::_exit(i32::from(n)) }
}

/// Ends the process with `INTERRUPTED`.
fn exit_now() -> ! {
    // SAFETY: _exit only ends the process. Unlike exit it runs no atexit handlers or
    // C++ static destructors, which HiGHS's worker threads may still be using.
    unsafe { libc::_exit(INTERRUPTED) }
}

/// The exit code of an interrupted command (128 + SIGINT, as shells report it).
const INTERRUPTED: i32 = 130;

/// The exit code of a command whose stdout was closed under it (128 + SIGPIPE, as a
/// shell reports a program the signal stopped).
pub(crate) const STDOUT_CLOSED: u8 = 141;

/// True when `e` comes from writing to a closed stdout (a broken pipe).
pub(crate) fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Prints a failed command's error on stderr as `matome COMMAND: …` and returns the
/// exit code it documents. A closed stdout ends the command quietly (141).
pub fn exit_code(command: &str, result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if broken_pipe(&e) => ExitCode::from(STDOUT_CLOSED),
        Err(e) => {
            eprintln!("matome {command}: {e:#}");
            ExitCode::from(if e.is::<Invalid>() { 1 } else { 2 })
        }
    }
}
