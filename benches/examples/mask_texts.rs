//! Texts for the masking benchmark (`benches/mask_vs_presidio.py`): N distinct texts of about
//! SIZE bytes of prompt text (corpus examples between prose), one JSON line each
//! (`{"text": "..."}`), the same bytes on every run.
//!
//!     cargo run -q -p veil-benches --example mask_texts -- [N] [SIZE] > texts.jsonl

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>().ok());
    let n = args.next().flatten().unwrap_or(64);
    let size = args.next().flatten().unwrap_or(4096);
    let all = veil_benches::prompt_text(n * size);
    let mut rest = all.as_str();
    for _ in 0..n {
        let mut end = size.min(rest.len());
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let (text, tail) = rest.split_at(end);
        println!("{}", serde_json::json!({ "text": text }));
        rest = tail;
    }
}
