//! JSON pointer patterns (RFC 6901), extended with `*` for "any one segment", used to include
//! or exclude parts of a body. A pattern selects the value at its path and everything under it.

/// A parsed pointer pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pointer {
    segments: Vec<String>,
}

impl Pointer {
    /// Parse `"/messages/*/content"`; the empty string is the whole document.
    pub fn parse(text: &str) -> Pointer {
        let segments = if text.is_empty() {
            Vec::new()
        } else {
            text[1..]
                .split('/')
                .map(|s| s.replace("~1", "/").replace("~0", "~"))
                .collect()
        };
        Pointer { segments }
    }

    /// Whether the value at `path` is this pattern's value or under it.
    pub fn covers(&self, path: &[String]) -> bool {
        self.segments.len() <= path.len()
            && self
                .segments
                .iter()
                .zip(path)
                .all(|(p, s)| p == "*" || p == s)
    }
}

/// Render a path as an RFC 6901 pointer.
pub(crate) fn render(path: &[String]) -> String {
    let mut out = String::new();
    for s in path {
        out.push('/');
        out.push_str(&s.replace('~', "~0").replace('/', "~1"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn prefix_and_wildcards() {
        let p = Pointer::parse("/messages/*/role");
        assert!(p.covers(&path(&["messages", "3", "role"])));
        assert!(!p.covers(&path(&["messages", "3", "content"])));
        assert!(!p.covers(&path(&["messages"])));
        assert!(Pointer::parse("/tools").covers(&path(&["tools", "0", "function", "name"])));
        assert!(Pointer::parse("").covers(&path(&["x"])));
    }

    #[test]
    fn escapes_round_trip() {
        let p = Pointer::parse("/a~1b/c~0d");
        assert!(p.covers(&path(&["a/b", "c~d"])));
        assert_eq!(render(&path(&["a/b", "c~d"])), "/a~1b/c~0d");
    }
}
