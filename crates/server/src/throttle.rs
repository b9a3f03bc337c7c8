//! Sign-in throttling, and the client address it is keyed by.
//!
//! Every sign-in attempt must first *claim* a slot from three subjects: the account at this address, the
//! address, and the account. A claim is one conditional `UPDATE … WHERE next_at <= now RETURNING`, so it
//! is atomic on SQLite and PostgreSQL alike: parallel attempts cannot pass a limit together (there is no
//! check-then-act). Each subject allows a few failures freely; from then on each failure makes the next
//! attempt wait a delay that doubles up to a small cap (a minute by default) — never a lock that keeps the
//! real user out for long. A refused attempt changes nothing, so hammering does not extend the wait. The
//! per-account limit is higher than the per-account-and-address one, so one noisy address does not hold
//! up the real user signing in from another. A successful sign-in clears the account's state.

use crate::db::{self, Db};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

/// Failures allowed freely per account at one address, per address, and per account (any address).
pub const PAIR_BUDGET: i64 = 5;
pub const ADDRESS_BUDGET: i64 = 20;
pub const ACCOUNT_BUDGET: i64 = 10;
/// Failures older than this (counted from the subject's last attempt) are forgotten.
pub const WINDOW_SECS: i64 = 15 * 60;
/// Claims start from rows that hold this time: long past.
const EPOCH: &str = "1970-01-01T00:00:00.000Z";

/// An IP network, `10.0.0.0/8` or `2001:db8::/32`; a bare address is a /32 or /128.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    prefix: u8,
}

impl std::str::FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let net: IpAddr = addr
            .trim()
            .parse()
            .map_err(|_| format!("{s:?} is not an IP address or CIDR range"))?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{s:?}: the prefix length must be 0 to {max}"))?,
        };
        Ok(Cidr {
            net: canonical(net),
            prefix,
        })
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.net, self.prefix)
    }
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.net, canonical(ip)) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// `::ffff:1.2.3.4` (an IPv4 peer of a dual-stack listener) as `1.2.3.4`.
fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

/// One `X-Forwarded-For` entry: an address, perhaps with a port (`1.2.3.4:5`, `[::1]:5`).
fn parse_hop(s: &str) -> Option<IpAddr> {
    let s = s.trim().trim_matches('"');
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Some(rest) = s.strip_prefix('[') {
        return rest
            .split_once(']')
            .and_then(|(a, _)| a.parse::<Ipv6Addr>().ok())
            .map(|a| canonical(IpAddr::V6(a)));
    }
    s.rsplit_once(':')
        .and_then(|(a, _)| a.parse::<Ipv4Addr>().ok())
        .map(IpAddr::V4)
}

/// The client's address: the peer's, unless the peer is a trusted proxy; then the right-most address of
/// `X-Forwarded-For` that is not a trusted proxy itself. Without trusted proxies the header is ignored
/// (anyone can write it).
pub fn client_ip<'a>(
    peer: Option<IpAddr>,
    forwarded_for: impl DoubleEndedIterator<Item = &'a str>,
    trusted: &[Cidr],
) -> Option<IpAddr> {
    let peer = canonical(peer?);
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return Some(peer);
    }
    let mut client = peer;
    for hop in forwarded_for.rev() {
        match parse_hop(hop) {
            Some(ip) if is_trusted(ip) => client = ip,
            Some(ip) => return Some(ip),
            // Garbage: whatever is left of it was not written by a proxy we trust.
            None => return Some(client),
        }
    }
    Some(client)
}

/// How long an attempt after `over` failures beyond the budget waits: `base`, doubling, at most `cap`.
pub fn delay_after(over: u32, base: Duration, cap: Duration) -> Duration {
    base.checked_mul(1u32.checked_shl(over.min(31)).unwrap_or(u32::MAX))
        .unwrap_or(cap)
        .min(cap)
}

fn later(d: Duration) -> String {
    db::fmt_time(time::OffsetDateTime::now_utc() + d)
}

