//! `matome bench`: solves benchmark instances and prints one CSV row each on stdout
//! (progress on stderr). Every solution is re-checked by the independent checker.

use anyhow::{Context, Result};
use clap::Args;
use matome::bench::{best_known, read::lookup, read_instance, Format};
use matome::solve::check::check;
use matome::solve::{solve, Mode, SolveError, SolveParams, Stop};
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[derive(Args)]
pub struct BenchArgs {
    /// Instance files.
    pub files: Vec<PathBuf>,
    /// pmedcap, lorena-senne or sscflp; guessed from the path and contents when absent.
    #[arg(long)]
    pub format: Option<String>,
    /// Seconds per instance (with --work and no --time-limit: none).
    #[arg(long)]
    pub time_limit: Option<f64>,
    /// Engine steps per instance (about one VNS move each): with no --time-limit the
    /// run never consults the clock, and a row repeats exactly for a seed and thread
    /// count.
    #[arg(long)]
    pub work: Option<u64>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// auto, exact or heuristic.
    #[arg(long, default_value = "auto")]
    pub mode: Mode,
    /// Relative gap at which a run stops as optimal.
    #[arg(long, default_value_t = 1e-6)]
    pub gap: f64,
    /// best_known.csv files (instance, value) to compare with; may be repeated.
    #[arg(long)]
    pub best_known: Vec<PathBuf>,
    /// Generate a CPMP instance instead of reading files: N:P (e.g. 50000:1000).
    #[arg(long)]
    pub generate: Option<String>,
    /// Generate a ward-like instance (two loads, fixed costs, arcs within areas): N:AREAS.
    #[arg(long)]
    pub generate_ward: Option<String>,
}

pub fn run(args: BenchArgs) -> ExitCode {
    match run_inner(args) {
        Ok(code) => code,
        // `matome bench … | head`: the rows are stdout; stop quietly.
        Err(e) if super::broken_pipe(&e) => ExitCode::from(super::STDOUT_CLOSED),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn fmt_opt(v: Option<f64>, digits: usize) -> String {
    v.filter(|x| x.is_finite())
        .map(|x| format!("{x:.digits$}"))
        .unwrap_or_default()
}

fn run_inner(args: BenchArgs) -> Result<ExitCode> {
    if let Some(t) = args.time_limit {
        let max = matome::scenario::MAX_TIME_LIMIT_S;
        anyhow::ensure!(
            t.is_finite() && t > 0.0 && t <= max,
            "--time-limit {t} must be positive seconds, at most {max} (one week)"
        );
    }
    let max_threads = matome::scenario::MAX_THREADS;
    anyhow::ensure!(
        (1..=max_threads).contains(&args.threads),
        "--threads {} must be between 1 and {max_threads}",
        args.threads
    );
    let format: Option<Format> = match &args.format {
        Some(f) => Some(f.parse::<Format>()?),
        None => None,
    };
    let mode = args.mode;
    let mut table: HashMap<String, f64> = HashMap::new();
    for p in &args.best_known {
        table.extend(best_known(p).with_context(|| format!("reading {}", p.display()))?);
    }
    let mut instances = Vec::new();
    if let Some(g) = &args.generate {
        let (n, p) = g
            .split_once(':')
            .context("--generate takes N:P, e.g. 50000:1000")?;
        let n: usize = n.parse().context("--generate N")?;
        let p: usize = p.parse().context("--generate P")?;
        let problem = matome::bench::generate::cpmp(n, p, 0.8, args.seed);
        instances.push(Ok(matome::bench::Instance {
            name: problem.name.clone(),
            format: Format::LorenaSenne,
            p: Some(p),
            problem,
        }));
    }
    if let Some(g) = &args.generate_ward {
        let (n, a) = g
            .split_once(':')
            .context("--generate-ward takes N:AREAS, e.g. 900:5")?;
        let n: usize = n.parse().context("--generate-ward N")?;
        let a: usize = a.parse().context("--generate-ward AREAS")?;
        let problem = matome::bench::generate::ward_like(n, a, args.seed);
        instances.push(Ok(matome::bench::Instance {
            name: problem.name.clone(),
            format: Format::Sscflp,
            p: None,
            problem,
        }));
    }
    for f in &args.files {
        instances.push(read_instance(f, format));
    }
    let stop = Stop {
        // 60 s unless a work budget alone is asked for.
        time_limit: match (args.time_limit, args.work) {
            (Some(t), _) => Some(Duration::from_secs_f64(t)),
            (None, Some(_)) => None,
            (None, None) => Some(Duration::from_secs(60)),
        },
        work: args.work,
    };
    let progress: matome::solve::ProgressFn = Arc::new(|m: &str| eprintln!("  {m}"));
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "instance,n,p,objective,bound,gap_to_bound_pct,best_known,gap_to_best_pct,seconds,status"
    )?;
    let mut failures = 0;
    for inst in instances {
        let inst = match inst {
            Ok(i) => i,
            Err(e) => {
                eprintln!("error: {e}");
                failures += 1;
                continue;
            }
        };
        eprintln!("{}:", inst.name);
        let params = SolveParams {
            rel_gap: args.gap,
            seed: args.seed,
            threads: args.threads,
            mode,
            progress: Some(progress.clone()),
        };
        let bk = lookup(&table, &inst.name);
        let n = inst.problem.units.len();
        let p = inst.p.map(|p| p.to_string()).unwrap_or_default();
        match solve(&inst.problem, stop, &params) {
            Ok(rep) => {
                let c = check(&inst.problem, &rep.solution);
                let status = if c.feasible {
                    format!("{:?}", rep.status).to_lowercase()
                } else {
                    "checker-rejected".into()
                };
                if !c.feasible {
                    failures += 1;
                    eprintln!("  checker: {}", c.violations.join("; "));
                }
                let gap_b = 100.0 * rep.gap();
                let gap_best = bk.map(|b| 100.0 * (c.objective - b) / b.abs().max(1e-9));
                eprintln!(
                    "  {:.2} (bound {:.2}, {}) in {:.1}s",
                    c.objective, rep.lower_bound, rep.bound_source, rep.seconds
                );
                writeln!(
                    out,
                    "{},{n},{p},{:.2},{},{:.3},{},{},{:.2},{status}",
                    inst.name,
                    c.objective,
                    fmt_opt(Some(rep.lower_bound), 2),
                    gap_b,
                    fmt_opt(bk, 2),
                    fmt_opt(gap_best, 3),
                    rep.seconds
                )?;
            }
            Err(e) => {
                failures += 1;
                match &e {
                    SolveError::Infeasible(d) => {
                        for line in d.describe(&inst.problem) {
                            eprintln!("  infeasible: {line}");
                        }
                    }
                    other => eprintln!("  {other}"),
                }
                writeln!(out, "{},{n},{p},,,,{},,,error", inst.name, fmt_opt(bk, 2))?;
            }
        }
        out.flush()?;
    }
    Ok(if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
