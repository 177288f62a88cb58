//! The table "What is scanned" in docs/filter.md, walked: for each provider shape a sample
//! body carries every field the table names; each must be scanned or left alone as the table
//! says, and every field the samples have scanned must be in the table.

use std::collections::BTreeSet;

use serde_json::{json, Value};
use veil_core::body::{BodyKind, Document};
use veil_core::config::JsonScanConfig;
use veil_testkit::markdown::table_under;

fn sample(shape: &str) -> Value {
    match shape {
        "OpenAI chat" => json!({
            "model": "gpt-4o", "seed": 1234567890, "user": "user-jane",
            "metadata": {"customer": "Jane Roe"},
            "messages": [
                {"role": "system", "content": "You help Jane Roe."},
                {"role": "user", "name": "jane", "content": [
                    {"type": "text", "text": "Mail jane@corp.com"},
                    {"type": "image_url", "image_url": {"url": "https://img.example/a.png"}},
                    {"type": "file", "file": {"filename": "jane-roe-cv.pdf", "file_data": "JVBERi0x", "file_id": "file-1"}},
                    {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}]},
                {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
                    "function": {"name": "lookup", "arguments": "{\"email\": \"jane@corp.com\"}"}}]},
                {"role": "tool", "tool_call_id": "call_1", "content": "Jane Roe, 4111 1111 1111 1111"}],
            "tools": [{"type": "function", "function": {"name": "lookup", "description": "Find a customer", "parameters": {"type": "object"}}}]
        }),
        "OpenAI Responses" => json!({
            "model": "gpt-4.1", "instructions": "You help Jane Roe.", "max_output_tokens": 500, "user": "jane-42",
            "input": [
                {"role": "user", "content": [
                    {"type": "input_text", "text": "Mail jane@corp.com"},
                    {"type": "input_image", "image_url": "https://img.example/a.png"}]},
                {"type": "function_call", "call_id": "call_1", "name": "lookup", "arguments": "{\"email\": \"jane@corp.com\"}"},
                {"type": "function_call_output", "call_id": "call_1", "output": "Jane Roe, 4111 1111 1111 1111"}]
        }),
        "Anthropic" => json!({
            "model": "claude-x", "max_tokens": 1024,
            "system": [{"type": "text", "text": "You help Jane Roe."}],
            "metadata": {"user_id": "jane-42"},
            "messages": [
                {"role": "user", "content": [
                    {"type": "text", "text": "Summarise this for Jane Roe"},
                    {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "Patient Jane Roe, SSN 078-05-1120"}},
                    {"type": "document", "source": {"type": "content", "content": [{"type": "text", "text": "Jane Roe's notes"}]}},
                    {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}}]},
                {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {"email": "jane@corp.com"}}]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1",
                    "content": [{"type": "text", "text": "Jane Roe, 4111 1111 1111 1111"}]}]}]
        }),
        "Gemini" => json!({
            "systemInstruction": {"parts": [{"text": "You help Jane Roe."}]},
            "contents": [
                {"role": "user", "parts": [
                    {"text": "Mail jane@corp.com"},
                    {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}},
                    {"fileData": {"mimeType": "application/pdf", "fileUri": "gs://bucket/jane-roe.pdf"}}]},
                {"role": "model", "parts": [{"functionCall": {"name": "lookup", "args": {"email": "jane@corp.com"}}}]},
                {"role": "user", "parts": [{"functionResponse": {"name": "lookup", "response": {"result": "Jane Roe, 4111 1111 1111 1111"}}}]}],
            "tools": [{"functionDeclarations": [{"name": "lookup", "description": "Find a customer"}]}],
            "generationConfig": {"temperature": 0.2, "responseMimeType": "text/plain"}
        }),
        "Bedrock Converse" => json!({
            "system": [{"text": "You help Jane Roe."}],
            "messages": [
                {"role": "user", "content": [
                    {"text": "Mail jane@corp.com"},
                    {"document": {"format": "txt", "name": "jane-roe-notes", "source": {"bytes": "SmFuZSBSb2U="}}},
                    {"image": {"format": "png", "source": {"bytes": "iVBORw0KGgo="}}}]},
                {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": "lookup", "input": {"email": "jane@corp.com"}}}]},
                {"role": "user", "content": [{"toolResult": {"toolUseId": "t1", "status": "success",
                    "content": [{"text": "Jane Roe, 4111 1111 1111 1111"}]}}]}],
            "inferenceConfig": {"maxTokens": 512},
            "toolConfig": {"tools": [{"toolSpec": {"name": "lookup", "description": "Find a customer"}}]}
        }),
        "Ollama chat" => json!({
            "model": "llama3.2", "keep_alive": "5m", "options": {"stop": ["User:"]},
            "messages": [
                {"role": "system", "content": "You help Jane Roe."},
                {"role": "user", "content": "Who is in this photo? jane@corp.com", "images": ["iVBORw0KGgo="]}]
        }),
        "Ollama generate" => json!({
            "model": "llama3.2", "prompt": "Mail jane@corp.com", "system": "You help Jane Roe.",
            "images": ["iVBORw0KGgo="], "template": "{{ .Prompt }}", "keep_alive": "5m"
        }),
        "OpenAI completions" => json!({
            "model": "gpt-3.5-turbo-instruct", "prompt": "Mail jane@corp.com", "suffix": "Regards, Jane Roe", "user": "jane-42"
        }),
        "Embeddings" => json!({
            "model": "text-embedding-3-small", "input": ["Jane Roe lives at jane@corp.com"], "encoding_format": "float"
        }),
        "any other JSON" => {
            json!({"customer": {"email": "jane@corp.com", "card": 4111111111111111u64, "count": 3}})
        }
        other => panic!("no sample for the shape {other:?}"),
    }
}

