//! The stable diagnostic codes. A code never changes meaning once released; new checks
//! get new codes. `E…` is an error (the dataset cannot be planned), `W…` a warning.
//! `docs/data-format.md` lists the same table for users.

// Files and structure (reported by `io`).
/// A required file of the dataset is missing.
pub const MISSING_FILE: &str = "E0001";
/// A file cannot be read.
pub const UNREADABLE_FILE: &str = "E0002";
/// A required column is missing from the header.
pub const MISSING_COLUMN: &str = "E0003";
/// A row has a different number of fields than the header.
pub const FIELD_COUNT: &str = "E0004";
/// A column name appears twice in the header.
pub const DUPLICATE_COLUMN: &str = "E0005";
/// Some bytes are neither UTF-8 nor Shift_JIS/CP932.
pub const ENCODING_REPLACED: &str = "W0006";
/// A file has a header but no rows.
pub const EMPTY_FILE: &str = "W0007";
/// A worksheet's header row has merged cells.
pub const MERGED_HEADER: &str = "E0008";
/// A file holds NUL bytes (a binary file, or UTF-16 read wrongly).
pub const NUL_BYTE: &str = "E0009";
/// A file of the dataset is a symlink to a place outside the dataset folder.
pub const LINK_OUTSIDE: &str = "W0010";

// Facilities.
/// Two facilities share a facility_id.
pub const DUPLICATE_FACILITY_ID: &str = "E0101";
/// Latitude or longitude out of range.
pub const LAT_LON_RANGE: &str = "E0102";
/// A facility lies far from all the others.
pub const FACILITY_FAR_OUT: &str = "W0103";
/// Operator is not direct or designated_manager.
pub const BAD_OPERATOR: &str = "E0104";

// Service lines.
/// Two service lines share a line_id.
pub const DUPLICATE_LINE_ID: &str = "E0201";
/// A service line names a facility that does not exist.
pub const UNKNOWN_FACILITY: &str = "E0202";
/// A service line names a contract that does not exist.
pub const UNKNOWN_CONTRACT: &str = "E0203";
/// A service line names a trade missing from the catalogue.
pub const UNKNOWN_TRADE: &str = "E0204";
/// A pinned line has no contract.
pub const PINNED_WITHOUT_CONTRACT: &str = "E0205";
/// Pinned is not true or false.
pub const BAD_PINNED: &str = "E0206";
/// A service line has no current contract.
pub const LINE_WITHOUT_CONTRACT: &str = "W0207";

// Contracts.
/// Two contracts share a contract_id.
pub const DUPLICATE_CONTRACT_ID: &str = "E0301";
/// A date is not a valid YYYY-MM-DD date.
pub const BAD_DATE: &str = "E0302";
/// A contract ends before it starts.
pub const END_BEFORE_START: &str = "E0303";
/// Procurement is not competitive or negotiated.
pub const BAD_PROCUREMENT: &str = "E0304";
/// A contract covers no service line.
pub const CONTRACT_WITHOUT_LINES: &str = "W0305";
/// A contract's value differs from the sum of its lines.
pub const CONTRACT_VALUE_MISMATCH: &str = "W0306";
/// Payments_per_year is not a whole number from 1 to 366.
pub const BAD_PAYMENTS: &str = "E0307";

// Depots and travel matrix.
/// Two depots share a depot_id.
pub const DUPLICATE_DEPOT_ID: &str = "E0401";
/// A depot_id is also a facility_id.
pub const DEPOT_ID_CLASH: &str = "E0402";
/// Travel.csv names an unknown facility or depot.
pub const TRAVEL_UNKNOWN_ID: &str = "E0403";
/// Travel.csv gives the same from/to pair twice.
pub const DUPLICATE_TRAVEL_PAIR: &str = "E0404";

// Values in any file.
/// A required value is empty.
pub const EMPTY_VALUE: &str = "E0501";
/// A value that must be a number is not one.
pub const NOT_A_NUMBER: &str = "E0502";
/// A value that must not be negative is negative.
pub const NEGATIVE_NUMBER: &str = "E0503";
/// A number beyond what its column can mean (`io::values::CEILINGS`).
pub const NUMBER_TOO_LARGE: &str = "E0504";

// Model files (`models/*.toml`).
/// A model file is not valid TOML or misses a field.
pub const MODEL_SYNTAX: &str = "E0601";
/// Two trades of the catalogue share a key.
pub const DUPLICATE_TRADE_KEY: &str = "E0602";

