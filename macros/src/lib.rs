//! The procedural half of ringlog's deferred-formatting log macros.
//!
//! Use the macros through `ringlog` (`ringlog::info!` and friends): their
//! `macro_rules!` front end splits the call into its parts and calls
//! [`deferred!`] here, which parses the format string and generates, per
//! call site, the code that encodes the arguments in the caller and the
//! render function that formats them on ringlog's writer thread. The design
//! and the safety argument are in ringlog's `docs/design.md`, "Deferred
//! formatting".

mod format;
mod literal;
mod tokens;

use format::{ArgRef, Count, Piece, Placeholder, Trait};
use proc_macro::{Delimiter, Literal, Span, TokenStream, TokenTree};
use tokens::Code;

/// Expands one log call. Input (from ringlog's `macro_rules!` front end):
/// `[$crate] [level] [logger or nothing] [target] "format" [(arg) (name = arg) ...]`.
#[proc_macro]
#[doc(hidden)]
pub fn deferred(input: TokenStream) -> TokenStream {
    match Call::parse(input) {
        Some(call) => call.expand(),
        None => r#"::core::compile_error!("ringlog: malformed input to the internal `deferred!` macro (use `ringlog::info!` and friends)")"#
            .parse()
            .unwrap_or_default(),
    }
}

/// An argument expression.
struct Arg {
    /// `Some` for `name = expr`.
    name: Option<String>,
    expr: TokenStream,
    span: Span,
}

/// One log call, as the front end hands it over.
struct Call {
    krate: TokenStream,
    level: TokenStream,
    /// Empty: the global logger.
    logger: TokenStream,
    target: TokenStream,
    format: Literal,
    args: Vec<Arg>,
}

fn bracketed(tt: Option<TokenTree>) -> Option<TokenStream> {
    match tt? {
        TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket => Some(g.stream()),
        _ => None,
    }
}

/// The literal inside any invisible groups (a `$fmt:literal` may arrive
/// wrapped in one).
fn literal(tt: TokenTree) -> Option<Literal> {
    match tt {
        TokenTree::Literal(l) => Some(l),
        TokenTree::Group(g) if g.delimiter() == Delimiter::None => {
            let mut inner = g.stream().into_iter();
            let tt = inner.next()?;
            inner.next().is_none().then_some(())?;
            literal(tt)
        }
        _ => None,
    }
}

impl Call {
    fn parse(input: TokenStream) -> Option<Self> {
        let mut it = input.into_iter();
        let krate = bracketed(it.next())?;
        let level = bracketed(it.next())?;
        let logger = bracketed(it.next())?;
        let target = bracketed(it.next())?;
        let format = literal(it.next()?)?;
        let mut args = Vec::new();
        for tt in bracketed(it.next())? {
            let TokenTree::Group(group) = tt else {
                return None;
            };
            let tokens: Vec<TokenTree> = group.stream().into_iter().collect();
            let named = match tokens.as_slice() {
                [TokenTree::Ident(name), TokenTree::Punct(eq), _, ..] if eq.as_char() == '=' => {
                    Some(name.to_string())
                }
                _ => None,
            };
            let expr: TokenStream = if named.is_some() {
                tokens.into_iter().skip(2).collect()
            } else {
                group.stream()
            };
            args.push(Arg {
                name: named,
                expr,
                span: group.span(),
            });
        }
        it.next().is_none().then_some(())?;
        Some(Call {
            krate,
            level,
            logger,
            target,
            format,
            args,
        })
    }

    fn expand(self) -> TokenStream {
        let mut out = Code::new(self.krate.clone());
        out.push("{ const __RINGLOG_LEVEL: RINGLOG::log::Level =");
        out.splice(self.level.clone());
        out.push(";");
        if self.logger.is_empty() {
            // One Relaxed load and a branch when the level is disabled.
            out.push(
                "if let ::core::option::Option::Some(__ringlog_logger) = \
                 RINGLOG::__private::global_enabled(__RINGLOG_LEVEL) {",
            );
        } else {
            out.push("let __ringlog_logger: &RINGLOG::log::Logger =");
            out.splice(self.logger.clone());
            out.push("; if __ringlog_logger.enabled(__RINGLOG_LEVEL) {");
        }
        match self.plan() {
            Some(plan) => self.deferred_body(&plan, &mut out),
            None => self.fallback_body(&mut out),
        }
        out.push("} }");
        out.finish()
    }