/// The path a request of this shape is sent to (`None`: recognised by its keys).
fn path(shape: &str) -> Option<&'static str> {
    match shape {
        "Gemini" => Some("/v1beta/models/gemini-2.0-flash:generateContent"),
        "Bedrock Converse" => Some("/model/amazon.nova-lite-v1:0/converse"),
        "Ollama chat" => Some("/api/chat"),
        "Ollama generate" => Some("/api/generate"),
        "OpenAI completions" => Some("/v1/completions"),
        "Embeddings" => Some("/v1/embeddings"),
        _ => None,
    }
}

/// (shape, pointer, scanned) rows of the table.
fn table() -> Vec<(String, String, bool)> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/filter.md"))
        .expect("docs/filter.md");
    table_under(&doc, "## What is scanned")
        .into_iter()
        .map(|cells| {
            let pointer = cells[1].split('`').nth(1).expect("a pointer in backticks");
            let scanned = match cells[2].as_str() {
                "yes" => true,
                "no" => false,
                other => panic!("scanned is yes or no, not {other:?}"),
            };
            (cells[0].clone(), pointer.to_string(), scanned)
        })
        .collect()
}

#[test]
fn the_table_of_scanned_fields_holds_for_every_shape() {
    let rows = table();
    assert!(rows.len() > 40, "the table has its rows");
    let shapes: BTreeSet<&str> = rows.iter().map(|(s, _, _)| s.as_str()).collect();
    for shape in shapes {
        let body = sample(shape);
        let raw = body.to_string();
        let doc = Document::parse_for(
            raw.as_bytes(),
            BodyKind::Json,
            &JsonScanConfig::default(),
            path(shape),
        )
        .expect("the sample parses");
        let scanned: BTreeSet<&str> = doc.fields().iter().map(|f| f.pointer.as_str()).collect();
        let listed: BTreeSet<&str> = rows
            .iter()
            .filter(|(s, _, _)| s == shape)
            .map(|(_, p, _)| p.as_str())
            .collect();
        for (_, pointer, want) in rows.iter().filter(|(s, _, _)| s == shape) {
            let at = body.pointer(pointer);
            assert!(
                at.is_some_and(|v| v.is_string() || v.is_number()),
                "{shape}: the sample has no text or number at {pointer}"
            );
            assert_eq!(
                scanned.contains(pointer.as_str()),
                *want,
                "{shape}: {pointer}"
            );
        }
        let unlisted: Vec<&&str> = scanned.difference(&listed).collect();
        assert!(
            unlisted.is_empty(),
            "{shape}: scanned but not in the table: {unlisted:?}"
        );
    }
}
