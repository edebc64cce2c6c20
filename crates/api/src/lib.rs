//! The REST contract of Webhook Console, shared by the console (wasm) and the server: every type
//! that crosses the wire, the validation rules both sides run, the error body and the event-type
//! catalog. serde only, so the console can use it at no cost in size.

pub mod auth;
pub mod catalog;
pub mod delivery;
pub mod drill;
pub mod error;
pub mod event;
pub mod event_log;
pub mod format;
pub mod history;
pub mod inbound;
pub mod notice;
pub mod pause;
pub mod query;
pub mod search;
pub mod subscription;
pub mod topics;
pub mod validate;
pub mod webhook;
pub mod whole;

pub use auth::*;
pub use catalog::{EVENT_TYPES, EventCategory, EventTypeInfo};
pub use delivery::*;
pub use drill::*;
pub use error::{ErrorBody, ErrorDetail, FieldErrors};
pub use event::*;
pub use event_log::*;
pub use format::{DEFAULT_MSG_KEY, PayloadFormat};
pub use history::{ChangeDescription, WebhookVersion};
pub use inbound::*;
pub use notice::*;
pub use pause::*;
pub use query::*;
pub use search::*;
pub use subscription::*;
pub use topics::{TOPICS, TopicDef, TopicFilter};
pub use validate::{FieldError, Lang};
pub use webhook::*;

/// The path every REST route lives under.
pub const API_PREFIX: &str = "/api/v1";