    /// The whole message formatted in the caller, through `Logger::log`: for
    /// format strings the parser does not take (rustc then reports its own
    /// error, or formats a corner the parser does not know).
    fn fallback_body(&self, out: &mut Code) {
        out.push("let _ = __ringlog_logger.log(__RINGLOG_LEVEL,");
        out.splice(self.target.clone());
        out.push(", ::core::format_args!(");
        out.splice_tt(TokenTree::Literal(self.format.clone()));
        for arg in &self.args {
            out.push(",");
            if let Some(name) = &arg.name {
                out.ident(name, arg.span);
                out.push("=");
            }
            out.splice(arg.expr.clone());
        }
        out.push("));");
    }

    /// Resolves every placeholder to argument slots, or `None` if the call
    /// must fall back.
    fn plan(&self) -> Option<Plan> {
        let value = literal::string_value(&self.format.to_string())?;
        let pieces = format::parse(&value)?;
        let positional = self.args.iter().take_while(|a| a.name.is_none()).count();
        if self.args[positional..].iter().any(|a| a.name.is_none()) {
            return None; // positional after named: rustc's error
        }
        let explicit = self.args.len();
        let mut plan = Plan {
            slots: self
                .args
                .iter()
                .map(|a| Slot {
                    name: a.name.clone(),
                    captured: false,
                    kind: false,
                })
                .collect(),
            steps: Vec::new(),
            explicit,
        };
        let mut used = vec![false; self.args.len()];
        for piece in pieces {
            let placeholder = match piece {
                Piece::Literal(text) => {
                    plan.steps.push(Step::Literal(text));
                    continue;
                }
                Piece::Placeholder(p) => p,
            };
            let mut count = |c: &Count| match c {
                Count::Arg(arg) => plan.resolve(arg, &mut used).map(Some),
                _ => Some(None),
            };
            let width = count(&placeholder.width)?;
            let precision = count(&placeholder.precision)?;
            let value = plan.resolve(&placeholder.arg, &mut used)?;
            let trait_ = placeholder.format_trait()?;
            if trait_ != Trait::Pointer {
                plan.slots[value].kind = true;
            }
            plan.steps.push(Step::Value(Use {
                placeholder,
                trait_,
                value,
                width,
                precision,
            }));
        }
        // An unused argument is rustc's error: let `format_args!` say so.
        used.iter().all(|&u| u).then_some(plan)
    }

    fn deferred_body(&self, plan: &Plan, out: &mut Code) {
        // Each argument evaluated once, by reference, as `format_args!` does.
        out.push("match (");
        for (i, slot) in plan.slots.iter().enumerate() {
            out.push("&(");
            if slot.captured {
                let name = slot.name.as_deref().unwrap_or_default();
                out.ident(name, self.format.span());
            } else {
                out.splice(self.args[i].expr.clone());
            }
            out.push("),");
        }
        out.push(") { (");
        for i in 0..plan.slots.len() {
            out.push(&format!("__ringlog_a{i},"));
        }
        out.push(") => {");
        self.deferred_arm(plan, out);
        out.push("} }");
    }

