//! The structure of a redirect pattern: a small parser of `regex-lite`'s syntax that keeps only what
//! the safety analysis needs — which characters each atom may match, grouped into the four kinds that
//! decide where a URL's host ends (`/`, `:`, a digit, anything else) — with every atom's position.
//!
//! It mirrors `regex-lite`'s parser (groups, flags, classes, escapes, repetition), so a pattern means
//! the same here as in the engine. Where it is unsure it widens: an assertion (`^`, `$`, `\b`) is read
//! as matching the empty string anywhere and a negated class as matching every other character, so the
//! language it sees contains every string the engine can match. The one construct it refuses is the
//! `x` (verbose) flag, which changes how everything after it is read.

/// What a set of characters can contain, by the kinds that matter after a URL's host.
pub(crate) type Kinds = u8;
pub(crate) const SLASH: Kinds = 1;
pub(crate) const COLON: Kinds = 2;
pub(crate) const DIGIT: Kinds = 4;
pub(crate) const OTHER: Kinds = 8;
pub(crate) const ALL_KINDS: Kinds = SLASH | COLON | DIGIT | OTHER;
const ALL: Kinds = ALL_KINDS;

/// Nesting deeper than this is refused (the engine's own limit is the same).
const NEST_LIMIT: u32 = 64;

/// One node of a pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Node {
    /// One character out of `kinds`; `lit` when it is exactly one known character (case-sensitive),
    /// `escaped` when it was written with a backslash; `pos` is its 1-based character position.
    Char {
        kinds: Kinds,
        lit: Option<char>,
        escaped: bool,
        pos: usize,
    },
    /// An assertion: matches the empty string. `caret` for a plain `^`.
    Empty {
        caret: bool,
    },
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat {
        sub: Box<Node>,
        min: u32,
        max: Option<u32>,
        depth: u32,
    },
}

/// A syntax error at a 1-based character position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub pos: usize,
    pub message: &'static str,
}

/// The special characters a class contains, enough to decide its [`Kinds`] (also when negated).
#[derive(Clone, Copy, Default)]
struct Members {
    slash: bool,
    colon: bool,
    /// Bit `d` set when the digit `d` is in the class.
    digits: u16,
    other: bool,
}

const ALL_DIGITS: u16 = 0x3ff;

impl Members {
    fn range(a: char, b: char) -> Members {
        let mut digits = 0;
        for d in 0..10u8 {
            let c = char::from(b'0' + d);
            if a <= c && c <= b {
                digits |= 1 << d;
            }
        }
        Members {
            slash: a <= '/' && '/' <= b,
            colon: a <= ':' && ':' <= b,
            digits,
            // '/', '0'..='9' and ':' are the contiguous block 0x2F..=0x3A.
            other: a < '/' || b > ':',
        }
    }
    fn of(kinds: Kinds) -> Members {
        Members {
            slash: kinds & SLASH != 0,
            colon: kinds & COLON != 0,
            digits: if kinds & DIGIT != 0 { ALL_DIGITS } else { 0 },
            other: kinds & OTHER != 0,
        }
    }
    fn union(self, o: Members) -> Members {
        Members {
            slash: self.slash || o.slash,
            colon: self.colon || o.colon,
            digits: self.digits | o.digits,
            other: self.other || o.other,
        }
    }
    /// The complement; "other" stays in (widening), as no class here lists every other character.
    fn negate(self) -> Members {
        Members {
            slash: !self.slash,
            colon: !self.colon,
            digits: !self.digits & ALL_DIGITS,
            other: true,
        }
    }
    fn kinds(self) -> Kinds {
        (if self.slash { SLASH } else { 0 })
            | (if self.colon { COLON } else { 0 })
            | (if self.digits != 0 { DIGIT } else { 0 })
            | (if self.other { OTHER } else { 0 })
    }
}

/// The kind of one character.
pub(crate) fn kind_of(c: char) -> Kinds {
    match c {
        '/' => SLASH,
        ':' => COLON,
        '0'..='9' => DIGIT,
        _ => OTHER,
    }
}

