//! The event-type catalog: every kind of event a webhook can subscribe to, with its names in the
//! console's languages. Keys are stable identifiers stored in webhooks; names are for people.

use serde::{Deserialize, Serialize};

/// Whether an event type reports a change (events) or a condition that needs attention (alarms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum EventCategory {
    Events,
    Alarms,
}

/// One entry of the catalog as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventTypeInfo {
    /// Stable key, e.g. `host.lost_connection`.
    pub key: String,
    pub category: EventCategory,
    /// Name in English.
    pub name_en: String,
    /// Name in Simplified Chinese.
    pub name_zh: String,
}

/// A catalog entry as compiled in: (key, category, English name, Chinese name).
pub type CatalogEntry = (&'static str, EventCategory, &'static str, &'static str);

/// The catalog, in the order the console lists it.
pub const EVENT_TYPES: &[CatalogEntry] = &[
    (
        "resource.create",
        EventCategory::Events,
        "Resource created",
        "资源创建",
    ),
    (
        "resource.delete",
        EventCategory::Events,
        "Resource deleted",
        "资源删除",
    ),
    (
        "resource.update",
        EventCategory::Events,
        "Resource updated",
        "资源更新",
    ),
    (
        "config.change",
        EventCategory::Events,
        "Configuration changed",
        "配置调整",
    ),
    (
        "attribute.change",
        EventCategory::Events,
        "Attribute changed",
        "属性变更",
    ),
    (
        "password.change",
        EventCategory::Events,
        "Password changed",
        "密码修改",
    ),
    (
        "resource.sync_create",
        EventCategory::Events,
        "Resource synchronized: created",
        "资源同步新建",
    ),
    (
        "resource.sync_update",
        EventCategory::Events,
        "Resource synchronized: updated",
        "资源同步更新",
    ),
    (
        "resource.sync_delete",
        EventCategory::Events,
        "Resource synchronized: deleted",
        "资源同步删除",
    ),
    (
        "operation.failed",
        EventCategory::Events,
        "Resource operation failed",
        "资源操作失败",
    ),
    (
        "host.lost_connection",
        EventCategory::Alarms,
        "Host lost connection",
        "主机失联",
    ),
    (
        "host.recovery_timeout",
        EventCategory::Alarms,
        "Host recovery timeout",
        "主机恢复超时",
    ),
    (
        "host.recovered",
        EventCategory::Alarms,
        "Host recovered",
        "主机已恢复",
    ),
    (
        "host.cpu_high",
        EventCategory::Alarms,
        "Host CPU usage high",
        "主机 CPU 使用率过高",
    ),
    (
        "host.memory_high",
        EventCategory::Alarms,
        "Host memory usage high",
        "主机内存使用率过高",
    ),
    (
        "host.disk_full",
        EventCategory::Alarms,
        "Host disk almost full",
        "主机磁盘空间不足",
    ),
    (
        "metric.threshold",
        EventCategory::Alarms,
        "Metric threshold exceeded",
        "指标超过阈值",
    ),
    // Raised by the console itself about its webhooks.
    (
        "webhook.drill",
        EventCategory::Events,
        "Fire drill (scheduled test message)",
        "演练（定时测试消息）",
    ),
    (
        "webhook.drill_failed",
        EventCategory::Alarms,
        "Webhook fire drill failed",
        "WebHook 演练失败",
    ),
    (
        "webhook.auto_disabled",
        EventCategory::Alarms,
        "Webhook disabled after failing persistently",
        "WebHook 因持续失败被自动禁用",
    ),
    // Raised by inbound webhooks (monitoring systems posting alerts in).
    (
        "monitoring.alert",
        EventCategory::Alarms,
        "Monitoring alert firing",
        "监控告警触发",
    ),
    (
        "monitoring.recovery",
        EventCategory::Alarms,
        "Monitoring alert resolved",
        "监控告警恢复",
    ),
    (
        "monitoring.parse_error",
        EventCategory::Alarms,
        "Monitoring payload not understood",
        "监控告警无法解析",
    ),
];

/// Looks a key up in the catalog.
pub fn find(key: &str) -> Option<&'static CatalogEntry> {
    EVENT_TYPES.iter().find(|e| e.0 == key)
}

/// The whole catalog as API values.
pub fn catalog() -> Vec<EventTypeInfo> {
    EVENT_TYPES
        .iter()
        .map(|&(key, category, en, zh)| EventTypeInfo {
            key: key.into(),
            category,
            name_en: en.into(),
            name_zh: zh.into(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_dotted() {
        let mut keys: Vec<_> = EVENT_TYPES.iter().map(|e| e.0).collect();
        assert!(keys.iter().all(|k| k.contains('.') && !k.contains(' ')));
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), EVENT_TYPES.len());
    }
}
