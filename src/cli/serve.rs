//! `matome serve`: starts the local web application (`matome::serve`) on 127.0.0.1,
//! prints its address and opens it in the browser. Exit codes: 130 when stopped with
//! Ctrl+C (`cli::stop_safely_on_signals`: after any run's folder being written is
//! whole); 2 when the port or data folder cannot be used.

use super::{exit_code, whole};
use clap::Args;
use matome::io::resolve_models_dir;
use matome::serve::{Config, Server};
use std::path::PathBuf;
use std::process::ExitCode;

/// The long `--help` text (set on the subcommand in main.rs).
pub const LONG_ABOUT: &str =
    "The planning desk in a browser, for colleagues who never open a terminal.

Starts a web application on this computer only (http://127.0.0.1:PORT; nothing is sent \
to the network and no other computer can connect) and opens it in the browser. Its pages, \
in Japanese with an English toggle, do what the other commands do:
  データ Data        choose or upload a dataset (a zip of CSV files, or one .xlsx
                     workbook) and see every validation problem with its row
  シナリオ Scenario  every scenario setting as a form field; presets; save and download
  実行 Run           start a plan, watch its progress, cancel; runs wait in one queue
  結果 Result        before/after, staff time freed, the bundle map and table, downloads
  比較 Compare       run a sweep or compare saved plans, with the Pareto marks

Everything is kept as files under --data: datasets/, scenarios/, runs/<id>/out/ (the same \
files `matome plan` writes), so nothing finished is lost when the server stops.";

#[derive(Args)]
#[command(after_help = "Examples:
  matome serve                          # http://127.0.0.1:8080, data in ./matome-data
  matome serve --port 0 --no-open       # a free port; open the printed address yourself
  matome serve --data D:/keikaku        # keep datasets and plans in another folder

To try it with the sample ward, copy datasets/setagaya-sample into <data>/datasets/
(or upload it as a zip on the Data page).

Exit codes:
  2  the port or the data folder cannot be used
  130 stopped with Ctrl+C (or SIGTERM), after any plan folder being written is whole")]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Folder for datasets, scenarios and plans (created when missing).
    #[arg(long, value_name = "DIR", default_value = "matome-data")]
    pub data: PathBuf,
    /// Models folder [default: ./models if present, else the copies built into matome].
    #[arg(long, value_name = "DIR")]
    pub models: Option<PathBuf>,
    /// Do not open the browser; just print the address.
    #[arg(long)]
    pub no_open: bool,
}

pub fn run(args: ServeArgs) -> ExitCode {
    exit_code("serve", run_inner(&args))
}

fn run_inner(args: &ServeArgs) -> anyhow::Result<()> {
    let config = Config {
        data_dir: args.data.clone(),
        models_dir: resolve_models_dir(args.models.as_deref()),
        port: args.port,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(whole)?;
    rt.block_on(async {
        let server = Server::bind(&config).await.map_err(whole)?;
        let url = server.url();
        out!("matome serve — {url}");
        out!(
            "  data folder {}; stop with Ctrl+C",
            server.app().data_dir.display()
        );
        if !args.no_open {
            open_browser(&url);
        }
        server.run().await.map_err(whole)
    })
}

/// Opens the address in the default browser; when that fails the printed address
/// is enough.
fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "windows") {
        std::process::Command::new("cmd")
            .args(["/C", "start", "", url])
            .spawn()
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else {
        std::process::Command::new("xdg-open")
            .arg(url)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
    };
    if cmd.is_err() {
        out!("  (could not open a browser: open the address above)");
    }
}
