//! The model above the engine: what a run means once measured (rows, insight, report) and the
//! file formats it is kept in (CSV, recordings).
pub mod csv;
pub mod doctor;
pub mod files;
pub mod insight;
pub mod noise;
pub mod plan;
pub mod ranges;
pub mod recording;
pub mod report;
pub mod rows;
