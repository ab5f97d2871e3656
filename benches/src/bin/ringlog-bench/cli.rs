//! The command line.

use std::path::PathBuf;
use std::time::Duration;

/// The usage line printed on a bad argument or `--help`.
pub const USAGE: &str =
    "usage: ringlog-bench [--out DIR] [--rounds N] [--events N] [--limit-ms N] \
     [--log-records N] [--group ring|log]... [--only TEXT]...\n\
     \n\
     --out DIR          where the markdown, CSV and SVG go (default out/bench)\n\
     --rounds N         interleaved rounds of every case (default 9)\n\
     --events N         events per ring run (default 4194304)\n\
     --limit-ms N       producers stop after N ms (logging runs: 3x that; default 1000)\n\
     --log-records N    lines per logging throughput run, all threads together (default 1048576)\n\
     --group NAME       run only this group (repeatable; default: every group)\n\
     --only TEXT        run only the cases whose contender contains TEXT (repeatable)";

/// What the command line asked for.
#[derive(Clone, Debug)]
pub struct Args {
    pub out: PathBuf,
    pub rounds: usize,
    /// Events per ring run.
    pub events: u64,
    pub limit: Duration,
    /// Lines per logging throughput run (all threads together).
    pub log_records: u64,
    pub groups: Vec<String>,
    /// If not empty: only the cases whose contender contains one of these.
    pub only: Vec<String>,
}

impl Args {
    /// The settings of one child run: `events` is also its line count.
    pub fn for_child(events: u64, limit: Duration) -> Self {
        Args {
            out: PathBuf::new(),
            rounds: 1,
            events,
            limit,
            log_records: events,
            groups: Vec::new(),
            only: Vec::new(),
        }
    }

    /// Parses the arguments after the program name. `Err("")` for `--help`.
    pub fn parse(mut args: impl Iterator<Item = String>) -> Result<Self, String> {
        let mut parsed = Args {
            out: PathBuf::from("out/bench"),
            rounds: 9,
            events: 1 << 22,
            limit: Duration::from_millis(1000),
            log_records: 1 << 20,
            groups: Vec::new(),
            only: Vec::new(),
        };
        while let Some(arg) = args.next() {
            let mut value = || args.next().ok_or(format!("{arg} needs a value"));
            match arg.as_str() {
                "--out" => parsed.out = PathBuf::from(value()?),
                "--rounds" => parsed.rounds = parse_num(&value()?)?,
                "--events" => parsed.events = parse_num(&value()?)?,
                "--limit-ms" => parsed.limit = Duration::from_millis(parse_num(&value()?)?),
                "--log-records" => parsed.log_records = parse_num(&value()?)?,
                "--group" => parsed.groups.push(value()?),
                "--only" => parsed.only.push(value()?),
                "-h" | "--help" => return Err(String::new()),
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        if parsed.rounds == 0 {
            return Err("--rounds must be at least 1".into());
        }
        if let Some(g) = parsed
            .groups
            .iter()
            .find(|g| crate::group::find(g).is_none())
        {
            return Err(format!("unknown group {g:?}"));
        }
        Ok(parsed)
    }
}

/// A number, or an error naming the text that is not one.
pub fn parse_num<T: std::str::FromStr>(s: &str) -> Result<T, String> {
    s.parse().map_err(|_| format!("not a number: {s:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, String> {
        Args::parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn parses_every_option() {
        let a = parse(&[
            "--out",
            "x",
            "--rounds",
            "3",
            "--events",
            "64",
            "--limit-ms",
            "20",
            "--log-records",
            "128",
            "--group",
            "log",
            "--only",
            "ringlog",
        ])
        .unwrap();
        assert_eq!(a.out, PathBuf::from("x"));
        assert_eq!((a.rounds, a.events, a.log_records), (3, 64, 128));
        assert_eq!(a.limit, Duration::from_millis(20));
        assert_eq!(a.groups, ["log"]);
        assert_eq!(a.only, ["ringlog"]);
    }

    #[test]
    fn rejects_bad_input() {
        for bad in [
            &["--rounds", "0"][..],
            &["--rounds", "x"],
            &["--events"],
            &["--group", "nope"],
            &["--frobnicate"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(parse(&["--help"]).unwrap_err(), "");
    }
}
