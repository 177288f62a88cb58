//! Maps byte offsets in a field's decoded text to byte offsets in the raw body.
//!
//! Between two escapes, decoded and raw bytes correspond one to one, so the map stores only a
//! checkpoint after each escape: (decoded offset, raw offset). Fields without escapes, the
//! common case, store a single checkpoint.

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OffsetMap {
    checkpoints: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// A field whose decoded text starts at `raw_start` and has no escapes (yet).
    pub(crate) fn identity(raw_start: usize) -> Self {
        OffsetMap {
            checkpoints: vec![(0, raw_start)],
        }
    }

    /// Record that decoded offset `decoded` corresponds to raw offset `raw` (after an escape).
    pub(crate) fn checkpoint(&mut self, decoded: usize, raw: usize) {
        self.checkpoints.push((decoded, raw));
    }

    /// Raw offset of decoded offset `d`. For an offset inside an escape's decoded bytes (not a
    /// char boundary of the decoded text) the result is the escape's start.
    pub(crate) fn raw(&self, d: usize) -> usize {
        let i = self.checkpoints.partition_point(|&(dec, _)| dec <= d);
        let (dec, raw) = self.checkpoints[i.saturating_sub(1)];
        raw + (d - dec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_through_escapes() {
        // raw: a\nb  (4 bytes at raw 10..14) decodes to "a\nb" (3 bytes)
        let mut m = OffsetMap::identity(10);
        m.checkpoint(2, 13);
        assert_eq!(m.raw(0), 10);
        assert_eq!(m.raw(1), 11);
        assert_eq!(m.raw(2), 13);
        assert_eq!(m.raw(3), 14);
    }
}
