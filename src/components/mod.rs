//! Reusable widgets. Each takes documented props and owns no page data.

pub mod confirm_dialog;
pub mod event_type_picker;
pub mod field;
pub mod pagination;
pub mod status_badge;
pub mod toast;

pub use confirm_dialog::ConfirmDialog;
pub use event_type_picker::EventTypePicker;
pub use field::Field;
pub use pagination::Pagination;
pub use status_badge::StatusBadge;
pub use toast::{ToastRegion, Toasts};
