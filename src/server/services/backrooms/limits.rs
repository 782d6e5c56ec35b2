//! The limits a backroom's fields keep, and the default stop pattern.

pub const TITLE_MAX: usize = 200;
pub const SCENARIO_MAX: usize = 32 * 1024;
pub const MAX_TURNS: i32 = 500;
pub const PATTERNS_MAX: usize = 10;
pub const PATTERN_MAX: usize = 100;
pub const INTERJECTION_MAX: usize = 10_000;
pub const DEFAULT_STOP: &str = "^C^C";
