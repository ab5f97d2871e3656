//! A small code builder (what `quote` would do, without the dependency):
//! the generated code is written as source text, with the user's tokens
//! (expressions, the format string, the target, ...) spliced in as they are,
//! so their spans and hygiene are kept.

use proc_macro::{Group, Ident, Literal, Span, TokenStream, TokenTree};
use std::fmt::Write;

pub(crate) struct Code {
    text: String,
    /// Tokens standing in for the `__ringlog_splice_N` identifiers of `text`.
    splices: Vec<TokenStream>,
}

impl Code {
    /// `krate` (the `$crate` token) replaces the identifier `RINGLOG`.
    pub(crate) fn new(krate: TokenStream) -> Self {
        let mut code = Self {
            text: String::new(),
            splices: Vec::new(),
        };
        code.splices.push(krate);
        code
    }

    /// Appends source text.
    pub(crate) fn push(&mut self, text: &str) {
        self.text.push_str(text);
        self.text.push(' ');
    }

    /// Appends `tokens` as they are.
    pub(crate) fn splice(&mut self, tokens: TokenStream) {
        let n = self.splices.len();
        self.splices.push(tokens);
        let _ = write!(self.text, " __ringlog_splice_{n} ");
    }

    pub(crate) fn splice_tt(&mut self, tt: TokenTree) {
        self.splice(TokenStream::from(tt));
    }

    pub(crate) fn ident(&mut self, name: &str, span: Span) {
        self.splice_tt(TokenTree::Ident(Ident::new(name, span)));
    }

    pub(crate) fn str_lit(&mut self, value: &str) {
        self.splice_tt(TokenTree::Literal(Literal::string(value)));
    }

    pub(crate) fn finish(self) -> TokenStream {
        let parsed: TokenStream = self
            .text
            .parse()
            .unwrap_or_else(|e| panic!("ringlog-macros generated bad code `{}`: {e}", self.text));
        self.replace(parsed)
    }

    fn replace(&self, stream: TokenStream) -> TokenStream {
        let mut out = TokenStream::new();
        for tt in stream {
            match tt {
                TokenTree::Ident(ident) => {
                    let name = ident.to_string();
                    let splice = if name == "RINGLOG" {
                        Some(0)
                    } else {
                        name.strip_prefix("__ringlog_splice_")
                            .and_then(|n| n.parse::<usize>().ok())
                    };
                    match splice {
                        Some(n) => out.extend(self.splices[n].clone()),
                        None => out.extend([TokenTree::Ident(ident)]),
                    }
                }
                TokenTree::Group(g) => {
                    let mut group = Group::new(g.delimiter(), self.replace(g.stream()));
                    group.set_span(g.span());
                    out.extend([TokenTree::Group(group)]);
                }
                tt => out.extend([tt]),
            }
        }
        out
    }
}
