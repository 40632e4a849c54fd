//! A bandwidth limit every transfer passes through: a token bucket over the
//! bytes sent (a put's or a part's body, chunk by chunk as the S3 backend
//! streams it; a backend that writes a body whole is paced after it) and
//! the bytes received (a read's body, taken as each chunk arrives, so the
//! server is slowed by the connection's own back pressure). The limit is
//! rclone's `--bwlimit` language: `10M`, `512k`, `off`, `10M:1M` (up:down),
//! or a timetable `"08:00,5M 19:00,off"`; it can change while bytes flow.

use std::fmt;
use std::future::Future;
use std::str::FromStr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use futures::StreamExt;
use tokio::time::Instant;

use super::body::BodyWatch;
use super::{Layer, Layered, Op};
use crate::{GetResult, ObjectStore, Result};

/// Which way bytes go; each way has its own bucket, as in rclone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

/// Bytes per second each way; `None` is no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rates {
    pub up: Option<u64>,
    pub down: Option<u64>,
}

impl Rates {
    fn of(&self, direction: Direction) -> Option<u64> {
        match direction {
            Direction::Up => self.up,
            Direction::Down => self.down,
        }
    }
}

/// A limit as a person writes it: one rate pair, or a timetable of them by
/// the local time of day.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BandwidthLimit {
    /// (minute of the day, rates from then on), ascending; one entry at
    /// minute 0 without a time for a plain limit; empty for no limit.
    slots: Vec<(Option<u16>, Rates)>,
}

impl BandwidthLimit {
    pub fn off() -> Self {
        Self::default()
    }

    pub fn is_off(&self) -> bool {
        self.slots.iter().all(|(_, r)| *r == Rates::default())
    }

    /// The rates at `minute` of the day: the last slot that started at or
    /// before it, else the day's last slot (it runs on past midnight).
    pub fn rates_at(&self, minute: u16) -> Rates {
        let started = self.slots.iter().rev().find(|(at, _)| at.unwrap_or(0) <= minute);
        started.or(self.slots.last()).map(|(_, rates)| *rates).unwrap_or_default()
    }

    /// The rates now, by this computer's clock.
    pub fn rates_now(&self) -> Rates {
        if self.slots.len() < 2 {
            return self.slots.first().map(|(_, r)| *r).unwrap_or_default();
        }
        use chrono::Timelike;
        let now = chrono::Local::now();
        self.rates_at(u16::try_from(now.hour() * 60 + now.minute()).unwrap_or(0))
    }
}

impl FromStr for BandwidthLimit {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() || text.eq_ignore_ascii_case("off") {
            return Ok(Self::off());
        }
        if !text.contains(',') {
            return Ok(Self { slots: vec![(None, parse_rates(text)?)] });
        }
        let mut slots = Vec::new();
        for entry in text.split_whitespace() {
            let (at, rates) =
                entry.split_once(',').ok_or_else(|| format!("\"{entry}\" needs a time and a rate, as in 08:00,5M."))?;
            let minute = parse_time(at)?;
            if slots.iter().any(|(m, _)| *m == Some(minute)) {
                return Err(format!("{at} appears twice in the timetable."));
            }
            slots.push((Some(minute), parse_rates(rates)?));
        }
        slots.sort_by_key(|(m, _)| *m);
        Ok(Self { slots })
    }
}

impl fmt::Display for BandwidthLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_off() {
            return f.write_str("off");
        }
        let mut first = true;
        for (at, rates) in &self.slots {
            if !first {
                f.write_str(" ")?;
            }
            first = false;
            if let Some(minute) = at {
                write!(f, "{:02}:{:02},", minute / 60, minute % 60)?;
            }
            if rates.up == rates.down {
                f.write_str(&rate_text(rates.up))?;
            } else {
                write!(f, "{}:{}", rate_text(rates.up), rate_text(rates.down))?;
            }
        }
        Ok(())
    }
}

