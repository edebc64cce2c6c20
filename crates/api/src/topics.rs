//! Subscription topics shipped with the product (seed 002's message-subscription settings): each a
//! named group of catalog event types with a resource-type scope and severities. Ids are stable
//! (stored with the settings and in every delivery a topic routed); names are for people.

use crate::catalog::EventCategory;
use crate::{EventIn, Severity};

/// A topic as compiled in: what it is and its default filter. Admins may change the filter
/// (`PUT /subscriptions/{id}`); the defaults stay here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicDef {
    /// Stable id, e.g. `resource.lifecycle`.
    pub id: &'static str,
    pub category: EventCategory,
    pub name_en: &'static str,
    pub name_zh: &'static str,
    /// Catalog keys (`crate::catalog`).
    pub event_types: &'static [&'static str],
    /// Resource types the topic covers; empty means any.
    pub resource_types: &'static [&'static str],
    pub severities: &'static [Severity],
}

const ALL_SEVERITIES: &[Severity] = &[Severity::Info, Severity::Warning, Severity::Critical];
const ATTENTION: &[Severity] = &[Severity::Warning, Severity::Critical];

/// The shipped topics, in the order the console lists them.
pub const TOPICS: &[TopicDef] = &[
    TopicDef {
        id: "resource.lifecycle",
        category: EventCategory::Events,
        name_en: "Resource creation and deletion",
        name_zh: "资源创建和删除",
        event_types: &["resource.create", "resource.delete"],
        resource_types: &[],
        severities: ALL_SEVERITIES,
    },
    TopicDef {
        id: "resource.config",
        category: EventCategory::Events,
        name_en: "Resource configuration adjustment",
        name_zh: "资源配置调整",
        event_types: &["config.change"],
        resource_types: &[],
        severities: ALL_SEVERITIES,
    },
    TopicDef {
        id: "resource.attributes",
        category: EventCategory::Events,
        name_en: "Resource attribute changes (including password changes)",
        name_zh: "资源属性变更（包括密码修改）",
        event_types: &["attribute.change", "password.change", "resource.update"],
        resource_types: &[],
        severities: ALL_SEVERITIES,
    },
    TopicDef {
        id: "resource.sync",
        category: EventCategory::Events,
        name_en: "Resource synchronization",
        name_zh: "资源同步",
        event_types: &[
            "resource.sync_create",
            "resource.sync_update",
            "resource.sync_delete",
        ],
        resource_types: &[],
        severities: ALL_SEVERITIES,
    },
    TopicDef {
        id: "resource.failure",
        category: EventCategory::Events,
        name_en: "Resource operation failure",
        name_zh: "资源操作失败",
        event_types: &["operation.failed"],
        resource_types: &[],
        severities: ALL_SEVERITIES,
    },
    TopicDef {
        id: "alarm.host_lost_connection",
        category: EventCategory::Alarms,
        name_en: "Host lost connection",
        name_zh: "主机失联",
        event_types: &["host.lost_connection"],
        resource_types: &["host"],
        severities: ATTENTION,
    },
    TopicDef {
        id: "alarm.host_recovery_timeout",
        category: EventCategory::Alarms,
        name_en: "Host recovery timeout",
        name_zh: "主机恢复超时",
        event_types: &["host.recovery_timeout"],
        resource_types: &["host"],
        severities: ATTENTION,
    },
    TopicDef {
        id: "alarm.host_recovered",
        category: EventCategory::Alarms,
        name_en: "Host recovered",
        name_zh: "主机已恢复",
        event_types: &["host.recovered"],
        resource_types: &["host"],
        severities: ALL_SEVERITIES,
    },
    TopicDef {
        id: "alarm.host_usage",
        category: EventCategory::Alarms,
        name_en: "Host resource usage (CPU, memory, disk)",
        name_zh: "主机资源使用率（CPU、内存、磁盘）",
        event_types: &["host.cpu_high", "host.memory_high", "host.disk_full"],
        resource_types: &["host"],
        severities: ATTENTION,
    },
    TopicDef {
        id: "alarm.metric_threshold",
        category: EventCategory::Alarms,
        name_en: "Metric threshold exceeded",
        name_zh: "指标超过阈值",
        event_types: &["metric.threshold"],
        resource_types: &[],
        severities: ATTENTION,
    },
    TopicDef {
        id: "alarm.webhook_health",
        category: EventCategory::Alarms,
        name_en: "Webhook health (failed fire drills, auto-disabled webhooks)",
        name_zh: "WebHook 健康（演练失败、自动禁用）",
        event_types: &["webhook.drill_failed", "webhook.auto_disabled"],
        resource_types: &[],
        severities: ALL_SEVERITIES,
    },
    TopicDef {
        id: "alarm.monitoring",
        category: EventCategory::Alarms,
        name_en: "Monitoring alerts (inbound webhooks)",
        name_zh: "监控告警（接入 WebHook）",
        event_types: &[
            "monitoring.alert",
            "monitoring.recovery",
            "monitoring.parse_error",
        ],
        resource_types: &[],
        severities: ALL_SEVERITIES,
    },
];

