//! A `SystemTime` as signed nanoseconds since 1970, for the temporary files
//! a sync or a drop keeps its files in: serde's own form refuses a time
//! before 1970 (a file can carry one), and such a file made a whole spill
//! fall back to memory. Use with `#[serde(with = "crate::time_ns")]`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::Error as _;
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serializer};

pub fn serialize<S: Serializer>(time: &SystemTime, serializer: S) -> Result<S::Ok, S::Error> {
    let ns = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_nanos()).ok(),
        Err(before) => i64::try_from(before.duration().as_nanos()).ok().map(|ns| -ns),
    };
    serializer.serialize_i64(ns.ok_or_else(|| S::Error::custom("a time more than 292 years away from 1970"))?)
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<SystemTime, D::Error> {
    let ns = i64::deserialize(deserializer)?;
    let span = Duration::from_nanos(ns.unsigned_abs());
    let time = if ns >= 0 { UNIX_EPOCH.checked_add(span) } else { UNIX_EPOCH.checked_sub(span) };
    time.ok_or_else(|| D::Error::custom("a time this computer cannot hold"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Stamped(#[serde(with = "super")] SystemTime);

    #[test]
    fn times_before_and_after_1970_come_back_to_the_nanosecond() {
        for time in [
            UNIX_EPOCH - Duration::new(86_400 * 365 * 30, 123_456_789),
            UNIX_EPOCH - Duration::from_nanos(1),
            UNIX_EPOCH,
            UNIX_EPOCH + Duration::new(1_764_567_890, 987_654_321),
        ] {
            let json = serde_json::to_string(&Stamped(time)).expect("to json");
            assert_eq!(serde_json::from_str::<Stamped>(&json).expect("from json"), Stamped(time), "{json}");
        }
        assert_eq!(serde_json::to_string(&Stamped(UNIX_EPOCH - Duration::from_secs(1))).expect("json"), "-1000000000");
        let far = UNIX_EPOCH + Duration::from_secs(400 * 365 * 86_400);
        assert!(serde_json::to_string(&Stamped(far)).is_err(), "past i64 nanoseconds: an error, not a wrong time");
    }
}
