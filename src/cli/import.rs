//! `matome import opendata FILE... --out DATASET`: a municipality's published facility
//! lists → a dataset folder (facilities.csv, import-report.md; with --starter-lines
//! also estimated service_lines.csv and contracts.csv).

use super::{exit_code, whole, Invalid};
use anyhow::Context;
use clap::{Args, Subcommand};
use matome::import::address::AreaTable;
use matome::import::rules::{read_opendata, read_starter};
use matome::import::starter::lines_for;
use matome::import::{import, write_import, ImportError, WriteOptions};
use matome::io::columns::Aliases;
use std::path::PathBuf;
use std::process::ExitCode;

/// What to import.
#[derive(Subcommand)]
pub enum ImportCommand {
    /// Published list of public facilities (自治体標準オープンデータセット「公共施設一覧」)
    /// → facilities.csv.
    #[command(after_help = OPENDATA_HELP)]
    Opendata(OpendataArgs),
}

#[derive(Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub what: ImportCommand,
}

const OPENDATA_HELP: &str = "\
Reads the national standard list of public facilities in either layout (the earlier one
with 都道府県コード又は市区町村コード, NO, 名称, 住所, 緯度, 経度; the newer one with ID,
名称, 所在地_連結表記, 緯度, 経度), and the per-category lists cities publish (施設名,
公園名, …). CSV in UTF-8 or Shift_JIS/CP932, or .xlsx; several files at once.

  kind      the first rule of models/opendata.toml whose words occur in the name
            (…小学校, …図書館, …公園), the category column, the POI code or the file name
  area      from the address: the municipality or a designated city's ward; district =
            the town (町字). Branch areas (支所) are in no address: give --areas with a
            CSV town,district,area (町名,地区,地域)
  merged    the same name (ignoring 〇〇区立 and spaces) within 150 m is one facility

A file it cannot map (no name or coordinate column) stops the import with the reason;
nothing is written. Rows it cannot place are listed with file, row and reason in
OUT/import-report.md. Coordinates are required: matome does not look up addresses.

Examples:
  matome import opendata parks.csv schools.csv libraries.xlsx --out datasets/mycity
  matome import opendata list.csv --areas towns.csv --starter-lines --out datasets/mycity
  matome plan datasets/mycity

Exit codes:
  0  the dataset was written (rows not placed are listed in import-report.md)
  1  a file cannot be read or mapped, no row could be placed, or --areas is invalid
  2  usage error: OUT is not empty (use --force), or a models file is invalid
  130 interrupted (Ctrl-C or SIGTERM): a write under way is finished first; nothing is
      half-written";

#[derive(Args)]
pub struct OpendataArgs {
    /// The published files (CSV or .xlsx), one per category or all in one.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The dataset folder to write (created; must be empty unless --force).
    #[arg(long, value_name = "DATASET")]
    pub out: PathBuf,
    /// A CSV of the ward's towns with their district and area (town,district,area or
    /// 町名,地区,地域): facilities are placed by it instead of by the municipality.
    #[arg(long, value_name = "FILE")]
    pub areas: Option<PathBuf>,
    /// Also write a first service_lines.csv and contracts.csv from the per-kind profiles
    /// of models/starter_lines.toml, every row marked as an estimate to replace.
    #[arg(long)]
    pub starter_lines: bool,
    /// Fiscal year of the starter contracts (April to March). Default: the current one.
    #[arg(long, value_name = "YEAR", value_parser = clap::value_parser!(i32).range(1990..=2100))]
    pub fiscal_year: Option<i32>,
    /// Folder of model files (opendata.toml, starter_lines.toml, trades.toml,
    /// columns.toml). Default: ./models when it exists, else the built-in copies.
    #[arg(long, value_name = "DIR")]
    pub models: Option<PathBuf>,
    /// Replace the content of a non-empty output folder.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: ImportArgs) -> ExitCode {
    match args.what {
        ImportCommand::Opendata(a) => exit_code("import opendata", opendata(a)),
    }
}

/// The fiscal year (April–March) of today's date.
fn current_fiscal_year() -> i32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (if month >= 4 { year } else { year - 1 }) as i32
}

fn opendata(args: OpendataArgs) -> anyhow::Result<()> {
    let models = matome::io::resolve_models_dir(args.models.as_deref());
    if let Some(m) = &args.models {
        anyhow::ensure!(m.is_dir(), "models folder '{}' does not exist", m.display());
    }
    let join = |d: Vec<matome::diag::Diagnostic>| {
        d.iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let rules = read_opendata(models.as_deref()).map_err(|d| whole(join(d)))?;
    let aliases = Aliases::read(matome::validate::columns_path(models.as_deref()).as_deref())
        .map_err(|d| whole(join(d)))?;
    let areas = match &args.areas {
        Some(p) => Some(AreaTable::read(p).map_err(|d| Invalid::Data(join(d)))?),
        None => None,
    };
    let imported = match import(&args.files, &rules, areas.as_ref(), &aliases) {
        Ok(i) => i,
        Err(e @ (ImportError::Unmapped(_) | ImportError::NothingPlaced(_))) => {
            return Err(Invalid::Data(e.to_string()).into())
        }
    };
    let fiscal_year = args.fiscal_year.unwrap_or_else(current_fiscal_year);
    let (starter, starter_source) = if args.starter_lines {
        let cat =
            matome::io::read_trades(matome::validate::trades_path(models.as_deref()).as_deref())
                .map_err(|d| whole(join(d)))?;
        let keys: Vec<String> = cat.trades.iter().map(|t| t.key.clone()).collect();
        let profiles = read_starter(models.as_deref(), &keys).map_err(|d| whole(join(d)))?;
        (
            Some(lines_for(&imported.sites, &profiles)),
            Some(profiles.source),
        )
    } else {
        (None, None)
    };
    let opts = WriteOptions {
        fiscal_year,
        models_dir: models.as_deref(),
        force: args.force,
        rules_source: rules.source.clone(),
        starter_source,
    };
    let written = write_import(&imported, starter.as_ref(), &args.out, &opts)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    let areas_n = {
        let mut a: Vec<&str> = imported.sites.iter().map(|s| s.area.as_str()).collect();
        a.sort_unstable();
        a.dedup();
        a.len()
    };
    out!(
        "matome import opendata — {} file(s), {} row(s) read",
        args.files.len(),
        imported.files.iter().map(|f| f.rows).sum::<usize>()
    );
    out!(
        "  施設 facilities   {} in {} area(s)  (merged {} duplicate row(s); {} row(s) not placed; {} of unknown kind)",
        imported.sites.len(),
        areas_n,
        imported.merged.len(),
        imported.not_placed.len(),
        imported.sites.iter().filter(|s| s.kind == "other").count()
    );
    if let Some(st) = &starter {
        out!(
            "  初期業務 starter   {} line(s) and contract(s), estimates for FY{fiscal_year}: replace them with the ward's registers",
            st.lines.len()
        );
    }
    if !written.diagnostics.is_empty() {
        out!(
            "  検証 validation    {} warning(s), listed in import-report.md",
            written.diagnostics.len()
        );
    }
    let files = if starter.is_some() {
        "facilities.csv service_lines.csv contracts.csv import-report.md"
    } else {
        "facilities.csv import-report.md"
    };
    out!("wrote {}: {files}", args.out.display());
    if !imported.not_placed.is_empty() {
        out!(
            "see {} for the rows not placed and why",
            args.out.join("import-report.md").display()
        );
    }
    Ok(())
}
