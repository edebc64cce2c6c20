//! The editable state of the inbound webhook form (one signal per control, so changing the
//! plugin loses nothing typed), what it starts with, and how Modify saves what changed.

use super::super::options::{option_texts, options_value};
use crate::api;
use leptos::prelude::*;
use std::collections::BTreeMap;
use webhook_api::{
    InboundWebhook, InboundWebhookIn, InboundWebhookUpdate, PluginDescriptor, PluginUpdate,
    UpgradeMode,
};

/// One tag row; keyed by `id` so editing one keeps focus.
#[derive(Clone, Copy)]
pub struct TagRow {
    pub id: u64,
    pub key: RwSignal<String>,
    pub value: RwSignal<String>,
}

/// The editable state: one signal per control.
#[derive(Clone, Copy)]
pub struct Draft {
    pub name: RwSignal<String>,
    pub plugin_id: RwSignal<String>,
    pub version: RwSignal<String>,
    pub upgrade_mode: RwSignal<UpgradeMode>,
    /// By option key, kept when the plugin changes.
    pub options: RwSignal<BTreeMap<String, String>>,
    pub tags: RwSignal<Vec<TagRow>>,
    pub project_id: RwSignal<String>,
    next_row: StoredValue<u64>,
}

impl Draft {
    pub fn new(from: &InboundWebhookIn) -> Self {
        let draft = Self {
            name: RwSignal::new(from.name.clone()),
            plugin_id: RwSignal::new(from.plugin_id.clone()),
            version: RwSignal::new(from.version.clone().unwrap_or_default()),
            upgrade_mode: RwSignal::new(from.upgrade_mode),
            options: RwSignal::new(option_texts(&from.options)),
            tags: RwSignal::new(Vec::new()),
            project_id: RwSignal::new(from.project_id.clone()),
            next_row: StoredValue::new(0),
        };
        for (k, v) in &from.tags {
            draft.add_tag(k, v);
        }
        draft
    }

    pub fn add_tag(self, key: &str, value: &str) {
        let id = self.next_row.get_value();
        self.next_row.set_value(id + 1);
        let row = TagRow {
            id,
            key: RwSignal::new(key.into()),
            value: RwSignal::new(value.into()),
        };
        self.tags.update(|t| t.push(row));
    }

    /// The tags typed: rows left wholly empty are ignored; a value without a key is kept so the
    /// check can point at it.
    pub fn tag_map(self) -> (BTreeMap<String, String>, Option<String>) {
        let mut map = BTreeMap::new();
        let mut duplicate = None;
        for r in self.tags.get() {
            let (k, v) = (
                r.key.get().trim().to_string(),
                r.value.get().trim().to_string(),
            );
            if k.is_empty() && v.is_empty() {
                continue;
            }
            if map.insert(k.clone(), v).is_some() {
                duplicate.get_or_insert(k);
            }
        }
        (map, duplicate)
    }

    pub fn to_input(self, plugins: &[PluginDescriptor]) -> InboundWebhookIn {
        let plugin_id = self.plugin_id.get();
        let schema = plugins
            .iter()
            .find(|p| p.plugin_id == plugin_id)
            .map(|p| p.options.as_slice())
            .unwrap_or_default();
        InboundWebhookIn {
            name: self.name.get().trim().to_string(),
            options: self.options.with(|o| options_value(schema, o)),
            version: Some(self.version.get()).filter(|v| !v.is_empty()),
            upgrade_mode: self.upgrade_mode.get(),
            tags: self.tag_map().0,
            project_id: self.project_id.get().trim().to_string(),
            plugin_id,
        }
    }
}

/// What the form starts with: the first plugin at its newest version, or the stored webhook.
pub fn initial_input(
    plugins: &[PluginDescriptor],
    webhook: Option<&InboundWebhook>,
) -> InboundWebhookIn {
    match webhook {
        Some(w) => InboundWebhookIn {
            name: w.name.clone(),
            plugin_id: w.plugin_info.plugin_id.clone(),
            version: Some(w.plugin_info.version.clone()),
            options: w.plugin_info.options.clone(),
            upgrade_mode: w.plugin_info.upgrade_mode,
            tags: w.tags.clone(),
            project_id: w.project_id.clone(),
        },
        None => {
            let first = plugins.first();
            InboundWebhookIn {
                name: String::new(),
                plugin_id: first.map(|p| p.plugin_id.clone()).unwrap_or_default(),
                version: first.and_then(|p| p.versions.last().cloned()),
                options: serde_json::Value::Object(Default::default()),
                upgrade_mode: UpgradeMode::default(),
                tags: BTreeMap::new(),
                project_id: String::new(),
            }
        }
    }
}

/// Saves what changed of a stored webhook: name, tags and project, then the plugin's settings.
/// What the first call saved becomes the new starting point, so a retry after the second failed
/// sends only what is still unsaved.
pub async fn modify(
    id: &str,
    initial: StoredValue<InboundWebhookIn>,
    body: &InboundWebhookIn,
) -> api::Result<InboundWebhook> {
    let was = initial.get_value();
    let update = InboundWebhookUpdate {
        name: (body.name != was.name).then(|| body.name.clone()),
        tags: (body.tags != was.tags).then(|| body.tags.clone()),
        project_id: (body.project_id != was.project_id).then(|| body.project_id.clone()),
    };
    let plugin = PluginUpdate {
        version: (body.version != was.version)
            .then(|| body.version.clone())
            .flatten(),
        options: (body.options != was.options).then(|| body.options.clone()),
        upgrade_mode: (body.upgrade_mode != was.upgrade_mode).then_some(body.upgrade_mode),
    };
    let mut saved = None;
    if update != InboundWebhookUpdate::default() {
        saved = Some(api::update_inbound(id, &update).await?);
        initial.update_value(|i| {
            i.name = body.name.clone();
            i.tags = body.tags.clone();
            i.project_id = body.project_id.clone();
        });
    }
    if plugin != PluginUpdate::default() {
        saved = Some(api::update_inbound_plugin(id, &plugin).await?);
        initial.update_value(|i| {
            i.version = body.version.clone();
            i.options = body.options.clone();
            i.upgrade_mode = body.upgrade_mode;
        });
    }
    match saved {
        Some(w) => Ok(w),
        // Nothing changed: the stored webhook as it is.
        None => api::get_inbound(id).await,
    }
}
