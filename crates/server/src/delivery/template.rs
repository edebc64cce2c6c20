//! The message text of an event in the webhook's language: what people read in an IM robot's
//! message and under `msg_key` in the generic format.

use webhook_api::{EventIn, EventResult, MessageLanguage, Severity, catalog};

/// The VALIDATE message of seed 002, in English whatever the language: receivers match on it.
pub const VALIDATE_TEXT: &str = "This is a validate message.";

/// One event as a few lines of text.
pub fn event_text(lang: MessageLanguage, e: &EventIn) -> String {
    let zh = lang == MessageLanguage::ZhCn;
    let entry = catalog::find(&e.event_type);
    let title = match (entry, zh) {
        (Some(&(_, _, _, name)), true) => name,
        (Some(&(_, _, name, _)), false) => name,
        (None, _) => e.event_type.as_str(),
    };
    let severity = match (e.severity, zh) {
        (Severity::Info, false) => "INFO",
        (Severity::Warning, false) => "WARNING",
        (Severity::Critical, false) => "CRITICAL",
        (Severity::Info, true) => "通知",
        (Severity::Warning, true) => "警告",
        (Severity::Critical, true) => "严重",
    };
    let result = match (e.result, zh) {
        (EventResult::Succeed, false) => "succeeded",
        (EventResult::Failed, false) => "failed",
        (EventResult::Succeed, true) => "成功",
        (EventResult::Failed, true) => "失败",
    };
    // People know a resource by its name; the id is for machines and comes on its own line.
    let name = e
        .resource_details
        .get("name")
        .and_then(|n| n.as_str())
        .unwrap_or(&e.resource_id);
    let time = e.occurred_at.as_deref().unwrap_or("");
    // What a monitoring system called its alert (inbound webhooks' events).
    let alert = e
        .resource_details
        .get("title")
        .and_then(|t| t.as_str())
        .filter(|t| !t.is_empty())
        .map(|t| format!(": {t}"))
        .unwrap_or_default();
    let mut lines = if zh {
        vec![
            format!("[{severity}] {title}{alert}"),
            format!("资源：{} {name}", e.resource_type),
            format!("操作：{}（{result}）", e.action),
        ]
    } else {
        vec![
            format!("[{severity}] {title}{alert}"),
            format!("Resource: {} {name}", e.resource_type),
            format!("Action: {} ({result})", e.action),
        ]
    };
    if !e.resource_id.is_empty() && name != e.resource_id {
        lines.push(format!(
            "{}{}",
            if zh { "资源 ID：" } else { "Resource ID: " },
            e.resource_id
        ));
    }
    lines.push(format!("{}{time}", if zh { "时间：" } else { "Time: " }));
    if let Some(source) = &e.source {
        lines.push(format!(
            "{}{source}",
            if zh { "来源：" } else { "Source: " }
        ));
    }
    lines.join("\n")
}

/// Several events as one message: their texts, a blank line apart.
pub fn events_text(lang: MessageLanguage, events: &[&EventIn]) -> String {
    events
        .iter()
        .map(|e| event_text(lang, e))
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event() -> EventIn {
        serde_json::from_value(json!({
            "type": "host.lost_connection", "action": "lost_connection", "resource_type": "host",
            "resource_id": "h-1", "resource_details": {"name": "web-1"}, "result": "failed",
            "severity": "critical", "occurred_at": "2026-11-23T18:16:36.000Z"
        }))
        .unwrap()
    }

    #[test]
    fn english_and_chinese() {
        let en = event_text(MessageLanguage::En, &event());
        assert!(
            en.starts_with("[CRITICAL] Host lost connection\nResource: host web-1"),
            "{en}"
        );
        assert!(en.contains("Resource ID: h-1"), "{en}");
        let zh = event_text(MessageLanguage::ZhCn, &event());
        assert!(zh.starts_with("[严重] 主机失联\n资源：host web-1"), "{zh}");
        assert!(zh.contains("操作：lost_connection（失败）"), "{zh}");
    }
}
