//! Rendering: one file per screen area, render(frame, area, &App).
