//! One module per route.

pub mod event_log;
pub mod inbound;
pub mod login;
pub mod not_found;
pub mod settings;
pub mod subscriptions;
pub mod webhook_detail;
pub mod webhook_form;
pub mod webhook_list;

pub use event_log::EventLog;
pub use inbound::{InboundDetail, InboundEdit, InboundList, InboundNew};
pub use login::Login;
pub use not_found::NotFound;
pub use settings::Settings;
pub use subscriptions::Subscriptions;
pub use webhook_detail::WebhookDetail;
pub use webhook_form::{WebhookEdit, WebhookNew};
pub use webhook_list::WebhookList;
