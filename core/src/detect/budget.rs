//! How much text the tier-2 classifier may still read in one request.
//!
//! Tier 1 reads everything: it is linear and cheap. The classifier costs two orders of
//! magnitude more per byte, so a request's bound is explicit: windows that fit run, the rest
//! of the text gets tier 1 only, and both amounts are counted for the filter's metrics and
//! `veil scan`'s report.

/// The classifier's allowance for one request, and what it did with it. The bound is a
/// prefix: once a model run does not fit, the allowance closes and every later run is refused
/// too, so what gets tier 1 only is the oldest text (fields are read newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier2Budget {
    remaining: usize,
    closed: bool,
    /// Bytes the classifier read (overlapping windows count each time they are read).
    pub bytes_run: usize,
    /// Bytes of text it never read because the allowance was spent.
    pub bytes_skipped: usize,
}

impl Tier2Budget {
    pub fn new(max_bytes: usize) -> Self {
        Tier2Budget {
            remaining: max_bytes,
            closed: false,
            bytes_run: 0,
            bytes_skipped: 0,
        }
    }

    /// No bound (a single `Engine::detect` call outside any request).
    pub fn unlimited() -> Self {
        Tier2Budget::new(usize::MAX)
    }

    /// Take `bytes` for one model run: true means run it (counted). False closes the
    /// allowance; the caller then reports what it will not read with `skip`.
    pub fn take(&mut self, bytes: usize) -> bool {
        if self.closed || bytes > self.remaining {
            self.closed = true;
            return false;
        }
        self.remaining -= bytes;
        self.bytes_run += bytes;
        true
    }

    /// Count text that gets tier 1 only.
    pub fn skip(&mut self, bytes: usize) {
        self.bytes_skipped += bytes;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_what_fits_then_closes() {
        let mut b = Tier2Budget::new(100);
        assert!(b.take(60));
        assert!(!b.take(50));
        b.skip(50);
        assert!(!b.take(10), "closed once a run did not fit");
        b.skip(10);
        assert_eq!((b.bytes_run, b.bytes_skipped), (60, 60));
        assert!(Tier2Budget::unlimited().take(usize::MAX));
    }
}
