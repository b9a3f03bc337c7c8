//! The rule catalogue: what each rule ID means, written once here and published as `docs/rules.md` by
//! `appreg rules --markdown` (a test fails when that file is stale). The match is exhaustive, so a new
//! rule does not compile until it is described.

use crate::finding::Rule;

/// A group of rules, in catalogue order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Group {
    pub prefix: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
}

pub const GROUPS: &[Group] = &[
    Group {
        prefix: "NAME",
        title: "Application name",
        intro: "Letters of every script, digits, space and - _ & ( ) , ! @ + [ ] are fine.",
    },
    Group {
        prefix: "RU",
        title: "Redirect URLs",
        intro: "Checked per entry against the template's policy; the raw text is inspected before WHATWG \
                parsing, which would hide tabs, `..` and backslashes. An entry starting with `^` is a \
                pattern (RU-PATTERN-*): every string it can match must parse to its literal scheme and \
                host with no user info (RU-PATTERN-SAFE, proven by the property tests).",
    },
    Group {
        prefix: "CORS",
        title: "CORS origins",
        intro: "Exactly `scheme://host[:port]`; canonical form as for redirect URLs.",
    },
    Group {
        prefix: "EP",
        title: "Integration endpoints",
        intro: "The portal's servers call these, so they must be public https URLs.",
    },
    Group {
        prefix: "CONTACT",
        title: "Technical contact",
        intro: "",
    },
    Group {
        prefix: "APP",
        title: "App type and capabilities",
        intro: "",
    },
    Group {
        prefix: "SECRET",
        title: "Client secrets",
        intro: "",
    },
    Group {
        prefix: "PUBLISH",
        title: "Publishing",
        intro: "",
    },
    Group {
        prefix: "CERT",
        title: "Certificates",
        intro: "",
    },
    Group {
        prefix: "TOKEN",
        title: "API tokens",
        intro: "",
    },
    Group {
        prefix: "VERSION",
        title: "Versions",
        intro: "",
    },
    Group {
        prefix: "APPSTORE",
        title: "App Store information",
        intro: "Standard apps only (custom apps have none). Each finding has a gate. **Red** findings block \
                saving: what is there is wrong (malformed, too long, too many, unknown). **Orange** findings \
                block publishing only: something a listing needs is still missing. A red finding blocks \
                publishing too. Text is counted in characters after trimming.",
    },
    Group {
        prefix: "TICKET",
        title: "Messaging Center",
        intro: "Messages of a ticket (every publish request is one) and the images sent with them.",
    },
    Group {
        prefix: "PAYLOAD",
        title: "Requests",
        intro: "",
    },
];

/// The group a rule belongs to (by its ID's prefix).
pub fn group_of(rule: Rule) -> &'static Group {
    let id = rule.id();
    GROUPS
        .iter()
        .find(|g| id == g.prefix || id.starts_with(&format!("{}-", g.prefix)))
        .unwrap_or(&GROUPS[GROUPS.len() - 1])
}

