//! Reusable widgets. Each takes documented props and owns no page data.

pub mod access;
pub mod changes;
pub mod confirm_dialog;
pub mod event_type_picker;
pub mod exchange;
pub mod field;
pub mod live;
pub mod modal;
pub mod pagination;
pub mod report_dialog;
pub mod status_badge;
pub mod success_chart;
pub mod toast;

pub use access::NotAllowed;
pub use confirm_dialog::ConfirmDialog;
pub use event_type_picker::EventTypePicker;
pub use field::Field;
pub use live::{LiveBadge, LiveState, use_live_stream};
pub use modal::Modal;
pub use pagination::Pagination;
pub use report_dialog::ReportDialog;
pub use status_badge::StatusBadge;
pub use success_chart::SuccessChart;
pub use toast::{ToastRegion, Toasts};
