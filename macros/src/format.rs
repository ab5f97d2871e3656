//! A parser for `format_args!` strings, following rustc's own
//! (`rustc_parse_format`): pieces, argument references, and each
//! placeholder's spec split into the parts the generated code rewrites.
//!
//! It only has to be right for strings rustc accepts: on anything it does
//! not understand it returns `None`, and the macro falls back to formatting
//! the whole message in the caller with `format_args!`, which then reports
//! rustc's own error (or, for a corner this parser does not know, simply
//! works).

/// A piece of a format string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    /// Text written as is (`{{` and `}}` already unescaped).
    Literal(String),
    /// A `{...}` placeholder.
    Placeholder(Placeholder),
}

/// Which argument a placeholder (or a width or precision) refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ArgRef {
    /// A positional argument (implicit positions are resolved to this).
    Index(usize),
    /// A named argument, or a variable captured from the scope.
    Name(String),
}

/// A width or precision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Count {
    /// None given.
    Implied,
    /// A literal number, as written.
    Is(String),
    /// Taken from an argument (`1$`, `name$`, and `.*` resolved to its index).
    Arg(ArgRef),
}

/// One `{arg:spec}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Placeholder {
    pub(crate) arg: ArgRef,
    /// Fill, alignment, sign, `#` and `0` flags, as written.
    pub(crate) flags: String,
    pub(crate) width: Count,
    pub(crate) precision: Count,
    /// The trait letter(s) as written: `""`, `"?"`, `"x?"`, `"x"`, `"e"`, ...
    pub(crate) ty: String,
}

/// The formatting trait a placeholder uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Trait {
    Display,
    Debug,
    LowerHex,
    UpperHex,
    Octal,
    Binary,
    LowerExp,
    UpperExp,
    Pointer,
}

impl Trait {
    /// The path of the trait in `core::fmt`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Trait::Display => "Display",
            Trait::Debug => "Debug",
            Trait::LowerHex => "LowerHex",
            Trait::UpperHex => "UpperHex",
            Trait::Octal => "Octal",
            Trait::Binary => "Binary",
            Trait::LowerExp => "LowerExp",
            Trait::UpperExp => "UpperExp",
            Trait::Pointer => "Pointer",
        }
    }
}

impl Placeholder {
    /// The trait, or `None` for a type letter rustc would reject.
    pub(crate) fn format_trait(&self) -> Option<Trait> {
        Some(match self.ty.as_str() {
            "" => Trait::Display,
            "?" | "x?" | "X?" => Trait::Debug,
            "x" => Trait::LowerHex,
            "X" => Trait::UpperHex,
            "o" => Trait::Octal,
            "b" => Trait::Binary,
            "e" => Trait::LowerExp,
            "E" => Trait::UpperExp,
            "p" => Trait::Pointer,
            _ => return None,
        })
    }

    /// `{}`: Display with no flags, width or precision.
    pub(crate) fn is_plain(&self) -> bool {
        self.flags.is_empty()
            && self.width == Count::Implied
            && self.precision == Count::Implied
            && self.ty.is_empty()
    }

    /// The placeholder as a format string for one value (argument 0)
    /// followed by its width and then its precision where they come from
    /// arguments: `{:>w$.*}` becomes `{0:>1$.2$}`, `{:.*}` becomes `{0:.1$}`.
    pub(crate) fn respelled(&self) -> String {
        let mut s = String::from("{0:");
        s.push_str(&self.flags);
        let mut next = 1;
        match &self.width {
            Count::Implied => {}
            Count::Is(n) => s.push_str(n),
            Count::Arg(_) => {
                s.push_str("1$");
                next = 2;
            }
        }
        match &self.precision {
            Count::Implied => {}
            Count::Is(n) => {
                s.push('.');
                s.push_str(n);
            }
            Count::Arg(_) => s.push_str(&format!(".{next}$")),
        }
        s.push_str(&self.ty);
        s.push('}');
        s
    }
}