/// `10M`, `512k`, `1.5M`, `off`; a bare number is KiB/s, as in rclone.
fn parse_rate(text: &str) -> Result<Option<u64>, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let bad = || format!("\"{text}\" is not a rate: write it as 10M, 512k or off.");
    let bare = text.strip_suffix("/s").unwrap_or(text);
    let split = bare.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(bare.len());
    let (number, unit) = bare.split_at(split);
    let scale: u64 = match unit.to_ascii_lowercase().as_str() {
        "b" => 1,
        "" | "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(bad()),
    };
    let value: f64 = number.parse().map_err(|_| bad())?;
    let bytes = (value * scale as f64).round();
    if !(1.0..=1e15).contains(&bytes) {
        return Err(format!("\"{text}\" is not a usable rate: it must be at least 1 byte per second."));
    }
    Ok(Some(bytes as u64))
}

/// `10M` for both ways, `10M:1M` for up:down.
fn parse_rates(text: &str) -> Result<Rates, String> {
    match text.split_once(':') {
        Some((up, down)) => Ok(Rates { up: parse_rate(up)?, down: parse_rate(down)? }),
        None => {
            let rate = parse_rate(text)?;
            Ok(Rates { up: rate, down: rate })
        }
    }
}

fn parse_time(text: &str) -> Result<u16, String> {
    let bad = || format!("\"{text}\" is not a time of day: write it as 08:00 (weekdays are not supported).");
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// A rate as it reads back: whole MiB or KiB when it is one, else bytes.
fn rate_text(rate: Option<u64>) -> String {
    match rate {
        None => "off".into(),
        Some(r) if r % (1 << 20) == 0 => format!("{}M", r >> 20),
        Some(r) if r % (1 << 10) == 0 => format!("{}k", r >> 10),
        Some(r) => format!("{r}B"),
    }
}

/// A limit in force, shared by everything that passes through it (the
/// whole app, or one transfer). Clones share it; [`Throttle::set`] changes
/// it for the bytes still to go, waiters included.
#[derive(Debug, Clone, Default)]
pub struct Throttle(Arc<Shared>);

#[derive(Debug, Default)]
struct Shared {
    limit: RwLock<BandwidthLimit>,
    /// When each direction's bucket is next free (reservations so far).
    next_free: Mutex<[Option<Instant>; 2]>,
    /// Bumped on every change, so waiters reserve again at the new rate.
    changed: tokio::sync::Notify,
}

impl Throttle {
    pub fn new(limit: BandwidthLimit) -> Self {
        let throttle = Self::default();
        throttle.set(limit);
        throttle
    }

    pub fn limit(&self) -> BandwidthLimit {
        self.0.limit.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn set(&self, limit: BandwidthLimit) {
        *self.0.limit.write().unwrap_or_else(|e| e.into_inner()) = limit;
        *self.0.next_free.lock().unwrap_or_else(|e| e.into_inner()) = [None, None];
        self.0.changed.notify_waiters();
    }

    /// Waits until `bytes` more have gone `direction` at the limit: each
    /// reservation starts where the last one ends and is waited out to its
    /// end, so over any stretch (a single small file too) the rate is the limit.
    pub async fn take(&self, direction: Direction, bytes: u64) {
        loop {
            let changed = self.0.changed.notified();
            let Some(rate) = self.limit().rates_now().of(direction) else { return };
            let end = {
                let mut next_free = self.0.next_free.lock().unwrap_or_else(|e| e.into_inner());
                let slot = &mut next_free[direction as usize];
                let now = Instant::now();
                let start = slot.map_or(now, |free| free.max(now));
                let end = start + Duration::from_secs_f64(bytes as f64 / rate as f64);
                *slot = Some(end);
                end
            };
            tokio::select! {
                () = tokio::time::sleep_until(end) => return,
                () = changed => {}
            }
        }
    }
}

/// Waits until `bytes` more may go `direction` through every throttle.
pub(crate) async fn take_all(throttles: &[Throttle], direction: Direction, bytes: u64) {
    for throttle in throttles {
        throttle.take(direction, bytes).await;
    }
}

/// The layer: every body through `inner` takes its bytes from each throttle
/// (the app's and the transfer's; the tighter one sets the pace).
#[derive(Debug, Clone)]
pub struct Throttled {
    throttles: Vec<Throttle>,
}

impl Throttled {
    pub fn wrap(inner: Arc<dyn ObjectStore>, throttles: Vec<Throttle>) -> Layered<Self> {
        Layered::new(inner, Self { throttles })
    }
}

impl Layer for Throttled {
    async fn around<T, F, Fut>(&self, _op: Op, sent: u64, mut call: F) -> Result<T>
    where
        T: Send,
        F: FnMut() -> Fut + Send,
        Fut: Future<Output = Result<T>> + Send,
    {
        if sent == 0 || self.throttles.is_empty() {
            return call().await;
        }
        let (result, streamed) = BodyWatch::paced(&self.throttles, call()).await;
        // A backend that wrote the body whole (a folder, memory): its bytes count now.
        if !streamed {
            take_all(&self.throttles, Direction::Up, sent).await;
        }
        result
    }

    async fn get_through<F, Fut>(&self, mut call: F) -> Result<GetResult>
    where
        F: FnMut() -> Fut + Send,
        Fut: Future<Output = Result<GetResult>> + Send,
    {
        let got = call().await?;
        let throttles = self.throttles.clone();
        let body = got.body.then(move |chunk| {
            let throttles = throttles.clone();
            async move {
                if let Ok(bytes) = &chunk {
                    take_all(&throttles, Direction::Down, bytes.len() as u64).await;
                }
                chunk
            }
        });
        Ok(GetResult { info: got.info, body: body.boxed() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(text: &str) -> BandwidthLimit {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn rates_read_as_rclone_writes_them() {
        assert_eq!(limit("10M").rates_at(0), Rates { up: Some(10 << 20), down: Some(10 << 20) });
        assert_eq!(limit("512k").rates_at(0).up, Some(512 << 10));
        assert_eq!(limit("100").rates_at(0).up, Some(100 << 10), "a bare number is KiB/s");
        assert_eq!(limit("1.5M").rates_at(0).up, Some(3 << 19));
        assert_eq!(limit("10MiB/s").rates_at(0).up, Some(10 << 20));
        assert_eq!(limit("10M:off").rates_at(0), Rates { up: Some(10 << 20), down: None });
        assert!(limit("off").is_off());
        assert!(limit("").is_off());
        for bad in ["ten", "10X", "0", "-5M", "08:00,5M 25:00,off", "08:00 5M", "Mon-08:00,5M"] {
            assert!(bad.parse::<BandwidthLimit>().is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn a_timetable_follows_the_clock_and_wraps_past_midnight() {
        let t = limit("08:00,5M 19:00,off");
        assert_eq!(t.rates_at(8 * 60).up, Some(5 << 20));
        assert_eq!(t.rates_at(18 * 60 + 59).up, Some(5 << 20));
        assert_eq!(t.rates_at(19 * 60).up, None);
        assert_eq!(t.rates_at(3 * 60).up, None, "before 08:00 the evening's rate still holds");
        assert_eq!(limit("19:00,off 08:00,5M").to_string(), "08:00,5M 19:00,off");
    }

    #[test]
    fn a_limit_reads_back_as_written() {
        for text in ["10M", "512k", "off", "10M:1M", "08:00,5M 19:00,off", "1000B"] {
            assert_eq!(limit(text).to_string(), text);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn bytes_go_at_the_limit() {
        let throttle = Throttle::new(limit("10M"));
        let start = Instant::now();
        for _ in 0..101 {
            throttle.take(Direction::Up, 1 << 20).await;
        }
        // 101 MiB at 10 MiB/s, the first one included.
        assert_eq!(start.elapsed().as_millis(), 10_100);
        // The other direction has its own bucket: a MiB down takes its own 0.1 s.
        let down = Instant::now();
        throttle.take(Direction::Down, 1 << 20).await;
        assert_eq!(down.elapsed().as_millis(), 100);
    }

    #[tokio::test(start_paused = true)]
    async fn a_change_reaches_the_waiters() {
        let throttle = Throttle::new(limit("1k"));
        let waiting = tokio::spawn({
            let throttle = throttle.clone();
            async move {
                let start = Instant::now();
                throttle.take(Direction::Up, 1 << 20).await;
                start.elapsed()
            }
        });
        tokio::time::sleep(Duration::from_secs(1)).await;
        throttle.set(BandwidthLimit::off());
        let waited = waiting.await.unwrap_or_default();
        assert_eq!(waited.as_secs(), 1, "lifting the limit lets a waiting request go at once");
    }
}
