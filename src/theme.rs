//! Light and dark themes: the choice is remembered in this browser; without one the system's
//! preference applies (through CSS).

use leptos::prelude::*;

const STORAGE_KEY: &str = "webhook-console.theme";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

/// The theme in force, provided at the root.
#[derive(Clone, Copy)]
pub struct ThemeState {
    pub theme: RwSignal<Theme>,
}

impl ThemeState {
    pub fn provide() -> Self {
        let system_dark = window()
            .match_media("(prefers-color-scheme: dark)")
            .ok()
            .flatten()
            .is_some_and(|m| m.matches());
        let initial = match crate::storage::get(STORAGE_KEY).as_deref() {
            Some("dark") => Theme::Dark,
            Some("light") => Theme::Light,
            _ if system_dark => Theme::Dark,
            _ => Theme::Light,
        };
        let theme = RwSignal::new(initial);
        Effect::new(move |prev: Option<()>| {
            let name = if theme.get() == Theme::Dark {
                "dark"
            } else {
                "light"
            };
            if let Some(html) = document().document_element() {
                let _ = html.set_attribute("data-theme", name);
            }
            // Remember only a choice the user made, not the system default.
            if prev.is_some() {
                crate::storage::set(STORAGE_KEY, name);
            }
        });
        let state = Self { theme };
        provide_context(state);
        state
    }

    pub fn expect() -> Self {
        expect_context()
    }

    pub fn toggle(self) {
        self.theme.update(|t| {
            *t = if *t == Theme::Dark {
                Theme::Light
            } else {
                Theme::Dark
            }
        });
    }
}