/// The severity a rule is reported with, and what it checks.
pub fn describe(rule: Rule) -> (&'static str, &'static str) {
    use Rule::*;
    match rule {
        NameTrim => ("info", "Leading and trailing white space is removed before any other check."),
        NameEmpty => ("error", "The name is empty after trimming."),
        NameLength => ("error", "More than 64 characters (Unicode scalar values) after trimming."),
        NameChar => ("error", "A restricted character: `. : ; ? * ~ # % | = \\ / { } < > ' \"` or typographic quotes; the message names it and its position."),
        NameControl => ("error", "A control or format character (C0, C1, U+200B–U+200F, U+2028–U+202E, U+FEFF)."),
        NameSpaces => ("warning", "Runs of more than one space inside; the canonical form collapses them."),
        NameTaken => ("error", "Another app of the same partner has this name, compared case-insensitively after canonicalising (server, and an async check in the wizard)."),
        RuTrim => ("info", "Leading and trailing white space is removed; the canonical form is trimmed."),
        RuEmpty => ("error", "Empty after trimming."),
        RuLength => ("error", "Longer than 2,048 characters."),
        RuWhitespace => ("error", "White space or a control character inside; suggests `%20` for a space in the path."),
        RuParse => ("error", "Not an absolute URL (no scheme, a relative path, no host, a backslash); suggests `https://` when the input looks like a host."),
        RuSchemeDangerous => ("error", "The scheme is `javascript`, `data`, `vbscript`, `file`, `blob` or `about`."),
        RuFragment => ("error", "A fragment (`#…`, even empty) — RFC 6749 §3.1.2."),
        RuUserinfo => ("error", "A user name or password before the host; the message names the real host."),
        RuWildcard => ("error", "A `*` in a plain URL; use a pattern instead."),
        RuDotSegment => ("error", "A `.` or `..` path segment, also percent-encoded."),
        RuPercent => ("error", "Malformed percent-encoding or an encoded NUL (`%00`)."),
        RuHttps => ("error", "Plain `http` on a host that is not loopback — RFC 9700 §2.1."),
        RuLoopbackName => ("warning", "The host `localhost`: prefer `127.0.0.1` — RFC 8252 §8.3."),
        RuLoopbackAddr => ("error", "A loopback address other than `127.0.0.1` or `[::1]`, or `0.0.0.0`/`[::]` — RFC 8252 §7.3."),
        RuIpHost => ("warning", "https with a public IP-literal host."),
        RuOpenRedirect => ("error", "A query value a browser would follow off-site: `https://…`, `https:host`, `//host` or its backslash forms — RFC 9700 §4.11."),
        RuResponseParam => ("error", "A query parameter the authorization server adds itself: `code`, `state`, `error`, `id_token`, `access_token`."),
        RuIdn => ("info", "The host is written in Unicode; the canonical form uses punycode."),
        RuCanonical => ("info", "Scheme and host lower-cased and the default port removed; shown when it differs from the input."),
        RuDuplicate => ("error", "The same canonical form as an earlier entry."),
        RuNearDuplicate => ("warning", "Differs from an earlier entry only by a trailing `/`."),
        RuCount => ("error", "More than 100 entries in the list."),
        RuDevOnly => ("warning", "A loopback `http://` URL on a Web app: development only."),
        RuPrivateScheme => ("error", "A private-use scheme on a template other than Native, or one not in reverse-domain form with a dot — RFC 8252 §7.1."),
        RuOob => ("error", "`urn:ietf:wg:oauth:2.0:oob` is no longer allowed."),
        RuPatternAnchor => ("error", "A pattern must start with `^` and end with `$`."),
        RuPatternSyntax => ("error", "The pattern does not compile, or uses the `x` flag; the message gives the character position."),
        RuPatternHost => ("error", "After `^` the pattern must spell out the scheme and the whole host literally, every `.` escaped; no class, group, alternation or quantifier there."),
        RuPatternHostEnd => ("error", "The host must be followed by `$`, `/`, or `:` and digits up to `/` or `$`, in every branch and every count of what follows; anything that could extend the host or add user info is refused, with its position."),
        RuPatternAlternation => ("error", "A `|` outside a group: the part after it is another pattern that escapes every check. Register two entries instead."),
        RuPatternPolicy => ("error", "The literal scheme and host break the template's policy (for example plain `http` on a public host)."),
        CorsForm => ("error", "Not exactly `scheme://host[:port]` (a path, query, fragment or user info); a single trailing `/` is dropped with an info."),
        CorsHttps => ("error", "Not `https`, or `http` on a host that is not loopback."),
        CorsWildcard => ("error", "A `*`, or the string `null`."),
        CorsDuplicate => ("error", "The same canonical origin as an earlier entry."),
        CorsCount => ("error", "More than 100 origins."),
        EpRequired => ("error", "The endpoint is switched On but has no URL."),
        EpParse => ("error", "Not an absolute URL, or white space inside."),
        EpLength => ("error", "Longer than 2,048 characters."),
        EpHttps => ("error", "Not `https://`."),
        EpHost => ("error", "A loopback or IP-literal host."),
        EpInternal => ("error", "A host name only a private network resolves: one label, or under `.internal`, `.local`, `.localhost`, `.home.arpa`."),
        EpUserinfo => ("error", "A user name or password in the URL."),
        EpFragment => ("error", "A fragment."),
        EpTemplate => ("error", "The template has no such integration point."),
        EpErrorEmail => ("error", "\"Send error e-mails\": a recipient that is not a syntactically valid email address, the same address twice (case-insensitively), more than 10 recipients, On without a recipient, or On or recipients on a template without integration endpoints."),
        ContactEmail => ("error", "Not a syntactically valid email address."),
        ContactMember => ("error", "Not a user of the app's partner (server)."),
        AppType => ("error", "The app type is fixed by the template (Mirroring is Custom, ERP sync and quote is Standard)."),
        AppCapability => ("error", "A capability the template does not allow: Mirroring keeps its configuration; WebAPI, Services88 and Webhook agent fit every other template; Database mirroring server-to-server, ERP and Empty apps; SystemToken claim server-to-server and ERP apps; ERPSync agent ERP apps; the loopback pattern and native flags Native apps."),
        SecretExpiry => ("error", "A client secret lives 1 to 730 days."),
        SecretDescription => ("error", "A secret's description is at most 200 characters."),
        PublishEnv => ("error", "Publishing is requested for Stage or Production; SOD is published at once."),
        PublishMessage => ("error", "The message to the reviewer is at most 2,000 characters."),
        PublishReason => ("error", "A rejection says why, in 1 to 2,000 characters."),
        CertKey => ("error", "An uploaded key is not an RSA public key of at least 2,048 bits in PEM form, or is a private key (server)."),
        CertDescription => ("error", "A certificate's description is at most 200 characters."),
        CertExpiry => ("error", "A certificate is valid for 1 to 730 days."),
        TokenName => ("error", "An API token's name is 1 to 100 characters as sent, and not only white space."),
        TokenExpiry => ("error", "An API token lives 1 to 365 days."),
        VersionLabel => ("error", "A version's label is 1 to 80 characters after trimming, with no control or format character."),
        AppStoreName => ("error", "Red (blocks saving): the listing name is empty, longer than 80 characters, or has a character an app name may not have (as NAME-CHAR and NAME-CONTROL)."),
        AppStoreNameTaken => ("error", "Red (blocks saving): another app's App Store information has this listing name, compared as app names are: case-insensitively after collapsing spaces (server)."),
        AppStoreShort => ("error", "Red (blocks saving): the short description is empty or longer than 160 characters."),
        AppStoreLong => ("error", "Red (blocks saving): the long description is longer than 4,000 characters. Orange (blocks publishing): it is empty."),
        AppStoreUrl => ("error", "Red (blocks saving): a homepage, support, privacy policy or terms URL that is given but is not an absolute `https://` URL with a public host name (no IP address, `localhost` or one-label host, no user name or password, no white space, at most 2,048 characters). Orange (blocks publishing): any of the four is missing."),
        AppStoreEmail => ("error", "Red (blocks saving): the support e-mail is given but is not a syntactically valid email address. Orange (blocks publishing): it is missing."),
        AppStoreCategory => ("error", "Red (blocks saving): a category ID that is not one of `accounting`, `analytics`, `communication`, `customer_service`, `documents`, `e_commerce`, `integration`, `marketing`, `productivity`, `sales`, `security`; the same category twice; more than 3. Orange (blocks publishing): no category."),
        AppStoreLanguage => ("error", "Red (blocks saving): a language code that is not one of `en`, `nb`, `sv`, `da`, `de`, `nl`, `fi`, `fr`, or the same language twice. Orange (blocks publishing): no language."),
        AppStoreLogo => ("error", "Red (blocks saving): a logo that is not a PNG or SVG image, is larger than 1 MB (1,048,576 bytes) or is not square; a PNG smaller than 256 × 256 px; an SVG without a size (no `viewBox`, nor `width` and `height` in px). Orange (blocks publishing): no logo."),
        AppStoreScreenshots => ("error", "Red (blocks saving): more than 5 screenshots, or one that is not a PNG or JPEG image, has a side shorter than 320 or longer than 3,840 px, or is larger than 5 MB (5,242,880 bytes). Orange (blocks publishing): no screenshot."),
        TicketMessage => ("error", "A ticket's message is empty or longer than 10,000 characters after trimming."),
        TicketAttachment => ("error", "More than 3 files with one message (field `file`), or a file (field `file[i]`) that is not a PNG, JPEG or GIF image by its bytes (its name and the part's content type are ignored; SVG is refused) or is larger than 5 MB (5,242,880 bytes)."),
        Payload => ("error", "The request body or registration file is not valid JSON of the expected shape."),
    }
}