/// The throttle's settings (from [`crate::Config`]).
#[derive(Clone, Copy, Debug)]
pub struct Delays {
    pub base: Duration,
    pub cap: Duration,
}

/// The subjects of one attempt.
pub struct Subjects {
    pub pair: String,
    pub address: String,
    pub account: String,
}

impl Subjects {
    pub fn new(email: &str, address: &str) -> Self {
        // An email longer than any real one is hashed, so the key stays small.
        let email = if email.len() > 320 {
            db::sha256_hex(email)
        } else {
            email.to_string()
        };
        Subjects {
            pair: format!("pair:{email}|{address}"),
            address: format!("address:{address}"),
            account: format!("account:{email}"),
        }
    }

    fn budgets(&self) -> [(&str, i64); 3] {
        [
            (&self.pair, PAIR_BUDGET),
            (&self.address, ADDRESS_BUDGET),
            (&self.account, ACCOUNT_BUDGET),
        ]
    }
}

/// Takes one attempt from a subject, or says it must wait. One statement, atomic.
async fn claim_one(
    db: &Db,
    subject: &str,
    budget: i64,
    delays: Delays,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "INSERT INTO sign_in_throttle (subject, failures, next_at, last_at) VALUES ($1, 0, $2, $2) \
         ON CONFLICT (subject) DO NOTHING",
    )
    .bind(subject)
    .bind(EPOCH)
    .execute(db)
    .await?;
    // The next_at for this attempt's failure count n: unchanged below the budget (moving it to this
    // request's "now" would refuse a parallel attempt whose "now" was taken a moment earlier), then base·2^(n−budget)
    // up to the cap. One WHEN per doubling; the cap is the ELSE.
    let now = db::now();
    let mut steps = Vec::new();
    let mut over = 0u32;
    loop {
        let d = delay_after(over, delays.base, delays.cap);
        if d >= delays.cap || over >= 30 {
            break;
        }
        steps.push(later(d));
        over += 1;
    }
    let n = "(CASE WHEN last_at <= $2 THEN 1 ELSE failures + 1 END)";
    let mut sql = format!(
        "UPDATE sign_in_throttle SET failures = {n}, last_at = $4, next_at = CASE WHEN {n} < $3 THEN next_at "
    );
    for (i, _) in steps.iter().enumerate() {
        sql.push_str(&format!("WHEN {n} - $3 = {i} THEN ${} ", i + 6));
    }
    sql.push_str("ELSE $5 END WHERE subject = $1 AND next_at <= $4 RETURNING failures");
    let mut q = sqlx::query(&sql)
        .bind(subject)
        .bind(db::ago_secs(WINDOW_SECS))
        .bind(budget)
        .bind(&now)
        .bind(later(delays.cap));
    for s in &steps {
        q = q.bind(s);
    }
    Ok(q.fetch_optional(db).await?.is_some())
}

/// Gives back an attempt that was not a failure (refused further on, or the password was right).
async fn release_one(db: &Db, subject: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sign_in_throttle SET failures = failures - 1 WHERE subject = $1 AND failures > 0",
    )
    .bind(subject)
    .execute(db)
    .await?;
    Ok(())
}

/// Seconds until a subject's next attempt (at least 1). A row that is gone meanwhile (a success or the
/// purge) means no wait beyond the minimum; a stored time that does not parse is an error.
async fn wait_secs(db: &Db, subject: &str) -> Result<u64, sqlx::Error> {
    let row =
        sqlx::query_as::<_, NextAtRow>("SELECT next_at FROM sign_in_throttle WHERE subject = $1")
            .bind(subject)
            .fetch_optional(db)
            .await?;
    let Some(row) = row else { return Ok(1) };
    let next =
        time::OffsetDateTime::parse(&row.next_at, &time::format_description::well_known::Rfc3339)
            .map_err(|e| sqlx::Error::Decode(format!("sign_in_throttle.next_at: {e}").into()))?;
    let secs = (next - time::OffsetDateTime::now_utc())
        .as_seconds_f64()
        .ceil();
    Ok(secs.max(1.0) as u64)
}

