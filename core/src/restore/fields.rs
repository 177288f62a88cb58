//! Which fields of a provider's answer carry text, and which of those hold JSON text (a
//! tool call's arguments), for buffered and streamed answers alike: the one place the rule is
//! written.

use serde_json::Value;

use super::token_map::Context;

/// Fields that carry streamed text (restored piece by piece).
pub(super) const DELTA_FIELDS: &[&str] = &[
    "/choices/*/delta/content",
    "/choices/*/delta/tool_calls/*/function/arguments",
    "/delta/text",
    "/delta/partial_json",
    "/delta",
];

/// Fields that carry whole text in a stream (final events): restored at once.
pub(super) const WHOLE_FIELDS: &[&str] = &[
    "/text",
    "/arguments",
    "/part/text",
    "/item/content/*/text",
    "/item/arguments",
    "/response/output/*/content/*/text",
    "/response/output/*/arguments",
    "/content_block/text",
];

/// How a value is written into the field at `pointer` of `value` (a buffered body, or one
/// event's data): JSON-escaped where the field holds JSON text (OpenAI's `arguments`,
/// Anthropic's streamed `partial_json`, the Responses API's argument deltas), as is elsewhere.
pub fn context_of(pointer: &str, value: &Value) -> Context {
    let json_text = pointer.ends_with("/arguments")
        || pointer.ends_with("/partial_json")
        || (pointer == "/delta"
            && value["type"]
                .as_str()
                .is_some_and(|t| t.contains("arguments")));
    if json_text {
        Context::JsonText
    } else {
        Context::Text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arguments_are_json_text_wherever_they_stand() {
        let none = json!({});
        for p in [
            "/choices/0/message/tool_calls/0/function/arguments",
            "/choices/0/delta/tool_calls/0/function/arguments",
            "/output/1/arguments",
            "/delta/partial_json",
        ] {
            assert_eq!(context_of(p, &none), Context::JsonText, "{p}");
        }
        let args_delta = json!({"type": "response.function_call_arguments.delta"});
        assert_eq!(context_of("/delta", &args_delta), Context::JsonText);
        let text_delta = json!({"type": "response.output_text.delta"});
        assert_eq!(context_of("/delta", &text_delta), Context::Text);
        assert_eq!(
            context_of("/choices/0/message/content", &none),
            Context::Text
        );
    }
}