/// What the tables cannot say: the per-template policy for redirect URLs and how a URL is matched at
/// sign-in.
const POLICY: &str = "\n## Redirect URLs per template\n\n\
| template | what is accepted |\n|---|---|\n\
| Web, Server-to-server, ERP sync and quote, Empty | `https://` URLs; `http://` only on loopback hosts (`127.0.0.1`, `[::1]`, `localhost`), with RU-DEV-ONLY (development only) on a Web app |\n\
| Native | loopback `http://127.0.0.1[:port][/path]` and `http://[::1][:port][/path]` (the port may be left out: any port then matches at sign-in, RFC 8252 §7.3); `https://` (claimed URLs); private-use schemes in reverse-domain form with a dot, such as `com.example.app:/oauth2redirect` (RFC 8252 §7.1). A one-word scheme is RU-PRIVATE-SCHEME, `urn:ietf:wg:oauth:2.0:oob` is RU-OOB, `http://` on another host is RU-HTTPS |\n\
| Mirroring | no redirect URLs |\n\n\
A private-use scheme is an error on every template but Native. A pattern's literal scheme and host obey the same \
policy (RU-PATTERN-POLICY). Patterns are evaluated with `regex-lite`, small enough for the browser bundle.\n\n\
## Would this URL be accepted at sign-in? (the tester)\n\n\
A concrete `redirect_uri` matches a registered list by exact string comparison with the canonical entries, except \
that a loopback IP entry (`127.0.0.1`, `[::1]`) matches any port (RFC 8252 §7.3); a pattern entry matches when the \
whole string matches it. The tester says which entry matched, or why none did.\n";