/// Parses `s` (the literal's value), or `None` if it is not a format string
/// this parser understands.
pub(crate) fn parse(s: &str) -> Option<Vec<Piece>> {
    let mut p = Parser {
        chars: s.chars().collect(),
        pos: 0,
        next_arg: 0,
    };
    let mut pieces = Vec::new();
    let mut literal = String::new();
    while let Some(c) = p.bump() {
        match c {
            '{' if p.eat('{') => literal.push('{'),
            '}' if p.eat('}') => literal.push('}'),
            '{' => {
                if !literal.is_empty() {
                    pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                }
                pieces.push(Piece::Placeholder(p.placeholder()?));
            }
            '}' => return None, // unmatched
            c => literal.push(c),
        }
    }
    if !literal.is_empty() {
        pieces.push(Piece::Literal(literal));
    }
    Some(pieces)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    /// The next implicit positional argument.
    next_arg: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn text(&self, from: usize) -> String {
        self.chars[from..self.pos].iter().collect()
    }

    /// After `{`: position, optional `:spec`, then `}`.
    fn placeholder(&mut self) -> Option<Placeholder> {
        let position = if let Some(n) = self.integer() {
            Some(ArgRef::Index(n.parse().ok()?))
        } else {
            self.word().map(ArgRef::Name)
        };
        let mut placeholder = Placeholder {
            arg: ArgRef::Index(0),
            flags: String::new(),
            width: Count::Implied,
            precision: Count::Implied,
            ty: String::new(),
        };
        if self.eat(':') {
            self.spec(&mut placeholder)?;
        }
        if !self.eat('}') {
            return None;
        }
        // As rustc does: the value's implicit position is taken after the
        // spec's, so `{:.*}` reads the precision first, then the value.
        placeholder.arg = match position {
            Some(arg) => arg,
            None => {
                self.next_arg += 1;
                ArgRef::Index(self.next_arg - 1)
            }
        };
        placeholder.format_trait()?;
        Some(placeholder)
    }

    /// `[[fill]align][sign]['#']['0'][width]['.' precision][type]`
    fn spec(&mut self, spec: &mut Placeholder) -> Option<()> {
        let start = self.pos;
        if matches!(self.chars.get(self.pos + 1), Some('<' | '^' | '>')) {
            self.pos += 1; // fill
        }
        let _ = self.eat('<') || self.eat('^') || self.eat('>');
        let _ = self.eat('+') || self.eat('-');
        self.eat('#');
        let mut have_width = false;
        if self.peek() == Some('0') {
            if self.chars.get(self.pos + 1) == Some(&'$') {
                // `0$` is a width taken from argument 0, not the `0` flag.
                spec.flags = self.text(start);
                self.pos += 2;
                spec.width = Count::Arg(ArgRef::Index(0));
                have_width = true;
            } else {
                self.pos += 1;
            }
        }
        if !have_width {
            spec.flags = self.text(start);
            spec.width = self.count()?;
        }
        if self.eat('.') {
            spec.precision = if self.eat('*') {
                self.next_arg += 1;
                Count::Arg(ArgRef::Index(self.next_arg - 1))
            } else {
                match self.count()? {
                    Count::Implied => return None,
                    count => count,
                }
            };
        }
        let ty_start = self.pos;
        if self.eat('x') || self.eat('X') {
            self.eat('?');
        } else if !self.eat('?') {
            self.word();
        }
        spec.ty = self.text(ty_start);
        Some(())
    }

    /// `N`, `N$`, `name$`, or nothing (a word not followed by `$` is left
    /// for the type).
    fn count(&mut self) -> Option<Count> {
        if let Some(n) = self.integer() {
            if self.eat('$') {
                return Some(Count::Arg(ArgRef::Index(n.parse().ok()?)));
            }
            return Some(Count::Is(n));
        }
        let start = self.pos;
        if let Some(word) = self.word() {
            if self.eat('$') {
                return Some(Count::Arg(ArgRef::Name(word)));
            }
            self.pos = start;
        }
        Some(Count::Implied)
    }

    fn integer(&mut self) -> Option<String> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        (self.pos > start).then(|| self.text(start))
    }

    /// An identifier.
    fn word(&mut self) -> Option<String> {
        let start = self.pos;
        if !self.peek().is_some_and(|c| c == '_' || c.is_alphabetic()) {
            return None;
        }
        while self.peek().is_some_and(|c| c == '_' || c.is_alphanumeric()) {
            self.pos += 1;
        }
        Some(self.text(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ph(arg: ArgRef, flags: &str, width: Count, precision: Count, ty: &str) -> Piece {
        Piece::Placeholder(Placeholder {
            arg,
            flags: flags.into(),
            width,
            precision,
            ty: ty.into(),
        })
    }

    fn lit(s: &str) -> Piece {
        Piece::Literal(s.into())
    }

    #[test]
    fn pieces_and_positions() {
        use ArgRef::{Index, Name};
        use Count::{Arg, Implied, Is};
        assert_eq!(
            parse("a {} b {0} {x:?} {{c}} {}").unwrap(),
            [
                lit("a "),
                ph(Index(0), "", Implied, Implied, ""),
                lit(" b "),
                ph(Index(0), "", Implied, Implied, ""),
                lit(" "),
                ph(Name("x".into()), "", Implied, Implied, "?"),
                lit(" {c} "),
                ph(Index(1), "", Implied, Implied, ""),
            ]
        );
        assert_eq!(
            parse("{:>8.3}{:*^+#010x}{:.*}{:w$.p$e}{:0$}{:1$}{:<<5X?}").unwrap(),
            [
                ph(Index(0), ">", Is("8".into()), Is("3".into()), ""),
                ph(Index(1), "*^+#0", Is("10".into()), Implied, "x"),
                ph(Index(3), "", Implied, Arg(Index(2)), ""),
                ph(
                    Index(4),
                    "",
                    Arg(Name("w".into())),
                    Arg(Name("p".into())),
                    "e"
                ),
                ph(Index(5), "", Arg(Index(0)), Implied, ""),
                ph(Index(6), "", Arg(Index(1)), Implied, ""),
                ph(Index(7), "<<", Is("5".into()), Implied, "X?"),
            ]
        );
    }

    #[test]
    fn respelled_specs() {
        let Piece::Placeholder(p) = &parse("{x:>w$.*}").unwrap()[0] else {
            panic!()
        };
        assert_eq!(p.respelled(), "{0:>1$.2$}");
        let Piece::Placeholder(p) = &parse("{:.*}").unwrap()[0] else {
            panic!()
        };
        assert_eq!(p.respelled(), "{0:.1$}");
        let Piece::Placeholder(p) = &parse("{:#010.3e}").unwrap()[0] else {
            panic!()
        };
        assert_eq!(p.respelled(), "{0:#010.3e}");
    }

    #[test]
    fn rejects_what_rustc_rejects() {
        for bad in ["{", "}", "{:.}", "{:y}", "{0 }", "{:>8", "a } b"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
