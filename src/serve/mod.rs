//! `matome serve`: the planning desk in a browser. An HTTP server on 127.0.0.1 only
//! (axum on tokio) whose pages, scripts and styles are built into the binary. It calls
//! the same library functions as the CLI (`validate`, `plan`, `plan::sweep`) and the
//! same writers (`report`); datasets, scenarios and plans are files under the data
//! folder, so nothing finished is lost when the server stops.
//!
//! Layout of the data folder:
//! `datasets/NAME/` (CSV or .xlsx tables) or `datasets/NAME.xlsx` (one workbook),
//! `scenarios/NAME.toml` (saved from the Scenario page), `runs/ID/` (one per run: the
//! request, the scenario or sweep, `status.json`, and the outputs under `out/`),
//! `presets/` (the built-in scenarios and sweeps, when no `./models` folder exists).

mod api;
mod compare;
mod data;
mod guard;
mod progress;
mod runs;
mod unzip;

use axum::Router;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use thiserror::Error;

pub use guard::TOKEN_HEADER;
pub use progress::{parse_progress, Figures, Step, Tracker};

/// Largest upload accepted, bytes (a ward's tables as CSV are a few MB; a workbook of
/// 5,000 facilities about 10 MB).
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;
/// Most bytes a zip may unpack to, all entries together (a zip bomb stops here).
pub const MAX_UNPACKED_BYTES: u64 = 512 * 1024 * 1024;
/// Most entries a zip may hold.
pub const MAX_ZIP_ENTRIES: usize = 200;

/// How the server is set up (from `matome serve`'s arguments).
#[derive(Debug, Clone)]
pub struct Config {
    /// The data folder (created when missing).
    pub data_dir: PathBuf,
    /// The models folder, when one is used (as `--models` in the other commands).
    pub models_dir: Option<PathBuf>,
    /// The port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
}

/// Why the server could not start.
#[derive(Debug, Error)]
pub enum ServeError {
    /// The data folder cannot be created or written.
    #[error("data folder {path}: {source}")]
    DataDir {
        /// The folder.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The port is taken or not allowed.
    #[error("cannot listen on 127.0.0.1:{port}: {source} (another program may use it; try --port 0 for a free one)")]
    Bind {
        /// The port asked for.
        port: u16,
        /// What the system said.
        source: std::io::Error,
    },
    /// The server stopped with an error.
    #[error("server: {0}")]
    Serve(std::io::Error),
}

/// What every request handler shares.
pub struct App {
    /// The data folder, absolute.
    pub data_dir: PathBuf,
    /// The models folder for validation and the staff model (None: built-in copies).
    pub models_dir: Option<PathBuf>,
    /// Where presets (`scenarios/`, `sweeps/`) are read from.
    pub presets_dir: PathBuf,
    /// The token every state-changing request must carry (created at start).
    pub token: String,
    /// The port the server listens on, for the Host check (0: any port of localhost).
    pub port: u16,
    /// The run queue and every run known.
    pub runs: runs::Runs,
}

impl App {
    /// Prepares the data folder (datasets/, scenarios/, runs/, presets/ when needed)
    /// and reads back the runs of earlier sessions.
    pub fn new(config: &Config, port: u16) -> Result<Arc<App>, ServeError> {
        let dd = |source| ServeError::DataDir {
            path: config.data_dir.clone(),
            source,
        };
        for sub in ["datasets", "scenarios", "runs"] {
            std::fs::create_dir_all(config.data_dir.join(sub)).map_err(dd)?;
        }
        let data_dir = config.data_dir.canonicalize().map_err(dd)?;
        let presets_dir = match &config.models_dir {
            Some(m) if m.join("scenarios").is_dir() => m.clone(),
            _ => {
                let p = data_dir.join("presets");
                write_presets(&p).map_err(dd)?;
                p
            }
        };
        let runs = runs::Runs::load(&data_dir.join("runs"));
        Ok(Arc::new(App {
            data_dir,
            models_dir: config.models_dir.clone(),
            presets_dir,
            token: guard::new_token(),
            port,
            runs,
        }))
    }

    /// The folder of uploaded and copied datasets.
    pub fn datasets_dir(&self) -> PathBuf {
        self.data_dir.join("datasets")
    }
}

/// The preset scenarios and sweeps built into matome, for a server started where no
/// `./models` folder exists. Existing files are left as they are (a user may edit them).
const PRESETS: [(&str, &str); 5] = [
    (
        "scenarios/baseline.toml",
        include_str!("../../models/scenarios/baseline.toml"),
    ),
    (
        "scenarios/by-trade-group.toml",
        include_str!("../../models/scenarios/by-trade-group.toml"),
    ),
    (
        "scenarios/local-firms.toml",
        include_str!("../../models/scenarios/local-firms.toml"),
    ),
    (
        "scenarios/one-per-area.toml",
        include_str!("../../models/scenarios/one-per-area.toml"),
    ),
    (
        "sweeps/budget.toml",
        include_str!("../../models/sweeps/budget.toml"),
    ),
];

fn write_presets(dir: &Path) -> std::io::Result<()> {
    for (rel, text) in PRESETS {
        let p = dir.join(rel);
        if !p.exists() {
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&p, text)?;
        }
    }
    Ok(())
}

/// The whole application: pages, API, and the Host and token guards around them.
pub fn router(app: Arc<App>) -> Router {
    api::routes(app.clone()).layer(axum::middleware::from_fn_with_state(app, guard::guard))
}

/// A bound server, ready to run (the address is known before it serves, so the
/// caller can print it and open the browser).
pub struct Server {
    listener: tokio::net::TcpListener,
    app: Arc<App>,
}

impl Server {
    /// Binds 127.0.0.1:port (never another interface) and prepares the data folder.
    pub async fn bind(config: &Config) -> Result<Server, ServeError> {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, config.port));
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| ServeError::Bind {
                port: config.port,
                source,
            })?;
        let port = listener
            .local_addr()
            .map_err(|source| ServeError::Bind {
                port: config.port,
                source,
            })?
            .port();
        let app = App::new(config, port)?;
        app.runs.start_worker(app.clone());
        Ok(Server { listener, app })
    }

    /// The address to open in a browser.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.app.port)
    }

    /// The shared state (tests read the token from it).
    pub fn app(&self) -> Arc<App> {
        self.app.clone()
    }

    /// Serves until the process stops.
    pub async fn run(self) -> Result<(), ServeError> {
        axum::serve(self.listener, router(self.app))
            .await
            .map_err(ServeError::Serve)
    }
}