/// A table cell: `|` would end the cell, even inside code.
pub fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The catalogue as Markdown: one table a group, every rule in the order of [`Rule::ALL`].
pub fn rules_markdown() -> String {
    let mut out = String::from(
        "# Validation rules\n\n\
         Generated from `crates/core` by `appreg rules --markdown > docs/rules.md`; do not edit by hand \
         (a test fails when this file is stale). Every rule runs unchanged in the browser (wasm), on the \
         server and in the `appreg` CLI; a check reports the worst finding as its verdict (`info` counts \
         as ok), and errors always block saving while warnings never do.\n",
    );
    for g in GROUPS {
        let rules: Vec<Rule> = Rule::ALL
            .iter()
            .copied()
            .filter(|r| group_of(*r).prefix == g.prefix)
            .collect();
        if rules.is_empty() {
            continue;
        }
        out.push_str(&format!("\n## {} ({}-*)\n\n", g.title, g.prefix));
        if !g.intro.is_empty() {
            out.push_str(g.intro);
            out.push_str("\n\n");
        }
        out.push_str("| ID | severity | what it checks |\n|---|---|---|\n");
        for r in rules {
            let (severity, text) = describe(r);
            out.push_str(&format!("| {} | {severity} | {} |\n", r.id(), cell(text)));
        }
    }
    out.push_str(POLICY);
    out
}
