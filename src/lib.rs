//! helpcenter: a static-site generator and knowledge base for customer Help Centers.
//!
//! Data flows one way: [`config`] → [`content`] (load) → [`render`] (HTML, search index) →
//! [`output`] (staging + swap) → `serve`.

pub mod build;
pub mod check;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod feedback;
pub mod init;
pub mod insights;
pub mod live;
pub mod markdown;
pub mod output;
pub mod render;
pub mod sanitize;
pub mod search;
pub mod serve;
pub mod shortcode;
pub mod slug;
pub mod text;
pub mod yaml;

pub use build::{BuildOptions, BuildReport, build};
pub use content::Site;
