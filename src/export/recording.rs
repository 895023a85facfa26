//! Recordings: JSON lines, a machine header then every engine event.
