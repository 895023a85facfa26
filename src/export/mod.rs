//! Everything that leaves the program as a file: CSV, recordings, plots.
pub mod csv;
pub mod files;
pub mod plot;
pub mod recording;