#[derive(sqlx::FromRow)]
struct NextAtRow {
    next_at: String,
}

/// The outcome of [`claim`].
pub enum Claim {
    /// The attempt may be verified; it counts as a failure until [`succeeded`] or [`release`].
    Granted,
    /// Wait this many seconds.
    Wait(u64),
}

/// Claims an attempt from every subject, or none of them.
pub async fn claim(db: &Db, s: &Subjects, delays: Delays) -> Result<Claim, sqlx::Error> {
    let mut taken: Vec<&str> = Vec::new();
    for (subject, budget) in s.budgets() {
        if claim_one(db, subject, budget, delays).await? {
            taken.push(subject);
            continue;
        }
        let wait = wait_secs(db, subject).await?;
        for t in taken {
            release_one(db, t).await?;
        }
        return Ok(Claim::Wait(wait));
    }
    Ok(Claim::Granted)
}

/// Gives a granted attempt back (it was never verified).
pub async fn release(db: &Db, s: &Subjects) -> Result<(), sqlx::Error> {
    for (subject, _) in s.budgets() {
        release_one(db, subject).await?;
    }
    Ok(())
}

/// The password was right: the account (at every address) starts afresh; the address only gets this
/// attempt back, so signing in to one's own account does not reset an address that guesses at others.
pub async fn succeeded(db: &Db, s: &Subjects) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sign_in_throttle WHERE subject = $1 OR subject = $2")
        .bind(&s.pair)
        .bind(&s.account)
        .execute(db)
        .await?;
    release_one(db, &s.address).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_matching() {
        let c: Cidr = "10.1.0.0/16".parse().unwrap();
        assert!(c.contains("10.1.200.3".parse().unwrap()));
        assert!(!c.contains("10.2.0.1".parse().unwrap()));
        assert!(c.contains("::ffff:10.1.0.9".parse().unwrap()));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains("8.8.8.8".parse().unwrap()));
        assert!(!all.contains("::1".parse().unwrap()));
        let one: Cidr = "::1".parse().unwrap();
        assert!(one.contains("::1".parse().unwrap()));
        let v6: Cidr = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains("2001:db8:1::5".parse().unwrap()));
        assert!(!v6.contains("2001:db9::5".parse().unwrap()));
        assert!("10.0.0.0/33".parse::<Cidr>().is_err());
        assert!("nope/8".parse::<Cidr>().is_err());
    }

    #[test]
    fn forwarded_for_only_behind_a_trusted_proxy() {
        let proxies: Vec<Cidr> = vec!["10.0.0.0/8".parse().unwrap()];
        let peer = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        // Not from a trusted proxy: the header is ignored.
        assert_eq!(
            client_ip(peer("203.0.113.9"), ["1.2.3.4"].into_iter(), &proxies),
            ip("203.0.113.9")
        );
        // From the proxy: the right-most untrusted hop (the client cannot choose it).
        assert_eq!(
            client_ip(
                peer("10.0.0.2"),
                ["6.6.6.6, 198.51.100.7", "10.0.0.3"]
                    .iter()
                    .flat_map(|h| h.split(',')),
                &proxies
            ),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_ip(
                peer("10.0.0.2"),
                ["[2001:db8::1]:443"].into_iter(),
                &proxies
            ),
            ip("2001:db8::1")
        );
        assert_eq!(
            client_ip(peer("10.0.0.2"), std::iter::empty(), &proxies),
            ip("10.0.0.2")
        );
        assert_eq!(client_ip(None, std::iter::empty(), &proxies), None);
    }

    #[test]
    fn delays_double_up_to_the_cap() {
        let (b, c) = (Duration::from_secs(1), Duration::from_secs(60));
        let d: Vec<u64> = (0..9).map(|o| delay_after(o, b, c).as_secs()).collect();
        assert_eq!(d, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(delay_after(u32::MAX, b, c), c);
    }
}