/// Parses a whole pattern.
pub(crate) fn parse(pattern: &str) -> Result<Node, SyntaxError> {
    let mut p = Parser {
        chars: pattern.chars().collect(),
        i: 0,
        case_insensitive: false,
    };
    let node = p.parse_inner(0)?;
    Ok(node)
}

struct Parser {
    chars: Vec<char>,
    i: usize,
    case_insensitive: bool,
}

/// Which characters the engine lets a backslash make literal.
fn is_escapable(c: char) -> bool {
    c.is_ascii() && !c.is_ascii_alphanumeric() && c != '<' && c != '>'
}

/// What an escape stands for.
enum Escape {
    Char(char),
    Class(Kinds),
    Empty,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }
    fn peek_at(&self, k: usize) -> Option<char> {
        self.chars.get(self.i + k).copied()
    }
    fn err<T>(&self, pos: usize, message: &'static str) -> Result<T, SyntaxError> {
        Err(SyntaxError { pos, message })
    }
    fn starts_with(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(k, c)| self.peek_at(k) == Some(c))
    }

    fn parse_inner(&mut self, depth: u32) -> Result<Node, SyntaxError> {
        if depth > NEST_LIMIT {
            return self.err(self.i + 1, "the pattern nests groups too deeply");
        }
        let mut alternates = Vec::new();
        let mut concat: Vec<Node> = Vec::new();
        while let Some(c) = self.peek() {
            let pos = self.i + 1;
            match c {
                '(' => {
                    let saved = self.case_insensitive;
                    // A flag directive `(?i)` adds no node, as in the engine: a repetition right
                    // after it applies to what came before it.
                    if let Some(node) = self.parse_group(depth)? {
                        concat.push(node);
                        self.case_insensitive = saved;
                    }
                    if self.peek() != Some(')') {
                        return self.err(pos, "this group is never closed with ')'");
                    }
                    self.i += 1;
                }
                ')' => {
                    if depth == 0 {
                        return self.err(pos, "this ')' closes no group");
                    }
                    break;
                }
                '|' => {
                    alternates.push(Node::Concat(std::mem::take(&mut concat)));
                    self.i += 1;
                }
                '[' => concat.push(self.parse_class()?),
                '?' | '*' | '+' => {
                    self.i += 1;
                    let (min, max) = match c {
                        '?' => (0, Some(1)),
                        '*' => (0, None),
                        _ => (1, None),
                    };
                    if self.peek() == Some('?') {
                        self.i += 1;
                    }
                    self.repeat(&mut concat, min, max, pos)?;
                }
                '{' => {
                    let (min, max) = self.parse_counted(pos)?;
                    self.repeat(&mut concat, min, max, pos)?;
                }
                _ => {
                    self.i += 1;
                    concat.push(self.primitive(c, pos)?);
                }
            }
        }
        if alternates.is_empty() {
            return Ok(Node::Concat(concat));
        }
        alternates.push(Node::Concat(concat));
        Ok(Node::Alt(alternates))
    }

    fn repeat(
        &self,
        concat: &mut Vec<Node>,
        min: u32,
        max: Option<u32>,
        pos: usize,
    ) -> Result<(), SyntaxError> {
        let Some(sub) = concat.pop() else {
            return self.err(
                pos,
                "a repetition (?, *, +, {n}) must follow something to repeat",
            );
        };
        let depth = match &sub {
            Node::Repeat { depth, .. } => depth + 1,
            _ => 1,
        };
        if depth > NEST_LIMIT {
            return self.err(pos, "too many repetitions stacked on one another");
        }
        concat.push(Node::Repeat {
            sub: Box::new(sub),
            min,
            max,
            depth,
        });
        Ok(())
    }

    fn decimal(&mut self, pos: usize) -> Result<u32, SyntaxError> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        if self.i == start {
            return self.err(pos, "a counted repetition {n,m} needs decimal numbers");
        }
        let digits: String = self.chars[start..self.i].iter().collect();
        digits
            .parse()
            .or_else(|_| self.err(pos, "the repetition count is too large"))
    }

    /// `{n}`, `{n,}`, `{n,m}`, with an optional lazy `?`.
    fn parse_counted(&mut self, pos: usize) -> Result<(u32, Option<u32>), SyntaxError> {
        self.i += 1;
        let min = self.decimal(pos)?;
        let mut max = Some(min);
        if self.peek() == Some(',') {
            self.i += 1;
            max = if self.peek() == Some('}') {
                None
            } else {
                Some(self.decimal(pos)?)
            };
        }
        if self.peek() != Some('}') {
            return self.err(pos, "a counted repetition must be closed with '}'");
        }
        self.i += 1;
        if self.peek() == Some('?') {
            self.i += 1;
        }
        if max.is_some_and(|m| m < min) {
            return self.err(pos, "in {n,m} the minimum is larger than the maximum");
        }
        Ok((min, max))
    }

    fn primitive(&mut self, c: char, pos: usize) -> Result<Node, SyntaxError> {
        Ok(match c {
            '\\' => match self.escape(pos)? {
                Escape::Char(ch) => self.char_node(ch, true, pos),
                Escape::Class(kinds) => Node::Char {
                    kinds,
                    lit: None,
                    escaped: true,
                    pos,
                },
                Escape::Empty => Node::Empty { caret: false },
            },
            '.' => Node::Char {
                kinds: ALL,
                lit: None,
                escaped: false,
                pos,
            },
            '^' => Node::Empty { caret: true },
            '$' => Node::Empty { caret: false },
            ch => self.char_node(ch, false, pos),
        })
    }

    fn char_node(&self, ch: char, escaped: bool, pos: usize) -> Node {
        let folds = self.case_insensitive && ch.is_ascii_alphabetic();
        Node::Char {
            kinds: kind_of(ch),
            lit: (!folds).then_some(ch),
            escaped,
            pos,
        }
    }

    /// After a backslash.
    fn escape(&mut self, pos: usize) -> Result<Escape, SyntaxError> {
        let Some(c) = self.peek() else {
            return self.err(pos, "the pattern ends in the middle of an escape (\\)");
        };
        match c {
            '0'..='9' => return self.err(pos, "backreferences (\\1) are not supported"),
            'p' | 'P' => return self.err(pos, "Unicode classes (\\p) are not supported"),
            'x' | 'u' | 'U' => return self.hex(pos).map(Escape::Char),
            _ => {}
        }
        self.i += 1;
        let class = |kinds: Kinds| Ok(Escape::Class(kinds));
        match c {
            'd' => class(DIGIT),
            'D' => class(Members::of(DIGIT).negate().kinds()),
            'w' => class(DIGIT | OTHER),
            'W' => class(Members::of(DIGIT | OTHER).negate().kinds()),
            's' => class(OTHER),
            'S' => class(ALL),
            'a' => Ok(Escape::Char('\x07')),
            'f' => Ok(Escape::Char('\x0C')),
            't' => Ok(Escape::Char('\t')),
            'n' => Ok(Escape::Char('\n')),
            'r' => Ok(Escape::Char('\r')),
            'v' => Ok(Escape::Char('\x0B')),
            'A' | 'z' | 'B' | '<' | '>' => Ok(Escape::Empty),
            'b' => {
                if self.peek() == Some('{')
                    && self
                        .peek_at(1)
                        .is_some_and(|c| c.is_ascii_alphabetic() || c == '-')
                {
                    self.i += 1;
                    let start = self.i;
                    while self
                        .peek()
                        .is_some_and(|c| c.is_ascii_alphabetic() || c == '-')
                    {
                        self.i += 1;
                    }
                    let name: String = self.chars[start..self.i].iter().collect();
                    if self.peek() != Some('}')
                        || !matches!(name.as_str(), "start" | "end" | "start-half" | "end-half")
                    {
                        return self.err(pos, "unknown word boundary \\b{…}");
                    }
                    self.i += 1;
                }
                Ok(Escape::Empty)
            }
            c if is_escapable(c) => Ok(Escape::Char(c)),
            _ => self.err(pos, "unknown escape sequence"),
        }
    }

    /// `\xHH`, `\uHHHH`, `\UHHHHHHHH` or `\x{H…}`.
    fn hex(&mut self, pos: usize) -> Result<char, SyntaxError> {
        let len = match self.peek() {
            Some('x') => 2,
            Some('u') => 4,
            _ => 8,
        };
        self.i += 1;
        let digits: String = if self.peek() == Some('{') {
            self.i += 1;
            let start = self.i;
            while self.peek().is_some_and(|c| c != '}') {
                self.i += 1;
            }
            if self.peek() != Some('}') || self.i == start {
                return self.err(pos, "a \\x{…} escape needs hex digits and a closing '}'");
            }
            self.i += 1;
            self.chars[start..self.i - 1].iter().collect()
        } else {
            let end = self.i + len;
            if end > self.chars.len() {
                return self.err(pos, "a hex escape needs more hex digits");
            }
            let s: String = self.chars[self.i..end].iter().collect();
            self.i = end;
            s
        };
        u32::from_str_radix(&digits, 16)
            .ok()
            .filter(|_| digits.chars().all(|c| c.is_ascii_hexdigit()))
            .and_then(char::from_u32)
            .map_or_else(|| self.err(pos, "not a valid hex escape"), Ok)
    }

    /// Parses `(…)`, `(?:…)`, `(?P<name>…)`, `(?flags:…)` or a flag directive `(?flags)` (`None`).
    fn parse_group(&mut self, depth: u32) -> Result<Option<Node>, SyntaxError> {
        let pos = self.i + 1;
        self.i += 1;
        if self.starts_with("?=")
            || self.starts_with("?!")
            || self.starts_with("?<=")
            || self.starts_with("?<!")
        {
            return self.err(pos, "look-around is not supported");
        }
        if self.starts_with("?P<") || self.starts_with("?<") {
            self.i += if self.starts_with("?P<") { 3 } else { 2 };
            let start = self.i;
            while self.peek().is_some_and(|c| c != '>') {
                let c = self.peek().unwrap_or('>');
                let first = self.i == start;
                if !(c == '_'
                    || c.is_alphabetic()
                    || !first && (c.is_alphanumeric() || ".[]".contains(c)))
                {
                    return self.err(pos, "invalid capture group name");
                }
                self.i += 1;
            }
            if self.peek() != Some('>') || self.i == start {
                return self.err(
                    pos,
                    "a capture group name must be non-empty and end with '>'",
                );
            }
            self.i += 1;
            return self.parse_inner(depth + 1).map(Some);
        }
        if self.peek() == Some('?') {
            self.i += 1;
            let start = self.i;
            let mut negate = false;
            let mut last_dash = false;
            loop {
                match self.peek() {
                    None => return self.err(pos, "flags (?…) must end with ':' or ')'"),
                    Some(':' | ')') => break,
                    Some('-') => {
                        if negate {
                            return self.err(pos, "a flag group may negate only once");
                        }
                        negate = true;
                        last_dash = true;
                    }
                    Some('x') => {
                        return self.err(
                            pos,
                            "the x (verbose) flag is not allowed in redirect patterns; write the pattern without it",
                        )
                    }
                    Some('i') => {
                        self.case_insensitive = !negate;
                        last_dash = false;
                    }
                    Some('m' | 's' | 'U' | 'R' | 'u') => last_dash = false,
                    Some(_) => return self.err(pos, "unknown flag (use i, m, s, U, R)"),
                }
                self.i += 1;
            }
            if last_dash {
                return self.err(pos, "a flag group cannot end with '-'");
            }
            if self.peek() == Some(')') {
                if self.i == start {
                    return self.err(pos, "empty flag group (?)");
                }
                return Ok(None);
            }
            self.i += 1;
            return self.parse_inner(depth + 1).map(Some);
        }
        self.parse_inner(depth + 1).map(Some)
    }

    /// `[…]`, `[^…]`, with ranges, escapes and POSIX classes `[[:digit:]]`.
    fn parse_class(&mut self) -> Result<Node, SyntaxError> {
        let pos = self.i + 1;
        self.i += 1;
        let unclosed = |p: &Parser| p.err(pos, "this class is never closed with ']'");
        let negate = self.peek() == Some('^');
        if negate {
            self.i += 1;
        }
        let mut m = Members::default();
        let mut first = true;
        while self.peek() == Some('-') {
            m = m.union(Members::range('-', '-'));
            self.i += 1;
            first = false;
        }
        if first && self.peek() == Some(']') {
            m = m.union(Members::range(']', ']'));
            self.i += 1;
        }
        loop {
            match self.peek() {
                None => return unclosed(self),
                Some(']') => {
                    self.i += 1;
                    break;
                }
                Some('[') => match self.posix() {
                    Some(p) => m = m.union(p),
                    None => return self.err(self.i + 1, "nested classes are not supported"),
                },
                Some(c @ ('&' | '-' | '~')) if self.peek_at(1) == Some(c) => {
                    return self.err(
                        self.i + 1,
                        "class set operations (&&, --, ~~) are not supported",
                    )
                }
                Some(_) => m = m.union(self.class_range(pos)?),
            }
        }
        let m = if negate { m.negate() } else { m };
        Ok(Node::Char {
            kinds: m.kinds(),
            lit: None,
            escaped: false,
            pos,
        })
    }

    fn class_item(&mut self, pos: usize) -> Result<Escape, SyntaxError> {
        let Some(c) = self.peek() else {
            return self.err(pos, "this class is never closed with ']'");
        };
        let at = self.i + 1;
        self.i += 1;
        if c == '\\' {
            match self.escape(at)? {
                Escape::Empty => self.err(at, "an assertion cannot stand in a class"),
                e => Ok(e),
            }
        } else {
            Ok(Escape::Char(c))
        }
    }

    fn class_range(&mut self, pos: usize) -> Result<Members, SyntaxError> {
        let at = self.i + 1;
        let a = self.class_item(pos)?;
        if self.peek().is_none() {
            return self.err(pos, "this class is never closed with ']'");
        }
        let is_range =
            self.peek() == Some('-') && !matches!(self.peek_at(1), Some(']') | Some('-') | None);
        if !is_range {
            return Ok(match a {
                Escape::Char(c) => Members::range(c, c),
                Escape::Class(k) => Members::of(k),
                Escape::Empty => Members::default(),
            });
        }
        self.i += 1;
        let b = self.class_item(pos)?;
        match (a, b) {
            (Escape::Char(a), Escape::Char(b)) if a <= b => Ok(Members::range(a, b)),
            (Escape::Char(_), Escape::Char(_)) => {
                self.err(at, "in a class range the start must not come after the end")
            }
            _ => self.err(at, "a class range must run between two single characters"),
        }
    }

    /// `[:name:]` or `[:^name:]` inside a class; `None` (nothing consumed) when it is not one.
    fn posix(&mut self) -> Option<Members> {
        let rest: String = self.chars[self.i..].iter().take(12).collect();
        let body = rest.strip_prefix("[:")?;
        let (negated, body) = match body.strip_prefix('^') {
            Some(b) => (true, b),
            None => (false, body),
        };
        let end = body.find(":]")?;
        let kinds = match &body[..end] {
            "digit" => DIGIT,
            "alnum" | "word" | "xdigit" => DIGIT | OTHER,
            "alpha" | "lower" | "upper" | "blank" | "space" | "cntrl" => OTHER,
            "punct" => SLASH | COLON | OTHER,
            "ascii" | "graph" | "print" => ALL,
            _ => return None,
        };
        self.i += 2 + usize::from(negated) + end + 2;
        let m = Members::of(kinds);
        Some(if negated { m.negate() } else { m })
    }
}