    fn deferred_arm(&self, plan: &Plan, out: &mut Code) {
        // rustc checks the format string against the arguments, with its own
        // diagnostics, in a branch that never runs.
        out.push("if false { let _ = ::core::format_args!(");
        out.splice_tt(TokenTree::Literal(self.format.clone()));
        for (i, arg) in self.args.iter().enumerate() {
            out.push(",");
            if let Some(name) = &arg.name {
                out.ident(name, arg.span);
                out.push("=");
            }
            out.push("*");
            out.ident(
                &format!("__ringlog_a{i}"),
                Span::call_site().located_at(arg.span),
            );
        }
        out.push("); }");

        let kinds: Vec<usize> = (0..plan.slots.len())
            .filter(|&i| plan.slots[i].kind)
            .collect();
        out.push("#[allow(unused_imports)] use RINGLOG::__private::{ViaEncode as _, ViaFmt as _};");
        for &i in &kinds {
            out.push(&format!(
                "let __ringlog_k{i} = (&&RINGLOG::__private::Probe(__ringlog_a{i})).__ringlog_kind();"
            ));
        }
        out.push(
            "static __RINGLOG_CALLSITE: RINGLOG::__private::Callsite = \
             RINGLOG::__private::Callsite::new(__RINGLOG_LEVEL,",
        );
        out.splice(self.target.clone());
        out.push(", ::core::module_path!(), ::core::file!(), ::core::line!(),");
        out.splice_tt(TokenTree::Literal(self.format.clone()));
        out.push(");");

        // The render function, generic over the arguments' kinds.
        let list =
            |f: &dyn Fn(usize) -> String| kinds.iter().map(|&i| f(i)).collect::<Vec<_>>().join(",");
        let generics = list(&|i| format!("K{i}: RINGLOG::__private::ArgKind"));
        let mut bounds = String::new();
        for step in &plan.steps {
            if let Step::Value(Use { trait_, value, .. }) = step {
                if *trait_ != Trait::Pointer {
                    bounds.push_str(&format!(
                        "for<'__ringlog> <K{value} as RINGLOG::__private::ArgKind>::Value<'__ringlog>: \
                         ::core::fmt::{},",
                        trait_.name()
                    ));
                }
            }
        }
        out.push(&format!(
            "fn __ringlog_render<{generics}>(__ringlog_r: &mut RINGLOG::__private::Reader<'_>, \
             __ringlog_o: &mut RINGLOG::__private::Out<'_>) -> ::core::fmt::Result where {bounds} {{"
        ));
        for step in &plan.steps {
            render_step(step, out);
        }
        out.push("::core::result::Result::Ok(()) }");
        out.push(&format!(
            "fn __ringlog_pick<{generics}>({params}) -> RINGLOG::__private::RenderFn where {bounds} \
             {{ __ringlog_render::<{names}> }}",
            params = list(&|i| format!("_: &K{i}")),
            names = list(&|i| format!("K{i}")),
        ));

        // The target's own filter directives, if the logger has any, and a
        // full ring under a dropping policy, before anything is formatted
        // (the level was checked above).
        out.push(
            "if __ringlog_logger.admits(__RINGLOG_LEVEL, __RINGLOG_CALLSITE.target()).is_ok() {",
        );
        // Before the claim: eager pieces formatted, lengths measured.
        out.push("let mut __ringlog_f = RINGLOG::__private::Frame::new();");
        for (j, step) in plan.steps.iter().enumerate() {
            measure_step(j, step, out);
        }
        // The claim: the fields copied into the slot.
        out.push(&format!(
            "RINGLOG::__private::emit(__ringlog_logger, &__RINGLOG_CALLSITE, __ringlog_pick({}), \
             __ringlog_f, |__ringlog_w| {{",
            list(&|i| format!("&__ringlog_k{i}"))
        ));
        for (j, step) in plan.steps.iter().enumerate() {
            put_step(j, step, out);
        }
        out.push("}); }");
    }
}

/// Where each argument and capture goes.
struct Plan {
    slots: Vec<Slot>,
    steps: Vec<Step>,
    /// Arguments given (positional, then named); captures come after.
    explicit: usize,
}

impl Plan {
    /// The slot `arg` refers to (a new capture for an unknown name), marked
    /// used; `None` for an index past the arguments (rustc's error).
    fn resolve(&mut self, arg: &ArgRef, used: &mut Vec<bool>) -> Option<usize> {
        let slot = match arg {
            // As in rustc, named arguments also have positions, after the
            // positional ones.
            ArgRef::Index(i) => (*i < self.explicit).then_some(*i)?,
            ArgRef::Name(name) => {
                match self
                    .slots
                    .iter()
                    .position(|s| s.name.as_deref() == Some(name))
                {
                    Some(slot) => slot,
                    None => {
                        self.slots.push(Slot {
                            name: Some(name.clone()),
                            captured: true,
                            kind: false,
                        });
                        used.push(true);
                        self.slots.len() - 1
                    }
                }
            }
        };
        used[slot] = true;
        Some(slot)
    }
}