// vendors.csv (optional).
/// Two vendors share a vendor_id.
pub const DUPLICATE_VENDOR_ID: &str = "E0801";
/// A vendor lists a trade missing from the catalogue.
pub const VENDOR_UNKNOWN_TRADE: &str = "E0802";
/// A contract's vendor is neither a vendor_id nor a name of vendors.csv.
pub const CONTRACT_UNKNOWN_VENDOR: &str = "W0803";
/// in_ward or prime_capable is not yes or no.
pub const BAD_VENDOR_FLAG: &str = "E0804";

// Open-data import (`matome import opendata`).
/// A published facility list has no column for the name or the coordinates.
pub const UNMAPPED_LIST: &str = "E0701";
/// The table of towns (`--areas`) gives one town two districts or areas.
pub const DUPLICATE_TOWN: &str = "E0702";

/// Every code with a one-line meaning, for `--help`-style listings and the docs test.
pub const ALL: &[(&str, &str)] = &[
    (MISSING_FILE, "a required file of the dataset is missing"),
    (UNREADABLE_FILE, "a file cannot be read"),
    (
        MISSING_COLUMN,
        "a required column is missing from the header",
    ),
    (
        FIELD_COUNT,
        "a row has a different number of fields than the header",
    ),
    (
        DUPLICATE_COLUMN,
        "a column name appears twice in the header",
    ),
    (
        ENCODING_REPLACED,
        "some bytes are neither UTF-8 nor Shift_JIS/CP932",
    ),
    (EMPTY_FILE, "a file has a header but no rows"),
    (MERGED_HEADER, "a worksheet's header row has merged cells"),
    (NUL_BYTE, "a file holds NUL bytes"),
    (
        LINK_OUTSIDE,
        "a file is a symlink to a place outside the dataset folder",
    ),
    (DUPLICATE_FACILITY_ID, "two facilities share a facility_id"),
    (LAT_LON_RANGE, "latitude or longitude out of range"),
    (FACILITY_FAR_OUT, "a facility lies far from all the others"),
    (BAD_OPERATOR, "operator is not direct or designated_manager"),
    (DUPLICATE_LINE_ID, "two service lines share a line_id"),
    (
        UNKNOWN_FACILITY,
        "a service line names a facility that does not exist",
    ),
    (
        UNKNOWN_CONTRACT,
        "a service line names a contract that does not exist",
    ),
    (
        UNKNOWN_TRADE,
        "a service line names a trade missing from the catalogue",
    ),
    (PINNED_WITHOUT_CONTRACT, "a pinned line has no contract"),
    (BAD_PINNED, "pinned is not true or false"),
    (
        LINE_WITHOUT_CONTRACT,
        "a service line has no current contract",
    ),
    (DUPLICATE_CONTRACT_ID, "two contracts share a contract_id"),
    (BAD_DATE, "a date is not a valid YYYY-MM-DD date"),
    (END_BEFORE_START, "a contract ends before it starts"),
    (
        BAD_PROCUREMENT,
        "procurement is not competitive or negotiated",
    ),
    (CONTRACT_WITHOUT_LINES, "a contract covers no service line"),
    (
        CONTRACT_VALUE_MISMATCH,
        "a contract's value differs from the sum of its lines",
    ),
    (
        BAD_PAYMENTS,
        "payments_per_year is not a whole number from 1 to 366",
    ),
    (DUPLICATE_DEPOT_ID, "two depots share a depot_id"),
    (DEPOT_ID_CLASH, "a depot_id is also a facility_id"),
    (
        TRAVEL_UNKNOWN_ID,
        "travel.csv names an unknown facility or depot",
    ),
    (
        DUPLICATE_TRAVEL_PAIR,
        "travel.csv gives the same from/to pair twice",
    ),
    (EMPTY_VALUE, "a required value is empty"),
    (NOT_A_NUMBER, "a value that must be a number is not one"),
    (
        NEGATIVE_NUMBER,
        "a value that must not be negative is negative",
    ),
    (
        NUMBER_TOO_LARGE,
        "a number is beyond what its column can mean (e.g. 1e308 visits)",
    ),
    (
        MODEL_SYNTAX,
        "a model file is not valid TOML or misses a field",
    ),
    (
        DUPLICATE_TRADE_KEY,
        "two trades of the catalogue share a key",
    ),
    (DUPLICATE_VENDOR_ID, "two vendors share a vendor_id"),
    (
        VENDOR_UNKNOWN_TRADE,
        "a vendor lists a trade missing from the catalogue",
    ),
    (
        CONTRACT_UNKNOWN_VENDOR,
        "a contract's vendor is not in vendors.csv",
    ),
    (BAD_VENDOR_FLAG, "in_ward or prime_capable is not yes or no"),
    (
        UNMAPPED_LIST,
        "a published facility list has no name or coordinate columns",
    ),
    (
        DUPLICATE_TOWN,
        "the table of towns gives a town two districts or areas",
    ),
];
