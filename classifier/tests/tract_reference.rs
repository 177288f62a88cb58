//! The hand-written encoder (`src/encoder.rs`) computes what tract computes from the NNEF
//! graph the pipeline exported (`model/encoder.nnef.tar`, converted from the ONNX model by
//! tract's own tools), on the golden texts.

use tract_nnef::prelude::*;
use veil_classifier::encoder::{LABELS, WIDTH};
use veil_classifier::features;

#[test]
fn encoder_matches_tract_on_the_exported_graph() {
    let tract = tract_nnef::nnef()
        .model_for_read(&mut &include_bytes!("../model/encoder.nnef.tar")[..])
        .and_then(|m| m.into_optimized())
        .and_then(|m| m.into_runnable())
        .expect("the NNEF graph loads in tract");
    let model = veil_classifier::model::shared().unwrap();
    let mut compared = 0;
    for line in include_str!("../model/golden.jsonl").lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = row["text"].as_str().unwrap();
        let ids: Vec<[u32; features::IDS_PER_TOKEN]> = features::tokenize(text)
            .into_iter()
            .map(|r| features::token_ids(&text[r], Some(&model.lexicon)))
            .collect();
        let t = ids.len();
        if t == 0 {
            continue;
        }
        // tract's graph is channel-major: [1, WIDTH, T] in, [1, LABELS, T] out.
        let x = model.embed(&ids);
        let mut ncw = vec![0f32; WIDTH * t];
        for pos in 0..t {
            for c in 0..WIDTH {
                ncw[c * t + pos] = x[pos * WIDTH + c];
            }
        }
        let input = Tensor::from_shape(&[1, WIDTH, t], &ncw).unwrap();
        let out = tract.run(tvec!(input.into_tvalue())).unwrap();
        let want = out[0].to_plain_array_view::<f32>().unwrap();
        let want = want.as_slice().unwrap();
        let got = model.logits(&ids);
        for (pos, logits) in got.iter().enumerate() {
            for label in 0..LABELS {
                let (a, b) = (logits[label], want[label * t + pos]);
                assert!(
                    (a - b).abs() < 1e-3,
                    "{text:?} token {pos} label {label}: {a} vs {b}"
                );
            }
        }
        compared += t;
    }
    assert!(compared > 1000, "compared {compared} tokens");
}
