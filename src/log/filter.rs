//! Which records a logger keeps: a maximum level, or per-target levels in
//! the `RUST_LOG` syntax (`info,app::db=debug,hyper=off`), parsed by
//! `env_filter`, the crate `env_logger` uses.
//!
//! Every log call first compares its level with the most verbose level any
//! directive enables (one load and a branch: what a call that is filtered
//! out by level costs); only when the directives name targets, and the level
//! passes that check, are the target directives consulted (longest matching
//! prefix wins, as in `env_logger`).

use super::level::Level;
use std::fmt;

/// A logger's filter.
#[derive(Clone)]
pub(crate) struct Filter {
    /// `level.index() + 1` of the most verbose level any directive enables;
    /// 0 if none does (`off`). A record of level `l` passes the quick check
    /// iff `l.index() < limit`.
    limit: u8,
    /// The directives, when some name a target; `None` when the filter is
    /// one level for every target (the quick check then decides alone).
    targets: Option<env_filter::Filter>,
}

impl fmt::Debug for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Filter")
            .field("max_level", &self.max_level())
            .field("targets", &self.targets)
            .finish()
    }
}

impl Filter {
    /// Every target up to `max`.
    pub(crate) fn up_to(max: Level) -> Self {
        Self {
            limit: max.index() as u8 + 1,
            targets: None,
        }
    }

    /// Parses directives in the `RUST_LOG` syntax: comma-separated
    /// `level`, `target`, or `target=level` entries (levels `off`, `error`,
    /// `warn`, `info`, `debug`, `trace`, any case). A bare target enables
    /// every level for it; with no bare level, targets no directive names
    /// get nothing, as in `env_logger`; a target matches as a string prefix
    /// (`app` also matches `apple`), and a misspelt level (`inof`) is taken
    /// for a target, as there. Spaces around entries and around `=` are
    /// ignored. `env_logger`'s `/regex` message filter is refused (it would
    /// format every message to test it), and so are directives with no
    /// entry at all.
    pub(crate) fn parse(spec: &str) -> Result<Self, String> {
        if spec.contains('/') {
            return Err("message filters (`/pattern`) are not supported".into());
        }
        // env_filter keeps spaces inside a target name: trim them here.
        let spec = spec
            .split(',')
            .map(|entry| match entry.split_once('=') {
                Some((target, level)) => format!("{}={}", target.trim(), level.trim()),
                None => entry.trim().to_string(),
            })
            .filter(|entry| !entry.is_empty())
            .collect::<Vec<_>>()
            .join(",");
        if spec.is_empty() {
            return Err("no directives".into());
        }
        let mut builder = env_filter::Builder::new();
        builder.try_parse(&spec).map_err(|e| e.to_string())?;
        let filter = builder.build();
        let limit = match filter.filter().to_level() {
            Some(level) => level_from(level).index() as u8 + 1,
            None => 0,
        };
        let names_targets = spec
            .split(',')
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .any(|d| d.contains('=') || d.parse::<log::LevelFilter>().is_err());
        Ok(Self {
            limit,
            targets: names_targets.then_some(filter),
        })
    }

    /// Whether `level` passes for some target: the quick check.
    #[inline]
    pub(crate) fn level_enabled(&self, level: Level) -> bool {
        (level.index() as u8) < self.limit
    }

    /// Whether a record of `level` for `target` is kept.
    #[inline]
    pub(crate) fn enabled(&self, level: Level, target: &str) -> bool {
        self.level_enabled(level) && self.target_enabled(level, target)
    }

    /// The target directives' verdict (true if there are none).
    #[inline]
    fn target_enabled(&self, level: Level, target: &str) -> bool {
        match &self.targets {
            None => true,
            Some(filter) => filter.enabled(
                &log::Metadata::builder()
                    .level(level_to(level))
                    .target(target)
                    .build(),
            ),
        }
    }

    /// The most verbose level kept for some target; `None` if none is.
    pub(crate) fn max_level(&self) -> Option<Level> {
        self.limit
            .checked_sub(1)
            .map(|index| Level::ALL[usize::from(index)])
    }
}

/// The `log` crate's level as ours.
pub(crate) fn level_from(level: log::Level) -> Level {
    match level {
        log::Level::Error => Level::Error,
        log::Level::Warn => Level::Warn,
        log::Level::Info => Level::Info,
        log::Level::Debug => Level::Debug,
        log::Level::Trace => Level::Trace,
    }
}

/// Our level as the `log` crate's.
pub(crate) fn level_to(level: Level) -> log::Level {
    match level {
        Level::Error => log::Level::Error,
        Level::Warn => log::Level::Warn,
        Level::Info => log::Level::Info,
        Level::Debug => log::Level::Debug,
        Level::Trace => log::Level::Trace,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_level_for_all_needs_no_target_check() {
        let f = Filter::parse("debug").unwrap();
        assert!(f.targets.is_none());
        assert_eq!(f.max_level(), Some(Level::Debug));
        assert!(f.enabled(Level::Debug, "any") && !f.enabled(Level::Trace, "any"));
        let off = Filter::parse("off").unwrap();
        assert_eq!(off.max_level(), None);
        assert!(!off.enabled(Level::Error, "any"));
    }

    #[test]
    fn targets_by_longest_prefix() {
        let f = Filter::parse("warn,app=info,app::db=trace,noisy=off").unwrap();
        assert_eq!(f.max_level(), Some(Level::Trace));
        assert!(f.enabled(Level::Warn, "other") && !f.enabled(Level::Info, "other"));
        assert!(f.enabled(Level::Info, "app::http") && !f.enabled(Level::Debug, "app::http"));
        assert!(f.enabled(Level::Trace, "app::db::pool"));
        assert!(!f.enabled(Level::Error, "noisy"));
        // A bare target: every level for it, nothing for the rest.
        let bare = Filter::parse("app").unwrap();
        assert!(bare.enabled(Level::Trace, "app") && !bare.enabled(Level::Error, "x"));
    }

    #[test]
    fn bad_directives_are_errors() {
        assert!(Filter::parse("app=loud").is_err());
        assert!(Filter::parse("info/foo")
            .unwrap_err()
            .contains("not supported"));
        assert_eq!(Filter::parse(" , ").unwrap_err(), "no directives");
        assert!(Filter::parse("").is_err());
    }

    #[test]
    fn spaces_around_entries_and_equals_are_ignored() {
        let f = Filter::parse(" info , app = debug ").unwrap();
        assert!(f.enabled(Level::Debug, "app") && !f.enabled(Level::Debug, "other"));
    }
}