/// Looks a topic up by id.
pub fn find(id: &str) -> Option<&'static TopicDef> {
    TOPICS.iter().find(|t| t.id == id)
}

/// A topic's filter as in force: the shipped defaults or what an admin set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicFilter {
    pub event_types: Vec<String>,
    /// Empty means any resource type.
    pub resource_types: Vec<String>,
    pub severities: Vec<Severity>,
}

impl TopicFilter {
    /// Whether an event belongs to the topic: its type is one of the topic's event types, its
    /// resource type is in scope (or the scope is empty), and its severity is one of the topic's.
    pub fn matches(&self, e: &EventIn) -> bool {
        self.event_types.contains(&e.event_type)
            && (self.resource_types.is_empty() || self.resource_types.contains(&e.resource_type))
            && self.severities.contains(&e.severity)
    }
}

impl TopicDef {
    /// The shipped filter.
    pub fn default_filter(&self) -> TopicFilter {
        TopicFilter {
            event_types: self.event_types.iter().map(|s| s.to_string()).collect(),
            resource_types: self.resource_types.iter().map(|s| s.to_string()).collect(),
            severities: self.severities.to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;

    #[test]
    fn ids_are_unique_and_event_types_are_in_the_catalog() {
        let mut ids: Vec<_> = TOPICS.iter().map(|t| t.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), TOPICS.len());
        for t in TOPICS {
            assert!(
                !t.event_types.is_empty() && !t.severities.is_empty(),
                "{}",
                t.id
            );
            for k in t.event_types {
                let entry = catalog::find(k).unwrap_or_else(|| panic!("{}: {k}", t.id));
                assert_eq!(entry.1, t.category, "{}: {k}", t.id);
            }
            assert!(!t.name_en.is_empty() && !t.name_zh.is_empty());
        }
    }

    #[test]
    fn seed_topics_are_shipped() {
        for id in [
            "resource.lifecycle",
            "resource.config",
            "resource.attributes",
            "resource.sync",
            "resource.failure",
            "alarm.host_lost_connection",
            "alarm.host_recovery_timeout",
        ] {
            assert!(find(id).is_some(), "{id}");
        }
        assert!(find("resource.sync").unwrap().event_types.len() == 3);
    }

    #[test]
    fn matching_checks_type_scope_and_severity() {
        let filter = find("alarm.host_lost_connection").unwrap().default_filter();
        let mut e: EventIn = serde_json::from_value(serde_json::json!({
            "type": "host.lost_connection", "action": "lost_connection",
            "resource_type": "host", "severity": "critical",
        }))
        .unwrap();
        assert!(filter.matches(&e));
        e.resource_type = "server".into();
        assert!(!filter.matches(&e), "out of scope");
        e.resource_type = "host".into();
        e.severity = Severity::Info;
        assert!(!filter.matches(&e), "severity");
        e.severity = Severity::Warning;
        e.event_type = "host.recovered".into();
        assert!(!filter.matches(&e), "type");
        let any_scope = find("resource.lifecycle").unwrap().default_filter();
        e.event_type = "resource.create".into();
        e.resource_type = "disk".into();
        assert!(any_scope.matches(&e));
    }
}
