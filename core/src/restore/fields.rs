//! Which fields of a provider's answer hold JSON text (a tool call's arguments, given as a
//! string of JSON) rather than text, for buffered and streamed answers alike: the one place
//! the rule is written. Which fields carry text in streams is each provider's
//! (`crate::providers`).

use serde_json::Value;

use super::token_map::Context;

/// How a value is written into the field at `pointer` of `value` (a buffered body, or one
/// event's data): JSON-escaped where the field holds JSON text (OpenAI's `arguments`,
/// Anthropic's streamed `partial_json`, Bedrock's streamed `toolUse.input`, the Responses
/// API's argument deltas), as is elsewhere. A field inside structured arguments (Anthropic's
/// and Bedrock's `input`, Gemini's `args`, Ollama's `arguments` objects) is plain text even
/// when its own name is `arguments`.
pub fn context_of(pointer: &str, value: &Value) -> Context {
    let segments: Vec<&str> = pointer.split('/').skip(1).collect();
    let Some((last, before)) = segments.split_last() else {
        return Context::Text;
    };
    let structured = |s: &&str| matches!(*s, "args" | "arguments" | "input");
    let json_text = match *last {
        "arguments" | "partial_json" => !before.iter().any(structured),
        "input" => pointer == "/delta/toolUse/input",
        "delta" => {
            before.is_empty()
                && value["type"]
                    .as_str()
                    .is_some_and(|t| t.contains("arguments"))
        }
        _ => false,
    };
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
            "/delta/toolUse/input",
        ] {
            assert_eq!(context_of(p, &none), Context::JsonText, "{p}");
        }
        let args_delta = json!({"type": "response.function_call_arguments.delta"});
        assert_eq!(context_of("/delta", &args_delta), Context::JsonText);
        let text_delta = json!({"type": "response.output_text.delta"});
        assert_eq!(context_of("/delta", &text_delta), Context::Text);
        for p in [
            "/choices/0/message/content",
            "/content/1/input/arguments",
            "/candidates/0/content/parts/0/functionCall/args/arguments",
            "/message/tool_calls/0/function/arguments/arguments",
            "/output/message/content/1/toolUse/input/email",
        ] {
            assert_eq!(context_of(p, &none), Context::Text, "{p}");
        }
    }
}