struct Slot {
    name: Option<String>,
    /// A variable captured by the format string (`{x}`), not an argument.
    captured: bool,
    /// Formatted as a value by a non-pointer placeholder: it has an encoding
    /// kind (deferred or eager), chosen by its type.
    kind: bool,
}

enum Step {
    Literal(String),
    Value(Use),
}

/// A placeholder, resolved to slots.
struct Use {
    placeholder: Placeholder,
    trait_: Trait,
    /// The slot formatted.
    value: usize,
    /// The slots of a width and a precision taken from arguments.
    width: Option<usize>,
    precision: Option<usize>,
}

impl Use {
    /// The count slots, width first.
    fn counts(&self) -> impl Iterator<Item = usize> + '_ {
        self.width.iter().chain(self.precision.iter()).copied()
    }
}

/// The arguments of a placeholder's own `format_args!` after its value:
/// its width and precision where they come from arguments.
fn count_args(u: &Use) -> String {
    u.counts().map(|c| format!(", *__ringlog_a{c}")).collect()
}

/// Step `j` before the claim: its counts and value measured (an eager
/// value formatted); an encoded value's body length kept in `__ringlog_l{j}`
/// for [`put_step`].
fn measure_step(j: usize, step: &Step, out: &mut Code) {
    let Step::Value(u) = step else {
        return;
    };
    let value = u.value;
    if u.trait_ == Trait::Pointer {
        // An address is the caller's: always formatted there.
        out.push("__ringlog_f.eager(::core::format_args!(");
    } else {
        for c in u.counts() {
            out.push(&format!("__ringlog_f.count(*__ringlog_a{c});"));
        }
        out.push(&format!(
            "let __ringlog_l{j} = __ringlog_k{value}.measure(__ringlog_a{value}, &mut __ringlog_f, \
             ::core::format_args!("
        ));
    }
    out.str_lit(&u.placeholder.respelled());
    out.push(&format!(", *__ringlog_a{value} {}));", count_args(u)));
}

/// Step `j` inside the claim: its fields written, in the order measured.
fn put_step(j: usize, step: &Step, out: &mut Code) {
    let Step::Value(u) = step else {
        return;
    };
    if u.trait_ == Trait::Pointer {
        out.push("__ringlog_w.eager();");
        return;
    }
    for c in u.counts() {
        out.push(&format!("__ringlog_w.count(*__ringlog_a{c});"));
    }
    let value = u.value;
    out.push(&format!(
        "__ringlog_k{value}.put(__ringlog_a{value}, __ringlog_l{j}, __ringlog_w);"
    ));
}

fn render_step(step: &Step, out: &mut Code) {
    let u = match step {
        Step::Literal(text) => {
            out.push("__ringlog_o.literal(");
            out.str_lit(text);
            out.push(");");
            return;
        }
        Step::Value(u) => u,
    };
    let value = u.value;
    if u.trait_ == Trait::Pointer {
        out.push("__ringlog_o.eager(__ringlog_r)?;");
        return;
    }
    if u.placeholder.is_plain() {
        out.push(&format!(
            "RINGLOG::__private::display::<K{value}>(__ringlog_r, __ringlog_o)?;"
        ));
        return;
    }
    out.push("{");
    let mut args = String::new();
    for (n, _) in u.counts().enumerate() {
        out.push(&format!("let __ringlog_c{n} = __ringlog_r.count()?;"));
        args.push_str(&format!(", __ringlog_c{n}"));
    }
    out.push(&format!(
        "let __ringlog_v = <K{value} as RINGLOG::__private::ArgKind>::read(__ringlog_r)?; \
         __ringlog_o.write_fmt(::core::format_args!("
    ));
    out.str_lit(&u.placeholder.respelled());
    out.push(&format!(", __ringlog_v {args}))?; }}"));
}
